"""More of the page in Firefox and WebKit (see test_engines.py for the drivers): a picked video
file, `<blazepose-view>`, the same landmarks as the CPython runner on the same frames, and a
phone-sized viewport; every page here under the site's Content-Security-Policy with a
`report-uri`, so that a violation anywhere (page, worker, frame) reaches the test's server."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from blazepose.tracker import PoseTracker, TrackerOptions
from blazepose_tools.driver import track_frame
from blazepose_tools.onnx_backend import OnnxBackend
from blazepose_tools.pck import Agreement
from blazepose_tools.site_headers import CSP, HEADERS_FILE, read_headers_file
from blazepose_tools.static_server import serve_in_background
from engines import EnginePage, EngineUnavailable, again_after_a_crash, relaunching, wait_for
from PIL import Image
from playwright.sync_api import Browser
from test_engines import COLLECT_POSES, ENGINES, FAILED, STATE, TRACKING_S, on_person, open_page
from test_support_table import read_table, write_table

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "static" / "sample" / "sample.mp4"  # 360 x 640
REPORTS = "/__csp-report"
PHONE = (390, 844)  # CSS pixels of a current phone (iPhone 14 / 15)
# Set to a folder (docs/) to keep each engine's phone-sized screenshot there.
SCREENSHOTS = os.environ.get("BLAZEPOSE_SCREENSHOTS")


@pytest.fixture(scope="module")
def reporting_site(dist_dir: Path, parity_frames, tmp_path_factory: pytest.TempPathFactory):
    """dist/ (no service worker: every request reaches the server) and the parity frames, served
    with the site's headers, its policy plus `report-uri`; yields (url, reports received)."""
    folder = tmp_path_factory.mktemp("reporting")
    for entry in dist_dir.iterdir():
        if entry.name not in ("service-worker.js", HEADERS_FILE):
            (folder / entry.name).symlink_to(entry)
    headers = read_headers_file(dist_dir / HEADERS_FILE)
    headers[CSP] += f"; report-uri {REPORTS}"
    lines = "".join(f"  {name}: {value}\n" for name, value in headers.items())
    (folder / HEADERS_FILE).write_text("/*\n" + lines)
    (folder / "parity").symlink_to(parity_frames[0])
    (folder / FRAME_PAGE).write_text(
        '<!doctype html><meta charset="utf-8"><title>390 x 844</title>'
        f'<iframe src="index.html?source=sample" width="{PHONE[0]}" height="{PHONE[1]}"'
        ' frameborder="0"></iframe>'
    )
    server, url = serve_in_background(folder)
    reports: list[dict] = []
    handler = server.RequestHandlerClass

    class Reporting(handler.func):  # type: ignore[name-defined,misc]
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path == REPORTS:
                reports.append(json.loads(body or b"{}").get("csp-report", {}))
            self.send_response(204 if self.path == REPORTS else 405)
            self.end_headers()

    server.RequestHandlerClass = functools.partial(Reporting, *handler.args, **handler.keywords)
    yield url, reports
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest) -> Iterator[EnginePage]:
    """One browser per engine (opened again if its page process dies); after each test, no
    report of a violation may have come."""
    try:
        with relaunching(functools.partial(ENGINES[request.param], touch=True)) as page:
            yield page
    except EngineUnavailable as error:
        pytest.skip(str(error))


@pytest.fixture
def site(engine: EnginePage, reporting_site) -> Iterator[str]:
    url, reports = reporting_site
    reports.clear()
    yield url
    time.sleep(0.5)  # reports are posted asynchronously
    assert reports == [], f"{engine.name}: policy violations: {reports}"


@again_after_a_crash
def test_engine_plays_a_picked_video_file(engine: EnginePage, site: str) -> None:
    """The file input (the driver picks the file, as a user would in the dialog) after a still
    start: the video plays from a blob: URL and is tracked."""
    open_page(engine, site + "index.html?source=none")
    wait_for(engine, "window.blazepose.ready.then(() => true)", TRACKING_S)
    engine.evaluate(COLLECT_POSES)
    engine.set_files("#file", SAMPLE)
    with contextlib.suppress(TimeoutError):
        wait_for(engine, f"window.__poses.filter((p) => p.landmarks).length >= 5 || {FAILED}", 90)
    state = engine.evaluate(STATE)
    source = engine.evaluate("document.getElementById('video').currentSrc")
    tracked = [p for p in state["poses"] if p["landmarks"]]
    print(f"{engine.name}: picked file {source[:30]}…, {len(tracked)} frames with a pose")
    assert state["message"] == ""
    assert source.startswith("blob:")
    assert len(tracked) >= 5 and all(p["width"] == 360 for p in tracked)
    assert all(on_person(p["landmarks"]) for p in tracked[1:])


@again_after_a_crash
def test_engine_runs_blazepose_view_and_reports_violations(
    engine: EnginePage, reporting_site
) -> None:
    """view-example.html: the custom element tracks the sample clip. Then one deliberate
    violation (an image from another origin) must reach the server: the check above can fail."""
    url, reports = reporting_site
    reports.clear()
    engine.goto(url + "view-example.html")
    with contextlib.suppress(TimeoutError):
        wait_for(engine, "document.getElementById('nose').textContent.startsWith('x ')", 90)
    nose = engine.evaluate("document.getElementById('nose').textContent")
    print(f"{engine.name}: <blazepose-view> nose {nose!r}")
    assert nose.startswith("x "), nose
    time.sleep(0.5)
    assert reports == [], f"{engine.name}: policy violations: {reports}"
    engine.evaluate(
        "(document.body.append(Object.assign(new Image(), {src: 'http://192.0.2.1/x.png'})), 1)"
    )
    deadline = time.monotonic() + 10
    while not reports and time.monotonic() < deadline:
        time.sleep(0.2)
    directives = [
        r.get("effective-directive") or r.get("violated-directive", "").split(" ")[0]
        for r in reports
    ]
    assert directives == ["img-src"], reports


# processFrame on every parity frame in turn (full model, WASM, smoothing on, as CPython).
PARITY = """(async () => {
    await window.blazepose.setOptions({model: 'full', backend: 'wasm', smoothing: true});
    await window.blazepose.reset();
    const out = [];
    for (const [index, timeMs] of %s) {
        const blob = await (await fetch(`parity/${String(index).padStart(3, '0')}.png`)).blob();
        const bitmap = await createImageBitmap(blob, {colorSpaceConversion: 'none'});
        const r = await window.blazepose.processFrame(bitmap, timeMs);
        out.push({landmarks: r.landmarks, world: r.worldLandmarks, backend: r.backend.name});
    }
    return out; })()"""


@pytest.fixture(scope="module")
def cpython_track(parity_frames) -> list:
    """The CPython runner (onnxruntime) on the parity frames: (landmarks, world) or None each."""
    tracker = PoseTracker(TrackerOptions())
    backend = OnnxBackend("full", landmarks_only=True)
    track = []
    for _, time_ms, rgb in parity_frames[1]:
        result = track_frame(tracker, backend, rgb, 360, 640, time_ms)
        track.append((result.landmarks, result.world_landmarks) if result else None)
    return track


@again_after_a_crash
def test_engine_matches_the_cpython_runner(
    engine: EnginePage, site: str, parity_frames, cpython_track: list
) -> None:
    open_page(engine, site + "index.html?source=none")
    wait_for(engine, "window.blazepose.ready.then(() => true)", TRACKING_S)
    frames = parity_frames[1]
    ours = engine.evaluate(PARITY % json.dumps([[i, t] for i, t, _ in frames]))
    agreement = Agreement()
    for (index, *_), mine, theirs in zip(frames, ours, cpython_track, strict=True):
        assert mine["backend"] == "wasm"
        agreement.add_frame(
            index,
            mine["landmarks"],
            theirs[0] if theirs else None,
            mine["world"],
            theirs[1] if theirs else None,
            360,
            640,
        )
    print(
        f"{engine.name} (wasm) vs CPython: PCK@0.2 {agreement.pck:.4f}, "
        f"mean {agreement.mean_px:.2f} px over {agreement.frames} frames"
    )
    assert agreement.frames == len(frames) and agreement.scored > 0
    assert agreement.frame_agreement == 1.0
    assert agreement.pck >= 0.99


# On a phone-sized viewport, every <details> opened: every control (scrolled to) is the
# topmost element at its own centre and inside the viewport's width; nothing scrolls sideways;
# the stage fits the width. Returns where #smoothing is, to be tapped.
LAYOUT = """(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const all = document.querySelectorAll('select, input:not([type=file]), button, summary');
    const controls = [...all].filter(
        (e) => e.checkVisibility ? e.checkVisibility() : e.getClientRects().length > 0);
    const unreachable = controls.filter((e) => {
        e.scrollIntoView({block: 'center', inline: 'center'});
        const r = e.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return r.left < 0 || r.right > innerWidth + 0.5 || !(hit === e || e.contains(hit)
            || (hit?.tagName === 'LABEL' && hit.contains(e)));
    }).map((e) => e.id || e.outerHTML.slice(0, 80));
    const smoothing = document.getElementById('smoothing');
    smoothing.scrollIntoView({block: 'center'});
    const r = smoothing.getBoundingClientRect();
    const stage = document.getElementById('stage').getBoundingClientRect();
    return {width: innerWidth, height: innerHeight, scrollWidth:
        document.documentElement.scrollWidth, controls: controls.length, unreachable,
        stage: [stage.left, stage.right, stage.top + scrollY, stage.height],
        touch: navigator.maxTouchPoints, smoothing: [r.left + r.width / 2, r.top + r.height / 2,
        smoothing.checked]};
})()"""
# WebKitGTK's window is at least 447 px wide: there the phone is an iframe of its size.
FRAME_PAGE = "phone-frame.html"
FRAME = "document.querySelector('iframe').contentWindow"


@again_after_a_crash
def test_engine_fits_a_phone(engine: EnginePage, site: str) -> None:
    """390 x 844 CSS pixels: the page (or, in WebKitGTK, an iframe of that size) tracks the
    clip, fits, and a finger's tap on a control works."""
    engine.set_viewport(*PHONE)
    framed = engine.evaluate("innerWidth") != PHONE[0]
    window = FRAME if framed else "window"

    def inner(expression: str) -> str:  # the expression, run in the phone's window
        return f"{FRAME}.eval({json.dumps(expression)})" if framed else expression

    try:
        engine.goto(site + (FRAME_PAGE if framed else "index.html?source=sample"))
        wait_for(engine, f"{window}.blazepose !== undefined", 60)
        engine.evaluate(inner(COLLECT_POSES))
        with contextlib.suppress(TimeoutError):
            wait_for(engine, inner(f"__poses.some((p) => p.landmarks) || {FAILED}"), TRACKING_S)
        assert engine.evaluate(inner(STATE))["message"] == ""
        layout = engine.evaluate(inner(LAYOUT))
        offset = engine.evaluate(
            "(({left, top}) => [left, top])(document.querySelector('iframe')"
            ".getBoundingClientRect())"
            if framed
            else "[0, 0]"
        )
        print(f"{engine.name} at {PHONE}{' (iframe)' if framed else ''}: {layout}")
        if SCREENSHOTS:
            engine.evaluate(inner("(scrollTo(0, 0), true)"))
            box = (*offset, offset[0] + PHONE[0], offset[1] + PHONE[1])
            save_screenshot(
                engine.screenshot(), box, Path(SCREENSHOTS) / f"phone-{engine.name}.png"
            )
        assert [layout["width"], layout["height"]] == list(PHONE)
        assert layout["scrollWidth"] <= layout["width"]
        assert layout["controls"] >= 20 and layout["unreachable"] == []
        left, right, _, height = layout["stage"]
        assert left >= 0 and right <= layout["width"] and height > 300
        x, y, checked = layout["smoothing"]
        engine.tap(x + offset[0], y + offset[1])
        assert engine.evaluate(inner("document.getElementById('smoothing').checked")) != checked
    finally:
        engine.set_viewport(1280, 800)


# The backend rows of docs/browsers.md for one engine: what the page says it lacks.
BACKENDS = """(async () => {
    const ready = await window.blazepose.ready;
    // WASM threads need SharedArrayBuffer: where it is missing, the page must claim 1 thread.
    const threads = crossOriginIsolated && typeof SharedArrayBuffer === 'function';
    const claimed = Math.max(ready.threads ?? 1,
        ...(ready.backendChoice?.candidates ?? []).map((c) => c.threads ?? 1));
    if (!threads && claimed > 1) throw new Error(`${claimed} threads claimed without threads`);
    const cells = {'WASM (SIMD)': threads ? '✓ threads' : '✓ 1 thread'};
    for (const [row, name] of [['WebGPU', 'webgpu'], ['WebNN', 'webnn']]) {
        const options = await window.blazepose.setOptions({backend: name});
        const text = document.getElementById('message').textContent;
        cells[row] = options.backend === name ? '✓'
            : `no: “${text.split(': ').slice(1, -1).join(': ')}”`;
    }
    await window.blazepose.setOptions({backend: ready.backend});
    return cells; })()"""


@again_after_a_crash
def test_engine_backends_as_the_table_says(engine: EnginePage, site: str) -> None:
    """Each backend row of docs/browsers.md, this engine's column, is what the page says here
    (BLAZEPOSE_WRITE_DOCS=1 writes it instead)."""
    open_page(engine, site + "index.html?source=none")
    cells = engine.evaluate(BACKENDS)
    print(f"{engine.name} ({engine.version()}): {cells}")
    column = {"firefox": "Firefox", "webkit": "WebKit"}[engine.name]
    rows = read_table("backend-table")
    if os.environ.get("BLAZEPOSE_WRITE_DOCS"):
        write_table("backend-table", [{**row, column: cells[row["backend"]]} for row in rows])
        rows = read_table("backend-table")
    assert {row["backend"]: row[column] for row in rows} == cells


def test_chromium_fits_a_phone(browser: Browser, site_url: str) -> None:
    """The same phone in Chromium: a mobile, touch context (Playwright's emulation)."""
    context = browser.new_context(
        viewport=dict(zip(("width", "height"), PHONE, strict=True)), has_touch=True, is_mobile=True
    )
    try:
        page = context.new_page()
        page.goto(site_url + "index.html?source=sample")
        page.wait_for_function("window.blazepose !== undefined", timeout=60000)
        page.evaluate(COLLECT_POSES)
        page.wait_for_function("window.__poses.some((p) => p.landmarks)", timeout=TRACKING_S * 1000)
        if SCREENSHOTS:
            path = Path(SCREENSHOTS) / "phone-chromium.png"
            save_screenshot(page.screenshot(), (0, 0, *PHONE), path)
        layout = page.evaluate(LAYOUT)
        print(f"chromium at {PHONE}: {layout}")
        assert layout["scrollWidth"] <= layout["width"] == PHONE[0] and layout["touch"] > 0
        assert layout["controls"] >= 20 and layout["unreachable"] == []
        left, right, _, height = layout["stage"]
        assert left >= 0 and right <= layout["width"] and height > 300
        x, y, checked = layout["smoothing"]
        page.touchscreen.tap(x, y)
        assert page.evaluate("document.getElementById('smoothing').checked") != checked
    finally:
        context.close()


def save_screenshot(png: bytes, box: tuple, path: Path) -> None:
    """The phone's part of a screenshot as a small PNG (64-colour palette), for docs/."""
    image = Image.open(io.BytesIO(png)).convert("RGB").crop(box)
    image.quantize(64, dither=Image.Dither.NONE).save(path, optimize=True)

"""End-to-end tests of the page in headless Chromium: start-up offline, live tracking of the
sample clip, file and image input, the window.blazepose API, model/backend switching,
parity with the CPython runner, and the promised error messages."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from blazepose.contract import landmark_file
from blazepose_tools.media_input import read_image
from blazepose_tools.site_build import web_files
from playwright.sync_api import Browser
from support.dts import declared, optional
from support.page import (
    COLLECT_POSES,
    LANDMARKS_ONLY,
    agreement_with_cpython,
    on_person,
    open_page,
    process_image_js,
    serve_folder,
    wait_for_poses,
    wait_ready,
)
from support.paths import ROOT, WEB


@pytest.fixture(scope="module")
def api_page(browser: Browser, site_url: str):
    """The page with no live source, driven through window.blazepose only."""
    context = browser.new_context()
    page, log = open_page(context, site_url + "index.html?source=none")
    info = wait_ready(page)
    yield page, log, info
    context.close()


def test_sample_clip_tracks_and_ui_inputs(browser: Browser, site_url: str, media_dir: Path) -> None:
    """Cold start to the first drawn pose, live tracking, then image and video file input."""
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    started = time.monotonic()
    page, log = open_page(context, site_url)
    page.evaluate(COLLECT_POSES)
    info = wait_ready(page)
    poses = wait_for_poses(page, 1, 60)
    first_pose_s = time.monotonic() - started
    print(f"first drawn pose {first_pose_s:.1f} s after page open; settings {info}")
    assert info["threads"] >= 1 and page.evaluate("crossOriginIsolated")
    # The loading screen counted real bytes (Pyodide, Python, models; ORT's WASM comes in
    # ORT's worker and shows as a step) and finished every step.
    loaded, total = page.evaluate(
        "[document.getElementById('loading-bar').value, document.getElementById('loading-bar').max]"
    )
    assert loaded == total > 20e6
    assert page.eval_on_selector_all("#loading-steps li", "ls => ls.map(l => l.dataset.state)") == [
        "done",
        "done",
    ]

    poses = wait_for_poses(page, 8, 60)
    tracked = [p for p in poses if p["landmarks"]]
    assert all(on_person(p["landmarks"]) for p in tracked[1:])
    assert all(len(p["landmarks"]) == 33 and len(p["landmarks"][0]) == 5 for p in tracked)
    assert {"crop", "inference", "python", "draw"} <= set(tracked[-1]["timings"])
    assert float(page.text_content("#stat-fps")) > 0

    # A picked image: tracked once as a still.
    page.evaluate(COLLECT_POSES)
    page.set_input_files("#file", str(media_dir / "images" / "opencv_messi5.jpg"))
    height, width = read_image(media_dir / "images" / "opencv_messi5.jpg").shape[:2]
    page.wait_for_function(
        f"window.__poses.some(p => p.landmarks && p.imageWidth === {width})", timeout=60000
    )
    assert page.evaluate("document.getElementById('frame').width") == width
    # Changing the model in the controls tracks the still image again.
    page.select_option("#model", "lite")
    page.wait_for_function(
        f"window.__poses.some(p => p.landmarks && p.imageWidth === {width} && p.model === 'lite')",
        timeout=60000,
    )

    # A picked video file plays and is tracked.
    page.evaluate(COLLECT_POSES)
    page.set_input_files("#file", str(ROOT / "static" / "sample" / "sample.mp4"))
    page.wait_for_function("document.getElementById('video').currentSrc.startsWith('blob:')")
    video_poses = wait_for_poses(page, 3, 60)
    assert all(on_person(p["landmarks"]) for p in video_poses if p["landmarks"])

    assert log.external() == []
    assert log.errors == []
    context.close()


def test_browser_matches_cpython_runner(api_page, parity_frames) -> None:
    """processFrame on decoded frames agrees with blazepose.track on the same pixels."""
    page, log, _ = api_page
    page.evaluate("window.blazepose.setOptions({model: 'full', backend: 'wasm', smoothing: true})")
    agreement = agreement_with_cpython(page, parity_frames, "wasm")
    assert agreement.frame_agreement == 1.0
    assert agreement.pck >= 0.99
    assert log.external() == [] and log.errors == []


def test_model_backend_and_segmentation_switching(api_page, media_dir: Path) -> None:
    page, log, _ = api_page
    serve_folder(page.context, "images", media_dir / "images")
    page.evaluate("window.blazepose.setOptions({backend: 'wasm', model: 'full'})")
    page.evaluate("window.blazepose.reset()")
    base = process_image_js(page, "images/opencv_messi5.jpg", 0)
    assert base["landmarks"] and base["model"] == "full" and base["backend"]["name"] == "wasm"

    def same_pose(detail: dict, tolerance: float, reference: dict = base) -> bool:
        a = np.array(detail["landmarks"])[:, :2]
        b = np.array(reference["landmarks"])[:, :2]
        return float(np.abs(a - b).max()) < tolerance

    page.evaluate("window.blazepose.setOptions({model: 'lite'})")
    page.evaluate("window.blazepose.reset()")
    lite = process_image_js(page, "images/opencv_messi5.jpg", 0)
    assert lite["model"] == "lite" and lite["landmarks"] and same_pose(lite, 0.08)

    page.evaluate("window.blazepose.setOptions({model: 'full', segmentation: true})")
    page.evaluate("window.blazepose.reset()")
    seg = process_image_js(page, "images/opencv_messi5.jpg", 0)
    assert seg["landmarks"] and same_pose(seg, 0.01)
    assert page.text_content("#stat-model") == "full (+seg)"

    # WebGPU on SwiftShader (CPU): slow, so the lite model, but the same pose as WASM.
    options = page.evaluate(
        "window.blazepose.setOptions({backend: 'webgpu', model: 'lite', segmentation: false})"
    )
    assert options["backend"] == "webgpu", page.text_content("#message")
    page.evaluate("window.blazepose.reset()")
    gpu = process_image_js(page, "images/opencv_messi5.jpg", 0)
    assert gpu["backend"]["name"] == "webgpu" and same_pose(gpu, 0.01, lite)
    page.evaluate("window.blazepose.setOptions({backend: 'wasm', model: 'full'})")
    assert log.external() == [] and log.errors == []

    # A model that fails to load leaves the running one in place.
    heavy = landmark_file("heavy", segmentation=False)
    missing = f"**/models/{heavy}*"  # the file or its parts (split for static hosts)
    page.context.route(missing, lambda r: r.fulfill(status=404, body=b""))
    error = page.evaluate(
        "window.blazepose.setOptions({model: 'heavy'}).then(() => null, (e) => e.message)"
    )
    assert heavy in error and "failed to load" in error
    assert page.evaluate("window.blazepose.options.model") == "full"
    again = process_image_js(page, "images/opencv_messi5.jpg", 0)
    assert again["model"] == "full" and again["landmarks"]

    # The heavy model comes in parts (over the static hosts' 25 MiB): joined, checksum-checked.
    page.context.unroute(missing)
    errors_before = len(log.errors)  # the 404s just asked for
    page.evaluate("window.blazepose.setOptions({model: 'heavy'})")
    page.evaluate("window.blazepose.reset()")
    whole = process_image_js(page, "images/opencv_messi5.jpg", 0)
    assert whole["model"] == "heavy" and same_pose(whole, 0.08)
    assert log.errors[errors_before:] == []


BITMAP_AND_COPY = """async (url) => {
    const bitmap = await createImageBitmap(await (await fetch(url)).blob(),
                                           {colorSpaceConversion: 'none'});
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [bitmap.width, bitmap.height];
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const view = document.getElementById('frame').getContext('2d');
    const corners = [[2, 2], [bitmap.width - 3, 2], [2, bitmap.height - 3]];
    const pixels = (c) => corners.map(([x, y]) => Array.from(c.getImageData(x, y, 1, 1).data));
    await window.blazepose.reset();
    const direct = await window.blazepose.processFrame(bitmap, 0);
    const shown = pixels(view);
    await window.blazepose.reset();
    const copied = await window.blazepose.processFrame(canvas, 0);
    return {direct: direct.landmarks, copied: copied.landmarks, shown, frame: pixels(ctx)};
}"""


def test_a_bitmap_is_tracked_as_it_is_like_a_copied_frame(api_page, media_dir: Path) -> None:
    """An ImageBitmap (unchangeable) skips the page's frame copy: the same pose as the same
    pixels in a canvas (copied first), and the visible canvas shows the bitmap."""
    page, log, _ = api_page
    errors_before = len(log.errors)  # the previous test's deliberate 404s
    serve_folder(page.context, "images", media_dir / "images")
    page.evaluate("window.blazepose.setOptions({backend: 'wasm', model: 'lite'})")
    out = page.evaluate(BITMAP_AND_COPY, "images/opencv_messi5.jpg")
    assert out["direct"] and out["direct"] == out["copied"]
    assert out["shown"] == out["frame"]
    assert log.external() == [] and log.errors[errors_before:] == []


def test_single_threaded_without_isolation(browser: Browser, plain_site_url: str) -> None:
    context = browser.new_context()
    page, log = open_page(context, plain_site_url + "index.html?source=none&model=lite")
    info = wait_ready(page)
    assert page.evaluate("crossOriginIsolated") is False
    assert info["threads"] == 1 and page.text_content("#stat-threads").startswith("1")
    detail = page.evaluate(
        """() => { const c = document.createElement('canvas'); c.width = 320; c.height = 240;
            const ctx = c.getContext('2d'); ctx.fillStyle = '#777'; ctx.fillRect(0, 0, 320, 240);
            return window.blazepose.processFrame(c, 0); }"""
    )  # an empty grey canvas: the pipeline runs and finds nobody
    assert detail["landmarks"] is None
    detail = page.evaluate(
        "window.blazepose.processFrame(new ImageData(64, 48), 33)"
    )  # ImageData input works too
    assert (detail["imageWidth"], detail["imageHeight"], detail["landmarks"]) == (64, 48, None)
    assert log.external() == [] and log.errors == []
    context.close()


def test_fake_camera_tracks_person(camera_browser: Browser, site_url: str) -> None:
    context = camera_browser.new_context()
    page, log = open_page(context, site_url + "index.html?source=camera&model=lite")
    page.evaluate(COLLECT_POSES)
    wait_ready(page)
    started = time.monotonic()
    poses = wait_for_poses(page, 6, 60)
    print(f"camera: {len(poses)} frames, first poses after {time.monotonic() - started:.1f} s")
    tracked = [p for p in poses if p["landmarks"]]
    assert tracked[0]["imageWidth"] == 270 and tracked[0]["imageHeight"] == 480
    assert all(on_person(p["landmarks"]) for p in tracked[1:])
    assert log.external() == [] and log.errors == []
    # The browser ends the track when a camera is unplugged or access is revoked.
    page.evaluate("document.getElementById('video').srcObject.getVideoTracks()[0]"
                  ".dispatchEvent(new Event('ended'))")  # fmt: skip
    assert "camera stopped" in page.text_content("#message")
    context.close()


def test_denied_camera_message(browser: Browser, site_url: str) -> None:
    context = browser.new_context(permissions=[])
    page, _ = open_page(context, site_url + "index.html?source=camera")
    wait_ready(page)
    page.wait_for_selector("#message:not([hidden])", timeout=30000)
    text = page.text_content("#message")
    assert "Camera permission denied" in text or "No camera found" in text, text
    context.close()


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [(b"", 404, "failed to load"), (b"not an onnx model", 200, "failed its checksum")],
    ids=["missing", "corrupt"],
)
def test_bad_model_message(
    browser: Browser, site_url: str, body: bytes, status: int, expected: str
) -> None:
    context = browser.new_context()
    context.route(f"**/models/{LANDMARKS_ONLY}", lambda r: r.fulfill(status=status, body=body))
    page = context.new_page()
    page.goto(site_url + "index.html?source=none")
    page.wait_for_selector(".loading-error", timeout=60000)
    text = page.text_content(".loading-error")
    assert LANDMARKS_ONLY in text and expected in text, text
    context.close()


def test_no_file_over_the_static_hosts_cap(dist_dir: Path) -> None:
    """Cloudflare Pages and Workers serve at most 25 MiB per file: larger files ship in parts."""
    cap = 25 << 20
    large = [p for p in dist_dir.rglob("*") if p.is_file() and p.stat().st_size > cap]
    assert large == []
    split = json.loads((dist_dir / "split-files.json").read_text())
    assert f"models/{landmark_file('heavy', segmentation=False)}" in split


def test_site_has_no_stray_media(dist_dir: Path) -> None:
    """Only the committed sample clip ships; nothing from the shared test media."""
    videos = sorted(p.name for p in dist_dir.rglob("*") if p.suffix in {".mp4", ".webm", ".y4m"})
    assert videos == ["sample.mp4", "sample.webm"]


def test_embed_snippet_forwards_poses(browser: Browser, site_url: str) -> None:
    """<blazepose-view> shows the page in an iframe and re-dispatches its pose events."""
    context = browser.new_context()
    page, log = open_page(context, site_url + "embed-example.html")
    page.wait_for_function(
        "document.getElementById('nose').textContent.startsWith('x ')", timeout=90000
    )
    frame_url = page.frame_locator("blazepose-view >> iframe").locator("body")
    assert "embedded" in (frame_url.get_attribute("class") or "")
    assert log.external() == [] and log.errors == []
    context.close()


def test_unsupported_browser_message(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    context.add_init_script("delete window.WebAssembly")
    page = context.new_page()
    page.goto(site_url + "index.html?source=none")
    page.wait_for_selector(".loading-error", timeout=30000)
    assert "Unsupported browser" in page.text_content(".loading-error")
    context.close()


def test_python_failure_message(browser: Browser, site_url: str) -> None:
    """A broken Python bundle is reported on the loading screen, not left hanging."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("blazepose/__init__.py", "")
    context = browser.new_context()
    context.route("**/python.zip", lambda r: r.fulfill(body=archive.getvalue()))
    page = context.new_page()
    page.goto(site_url + "index.html?source=none")
    page.wait_for_selector(".loading-error", timeout=60000)
    assert "blazepose package could not be imported" in page.text_content(".loading-error")
    context.close()


# On the docs example: a still image through window.landmarker (the page's PoseLandmarker),
# then the same with segmentation: the mask's probability at the torso and at the corners.
DETECT_IMAGE = """async (url) => {
    const image = new Image();
    image.src = url;
    await image.decode();
    const still = await window.landmarker.detect(image);
    await window.landmarker.setOptions({ segmentation: true });
    const seg = await window.landmarker.detect(image);
    const mask = seg.segmentationMasks[0];
    const at = (x, y) =>
        mask.data[Math.floor(y * mask.height) * mask.width + Math.floor(x * mask.width)];
    const torso = [11, 12, 23, 24].map((i) => seg.landmarks[0][i]);
    const cx = torso.reduce((s, p) => s + p.x, 0) / 4;
    const cy = torso.reduce((s, p) => s + p.y, 0) / 4;
    return {
        still,
        mask: { width: mask.width, height: mask.height, torso: at(cx, cy),
                corners: [at(0, 0), at(0.999, 0), at(0, 0.999), at(0.999, 0.999)] },
        options: window.landmarker.options,
    };
}"""


def test_docs_example_imports_the_engine(browser: Browser, site_url: str, media_dir: Path) -> None:
    """A page that only imports pose-landmarker.js tracks the sample clip and a still image."""
    context = browser.new_context()
    page, log = open_page(context, site_url + "docs-example.html")
    serve_folder(context, "images", media_dir / "images")
    page.wait_for_function(
        "document.getElementById('nose').textContent.startsWith('x ')", timeout=90000
    )
    out = page.evaluate(DETECT_IMAGE, "images/opencv_messi5.jpg")
    height, width = read_image(media_dir / "images" / "opencv_messi5.jpg").shape[:2]
    still = out["still"]
    assert (still["imageWidth"], still["imageHeight"]) == (width, height)
    assert len(still["landmarks"]) == 1 and len(still["landmarks"][0]) == 33
    assert len(still["worldLandmarks"][0]) == 33
    points = still["landmarks"][0]
    assert set(points[0]) == {"x", "y", "z", "visibility", "presence"}
    assert all(0 <= p["x"] <= 1 and 0 <= p["y"] <= 1 for p in points if p["visibility"] > 0.5)
    assert "segmentationMasks" not in still and out["options"]["segmentation"] is True
    # The declared API (pose-landmarker.d.ts) names every field a result and the options have.
    result = declared("PoseLandmarkerResult")
    assert set(still) == result - optional("PoseLandmarkerResult")
    assert set(out["options"]) == declared("PoseLandmarkerSettings")
    mask = out["mask"]
    assert max(mask["width"], mask["height"]) == 256 and mask["width"] > mask["height"]
    assert mask["torso"] > 0.9 and max(mask["corners"]) < 0.1, mask
    closed = page.evaluate(
        """() => window.landmarker.close().then(() => window.landmarker.reset())
            .then(() => 'still open', (e) => e.message)"""
    )
    assert closed == "PoseLandmarker: closed"
    assert log.external() == [] and log.errors == []
    # Of web/, the page got itself and web/engine/ only: no file of the demo page, the shared
    # drawing/sources, the embeds or the offline worker (the rest: models, vendor/, python.zip).
    site = web_files(WEB)
    requested = {urlsplit(u).path.removeprefix(urlsplit(site_url).path) for u in log.requests}
    loaded = {p: site[p].relative_to(WEB).parts[0] for p in requested if p in site}
    assert loaded.pop("docs-example.html") == "embed"
    assert {"pose-landmarker.js", "tracker-session.js", "app.py"} <= set(loaded)
    assert {p: role for p, role in loaded.items() if role != "engine"} == {}
    context.close()


def test_blazepose_view_module_forwards_poses(browser: Browser, site_url: str) -> None:
    """<blazepose-view> from blazepose-view.js: a PoseLandmarker client in the page itself."""
    context = browser.new_context()
    page, log = open_page(context, site_url + "view-example.html")
    page.wait_for_function(
        "document.getElementById('nose').textContent.startsWith('x ')", timeout=90000
    )
    assert page.evaluate("document.querySelector('blazepose-view').shadowRoot"
                         ".querySelector('canvas').width") == 360  # fmt: skip
    assert page.locator("blazepose-view iframe").count() == 0
    assert log.external() == [] and log.errors == []
    context.close()


def test_several_people_each_with_id_colour_and_analysis(api_page, media_dir: Path) -> None:
    """numPoses 2 on the astronaut beside her mirror image: both found, by id, the same ids
    on the next frame, each with a mask; the panel lists both counts and its picker chooses
    whose analysis the events carry; numPoses 1 gives the one-person detail again."""
    page, log, _ = api_page
    errors_before = len(log.errors)  # the module's page: earlier tests ask for 404s on purpose
    serve_folder(page.context, "images", media_dir / "images")
    page.evaluate("window.blazepose.setOptions({model: 'lite', numPoses: 2, segmentation: true})")
    page.evaluate("window.blazepose.reset()")
    track_two = """async (t) => {
        const blob = await (await fetch('images/skimage_astronaut.png')).blob();
        const photo = await createImageBitmap(blob);
        const canvas = new OffscreenCanvas(2 * photo.width, photo.height);
        const ctx = canvas.getContext('2d');
        ctx.drawImage(photo, 0, 0);
        ctx.setTransform(-1, 0, 0, 1, 2 * photo.width, 0);
        ctx.drawImage(photo, 0, 0);
        return window.blazepose.processFrame(canvas.transferToImageBitmap(), t);
    }"""
    first = page.evaluate(track_two, 0)
    again = page.evaluate(track_two, 33)
    for detail in (first, again):
        assert [p["id"] for p in detail["poses"]] == [0, 1], detail["poses"]
        sides = [np.mean([lm[0] for lm in p["landmarks"]]) > 0.5 for p in detail["poses"]]
        assert sorted(sides) == [False, True]
        assert detail["landmarks"] == detail["poses"][0]["landmarks"]
        assert detail["analysis"]["id"] == 0
    assert page.is_visible("#people-counts") and "person 1" in page.text_content("#people-counts")
    assert page.evaluate("[...document.querySelectorAll('#person option')].map(o => o.value)") == [
        "",
        "0",
        "1",
    ]
    page.select_option("#person", "1")
    assert page.evaluate(track_two, 66)["analysis"]["id"] == 1
    page.select_option("#person", "")  # the first person again (null to the engine)
    assert page.evaluate(track_two, 99)["analysis"]["id"] == 0
    refused = page.evaluate(
        "Promise.all(['1', NaN, 1.5].map((id) => window.blazepose.selectPerson(id)"
        ".then(() => 'accepted', (e) => e.message)))"
    )
    assert refused == ["selectPerson: id must be an integer (a pose's id) or null"] * 3
    page.evaluate("window.blazepose.selectPerson(7)")  # nobody with that id: the first
    assert page.evaluate(track_two, 132)["analysis"]["id"] == 0
    bad_times = page.evaluate(
        """() => Promise.all([undefined, NaN, Infinity, '5'].map((t) =>
            window.blazepose.processFrame(new ImageData(8, 8), t)
                .then(() => 'accepted', (e) => e.message)))"""
    )
    assert bad_times == ["detectForVideo: timeMs must be a finite number (ms)"] * 4
    assert len(log.errors) == errors_before, log.errors[errors_before:]

    page.evaluate("window.blazepose.setOptions({numPoses: 1, segmentation: false})")
    page.evaluate("window.blazepose.reset()")
    single = page.evaluate(track_two, 0)
    assert len(single["poses"]) == 1 and "people" not in single["analysis"]
    assert page.is_hidden("#people-counts")
    error = page.evaluate(
        "window.blazepose.setOptions({numPoses: 5}).then(() => null, (e) => e.message)"
    )
    assert "numPoses" in error
    assert log.external() == [] and log.errors[errors_before:] == []

"""The page in the other engines: Firefox (Gecko, Debian's firefox-esr over WebDriver BiDi) and
WebKit (Safari's engine, WebKitGTK's MiniBrowser through WebKitWebDriver), each tracking the
sample clip and a still image from the page's `?source=` parameter, cross-origin isolated, then
its fake camera; and docs-example.html, which only imports pose-landmarker.js.

The service worker registers after the first pose and then answers the site's files, so
whether a first visit's video requests reach it is a race: the first tests are served
without it (what the engine and our static server do), one on a visit the worker controls
from the start.

A missing browser skips with the package to install (CI installs them: build.py's set-up)."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from blazepose_tools.media_input import read_image
from blazepose_tools.static_server import serve_in_background
from engines import (
    EnginePage,
    EngineUnavailable,
    again_after_a_crash,
    firefox,
    relaunching,
    wait_for,
    webkit,
)

ENGINES: dict[str, Callable[..., AbstractContextManager[EnginePage]]] = {
    "firefox": firefox,
    "webkit": webkit,
}
IMAGE = "images/opencv_messi5.jpg"
WORKER = "service-worker.js"
CLIP_POSES = 10  # tracked frames of the sample clip asked of each engine
# Seconds to the first tracked frames: 9 s (Firefox), 20 s (WebKit) on a busy 2-core machine.
TRACKING_S = 60
# Empties window.__poses, which collects `blazepose:pose` details (one listener per page).
COLLECT_POSES = """(window.__poses = [], window.__collecting ||= (window.addEventListener(
    'blazepose:pose', (e) => window.__poses.push(e.detail)), true))"""
MESSAGE = "document.querySelector('#message[data-kind=error]:not([hidden])')"
FAILED = f"!!{MESSAGE}"  # the page shows an error
# What the page shows and tracked: its error message, isolation, and the poses.
STATE = (
    f"({{message: {MESSAGE}?.textContent ?? '', isolated: crossOriginIsolated,"
    " poses: window.__poses.map((p) => ({timeMs: p.timeMs, width: p.imageWidth,"
    " landmarks: p.landmarks, backend: p.backend?.name, inference: p.timings?.inference}))})"
)
# Where a page without poses stands: its loading screen and the video element.
PROGRESS = """(() => { const v = document.getElementById('video');
    const loading = document.getElementById('loading');
    return {loading: loading && !loading.hidden ? loading.innerText.replace(/\\s+/g, ' ') : '',
      video: {readyState: v.readyState, networkState: v.networkState, paused: v.paused,
        currentTime: v.currentTime, width: v.videoWidth, error: v.error?.message ?? null}}; })()"""
CHOOSE_CAMERA = """((menu) => (menu.value = 'camera', menu.dispatchEvent(new Event('change')),
    true))(document.getElementById('source'))"""
CAMERA = """(() => { const v = document.getElementById('video');
    const [track] = v.srcObject?.getVideoTracks() ?? [];
    return {live: track?.readyState === 'live', label: track?.label, width: v.videoWidth}; })()"""


def on_person(landmarks: list[list[float]]) -> bool:
    """Shoulders and hips inside the central part of the sample clip, where the athlete is."""
    torso = [landmarks[i] for i in (11, 12, 23, 24)]
    return all(0.15 < x < 0.9 and 0.1 < y < 0.9 for x, y, *_ in torso)


def serve_site(dist_dir: Path, folder: Path, media_dir: Path, worker: bool) -> Iterator[str]:
    """dist/ (linked, not copied; without the service worker unless `worker`) plus the still
    image, served with the site's headers."""
    for entry in dist_dir.iterdir():
        if worker or entry.name != WORKER:
            (folder / entry.name).symlink_to(entry)
    (folder / "engine-media").mkdir()
    shutil.copy(media_dir / IMAGE, folder / "engine-media" / "person.jpg")
    server, url = serve_in_background(folder)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def engine_site(dist_dir: Path, media_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    yield from serve_site(dist_dir, tmp_path_factory.mktemp("site"), media_dir, worker=False)


@pytest.fixture(scope="module")
def worker_site(dist_dir: Path, media_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    yield from serve_site(dist_dir, tmp_path_factory.mktemp("worker"), media_dir, worker=True)


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest) -> Iterator[EnginePage]:
    """One browser per engine for all its tests, with its fake camera (Firefox: a synthetic
    picture; WebKit: a mock device), opened again if its page process dies."""
    try:
        with relaunching(functools.partial(ENGINES[request.param], fake_camera=True)) as page:
            yield page
    except EngineUnavailable as error:
        pytest.skip(str(error))


def open_page(page: EnginePage, url: str) -> None:
    page.goto(url)
    page.evaluate(COLLECT_POSES)  # before the first pose: the models are still loading
    wait_for(page, "window.blazepose !== undefined", 60)


def tracks_the_clip(engine: EnginePage, url: str) -> None:
    started = time.monotonic()
    open_page(engine, url)
    with contextlib.suppress(TimeoutError):  # the assertions below say what is missing
        wait_for(
            engine,
            f"window.__poses.filter((p) => p.landmarks).length >= {CLIP_POSES} || {FAILED}",
            TRACKING_S,
        )
    state = engine.evaluate(STATE)
    tracked = [p for p in state["poses"] if p["landmarks"]]
    inference = sorted(p["inference"] for p in tracked) or [float("nan")]
    print(
        f"{engine.name}: {len(tracked)} of {len(state['poses'])} frames with a pose "
        f"{time.monotonic() - started:.1f} s after opening, median inference "
        f"{inference[len(inference) // 2]:.0f} ms; message {state['message']!r}"
    )
    assert state["message"] == "" and state["isolated"]
    assert len(tracked) >= CLIP_POSES, engine.evaluate(PROGRESS)
    assert all(len(p["landmarks"]) == 33 and p["width"] == 360 for p in tracked)
    assert all(on_person(p["landmarks"]) for p in tracked[1:])
    assert len({p["timeMs"] for p in tracked}) == len(tracked)  # each a new frame


@again_after_a_crash
def test_engine_tracks_the_sample_clip(engine: EnginePage, engine_site: str) -> None:
    tracks_the_clip(engine, engine_site + "index.html?source=sample")


@again_after_a_crash
def test_engine_tracks_the_clip_through_the_service_worker(
    engine: EnginePage, worker_site: str
) -> None:
    """A second visit: the worker answers every site file, the sample clip too."""
    url = worker_site + "index.html?source=sample"
    open_page(engine, url)
    wait_for(engine, "!!navigator.serviceWorker?.controller", 90)  # after install
    tracks_the_clip(engine, url)
    assert engine.evaluate("!!navigator.serviceWorker.controller")


@again_after_a_crash
def test_engine_tracks_a_still_image_then_the_camera(
    engine: EnginePage, engine_site: str, media_dir: Path
) -> None:
    """A still image from `?source=`; then Camera from the source menu (getUserMedia, live
    frames): the fake camera's pictures hold no person, so its frames come back without one."""
    height, width = read_image(media_dir / IMAGE).shape[:2]
    open_page(engine, engine_site + "index.html?source=engine-media/person.jpg")
    with contextlib.suppress(TimeoutError):
        wait_for(
            engine, f"window.__poses.some((p) => p.imageWidth === {width}) || {FAILED}", TRACKING_S
        )
    state = engine.evaluate(STATE)
    assert state["message"] == "" and state["isolated"]
    poses = [p for p in state["poses"] if p["width"] == width]
    assert poses and poses[0]["landmarks"] and len(poses[0]["landmarks"]) == 33
    assert engine.evaluate("document.getElementById('frame').width") == width
    print(f"{engine.name}: still image {width}x{height} tracked, backend {poses[0]['backend']}")

    engine.evaluate(COLLECT_POSES)
    engine.evaluate(CHOOSE_CAMERA)
    with contextlib.suppress(TimeoutError):
        wait_for(engine, f"window.__poses.length >= {CLIP_POSES} || {FAILED}", TRACKING_S)
    state = engine.evaluate(STATE)
    camera = engine.evaluate(CAMERA)
    print(f"{engine.name}: camera {camera}, {len(state['poses'])} frames tracked")
    assert state["message"] == ""
    assert camera["live"] and camera["width"] > 0
    assert len(state["poses"]) >= CLIP_POSES
    assert {p["width"] for p in state["poses"]} == {camera["width"]}
    assert len({p["timeMs"] for p in state["poses"]}) == len(state["poses"])


# In docs-example.html (a page that only imports pose-landmarker.js): a still image.
DETECT_IMAGE = """fetch('engine-media/person.jpg').then((r) => r.blob()).then(createImageBitmap)
    .then((bitmap) => window.landmarker.detect(bitmap))
    .then((r) => ({width: r.imageWidth, poses: r.landmarks.length,
        points: r.landmarks[0]?.length, nose: r.landmarks[0]?.[0]}))"""


@again_after_a_crash
def test_engine_runs_the_importable_engine(
    engine: EnginePage, engine_site: str, media_dir: Path
) -> None:
    engine.goto(engine_site + "docs-example.html")
    with contextlib.suppress(TimeoutError):
        wait_for(engine, "document.getElementById('nose').textContent.startsWith('x ')", 90)
    nose = engine.evaluate("document.getElementById('nose').textContent")
    print(f"{engine.name}: docs-example nose {nose!r}")
    assert nose.startswith("x "), nose  # the clip tracked with the module alone
    still = engine.evaluate(DETECT_IMAGE)
    assert still["width"] == read_image(media_dir / IMAGE).shape[1]
    assert still["poses"] == 1 and still["points"] == 33
    assert set(still["nose"]) == {"x", "y", "z", "visibility", "presence"}


def _page_processes(pid: int) -> list[int]:
    """WebKit's page (web content) processes under the process `pid`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            with contextlib.suppress(OSError):
                if (Path("/proc") / str(child) / "comm").read_text().startswith("WebKitWebProc"):
                    found.append(child)
    return found


def test_a_dead_webkit_page_process_relaunches_the_browser() -> None:
    """What CI met once, done on purpose: WebKit's page process killed mid-test. The call that
    meets the dead session raises EngineCrashed, and the test runs again in a new browser."""
    runs = []
    try:
        with relaunching(webkit) as page:

            @again_after_a_crash
            def a_test() -> None:
                runs.append(page.crashes)
                page.goto("data:text/html,<p>a page</p>")
                assert page.evaluate("1 + 1") == 2
                if len(runs) == 1:
                    driver = page._page.driver  # the WebKitPage inside
                    killed = _page_processes(driver.service.process.pid)
                    for pid in killed:
                        os.kill(pid, signal.SIGKILL)
                    while set(killed) & set(_page_processes(driver.service.process.pid)):
                        time.sleep(0.1)  # until its parent has seen it die
                    page.evaluate("2 + 2")

            a_test()
            assert runs == [0, 1] and page.crashes == 1

            @again_after_a_crash
            def a_failing_test() -> None:
                runs.append("failing")
                assert page.evaluate("0") == 1

            with pytest.raises(AssertionError):  # a failed assertion is not run again
                a_failing_test()
            assert runs == [0, 1, "failing"]
    except EngineUnavailable as error:
        pytest.skip(str(error))

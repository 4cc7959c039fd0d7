"""The page driver the browser tests share: open a page that logs its requests (and aborts
any that would leave 127.0.0.1), wait for window.blazepose, collect its poses, feed it still
images, and compare its poses with the CPython runner's."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from blazepose.contract import landmark_file
from blazepose.tracker import PoseTracker, TrackerOptions
from blazepose_tools.driver import track_frame
from blazepose_tools.onnx_backend import OnnxBackend
from blazepose_tools.pck import Agreement
from playwright.sync_api import BrowserContext, Page, Route

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LANDMARKS_ONLY = landmark_file("full", segmentation=False)


@dataclass
class PageLog:
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def external(self) -> list[str]:
        return [
            u
            for u in self.requests
            if not u.startswith(("data:", "blob:")) and urlsplit(u).hostname not in LOCAL_HOSTS
        ]


def open_page(context: BrowserContext, url: str) -> tuple[Page, PageLog]:
    """A page that records every request (aborting any that would leave 127.0.0.1)."""
    log = PageLog()

    def route(r: Route) -> None:
        log.requests.append(r.request.url)
        if urlsplit(r.request.url).hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and log.errors.append(m.text))
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.goto(url)
    return page, log


def wait_ready(page: Page, timeout_s: float = 90) -> dict:
    page.wait_for_function("window.blazepose !== undefined", timeout=timeout_s * 1000)
    return page.evaluate(
        """(ms) => Promise.race([window.blazepose.ready,
            new Promise((_, no) => setTimeout(() => no(new Error('not ready')), ms))])""",
        timeout_s * 1000,
    )


# Registers a listener collecting `blazepose:pose` details into window.__poses.
COLLECT_POSES = """() => { window.__poses = [];
    window.addEventListener('blazepose:pose', (e) => window.__poses.push(e.detail)); }"""


def wait_for_poses(page: Page, count: int, timeout_s: float) -> list[dict]:
    page.wait_for_function(
        f"window.__poses.filter(p => p.landmarks).length >= {count}", timeout=timeout_s * 1000
    )
    return page.evaluate("window.__poses")


def on_person(landmarks: list[list[float]]) -> bool:
    """Shoulders and hips inside the central part of the pose2sim frame, where the athlete is."""
    torso = [landmarks[i] for i in (11, 12, 23, 24)]
    return all(0.15 < x < 0.9 and 0.1 < y < 0.9 for x, y, *_ in torso)


def process_image_js(page: Page, url: str, time_ms: float) -> dict:
    return page.evaluate(
        """async ([url, t]) => {
            const blob = await (await fetch(url)).blob();
            const bitmap = await createImageBitmap(blob, {colorSpaceConversion: 'none'});
            return window.blazepose.processFrame(bitmap, t);
        }""",
        [url, time_ms],
    )


def serve_folder(context: BrowserContext, prefix: str, folder: Path) -> None:
    def fulfil(route: Route) -> None:
        route.fulfill(path=folder / urlsplit(route.request.url).path.rsplit("/", 1)[-1])

    context.route(f"**/{prefix}/*", fulfil)


def agreement_with_cpython(page: Page, parity_frames, backend_name: str) -> Agreement:
    """The page's poses on the parity frames against the CPython runner's on the same pixels
    (full model, smoothing on); every frame must have run on `backend_name`."""
    folder, frames = parity_frames
    serve_folder(page.context, "parity", folder)
    page.evaluate("window.blazepose.reset()")
    tracker = PoseTracker(TrackerOptions())
    backend = OnnxBackend("full", landmarks_only=True)
    agreement = Agreement()
    for index, time_ms, rgb in frames:
        ours = process_image_js(page, f"parity/{index:03d}.png", time_ms)
        assert ours["backend"]["name"] == backend_name
        reference = track_frame(tracker, backend, rgb, 360, 640, time_ms)
        agreement.add_frame(
            index,
            ours["landmarks"],
            reference.landmarks if reference else None,
            ours["worldLandmarks"],
            reference.world_landmarks if reference else None,
            360,
            640,
        )
    print(
        f"browser ({backend_name}) vs CPython: PCK@0.2 {agreement.pck:.4f}, "
        f"mean {agreement.mean_px:.2f} px"
    )
    assert agreement.frames == len(frames) and agreement.scored > 0
    return agreement

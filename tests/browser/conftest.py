"""Headless Chromium (Debian's /usr/bin/chromium) against dist/ served on 127.0.0.1.

Flags from docs/browser-stack notes: no Google services, and a dead proxy so that anything
not on loopback fails instead of leaving the machine.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from blazepose_tools.browsers import (
    FOREGROUND_FLAGS,
    OFFLINE_FLAGS,
    BrowserUnavailable,
    webnn_chromium,
)
from blazepose_tools.media_input import iter_video
from blazepose_tools.site_build import assemble_dist
from blazepose_tools.static_server import serve_in_background
from PIL import Image
from playwright.sync_api import Browser, BrowserType, Playwright
from support.paths import DIST, ROOT

CHROMIUM = Path("/usr/bin/chromium")
SAMPLE_VIDEO = "video/pose2sim_single_cam01.mp4"
PARITY_FRAMES = 30

CHROMIUM_FLAGS = [
    *OFFLINE_FLAGS,
    "--disable-gpu",
    "--enable-unsafe-webgpu",  # WebGPU on SwiftShader: a correctness check of that path
    *FOREGROUND_FLAGS,
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (/usr/bin/chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def dist_dir() -> Path:
    if not (ROOT / "models" / "manifest.json").exists():
        pytest.skip("models not built (python3 build.py models)")
    assemble_dist(ROOT, DIST)
    return DIST


def _serve(directory: Path, isolate: bool) -> Iterator[str]:
    server, url = serve_in_background(directory, isolate=isolate)
    report = server.handle_error

    def handle_error(request: object, client_address: object) -> None:
        # A test closing its page mid-download is not a server error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            report(request, client_address)

    server.handle_error = handle_error  # type: ignore[method-assign]
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def site_url(dist_dir: Path) -> Iterator[str]:
    yield from _serve(dist_dir, isolate=True)


@pytest.fixture(scope="session")
def plain_site_url(dist_dir: Path) -> Iterator[str]:
    """The same site without COOP/COEP, as a static host without custom headers serves it."""
    yield from _serve(dist_dir, isolate=False)


@pytest.fixture(scope="session")
def camera_clip(media_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pose2sim clip as a small .y4m for Chromium's fake camera (loops at 30 fps)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    out = tmp_path_factory.mktemp("camera") / "camera.y4m"
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
            "-i", str(media_dir / SAMPLE_VIDEO),
            "-vf", "setpts=2*PTS,scale=270:480", "-r", "30", "-pix_fmt", "yuv420p",
            str(out),
        ],
        check=True,
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def camera_browser(
    browser_type: BrowserType, browser_type_launch_args: dict, camera_clip: Path
) -> Iterator[Browser]:
    """A separate browser whose fake camera plays `camera_clip`."""
    args = [
        *browser_type_launch_args["args"],
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera_clip}",
    ]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def webnn_browser(playwright: Playwright) -> Iterator[Browser]:
    """The WebNN-capable Chromium of the pinned npm @sparticuz/chromium (set up by build.py)."""
    try:
        build = webnn_chromium(ROOT)
    except BrowserUnavailable as error:
        pytest.fail(f"WebNN Chromium unavailable (python3 build.py setup prepares it): {error}")
    browser = playwright.chromium.launch(
        executable_path=str(build.executable), args=[*build.flags, *FOREGROUND_FLAGS]
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def parity_frames(media_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The first frames of the pose2sim clip at 360x640, as PNG files and RGB arrays."""
    folder = tmp_path_factory.mktemp("parity")
    frames = []
    for frame in iter_video(media_dir / "video" / "pose2sim_single_cam01.mp4"):
        if frame.index >= PARITY_FRAMES:
            break
        image = Image.fromarray(frame.image).resize((360, 640), Image.BILINEAR)
        image.save(folder / f"{frame.index:03d}.png")
        frames.append((frame.index, frame.time_ms, np.asarray(image)))
    return folder, frames

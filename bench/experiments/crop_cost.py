"""What does the page's landmark crop (web/engine/cropper.js) cost, and what would cost less?

A research experiment: serves web/engine and the bench's decoded frames
(`build/bench/site/_bench/frames`, staged by a bench run; else the clip's first 20 frames,
decoded by ffmpeg), then times in headless Debian Chromium the crop as the page cuts it from
ImageBitmaps against alternatives (every border strip drawn, a CPU copy first, WebGL2 —
pages/gl-cropper.js), interleaved frame by frame, and from a playing video (the page's copy
of each frame, a VideoFrame, the element itself). Prints per case median / p20 ms and the
ratio to the first case.

Usage: ``.venv/bin/python bench/experiments/crop_cost.py [--frames 20]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: paths.py

from paths import ROOT, VIDEO, use_checkout  # noqa: E402

use_checkout()

from blazepose_tools.browsers import FOREGROUND_FLAGS, debian_chromium  # noqa: E402
from blazepose_tools.static_server import serve_in_background  # noqa: E402

OUT = ROOT / "build" / "crop_cost"
BENCH_FLAGS = ("--enable-unsafe-swiftshader", "--ignore-gpu-blocklist")  # as bench/run.py
FRAMES = ROOT / "build" / "bench" / "site" / "_bench" / "frames" / "pose2sim_single_cam01"


def frames_dir() -> Path:
    """The bench's decoded frames, or the clip's first 20 frames decoded here by ffmpeg."""
    if FRAMES.is_dir():
        return FRAMES
    own = OUT / "frames"
    if not any(own.glob("*.jpg")):
        own.mkdir(parents=True, exist_ok=True)
        clip = VIDEO / "pose2sim_single_cam01.mp4"
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-i",
                str(clip),
                "-frames:v",
                "20",
                "-q:v",
                "3",
                str(own / "f%03d.jpg"),
            ],
            check=True,
        )
    return own


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=20)
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    site = OUT / "site"
    site.mkdir(parents=True, exist_ok=True)
    for name, target in {
        "engine": ROOT / "web" / "engine",
        "frames": frames_dir(),
        "video": VIDEO,
        "pages": Path(__file__).resolve().parent / "pages",
    }.items():
        link = site / name
        if link.is_symlink():
            link.unlink()
        link.symlink_to(target)
    names = sorted(f.name for f in frames_dir().glob("*.jpg"))[: args.frames]
    server, base = serve_in_background(site)
    build = debian_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(build.executable),
            args=[*build.flags, *FOREGROUND_FLAGS, *BENCH_FLAGS],
        )
        page = browser.new_page()
        frames = json.dumps([f"/frames/{n}" for n in names])
        page.goto(f"{base}pages/crop_cost.html?frames={frames}")
        page.wait_for_function("window.result !== undefined", timeout=300000)
        result = page.evaluate("window.result")
        version = browser.version
        browser.close()
    server.shutdown()
    print(
        f"Debian Chromium {version}, {result['width']}x{result['height']} ImageBitmaps, "
        f"{len(names)} frames x 5 rounds, load {os.getloadavg()[0]:.1f}; "
        f"max |difference| current vs via copy: {result['maxDiff']}, "
        f"vs every strip drawn: {result['stripsDiff']}; "
        f"WebGL2 vs current: max {result['glMax']}, mean {result['glMean']:.3f}"
    )
    print("case | median ms | p20 ms | ratio (median)\n--- | --- | --- | ---")
    base_median = None
    for name, times in result["times"].items():
        med, p20 = float(np.median(times)), float(np.quantile(times, 0.2))
        base_median = base_median or med
        print(f"{name} | {med:.2f} | {p20:.2f} | {med / base_median:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""MediaPipe's own output on a test sequence, made the way shared/reference was made.

    python -m blazepose_tools.mediapipe_reference hard_cuts --models lite full
    python -m blazepose_tools.mediapipe_reference two_person --models lite full
    python -m blazepose_tools.mediapipe_reference hard_cuts --build tasks   # the other web build
    python -m blazepose_tools.mediapipe_reference two_person --build tasks --num-poses 2

Google's legacy web solution (npm `@mediapipe/pose`, options at their defaults) runs in
headless Debian Chromium (WebGL on SwiftShader); it is reset once and then sees every frame
of the sequence in order with time_ms = index x 1000 / fps, so its tracking and smoothing
treat the sequence as one video (bench/pages/mediapipe_reference.js). Frames are handed to
the page as lossless PNG files of exactly the pixels our pipeline gets. Nothing is requested
beyond 127.0.0.1. `--build tasks` runs MediaPipe's other web build instead, the Tasks API
(npm `@mediapipe/tasks-vision` PoseLandmarker, VIDEO mode, CPU, bundle from
bench/task_bundle.py), to show how much Google's two builds disagree with each other;
`--num-poses N` (Tasks build only) sets its numPoses, and every frame gets `poses`, the
image landmarks of each pose found in the Tasks API's order, instead of `landmarks` and
`world_landmarks` (issue 21).
Output: tests/fixtures/<sequence>/<model>.json (tasks_<model>.json, tasks_<model>_n<N>.json
for N > 1) in the shared reference format, except that every frame carries its own width and
height, plus `segments` (source, first frame, size) and `frames_sha256` (sequences.digest).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

from blazepose_tools import browsers, sequences
from blazepose_tools.static_server import serve_in_background

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MEDIA = Path(os.environ.get("BLAZEPOSE_SHARED", ROOT.parent / "shared")) / "media"
FIXTURES = ROOT / "tests" / "fixtures"
STAGE = ROOT / ".cache" / "mediapipe_reference"
POSE_PACKAGE = ROOT / "node_modules" / "@mediapipe" / "pose"
TASKS_PACKAGE = ROOT / "node_modules" / "@mediapipe" / "tasks-vision"
TASK_BUNDLE = ROOT / "bench" / "task_bundle.py"
BUILDS = ("pose", "tasks")
PAGE = ROOT / "bench" / "pages" / "mediapipe_reference"
# WebGL in headless Chromium without a GPU (bench/run.py uses the same).
WEBGL_FLAGS = ("--enable-unsafe-swiftshader", "--ignore-gpu-blocklist")
SEQUENCES = {
    "hard_cuts": lambda media: sequences.compose(media),
    "two_person": lambda media: sequences.clip(media, "sports2d_demo"),
    **{
        name: (lambda media, name=name: sequences.side_by_side(media, name))
        for name in sequences.SIDE_BY_SIDE
    },
}


def package_version(package: Path) -> str:
    return json.loads((package / "package.json").read_text())["version"]


def stage(sequence: sequences.Sequence, name: str) -> Path:
    """The served folder: the page, the npm package, the frames as PNG (one file per
    distinct frame)."""
    site = STAGE / name
    shutil.rmtree(site, ignore_errors=True)
    (site / "frames").mkdir(parents=True)
    (site / "mp").mkdir()
    (site / "mp" / "pose").symlink_to(POSE_PACKAGE.resolve(), target_is_directory=True)
    (site / "mp" / "tasks-vision").symlink_to(TASKS_PACKAGE.resolve(), target_is_directory=True)
    for suffix in (".html", ".js"):
        shutil.copy(PAGE.with_suffix(suffix), site / PAGE.with_suffix(suffix).name)
    written: dict[int, str] = {}
    urls = []
    for index, frame in enumerate(sequence.frames):
        if id(frame) not in written:
            file = f"{index:05d}.png"
            Image.fromarray(frame).save(site / "frames" / file, compress_level=1)
            written[id(frame)] = file
        urls.append(f"/frames/{written[id(frame)]}")
    (site / "urls.json").write_text(json.dumps(urls))
    return site


def _round(rows: list | None) -> list | None:
    """Six decimals (a micro-pixel on a 1280 px frame) keep the fixtures small."""
    return None if rows is None else [[round(v, 6) for v in row] for row in rows]


def reference_file(name: str, model: str, build: str = "pose", num_poses: int = 1) -> Path:
    """Where a reference lives (the layout the module docstring gives)."""
    if build == "pose":
        return FIXTURES / name / f"{model}.json"
    return (
        FIXTURES
        / name
        / (f"tasks_{model}.json" if num_poses == 1 else f"tasks_{model}_n{num_poses}.json")
    )


def task_bundles(site: Path, models: list[str]) -> None:
    """The .task bundles the Tasks build loads, made from @mediapipe/pose's model files."""
    command = [sys.executable, str(TASK_BUNDLE), "--pose-dir", str(POSE_PACKAGE)]
    command += ["--out-dir", str(site / "tasks"), "--models", ",".join(models)]
    subprocess.run(command, check=True, capture_output=True)


def run_page(
    site: Path, model: str, fps: float, build: str = "pose", log=print, num_poses: int = 1
) -> tuple[list[dict], str]:
    """Every frame through MediaPipe's `build` in Chromium: per frame landmarks (or None),
    and the browser's version."""
    from playwright.sync_api import sync_playwright

    chromium = browsers.debian_chromium()
    urls = json.loads((site / "urls.json").read_text())
    server, base = serve_in_background(site, isolate=False)
    outside: list[str] = []
    try:
        with sync_playwright() as pw:
            flags = [*chromium.flags, *browsers.FOREGROUND_FLAGS, *WEBGL_FLAGS]
            browser = pw.chromium.launch(executable_path=str(chromium.executable), args=flags)
            try:
                context = browser.new_context()

                def route(r) -> None:
                    if r.request.url.startswith(base) or r.request.url.startswith("data:"):
                        r.continue_()
                    else:
                        outside.append(r.request.url)
                        r.abort()

                context.route("**/*", route)
                page = context.new_page()
                page.goto(f"{base}{PAGE.name}.html?build={build}")
                page.wait_for_function("window.referenceReady === true", timeout=60_000)
                if page.evaluate("window.reference.build") != build:
                    raise RuntimeError(f"the page did not select the {build} build")
                page.evaluate("([m, n]) => window.reference.init(m, n)", [model, num_poses])
                frames = []
                started = time.monotonic()
                for index, url in enumerate(urls):
                    time_ms = index * 1000.0 / fps
                    result = page.evaluate(
                        "([u, t]) => window.reference.frame(u, t)", [url, time_ms]
                    )
                    poses = [_round(p) for p in result.pop("poses", [])]
                    rounded = {k: _round(v) for k, v in result.items()}
                    if num_poses > 1:  # every pose's image landmarks instead
                        rounded = {"poses": poses}
                    frames.append({"index": index, "time_ms": time_ms, **rounded})
                    if index % 50 == 49:
                        seconds = time.monotonic() - started
                        log(f"  {model}: {index + 1}/{len(urls)} ({seconds:.0f} s)")
                version = browser.version
            finally:
                browser.close()
    finally:
        server.shutdown()
    if outside:
        raise RuntimeError(f"the page requested non-local URLs: {sorted(set(outside))[:5]}")
    return frames, version


def make_reference(
    name: str,
    media: Path,
    models: list[str],
    out: Path,
    build: str = "pose",
    log=print,
    num_poses: int = 1,
) -> None:
    if num_poses != 1 and build != "tasks":
        raise ValueError("--num-poses needs --build tasks (the legacy build tracks one person)")
    sequence = SEQUENCES[name](media)
    site = stage(sequence, f"{name}_{build}")  # one folder per run: runs may overlap
    digest = sequences.digest(sequence.frames)
    if build == "tasks":
        task_bundles(site, models)
    package = POSE_PACKAGE if build == "pose" else TASKS_PACKAGE
    for model in models:
        log(f"{name} / {build} / {model}: {len(sequence.frames)} frames")
        frames, version = run_page(site, model, sequence.fps, build, log, num_poses)
        for frame in frames:
            frame["width"], frame["height"] = sequence.size(frame["index"])
        reference = {
            "reference": f"npm {package.parent.name}/{package.name}@{package_version(package)}"
            f"{' PoseLandmarker (VIDEO, CPU)' if build == 'tasks' else ''} in headless "
            f"Chromium {version}, every frame in order after one reset",
            "model": model,
            "options": {
                "smoothLandmarks": True,
                "enableSegmentation": False,
                "minDetectionConfidence": 0.5,
                "minTrackingConfidence": 0.5,
            }
            | ({"numPoses": num_poses} if build == "tasks" else {}),
            "fps": sequence.fps,
            "segments": sequence.describe(),
            "frames_sha256": digest,
            "frames": frames,
        }
        target = out / reference_file(name, model, build, num_poses).relative_to(FIXTURES)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(reference, separators=(",", ":")) + "\n")
        present = sum(bool(f.get("poses", f.get("landmarks"))) for f in frames)
        people = sum(len(f.get("poses", [])) for f in frames)
        log(f"  wrote {target}: pose on {present}/{len(frames)} frames, {people} person-frames")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sequence", choices=sorted(SEQUENCES))
    parser.add_argument("--build", choices=BUILDS, default="pose")
    parser.add_argument(
        "--models", nargs="+", choices=("lite", "full", "heavy"), default=["lite", "full"]
    )
    parser.add_argument("--num-poses", type=int, choices=(1, 2, 3, 4), default=1)
    parser.add_argument("--media", type=Path, default=DEFAULT_MEDIA)
    parser.add_argument("--out", type=Path, default=FIXTURES)
    args = parser.parse_args(argv)
    make_reference(
        args.sequence, args.media, args.models, args.out, args.build, num_poses=args.num_poses
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

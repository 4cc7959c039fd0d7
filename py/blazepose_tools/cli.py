"""Command line: `blazepose track INPUT [--model lite|full|heavy] [--json OUT]`.

Also `python -m blazepose_tools track ...`.

Tracks one person through a video file, one image or a folder of images (sorted by name) with
the CPython backend and writes the landmarks as JSON (to stdout without --json).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from blazepose_tools.media_input import MediaError, iter_frames, probe

# Inputs with at least this many frames get a progress bar on stderr.
PROGRESS_MIN_FRAMES = 30
DECIMALS = 6


def _rounded(rows: Any) -> list[list[float]]:
    return [[round(float(value), DECIMALS) for value in row] for row in rows]


def frame_record(index: int, time_ms: float, result: Any) -> dict[str, Any]:
    """One entry of the JSON "frames" list."""
    if result is None:
        return {
            "index": index,
            "time_ms": round(time_ms, 3),
            "landmarks": None,
            "world_landmarks": None,
        }
    return {
        "index": index,
        "time_ms": round(time_ms, 3),
        "landmarks": _rounded(result.landmarks),
        "world_landmarks": _rounded(row[:3] for row in result.world_landmarks),
    }


def track(args: argparse.Namespace, out: TextIO) -> int:
    # Imported here so that `--help` and input errors do not pay for onnxruntime's start-up.
    from blazepose.tracker import PoseTracker, TrackerOptions
    from tqdm import tqdm

    from blazepose_tools.driver import track_frame
    from blazepose_tools.onnx_backend import OnnxBackend

    info = probe(args.input, folder_fps=args.fps)
    static = args.static or info.kind == "image"
    backend = OnnxBackend(args.model, landmarks_only=True, models_dir=args.models_dir)
    tracker = PoseTracker(TrackerOptions(static_image_mode=static, smooth_landmarks=args.smooth))

    frames: list[dict[str, Any]] = []
    width = height = None
    show_progress = info.frame_count is None or info.frame_count >= PROGRESS_MIN_FRAMES
    started = time.perf_counter()
    with tqdm(total=info.frame_count, unit="frame", disable=not show_progress) as progress:
        for frame in iter_frames(args.input, folder_fps=args.fps):
            image_h, image_w = frame.image.shape[:2]
            if width is None:
                width, height = image_w, image_h
            result = track_frame(tracker, backend, frame.image, image_w, image_h, frame.time_ms)
            frames.append(frame_record(frame.index, frame.time_ms, result))
            progress.update(1)
    elapsed = time.perf_counter() - started

    document = {"model": args.model, "width": width, "height": height, "frames": frames}
    if args.json:
        Path(args.json).write_text(json.dumps(document, separators=(",", ":")))
    else:
        json.dump(document, out, separators=(",", ":"))
        out.write("\n")
    found = sum(f["landmarks"] is not None for f in frames)
    fps = len(frames) / elapsed if elapsed > 0 else float("inf")
    print(
        f"{len(frames)} frames, pose on {found}, {fps:.1f} fps ({args.model})",
        file=sys.stderr,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="blazepose", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    track_p = commands.add_parser("track", help="track the pose through a video or images")
    track_p.add_argument("input", help="video file, image file, or folder of images")
    track_p.add_argument("--model", choices=("lite", "full", "heavy"), default="full")
    track_p.add_argument("--json", metavar="OUT", help="write the result here (default: stdout)")
    track_p.add_argument(
        "--static",
        action="store_true",
        help="treat every frame as an unrelated image: detector on each, no tracking/smoothing",
    )
    track_p.add_argument(
        "--no-smooth", dest="smooth", action="store_false", help="do not smooth landmarks"
    )
    track_p.add_argument(
        "--fps", type=float, default=30.0, help="frame rate of a folder of images (default 30)"
    )
    track_p.add_argument("--models-dir", default="models", help="folder of the .onnx models")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return track(args, sys.stdout)
    except MediaError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""Command line: `blazepose track INPUT [--model lite|full|heavy] [--json OUT] [--csv OUT]
[--reps EXERCISE | --samples SAMPLES.csv]`.

Also `python -m blazepose_tools track ...`.

Tracks one person through a video file, one image or a folder of images (sorted by name) with
the CPython backend and writes the landmarks and joint angles as JSON (to stdout without
--json) and, with --csv, one CSV row per frame (blazepose.recording). --reps counts a preset
exercise, --samples counts with a pose classifier trained on recorded samples (the page's
CSV); either adds the top-level "reps" to the JSON. The analysis is blazepose.analysis's
Analyzer, the same code the page runs on every frame.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from blazepose.analysis import Analyzer
from blazepose.pose_classifier import ClassifierCounter, load_samples_csv
from blazepose.recording import csv_row, frame_json, to_csv
from blazepose.rep_counter import EXERCISES

from blazepose_tools.media_input import MediaError, iter_frames, probe

# Inputs with at least this many frames get a progress bar on stderr.
PROGRESS_MIN_FRAMES = 30


def make_analyzer(args: argparse.Namespace) -> Analyzer:
    """The Analyzer the options ask for (--reps preset, --samples classifier)."""
    classifier = None
    if args.samples:
        samples = load_samples_csv(Path(args.samples).read_text())
        classes = {s.class_name for s in samples}
        missing = {args.up_class, args.down_class} - classes
        if missing:
            raise ValueError(f"{args.samples}: no samples of class {', '.join(sorted(missing))}")
        classifier = ClassifierCounter(
            samples, args.up_class, args.down_class, name=Path(args.samples).stem
        )
    return Analyzer(args.reps, classifier)


def track(args: argparse.Namespace, out: TextIO) -> int:
    # Imported here so that `--help` and input errors do not pay for onnxruntime's start-up.
    from blazepose.tracker import PoseTracker, TrackerOptions
    from tqdm import tqdm

    from blazepose_tools.driver import track_frame
    from blazepose_tools.onnx_backend import OnnxBackend

    analyzer = make_analyzer(args)  # first: a bad samples file is reported at once
    info = probe(args.input, folder_fps=args.fps)
    static = args.static or info.kind == "image"
    backend = OnnxBackend(args.model, landmarks_only=True, models_dir=args.models_dir)
    tracker = PoseTracker(TrackerOptions(static_image_mode=static, smooth_landmarks=args.smooth))

    frames: list[dict[str, Any]] = []
    rows: list[list[Any]] = []
    width = height = None
    show_progress = info.frame_count is None or info.frame_count >= PROGRESS_MIN_FRAMES
    started = time.perf_counter()
    with tqdm(total=info.frame_count, unit="frame", disable=not show_progress) as progress:
        for frame in iter_frames(args.input, folder_fps=args.fps):
            image_h, image_w = frame.image.shape[:2]
            if width is None:
                width, height = image_w, image_h
            result = track_frame(tracker, backend, frame.image, image_w, image_h, frame.time_ms)
            analysis = analyzer.update(result, image_w, image_h, frame.time_ms)
            lms = result.landmarks if result is not None else None
            world = result.world_landmarks if result is not None else None
            frames.append(frame_json(frame.index, frame.time_ms, lms, world, analysis.angles))
            if args.csv:
                rows.append(csv_row(frame.time_ms, lms, world, analysis.angles, analysis.count))
            progress.update(1)
    elapsed = time.perf_counter() - started

    document: dict[str, Any] = {
        "model": args.model,
        "width": width,
        "height": height,
        "frames": frames,
    }
    counting = analyzer.exercise is not None
    if counting:
        document["reps"] = analyzer.reps()
    if args.csv:
        Path(args.csv).write_text(to_csv(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(document, separators=(",", ":")))
    else:
        json.dump(document, out, separators=(",", ":"))
        out.write("\n")
    found = sum(f["landmarks"] is not None for f in frames)
    fps = len(frames) / elapsed if elapsed > 0 else float("inf")
    reps = f", {analyzer.count} reps of {analyzer.exercise}" if counting else ""
    print(
        f"{len(frames)} frames, pose on {found}{reps}, {fps:.1f} fps ({args.model})",
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
        "--csv", metavar="OUT", help="also write one CSV row per frame (landmarks, angles, count)"
    )
    counting = track_p.add_mutually_exclusive_group()
    counting.add_argument(
        "--reps",
        metavar="EXERCISE",
        choices=tuple(EXERCISES),
        help="count reps of a preset: " + ", ".join(EXERCISES),
    )
    counting.add_argument(
        "--samples",
        metavar="CSV",
        help="count reps with a pose classifier of these samples (rows name,class,x0,y0,z0,...)",
    )
    track_p.add_argument("--up-class", default="up", help="--samples: start class (up)")
    track_p.add_argument(
        "--down-class", default="down", help="--samples: far-end class, counted (down)"
    )
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
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

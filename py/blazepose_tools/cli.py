"""Command line: `blazepose track INPUT [--model lite|full|heavy] [--json OUT] [--csv OUT]
[--reps EXERCISE | --samples SAMPLES.csv] [--num-poses N]`.

Also `python -m blazepose_tools track ...`.

Tracks one person through a video file, one image or a folder of images (sorted by name) with
the CPython backend and writes the landmarks and joint angles as JSON (to stdout without
--json) and, with --csv, one CSV row per frame (blazepose.analysis.recording). --reps
counts a preset exercise, --samples counts with a pose classifier trained on recorded
samples (the page's CSV); either adds the top-level "reps" to the JSON. The analysis is
blazepose.analysis's Analyzer, the same code the page runs on every frame.

--num-poses N (2..4) tracks up to N people: every frame also gets "poses", one
{"id", "landmarks", "world_landmarks", "angles"} per person (ids stable while a person is
tracked, never reused), the single-person fields hold the lowest id's, each person is
counted apart ("reps_per_person") and the CSV gets an "id" column and a row per person.

Frames are decoded, tracked and written one at a time (memory does not grow with the length of
the video). Damaged input is tracked as far as it can be read: see EXIT_CODES.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from blazepose.analysis import Analyzer
from blazepose.analysis.joint_angles import joint_angles
from blazepose.analysis.people import PeopleAnalyzer
from blazepose.analysis.pose_classifier import ClassifierCounter, load_samples_csv
from blazepose.analysis.recording import csv_row, frame_json
from blazepose.analysis.rep_counter import EXERCISES
from blazepose.constants import MAX_NUM_POSES

from blazepose_tools.media_input import MediaError, MediaInfo, Notice, iter_frames, probe
from blazepose_tools.track_output import CsvWriter, JsonWriter, OutputError, OutputFile

# Inputs with at least this many frames get a progress bar on a terminal's stderr.
PROGRESS_MIN_FRAMES = 30
EXIT_ERROR = 2
EXIT_PARTIAL = 3
EXIT_INTERRUPTED = 130
EXIT_CODES = f"""exit status:
  0    every frame of INPUT read and tracked
  {EXIT_ERROR}    nothing written: INPUT unreadable (missing, empty, not a video or image, no
       decodable frame, unsupported codec), bad options or models missing; one "error:" line
  {EXIT_PARTIAL}    output written, but some frames of INPUT could not be read (truncated video,
       undecodable frames, unreadable images of a folder): tracked from the next good frame
       on, a "warning:" line each, the frame "index" of a skipped frame left out
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C): the output holds the frames tracked so far"""


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


class Reporter:
    """Warnings and the progress bar on stderr (stdout may be the JSON). Shows the first
    MAX_WARNINGS warnings and counts the rest; adds up the input frames lost."""

    MAX_WARNINGS = 10

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.frames_lost = 0
        self.warnings = 0

    def notice(self, notice: Notice) -> None:
        self.frames_lost += notice.frames_lost
        self.warnings += 1
        if self.warnings <= self.MAX_WARNINGS:
            self.progress.write(f"warning: {notice.message}", file=sys.stderr)

    def summary(self) -> str:
        parts = []
        if self.frames_lost:
            lost = self.frames_lost
            parts.append(f"{lost} input frame{'s' if lost > 1 else ''} unreadable, skipped")
        if self.warnings > self.MAX_WARNINGS:
            parts.append(f"{self.warnings - self.MAX_WARNINGS} more warnings not shown")
        return "".join(f"; {part}" for part in parts)


def show_progress(args: argparse.Namespace, info: MediaInfo) -> bool | None:
    """tqdm's `disable`: --progress / --no-progress, else only on a terminal (None) and for
    inputs long enough to need it."""
    if args.progress is not None:
        return not args.progress
    if info.frame_count is not None and info.frame_count < PROGRESS_MIN_FRAMES:
        return True
    return None


def track_frames(
    args: argparse.Namespace,
    info: MediaInfo,
    analyzer: Analyzer,
    document: JsonWriter,
    table: CsvWriter | None,
) -> tuple[int, Reporter, bool]:
    """Tracks INPUT frame by frame into the writers: (frames with a pose, the warnings,
    whether Ctrl-C stopped it after some frames)."""
    # Imported here so that `--help` and input errors do not pay for onnxruntime's start-up.
    from blazepose.tracker import PoseTracker, TrackerOptions
    from tqdm import tqdm

    from blazepose_tools.driver import track_frame
    from blazepose_tools.onnx_backend import OnnxBackend

    backend = OnnxBackend(args.model, landmarks_only=True, models_dir=args.models_dir)
    static = args.static or info.kind == "image"
    options = TrackerOptions(
        static_image_mode=static, smooth_landmarks=args.smooth, num_poses=args.num_poses
    )
    tracker = PoseTracker(options)
    found = 0
    with tqdm(total=info.frame_count, unit="frame", disable=show_progress(args, info)) as bar:
        report = Reporter(bar)
        try:
            for frame in iter_frames(args.input, args.fps, notify=report.notice):
                height, width = frame.image.shape[:2]
                result = track_frame(tracker, backend, frame.image, width, height, frame.time_ms)
                if isinstance(analyzer, PeopleAnalyzer):
                    several_people(frame, tracker.poses, width, height, analyzer, document, table)
                    found += result is not None
                    bar.update(1)
                    continue
                analysis = analyzer.update(result, width, height, frame.time_ms)
                lms = result.landmarks if result is not None else None
                world = result.world_landmarks if result is not None else None
                angles = analysis.angles
                document.frame(
                    width, height, frame_json(frame.index, frame.time_ms, lms, world, angles)
                )
                if table:
                    table.row(csv_row(frame.time_ms, lms, world, angles, analysis.count))
                found += lms is not None
                bar.update(1)
        except KeyboardInterrupt:
            if document.frames == 0:
                raise
            return found, report, True
    return found, report, False


def several_people(
    frame: Any,
    poses: list[Any],
    width: int,
    height: int,
    people: PeopleAnalyzer,
    document: JsonWriter,
    table: CsvWriter | None,
) -> None:
    """One frame's output with --num-poses > 1: the single-person fields from the first
    person (lowest id), "poses" for everyone; a CSV row per person."""
    analyses = people.update(poses, width, height, frame.time_ms)
    entries = [
        {"id": pose.id}
        | frame_json(frame.index, frame.time_ms, pose.landmarks, pose.world_landmarks, a.angles)
        for pose, a in zip(poses, analyses, strict=True)
    ]
    for entry in entries:
        del entry["index"], entry["time_ms"]
    if poses:
        first = poses[0]
        lms, world, angles = first.landmarks, first.world_landmarks, analyses[0].angles
    else:
        lms, world, angles = None, None, joint_angles(None, None, width, height)
    document.frame(
        width,
        height,
        frame_json(frame.index, frame.time_ms, lms, world, angles) | {"poses": entries},
    )
    if table:
        for pose, a in zip(poses, analyses, strict=True):
            row = csv_row(frame.time_ms, pose.landmarks, pose.world_landmarks, a.angles, a.count)
            table.row([pose.id, *row])
        if not poses:
            table.row(["", *csv_row(frame.time_ms, None, None, angles, 0)])


def track(args: argparse.Namespace, out: TextIO) -> int:
    if not 1 <= args.num_poses <= MAX_NUM_POSES:
        raise ValueError(f"--num-poses must be 1..{MAX_NUM_POSES}, got {args.num_poses}")
    analyzer: Analyzer | PeopleAnalyzer = make_analyzer(args)  # a bad samples file: at once
    if args.num_poses > 1:
        analyzer = PeopleAnalyzer(lambda: make_analyzer(args))
    info = probe(args.input, folder_fps=args.fps)  # a bad input too, before the models load
    files: list[OutputFile] = []
    try:
        json_file = OutputFile(args.json) if args.json else None
        files += [json_file] if json_file else []
        csv_file = OutputFile(args.csv) if args.csv else None
        files += [csv_file] if csv_file else []
        several = args.num_poses > 1
        document = JsonWriter(json_file.file if json_file else out, args.model, args.num_poses)
        table = CsvWriter(csv_file.file, ids=several) if csv_file else None
        started = time.perf_counter()
        found, report, interrupted = track_frames(args, info, analyzer, document, table)
        elapsed = time.perf_counter() - started
        counting = args.reps is not None or args.samples is not None
        document.close(analyzer.reps() if counting else None)
        if json_file is None:
            out.write("\n")
            out.flush()
        for file in files:
            file.commit()
    except BaseException:
        for file in files:
            file.discard()
        raise

    frames = document.frames
    fps = frames / elapsed if elapsed > 0 else float("inf")
    if several:
        people = analyzer.by_id
        counts = ", ".join(f"id {i}: {a.count}" for i, a in people.items())
        exercise = counting and next(iter(people.values()), None)
        reps = f", {len(people)} people"
        reps += f", reps of {exercise.exercise}: {counts or 'none'}" if exercise else ""
    else:
        reps = f", {analyzer.count} reps of {analyzer.exercise}" if counting else ""
    if interrupted:
        print(f"interrupted: the output holds the {frames} frames tracked so far", file=sys.stderr)
    print(
        f"{frames} frames, pose on {found}{reps}, {fps:.1f} fps ({args.model}){report.summary()}",
        file=sys.stderr,
    )
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_PARTIAL if report.frames_lost else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="blazepose", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    track_p = commands.add_parser(
        "track",
        help="track the pose through a video or images",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
    track_p.add_argument(
        "--num-poses",
        type=int,
        default=1,
        metavar="N",
        help=f"track up to N people (1..{MAX_NUM_POSES}), each with its own id and analysis",
    )
    track_p.add_argument("--models-dir", default="models", help="folder of the .onnx models")
    track_p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    return parser


def error_line(error: BaseException) -> str:
    """One line for an error: an OSError's file and reason without errno, else its text."""
    if isinstance(error, OSError) and error.filename and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return str(error) or type(error).__name__


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return track(args, sys.stdout)
    except BrokenPipeError:
        # The reader of stdout went away (`| head`): end quietly, with the status a shell
        # gives a process that SIGPIPE ended.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except (MediaError, OutputError, OSError, ValueError) as error:
        print(f"error: {error_line(error)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted before the first frame was tracked: nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())

"""Our pipeline against MediaPipe on the composed sequences (hard cuts, two people).

    python -m blazepose_tools.sequence_parity hard_cuts --models lite full
    python -m blazepose_tools.sequence_parity two_person --models lite full

Per model: PCK@0.2 and pose/no-pose agreement with MediaPipe's reference
(tests/fixtures/<sequence>/<model>.json, made by blazepose_tools.mediapipe_reference); the
same for a variant of our pipeline that differs only in the crop's half-pixel convention
(MediaPipe's CPU one instead of its web one), against MediaPipe and against us: how far two
equally valid ports drift apart on this footage; MediaPipe's other web build (Tasks API,
tasks_<model>.json) against its legacy one where that reference exists; frames to
re-acquire after each cut; and identity switches. CPython tooling.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from blazepose.tracker import TrackerOptions

from blazepose_tools import cuts, sequences
from blazepose_tools.driver import Backend
from blazepose_tools.mediapipe_reference import DEFAULT_MEDIA, FIXTURES, ROOT, SEQUENCES
from blazepose_tools.onnx_backend import OnnxBackend
from blazepose_tools.parity import landmark_rows, run_frames
from blazepose_tools.pck import Agreement

Pose = cuts.Pose


def load_reference(name: str, model: str, build: str = "pose") -> dict:
    path = FIXTURES / name / (f"{model}.json" if build == "pose" else f"tasks_{model}.json")
    if not path.exists():
        raise FileNotFoundError(
            f"no reference {path}: python -m blazepose_tools.mediapipe_reference {name}"
        )
    return json.loads(path.read_text())


def reference_poses(reference: dict) -> list[Pose]:
    return [frame["landmarks"] for frame in reference["frames"]]


def check_frames(sequence: sequences.Sequence, reference: dict) -> None:
    """The reference must have seen exactly these pixels."""
    digest = sequences.digest(sequence.frames)
    if digest != reference["frames_sha256"]:
        raise ValueError(
            "the composed frames differ from those the reference was made on "
            f"(sha256 {digest[:12]} vs {reference['frames_sha256'][:12]}): shared media "
            "or decoding changed; remake it with blazepose_tools.mediapipe_reference"
        )


def our_poses(sequence: sequences.Sequence, backend: Backend) -> list[Pose]:
    run = run_frames(iter(sequence.frames), backend, TrackerOptions(), sequence.fps)
    return [landmark_rows(result)[0] for result in run.results]


def agreement(
    sequence: sequences.Sequence, ours: Sequence[Pose], reference: Sequence[Pose]
) -> Agreement:
    total = Agreement()
    for index, (pose, ref) in enumerate(zip(ours, reference, strict=True)):
        width, height = sequence.size(index)
        total.add_frame(index, pose, ref, None, None, width, height)
    return total


def reacquire(sequence: sequences.Sequence, poses: Sequence[Pose], targets: Sequence[Pose]):
    """Frames from each cut to the first pose on that segment's target person."""
    counts = []
    spans = cuts.segments(sequence.cuts, len(poses))
    for span, target in zip(spans, targets, strict=True):
        width, height = sequence.size(span.start)
        counts.append(
            cuts.frames_to_reacquire(poses[span.start : span.stop], [0], [target], width, height)[0]
        )
    return counts


@dataclass
class ModelReport:
    model: str
    mediapipe: Agreement  # ours vs MediaPipe
    variant: Agreement  # ours with the other half-pixel convention vs MediaPipe
    self: Agreement  # ours vs ours with the other half-pixel convention
    reacquire_ours: list[int | None]
    reacquire_mediapipe: list[int | None]
    switches_ours: list[int]
    switches_mediapipe: list[int]
    # MediaPipe's other web build (Tasks API) vs its legacy one, where its reference exists.
    tasks: Agreement | None = None
    reacquire_tasks: list[int | None] | None = None


def evaluate(
    sequence: sequences.Sequence, name: str, model: str, other: Callable[[Backend], Backend]
) -> ModelReport:
    """`sequence` is SEQUENCES[name]'s; `other` wraps our backend into the variant that
    samples crops with the other half-pixel convention (tests/support/oracles.py OpenCvSampling)."""
    reference = load_reference(name, model)
    check_frames(sequence, reference)
    backend = OnnxBackend(model)
    theirs = reference_poses(reference)
    ours = our_poses(sequence, backend)
    variant = our_poses(sequence, other(backend))
    targets = cuts.last_poses(theirs, sequence.cuts)
    sizes = [sequence.size(i) for i in range(len(sequence.frames))]
    tasks = tasks_agreement = tasks_reacquire = None
    if (FIXTURES / name / f"tasks_{model}.json").exists():
        tasks_reference = load_reference(name, model, build="tasks")
        check_frames(sequence, tasks_reference)
        tasks = reference_poses(tasks_reference)
        tasks_agreement = agreement(sequence, tasks, theirs)
        tasks_reacquire = reacquire(sequence, tasks, targets)
    return ModelReport(
        model=model,
        mediapipe=agreement(sequence, ours, theirs),
        variant=agreement(sequence, variant, theirs),
        self=agreement(sequence, variant, ours),
        reacquire_ours=reacquire(sequence, ours, targets),
        reacquire_mediapipe=reacquire(sequence, theirs, targets),
        switches_ours=cuts.identity_switches(ours, sizes),
        switches_mediapipe=cuts.identity_switches(theirs, sizes),
        tasks=tasks_agreement,
        reacquire_tasks=tasks_reacquire,
    )


def format_report(report: ModelReport) -> str:
    def row(label: str, a: Agreement) -> str:
        return (
            f"  {label:40s} PCK {100 * a.pck:6.2f}%  pose/no-pose frames "
            f"{100 * a.frame_agreement:6.2f}%  mean {a.mean_px:6.2f}px"
        )

    return "\n".join(
        [
            f"{report.model}:",
            row("ours vs MediaPipe", report.mediapipe),
            row("ours, other pixel centres, vs MediaPipe", report.variant),
            row("ours vs ours with other pixel centres", report.self),
            *([row("MediaPipe Tasks vs MediaPipe legacy", report.tasks)] if report.tasks else []),
            *(
                [
                    f"  frames to re-acquire per cut: ours {report.reacquire_ours}, "
                    f"MediaPipe {report.reacquire_mediapipe}"
                    + (f", Tasks {report.reacquire_tasks}" if report.reacquire_tasks else "")
                ]
                if len(report.reacquire_ours) > 1
                else []
            ),
            f"  identity switches at frames: ours {report.switches_ours}, "
            f"MediaPipe {report.switches_mediapipe}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sequence", choices=sorted(SEQUENCES))
    models = ("lite", "full", "heavy")
    parser.add_argument("--models", nargs="+", choices=models, default=["lite", "full"])
    parser.add_argument("--media", type=Path, default=DEFAULT_MEDIA)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))  # the test oracles' other-sampling backend
    from support.oracles import OpenCvSampling

    sequence = SEQUENCES[args.sequence](args.media)
    for model in args.models:
        report = evaluate(sequence, args.sequence, model, OpenCvSampling)
        print(format_report(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

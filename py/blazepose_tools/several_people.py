"""Several people (issue 21): our tracker with num_poses N against MediaPipe's Tasks
PoseLandmarker with numPoses N on the same frames.

    python -m blazepose_tools.several_people two_person side_by_side_2 --num-poses 2 3
    python -m blazepose_tools.several_people side_by_side_3 --cost

The reference is tests/fixtures/<sequence>/tasks_<model>_n<N>.json (made by
blazepose_tools.mediapipe_reference --build tasks --num-poses N). Per clip and N: person-frames
found by each; identity switches (blazepose_tools.cuts.identity_switches on each identity's
poses: our track ids; for Tasks, which has no ids, the place i in its result list, all a caller
of landmarks[i] gets); how many identities ours gave out; PCK@0.2 of ours against Tasks on each
person matched between the two (torso centres within cuts.SAME_PLACE torso sizes, nearest
first), per our id; and the cost: detector and landmark-model runs per frame and the tracker's
own time per frame (CPython, models excluded). CPython tooling.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blazepose.tracker import CropRequest, PoseTracker, TrackerOptions

from blazepose_tools import cuts, sequences
from blazepose_tools.mediapipe_reference import DEFAULT_MEDIA, SEQUENCES, reference_file
from blazepose_tools.pck import Agreement

Rows = list[list[float]]
# Per frame: (identity, landmarks) of every person found.
People = list[list[tuple[int, Rows]]]


class CountingBackend:
    """A backend that counts the model runs by kind and the time spent in them."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.runs: dict[str, int] = defaultdict(int)
        self.seconds = 0.0

    def run(self, frame: Any, request: CropRequest) -> dict[str, Sequence[float]]:
        started = time.perf_counter()
        outputs = self.backend.run(frame, request)
        self.seconds += time.perf_counter() - started
        self.runs[request.kind] += 1
        return outputs


@dataclass
class OurRun:
    people: People
    detector_runs: int
    landmark_runs: int
    tracker_ms: float  # tracker's own time over the clip, models excluded


def run_ours(sequence: sequences.Sequence, backend: Any, num_poses: int) -> OurRun:
    counting = CountingBackend(backend)
    tracker = PoseTracker(TrackerOptions(num_poses=num_poses))
    people: People = []
    started = time.perf_counter()
    for index, image in enumerate(sequence.frames):
        height, width = image.shape[:2]
        request = tracker.begin_frame(width, height, index * 1000.0 / sequence.fps)
        while request is not None:
            request = tracker.submit(counting.run(image, request))
        people.append([(p.id, [list(lm) for lm in p.landmarks]) for p in tracker.poses])
    total = time.perf_counter() - started
    return OurRun(
        people,
        counting.runs["detector"],
        counting.runs["landmark"],
        (total - counting.seconds) * 1000.0,
    )


def tasks_people(reference: dict) -> People:
    """Tasks' poses with their place in its list as the identity (a numPoses 1 reference
    has its one pose in `landmarks`)."""
    people = []
    for frame in reference["frames"]:
        if "poses" in frame:
            poses = frame["poses"]
        else:
            poses = [frame["landmarks"]] if frame["landmarks"] else []
        people.append(list(enumerate(poses)))
    return people


def identity_switches(people: People, sizes: Sequence[tuple[int, int]]) -> int:
    tracks: dict[int, list[Rows | None]] = defaultdict(lambda: [None] * len(people))
    for index, found in enumerate(people):
        for identity, pose in found:
            tracks[identity][index] = pose
    return sum(len(cuts.identity_switches(poses, sizes)) for poses in tracks.values())


def duplicates(people: People, sizes: Sequence[tuple[int, int]]) -> int:
    """Poses on a person already reported in the same frame (torso centre within
    cuts.SAME_PLACE torso sizes of an earlier pose's): not another person found."""
    count = 0
    for index, found in enumerate(people):
        width, height = sizes[index]
        for k, (_, pose) in enumerate(found):
            count += any(cuts.on_target(pose, earlier, width, height) for _, earlier in found[:k])
    return count


def match(ours: list[tuple[int, Rows]], theirs: list[tuple[int, Rows]], width: int, height: int):
    """Pairs (our id, our pose, their pose) of the same person, nearest torso centres first."""
    candidates = []
    for i, (_, pose) in enumerate(ours):
        for j, (_, ref) in enumerate(theirs):
            if cuts.on_target(pose, ref, width, height):
                a = cuts.torso_centre(pose, width, height)
                b = cuts.torso_centre(ref, width, height)
                candidates.append((math.dist(a, b), i, j))
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs = []
    for _, i, j in sorted(candidates):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((ours[i][0], ours[i][1], theirs[j][1]))
    return pairs


@dataclass
class Comparison:
    sequence: str
    num_poses: int
    frames: int
    ours_person_frames: int  # distinct people (duplicates left out)
    tasks_person_frames: int
    ours_duplicates: int
    tasks_duplicates: int
    matched: int
    ours_switches: int
    tasks_switches: int
    ours_ids: int
    pck_by_id: dict[int, tuple[int, float]] = field(default_factory=dict)  # id: (frames, pck)
    detector_per_frame: float = 0.0
    landmark_per_frame: float = 0.0
    tracker_ms_per_frame: float = 0.0

    @property
    def pck(self) -> float:
        """Over every matched person-frame."""
        total = sum(n for n, _ in self.pck_by_id.values())
        return sum(n * p for n, p in self.pck_by_id.values()) / total if total else 1.0


def compare(
    name: str, sequence: sequences.Sequence, run: OurRun, reference: dict, num_poses: int
) -> Comparison:
    if sequences.digest(sequence.frames) != reference["frames_sha256"]:
        raise ValueError(f"{name}: the reference was made on other frames; remake it")
    sizes = [sequence.size(i) for i in range(len(sequence.frames))]
    theirs = tasks_people(reference)
    agreements: dict[int, Agreement] = defaultdict(Agreement)
    matched = 0
    for index, (ours_now, theirs_now) in enumerate(zip(run.people, theirs, strict=True)):
        width, height = sizes[index]
        for identity, pose, ref in match(ours_now, theirs_now, width, height):
            agreements[identity].add_frame(index, pose, ref, None, None, width, height)
            matched += 1
    frames = len(sequence.frames)
    return Comparison(
        sequence=name,
        num_poses=num_poses,
        frames=frames,
        ours_person_frames=sum(map(len, run.people)) - (ours_dup := duplicates(run.people, sizes)),
        tasks_person_frames=sum(map(len, theirs)) - (tasks_dup := duplicates(theirs, sizes)),
        ours_duplicates=ours_dup,
        tasks_duplicates=tasks_dup,
        matched=matched,
        ours_switches=identity_switches(run.people, sizes),
        tasks_switches=identity_switches(theirs, sizes),
        ours_ids=len({i for found in run.people for i, _ in found}),
        pck_by_id={i: (a.frames, a.pck) for i, a in sorted(agreements.items())},
        detector_per_frame=run.detector_runs / frames,
        landmark_per_frame=run.landmark_runs / frames,
        tracker_ms_per_frame=run.tracker_ms / frames,
    )


HEADER = (
    "| clip | N | person-frames ours / Tasks | duplicates ours / Tasks | matched "
    "| identity switches ours / Tasks | ids ours | PCK@0.2 per matched id (frames) | all "
    "| detector, landmark runs / frame "
    "| tracker ms / frame |\n|---|---|---|---|---|---|---|---|---|---|---|"
)


def table_row(c: Comparison) -> str:
    per_id = ", ".join(f"{i}: {p:.3f} ({n})" for i, (n, p) in c.pck_by_id.items() if n >= 10)
    return (
        f"| {c.sequence} | {c.num_poses} | {c.ours_person_frames} / {c.tasks_person_frames} "
        f"| {c.ours_duplicates} / {c.tasks_duplicates} | {c.matched} "
        f"| {c.ours_switches} / {c.tasks_switches} | {c.ours_ids} | {per_id} "
        f"| {c.pck:.3f} | {c.detector_per_frame:.2f}, {c.landmark_per_frame:.2f} "
        f"| {c.tracker_ms_per_frame:.2f} |"
    )


def load_reference(name: str, model: str, num_poses: int) -> dict:
    import json

    path = reference_file(name, model, "tasks", num_poses)
    if not path.exists():
        raise FileNotFoundError(
            f"no reference {path}: python -m blazepose_tools.mediapipe_reference {name} "
            f"--build tasks --models {model} --num-poses {num_poses}"
        )
    return json.loads(path.read_text())


def main(argv: list[str] | None = None) -> int:
    from blazepose_tools.onnx_backend import OnnxBackend

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sequences", nargs="+", choices=sorted(SEQUENCES))
    parser.add_argument("--num-poses", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--model", choices=("lite", "full", "heavy"), default="full")
    parser.add_argument("--media", type=Path, default=DEFAULT_MEDIA)
    parser.add_argument(
        "--cost", action="store_true", help="only the tracker's own time per person tracked"
    )
    args = parser.parse_args(argv)
    backend = OnnxBackend(args.model)
    if args.cost:  # blazepose_tools.person_cost (which also runs it in Pyodide)
        from blazepose_tools.person_cost import record, replay

        for name in args.sequences:
            best = replay(record(SEQUENCES[name](args.media), backend))
            line = ", ".join(f"{n} tracked {ms:.2f} ms" for n, ms in best.items())
            print(f"{name}: tracker time per frame (CPython, models excluded): {line}")
        return 0
    print(HEADER)
    for name in args.sequences:
        sequence = SEQUENCES[name](args.media)
        for num in args.num_poses:
            reference = load_reference(name, args.model, num)
            run = run_ours(sequence, backend, num)
            print(table_row(compare(name, sequence, run, reference, num)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

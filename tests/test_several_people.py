"""Several people (issue 21) against MediaPipe's Tasks PoseLandmarker with the same numPoses.

Clips (blazepose_tools.mediapipe_reference.SEQUENCES): `two_person` is the shared
`sports2d_demo.mp4` (BSD-3-Clause: someone on a box, a walker passing below, a backflip and a
cartwheel); `side_by_side_2` the two pose2sim clips (BSD-3-Clause) side by side, `side_by_side_3`
the three-clip 2160 x 1280 composite whose small people the detector finds in its square
windows of the frame (184 person-frames against Tasks' 226 with the whole frame only, 294
with the windows: docs/several-people.md). References:
tests/fixtures/<clip>/tasks_full_n<N>.json. The measures are blazepose_tools.several_people's
(person-frames with duplicates left out, identity switches by cuts.identity_switches per
identity, PCK@0.2 on matched people).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from blazepose_tools.mediapipe_reference import SEQUENCES
from blazepose_tools.several_people import (
    compare,
    load_reference,
    run_ours,
    table_row,
)

MODELS = Path(__file__).resolve().parent.parent / "models"
CASES = [("two_person", 2), ("side_by_side_2", 2), ("side_by_side_3", 3)]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def backend():
    if shutil.which("ffmpeg") is None:
        pytest.skip("the ffmpeg command line decodes the clips like the reference")
    if not (MODELS / "pose_landmark_full_landmarks_only.onnx").exists():
        pytest.skip("models not built (python3 build.py models)")
    from blazepose_tools.onnx_backend import OnnxBackend

    return OnnxBackend("full")


@pytest.mark.parametrize(("name", "num_poses"), CASES)
def test_as_many_people_as_tasks_and_fewer_identity_switches(
    name: str, num_poses: int, backend, media_dir: Path
) -> None:
    sequence = SEQUENCES[name](media_dir)
    reference = load_reference(name, "full", num_poses)
    run = run_ours(sequence, backend, num_poses)
    c = compare(name, sequence, run, reference, num_poses)
    print(table_row(c))
    assert c.ours_person_frames >= c.tasks_person_frames
    assert c.ours_switches <= c.tasks_switches
    assert c.ours_duplicates <= c.tasks_duplicates
    assert c.pck >= 0.85
    # Cost: a landmark-model run per person found, plus the tries of new detections (runs
    # that found nobody new): 0.11 of a run per frame on two_person, 0 side by side.
    found = c.ours_person_frames + c.ours_duplicates
    assert (run.landmark_runs - found) / c.frames <= 0.35

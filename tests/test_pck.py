"""PCK@0.2 bookkeeping against a reference track."""

from __future__ import annotations

import math

import pytest
from blazepose_tools.pck import Agreement, torso_size_px

W, H = 100, 200


def pose(visibility: float = 0.9) -> list[list[float]]:
    landmarks = [[0.5, 0.5, 0.0, visibility] for _ in range(33)]
    landmarks[11][:2] = [0.6, 0.2]  # left shoulder
    landmarks[12][:2] = [0.4, 0.2]  # right shoulder
    landmarks[23][:2] = [0.6, 0.6]  # left hip
    landmarks[24][:2] = [0.42, 0.6]  # right hip
    return landmarks


def test_torso_size_is_the_longer_diagonal() -> None:
    # left shoulder -> right hip: (18, 80) px; right shoulder -> left hip: (20, 80) px.
    assert torso_size_px(pose(), W, H) == pytest.approx(math.hypot(20, 80))


def test_landmarks_within_a_fifth_of_the_torso_are_correct() -> None:
    reference = pose()
    ours = [lm[:] + [1.0] for lm in reference]
    limit_px = 0.2 * math.hypot(20, 80)  # 16.49 px
    ours[0][0] += (limit_px - 0.5) / W  # just inside
    ours[1][1] += (limit_px + 0.5) / H  # just outside
    reference[2][3] = 0.3  # not visible in the reference: not scored
    ours[2][0] += 0.5
    world = [[0.0, 0.0, 0.0]] * 33
    ours_world = [[0.0, 0.0, 0.0]] * 33
    ours_world[5] = [0.0, 0.25, 0.0]
    agreement = Agreement()
    agreement.add_frame(0, ours, reference, ours_world, world, W, H)
    assert agreement.scored == 32
    assert agreement.correct == 31
    assert agreement.pck == pytest.approx(31 / 32)
    assert agreement.mean_px == pytest.approx((limit_px - 0.5 + limit_px + 0.5) / 32)
    assert agreement.max_world_m == pytest.approx(0.25)
    assert agreement.world_agreement == pytest.approx(31 / 32)
    assert agreement.worst[0][1:] == (0, 1)


def test_presence_disagreement_counts_against_frames_and_pck() -> None:
    agreement = Agreement()
    agreement.add_frame(0, None, pose(), None, None, W, H)  # we miss a pose
    agreement.add_frame(1, pose(), None, None, None, W, H)  # we see one MediaPipe did not
    agreement.add_frame(2, None, None, None, None, W, H)  # both see none
    assert agreement.frame_agreement == pytest.approx(1 / 3)
    assert agreement.missed == 33 and agreement.pck == 0.0

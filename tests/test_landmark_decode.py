import math

import pytest
from blazepose.landmark_decode import (
    decode_landmarks,
    decode_world_landmarks,
    pose_present,
    split_landmarks,
)


def test_decode_normalises_and_applies_sigmoid():
    raw = [0.0] * 195
    raw[0:5] = [128.0, 64.0, -25.6, 0.0, math.log(3.0)]
    raw[190:195] = [256.0, 0.0, 12.8, -1000.0, 1000.0]
    lms = decode_landmarks(raw)
    assert len(lms) == 39
    assert lms[0] == pytest.approx((0.5, 0.25, -0.1, 0.5, 0.75))
    assert lms[38] == pytest.approx((1.0, 0.0, 0.05, 0.0, 1.0))


def test_world_landmarks_first_33_unscaled():
    raw = [float(i) for i in range(117)]
    world = decode_world_landmarks(raw)
    assert len(world) == 33
    assert world[0] == (0.0, 1.0, 2.0)
    assert world[32] == (96.0, 97.0, 98.0)


def test_split_and_presence_gate():
    lms = [(float(i), 0.0, 0.0, 1.0, 1.0) for i in range(39)]
    pose, aux = split_landmarks(lms)
    assert len(pose) == 33 and pose[32][0] == 32.0
    assert [a[0] for a in aux] == [33.0, 34.0]
    assert pose_present(0.51) and not pose_present(0.5) and not pose_present(0.2)
    assert pose_present(0.2, 0.1)

import math

import pytest
from blazepose.crop_transform import apply_affine, roi_crop_transform
from blazepose.landmark_projection import project_landmarks, project_world_landmarks
from blazepose.rect import Rect


def test_projection_by_hand():
    # 100x100 px ROI in a 200x100 image, rotated 90 degrees clockwise.
    rect = Rect(0.5, 0.5, 0.5, 1.0, math.pi / 2)
    (p,) = project_landmarks([(1.0, 0.5, 0.2, 0.9, 0.8)], rect)
    # Crop's right-middle point ends up at the bottom-middle of the image.
    assert p == pytest.approx((0.5, 1.0, 0.1, 0.9, 0.8))
    (q,) = project_landmarks([(0.5, 0.5, 0.0)], Rect(0.3, 0.7, 0.2, 0.1, 1.0))
    assert q == pytest.approx((0.3, 0.7, 0.0))


def test_projection_agrees_with_crop_transform():
    w, h = 640, 360
    rect = Rect(0.42, 0.61, 0.35, 0.35 * w / h, -0.8)
    t = roi_crop_transform(rect, w, h, 256)
    for u, v in [(0.0, 0.0), (1.0, 0.0), (0.3, 0.8), (1.2, -0.1)]:
        (p,) = project_landmarks([(u, v, 0.0)], rect)
        x, y = apply_affine(t, u * 256, v * 256)
        assert (p[0] * w, p[1] * h) == pytest.approx((x, y))


def test_world_rotation_only():
    rect = Rect(0.2, 0.9, 0.1, 0.1, math.pi / 2)
    (p,) = project_world_landmarks([(1.0, 0.0, 2.0)], rect)
    assert p == pytest.approx((0.0, 1.0, 2.0))
    (q,) = project_world_landmarks([(0.3, -0.4, 0.5)], Rect(0.5, 0.5, 1, 1, 0.0))
    assert q == pytest.approx((0.3, -0.4, 0.5))

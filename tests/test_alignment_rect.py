import math

import pytest
from blazepose.alignment_rect import (
    alignment_points_to_rect,
    aux_landmarks_object_rect,
    detection_to_roi,
    landmarks_to_roi,
    normalize_radians,
    transform_rect,
)
from blazepose.detection import Detection
from blazepose.rect import Rect

W, H = 200, 100


def _astuple(r: Rect):
    return (r.x_center, r.y_center, r.width, r.height, r.rotation)


def test_normalize_radians_range():
    assert normalize_radians(math.pi) == pytest.approx(-math.pi)
    assert normalize_radians(-math.pi) == pytest.approx(-math.pi)
    assert normalize_radians(3 * math.pi / 2) == pytest.approx(-math.pi / 2)
    assert normalize_radians(0.25) == 0.25


@pytest.mark.parametrize(
    "end, rotation",
    [
        ((0.5, 0.3), 0.0),  # hips -> up (20 px): upright body, no rotation
        ((0.6, 0.5), math.pi / 2),  # pointing right (20 px): rotated 90 deg clockwise
        ((0.4, 0.5), -math.pi / 2),  # pointing left
        ((0.5, 0.7), -math.pi),  # upside down; wraps to -pi
    ],
)
def test_rotation_rule_in_pixels(end, rotation):
    rect = alignment_points_to_rect((0.5, 0.5), end, W, H)
    # Side is 2 * 20 px regardless of direction: 0.2 of the width, 0.4 of the height.
    assert _astuple(rect) == pytest.approx((0.5, 0.5, 0.2, 0.4, rotation))


def test_diagonal_uses_pixel_aspect():
    # +10 px right and -10 px up in a 200x100 image is 45 degrees in pixels.
    rect = alignment_points_to_rect((0.25, 0.5), (0.3, 0.4), W, H)
    assert rect.rotation == pytest.approx(math.pi / 4)
    assert rect.width * W == pytest.approx(2 * math.sqrt(200))
    assert rect.height * H == pytest.approx(2 * math.sqrt(200))


def test_transform_square_long_and_scale():
    rect = Rect(0.5, 0.5, 0.2, 0.6, 0.3)  # 40 x 60 px
    out = transform_rect(rect, W, H)
    assert _astuple(out) == pytest.approx((0.5, 0.5, 0.3 * 1.25, 0.6 * 1.25, 0.3))


def test_detection_to_roi_side_is_two_and_a_half_kp_distance():
    det = Detection(0.9, (0.0, 0.0, 0.1, 0.1), [(0.5, 0.5), (0.5, 0.3), (0.5, 0.4), (0.5, 0.35)])
    roi = detection_to_roi(det, W, H)
    assert _astuple(roi) == pytest.approx((0.5, 0.5, 50 / W, 50 / H, 0.0))


def test_landmarks_to_roi_matches_detection_rule():
    aux = [(0.3, 0.6, 0.0, 0.9, 0.9), (0.35, 0.4, 0.0, 0.9, 0.9)]
    det = Detection(1.0, (0, 0, 0, 0), [(0.3, 0.6), (0.35, 0.4)])
    assert landmarks_to_roi(aux, W, H) == detection_to_roi(det, W, H)
    unexpanded = aux_landmarks_object_rect(aux, W, H)
    side = 2 * math.hypot(10, 20)
    assert unexpanded.width * W == pytest.approx(side)
    assert landmarks_to_roi(aux, W, H).width * W == pytest.approx(1.25 * side)
    # Vector (+10, -20) px: rotation = pi/2 - atan2(20, 10).
    assert unexpanded.rotation == pytest.approx(math.pi / 2 - math.atan2(20, 10))

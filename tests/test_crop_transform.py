import math

import pytest
from blazepose.crop_transform import (
    apply_affine,
    canvas_transform,
    compose_affine,
    detector_letterbox,
    gpu_sampling,
    invert_affine,
    roi_crop_transform,
    roi_crop_transform_and_padding,
)
from blazepose.rect import Rect


def test_unrotated_roi_corners_and_centre():
    # 100x100 px ROI centred in a 200x100 image.
    t = roi_crop_transform(Rect(0.5, 0.5, 0.5, 1.0, 0.0), 200, 100, 256)
    assert apply_affine(t, 0, 0) == pytest.approx((50, 0))
    assert apply_affine(t, 256, 256) == pytest.approx((150, 100))
    assert apply_affine(t, 128, 128) == pytest.approx((100, 50))
    assert apply_affine(t, 256, 0) == pytest.approx((150, 0))


def test_rotated_roi_matches_opencv_box_points():
    # cv::RotatedRect((100,50), (100,100), 90 deg).points(): pt1 (top-left of the crop)
    # = (cx + h/2, cy - w/2), pt0 (crop bottom-left) = (cx - h/2 ... rotated) etc.
    t = roi_crop_transform(Rect(0.5, 0.5, 0.5, 1.0, math.pi / 2), 200, 100, 256)
    assert apply_affine(t, 0, 0) == pytest.approx((150, 0))
    assert apply_affine(t, 256, 0) == pytest.approx((150, 100))
    assert apply_affine(t, 0, 256) == pytest.approx((50, 0))
    assert apply_affine(t, 256, 256) == pytest.approx((50, 100))


def test_small_rotation_corner_formula():
    r = 0.3
    t = roi_crop_transform(Rect(0.4, 0.6, 0.2, 0.3, r), 300, 200, 256)
    # cv::boxPoints pt1 with a = sin/2, b = cos/2, size 60 x 60 px, centre (120, 120).
    a, b = math.sin(r) * 0.5, math.cos(r) * 0.5
    expected = (120 + a * 60 - b * 60, 120 - b * 60 - a * 60)
    assert apply_affine(t, 0, 0) == pytest.approx(expected)


def test_non_square_roi_is_padded_to_output_aspect():
    t, padding = roi_crop_transform_and_padding(Rect(0.5, 0.5, 0.5, 0.5, 0.0), 200, 100, 256)
    # 100 x 50 px ROI -> 100 x 100 px with 0.25 vertical bars.
    assert padding == pytest.approx((0.0, 0.25, 0.0, 0.25))
    assert apply_affine(t, 0, 0) == pytest.approx((50, 0))
    assert apply_affine(t, 256, 256) == pytest.approx((150, 100))


def test_detector_letterbox_landscape_and_portrait():
    t, padding = detector_letterbox(640, 480)
    assert padding == pytest.approx((0.0, 0.125, 0.0, 0.125))
    assert t == pytest.approx((640 / 224, 0.0, 0.0, 640 / 224, 0.0, -80.0))
    assert apply_affine(t, 0, 0.125 * 224) == pytest.approx((0, 0))
    t, padding = detector_letterbox(480, 640)
    assert padding == pytest.approx((0.125, 0.0, 0.125, 0.0))
    assert apply_affine(t, 224, 224) == pytest.approx((560, 640))


def test_invert_and_compose_round_trip():
    t = roi_crop_transform(Rect(0.45, 0.55, 0.3, 0.4, -2.1), 640, 480, 256)
    inv = invert_affine(t)
    for u, v in [(0, 0), (256, 0), (17.5, 203.25)]:
        x, y = apply_affine(t, u, v)
        assert apply_affine(inv, x, y) == pytest.approx((u, v))
    assert compose_affine(inv, t) == pytest.approx((1, 0, 0, 1, 0, 0), abs=1e-12)


def test_canvas_transform_half_pixel_correction():
    # Identity crop stays identity.
    ident = roi_crop_transform(Rect(0.5, 0.5, 1.0, 1.0, 0.0), 256, 256, 256)
    assert canvas_transform(ident) == pytest.approx((1, 0, 0, 1, 0, 0))
    # 2x downscale: crop pixel 0 (canvas centre 0.5) must sample image pixel 0 (canvas 0.5).
    half = roi_crop_transform(Rect(0.5, 0.5, 1.0, 1.0, 0.0), 512, 512, 256)
    m = canvas_transform(half)
    assert m == pytest.approx((0.5, 0, 0, 0.5, 0.25, 0.25))
    assert apply_affine(m, 0.5, 0.5) == pytest.approx((0.5, 0.5))
    # In general: M(T(u, v) + 0.5) = (u, v) + 0.5.
    t = roi_crop_transform(Rect(0.45, 0.55, 0.3, 0.4, 0.7), 640, 480, 256)
    m = canvas_transform(t)
    x, y = apply_affine(t, 10, 20)
    assert apply_affine(m, x + 0.5, y + 0.5) == pytest.approx((10.5, 20.5))


def test_gpu_sampling_centres_and_canvas_equivalence():
    half = roi_crop_transform(Rect(0.5, 0.5, 1.0, 1.0, 0.0), 512, 512, 256)
    g = gpu_sampling(half)
    # Crop pixel 0 covers image pixels 0..1: GPU sampling reads their midpoint.
    assert apply_affine(g, 0, 0) == pytest.approx((0.5, 0.5))
    assert apply_affine(g, 255, 255) == pytest.approx((510.5, 510.5))
    t = roi_crop_transform(Rect(0.45, 0.55, 0.3, 0.4, 0.7), 640, 480, 256)
    assert canvas_transform(gpu_sampling(t)) == pytest.approx(invert_affine(t))

import math

import pytest
from blazepose.crop_transform import apply_affine
from blazepose.rect import Rect
from blazepose.segmentation_smoothing import mask_transform, smooth_mask, smooth_mask_value


def _squared_entropy(p):
    h = -(p * math.log2(p) + (1 - p) * math.log2(1 - p))
    return h * h


def test_uncertain_values_blend_with_previous():
    # p = 0.5: uncertainty 1 -> 70 % of the previous value.
    assert smooth_mask_value(0.5, 1.0) == pytest.approx(0.5 + 0.5 * 0.7)
    # Confident values hardly move.
    assert smooth_mask_value(1.0, 0.0) == pytest.approx(1.0, abs=1e-4)
    assert smooth_mask_value(0.0, 1.0) == pytest.approx(0.0, abs=1e-4)
    assert smooth_mask_value(0.3, 0.3) == pytest.approx(0.3)


def test_polynomial_approximates_squared_binary_entropy():
    for p in [0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 0.95]:
        uncertainty = (smooth_mask_value(p, p + 1.0, 1.0) - p) / 1.0
        assert uncertainty == pytest.approx(_squared_entropy(p), abs=0.02)


def test_smooth_mask_without_previous_is_copy():
    assert smooth_mask([0.2, 0.9], None) == [0.2, 0.9]
    assert smooth_mask([0.5], [0.0]) == pytest.approx([0.5 * 0.3])


def test_mask_transform_maps_image_to_mask_pixels():
    rect = Rect(0.5, 0.5, 0.5, 1.0, 0.0)  # 100x100 px ROI in 200x100
    t = mask_transform(rect, 200, 100, 256, 256)
    assert apply_affine(t, 50, 0) == pytest.approx((0, 0))
    assert apply_affine(t, 100, 50) == pytest.approx((128, 128))
    rot = mask_transform(Rect(0.5, 0.5, 0.5, 1.0, math.pi / 2), 200, 100, 128, 128)
    assert apply_affine(rot, 150, 0) == pytest.approx((0, 0))
    assert apply_affine(rot, 50, 100) == pytest.approx((128, 128))

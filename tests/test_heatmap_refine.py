import math

import pytest
from blazepose.heatmap_refine import refine_landmarks_from_heatmap

Z = -1e16  # MediaPipe's test value: sigmoid(Z) == 0


def chw_to_hwc(values, height, width, depth):
    out = [0.0] * len(values)
    i = 0
    for c in range(depth):
        for row in range(height):
            for col in range(width):
                out[width * depth * row + depth * col + c] = values[i]
                i += 1
    return out


def xy(landmarks):
    return [(lm[0], lm[1]) for lm in landmarks]


# The four cases of MediaPipe's refine_landmarks_from_heatmap_calculator_test.cc.
def test_smoke():
    hm = [Z, Z, Z, 1, Z, Z, Z, Z, Z]
    out = refine_landmarks_from_heatmap([(0.5, 0.5)], hm, 3, 3, 3, 0.1)
    assert xy(out) == [pytest.approx((0.0, 1 / 3))]


def test_multi_layer():
    layer = [Z, Z, Z, 1, Z, Z, Z, Z, Z]
    hm = chw_to_hwc(layer * 3, 3, 3, 3)
    out = refine_landmarks_from_heatmap([(0.5, 0.5)] * 3, hm, 3, 3, 3, 0.1)
    assert xy(out) == [pytest.approx((0.0, 1 / 3))] * 3


def test_keep_if_not_sure():
    layer = [Z, Z, Z, 0, Z, Z, Z, Z, Z]  # max confidence 0.5 < 0.6
    hm = chw_to_hwc(layer * 3, 3, 3, 3)
    out = refine_landmarks_from_heatmap([(0.5, 0.5)] * 3, hm, 3, 3, 3, 0.6)
    assert xy(out) == [(0.5, 0.5)] * 3


def test_border():
    hm = chw_to_hwc([Z, Z, Z, 0, Z, 0, Z, Z, Z] + [Z, Z, Z, 0, Z, 0, Z, Z, 0], 3, 3, 2)
    out = refine_landmarks_from_heatmap([(0.0, 0.0), (0.9, 0.9)], hm, 3, 3, 3, 0.1)
    assert xy(out) == [pytest.approx((0.0, 1 / 3)), pytest.approx((2 / 3, 1 / 6 + 2 / 6))]


def _pose_heatmap(peaks):
    """64x64x39 NHWC logits, -20 everywhere except {channel: {(row, col): logit}}."""
    hm = [-20.0] * (64 * 64 * 39)
    for k, cells in peaks.items():
        for (row, col), v in cells.items():
            hm[(row * 64 + col) * 39 + k] = v
    return hm


def test_full_size_nhwc_no_half_pixel_offset_and_other_values_kept():
    lms = [(0.5, 0.5, 0.1, 0.9, 0.8)] * 39
    lms[5] = (20.2 / 64, 10.7 / 64, -0.3, 0.7, 0.6)
    hm = _pose_heatmap({5: {(10, 20): 8.0, (11, 20): 8.0}, 6: {(32, 32): -0.5}})
    out = refine_landmarks_from_heatmap(lms, hm)
    # Two equal peaks at rows 10 and 11 of column 20: mean row 10.5 (tiny background terms).
    assert out[5][0] == pytest.approx(20 / 64, abs=1e-6)
    assert out[5][1] == pytest.approx(10.5 / 64, abs=1e-6)
    assert out[5][2:] == (-0.3, 0.7, 0.6)
    # Channel 6: max confidence sigmoid(-0.5) < 0.5 -> unchanged; others likewise.
    assert out[6] == lms[6]
    assert out[0] == lms[0]


def test_the_first_landmarks_alone_refine_the_same():
    """The tracker refines only the 35 landmarks it uses of the heatmap's 39 channels."""
    lms = [((10 + k) / 64, (50 - k) / 64, 0.0, 1.0, 1.0) for k in range(39)]
    peaks = {k: {(50 - k, 10 + k): 4.0, (51 - k, 11 + k): 2.0} for k in range(39)}
    hm = _pose_heatmap(peaks)
    full = refine_landmarks_from_heatmap(lms, hm)
    first = refine_landmarks_from_heatmap(lms[:35], hm, channels=39)
    assert first == full[:35] and first != lms[:35]


def test_weighted_mean_matches_direct_formula():
    cells = {(30, 40): 1.0, (31, 41): 0.0, (33, 43): 2.0, (27, 37): 3.0, (26, 36): 9.0}
    hm = _pose_heatmap({0: cells})
    lms = [(40.5 / 64, 30.2 / 64, 0.0, 1.0, 1.0)] + [(0.0, 0.0, 0.0, 1.0, 1.0)] * 38
    out = refine_landmarks_from_heatmap(lms, hm)
    total = wc = wr = 0.0
    for row in range(27, 34):  # window of 7 around (30, 40); (26, 36) is outside
        for col in range(37, 44):
            v = cells.get((row, col), -20.0)
            c = 1 / (1 + math.exp(-v))
            total += c
            wc += col * c
            wr += row * c
    assert out[0][:2] == pytest.approx((wc / 64 / total, wr / 64 / total))


def test_outside_points_are_kept_and_row_is_not_range_checked_like_mediapipe():
    hm = _pose_heatmap({0: {(63, 10): 5.0}, 1: {(0, 0): 5.0}})
    lms = [(10 / 64, 66.5 / 64, 0, 1, 1), (-0.2, 0.0, 0, 1, 1)] + [(0.5, 0.5, 0, 1, 1)] * 37
    out = refine_landmarks_from_heatmap(lms, hm)
    # Row 66 passes MediaPipe's check (it tests the column twice); window rows 63..63.
    assert out[0][:2] == pytest.approx((10 / 64, 63 / 64), abs=1e-6)
    assert out[1] == lms[1]

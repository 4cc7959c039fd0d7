import math

import pytest
from blazepose.landmark_smoothing import (
    LandmarksSmoothing,
    PoseLandmarkFiltering,
    VisibilitySmoothing,
    points_object_scale,
    timestamp_ns,
)
from support.oracles import OneEuroFilter

W, H = 200, 100
FRAME_MS = 1000 / 30


def test_timestamp_conversion_is_integer_microseconds():
    assert timestamp_ns(0) == 0
    assert timestamp_ns(FRAME_MS) == 33_333_000
    assert timestamp_ns(100.0) == 100_000_000


def test_object_scale_of_points():
    assert points_object_scale([(0, 0, 0), (10, 4, 0), (2, 2, 0)]) == 7.0


def test_legacy_first_two_frames_pass_through_then_filter():
    s = LandmarksSmoothing(0.05, 80.0, 1.0)
    p0, p1, p2 = [(10.0, 20.0, 1.0)], [(12.0, 20.0, 1.0)], [(14.0, 21.0, 1.0)]
    assert s.apply(p0, timestamp_ns(0), 50.0) == p0  # t = 0: no state (legacy)
    assert s.apply(p1, timestamp_ns(FRAME_MS), 50.0) == p1  # first real sample
    out = s.apply(p2, timestamp_ns(2 * FRAME_MS), 50.0)
    ref = OneEuroFilter(30.0, 0.05, 80.0, 1.0)
    ref.apply(timestamp_ns(FRAME_MS), 12.0, 1 / 50)
    assert out[0][0] == pytest.approx(ref.apply(timestamp_ns(2 * FRAME_MS), 14.0, 1 / 50))
    assert p1[0][0] < out[0][0] < 14.0
    assert out[0][2] == 1.0


def test_tiny_object_scale_disables_smoothing_and_reset_restarts():
    s = LandmarksSmoothing(0.05, 80.0, 1.0)
    s.apply([(1.0, 1.0, 1.0)], timestamp_ns(10), 1.0)
    assert s.apply([(5.0, 5.0, 5.0)], timestamp_ns(20), 1e-7) == [(5.0, 5.0, 5.0)]
    filtered = s.apply([(5.0, 5.0, 5.0)], timestamp_ns(30), 1.0)
    assert filtered[0][0] != 5.0
    s.reset()
    assert s.apply([(9.0, 9.0, 9.0)], timestamp_ns(40), 1.0) == [(9.0, 9.0, 9.0)]


def test_visibility_low_pass():
    v = VisibilitySmoothing()
    assert v.apply([1.0, 0.0]) == [1.0, 0.0]
    assert v.apply([0.0, 1.0]) == pytest.approx([0.9, 0.1])


def _frame(dx, vis=0.9):
    lms = [(0.3 + dx, 0.4, -0.01, vis, 0.95), (0.6, 0.7 + dx, 0.02, vis, 0.95)]
    # Aux: hip centre and a point 10 px above -> unexpanded rect side 20 px, object scale 20.
    aux = [(0.5 + dx, 0.5, 0.0, 0.99, 0.99), (0.5 + dx, 0.4, 0.0, 0.99, 0.99)]
    world = [(0.1 + dx, -0.2, 0.3), (0.0, 0.5, -0.1)]
    return lms, aux, world


def test_pose_filtering_in_pixels_with_aux_object_scale():
    f = PoseLandmarkFiltering()
    ref_x = OneEuroFilter(30.0, 0.05, 80.0, 1.0)
    ref_world_x = OneEuroFilter(30.0, 0.1, 40.0, 1.0)
    ref_aux_x = OneEuroFilter(30.0, 0.01, 10.0, 1.0)
    vis_expected = 0.9
    for i, dx in enumerate([0.0, 0.0, 0.01, 0.03, 0.02]):
        t_ms = (i + 1) * FRAME_MS
        vis = 0.9 if i < 3 else 0.1
        lms, aux, world = _frame(dx, vis)
        out, out_aux, out_world = f.apply(lms, aux, world, W, H, t_ms)
        t = timestamp_ns(t_ms)
        assert out[0][0] * W == pytest.approx(ref_x.apply(t, lms[0][0] * W, 1 / 20))
        assert out_world[0][0] == pytest.approx(ref_world_x.apply(t, world[0][0], 1.0))
        assert out_aux[0][0] * W == pytest.approx(ref_aux_x.apply(t, aux[0][0] * W, 1 / 20))
        vis_expected = vis if i == 0 else 0.1 * vis + 0.9 * vis_expected
        assert out[0][3] == pytest.approx(vis_expected)
        assert out[0][4] == 0.95  # presence is not smoothed
        assert out[0][1] == pytest.approx(0.4) and out[0][2] == pytest.approx(-0.01)


def test_disabled_smoothing_still_filters_aux_and_reset_clears():
    f = PoseLandmarkFiltering(enable=False)
    lms, aux, world = _frame(0.0)
    f.apply(lms, aux, world, W, H, 10.0)
    lms2, aux2, world2 = _frame(0.05)
    out, out_aux, out_world = f.apply(lms2, aux2, world2, W, H, 43.0)
    assert out == lms2 and out_world == world2
    assert 0.5 < out_aux[0][0] < 0.55
    f.reset()
    _, out_aux, _ = f.apply(lms2, aux2, world2, W, H, 76.0)
    assert out_aux[0][0] == pytest.approx(0.55)


def test_static_pose_is_unchanged():
    f = PoseLandmarkFiltering()
    lms, aux, world = _frame(0.0)
    for i in range(5):
        out, out_aux, out_world = f.apply(lms, aux, world, W, H, i * FRAME_MS)
        for got, want in zip(out, lms, strict=True):
            assert got == pytest.approx(want)
        assert out_world[1] == pytest.approx(world[1])
        assert math.isclose(out_aux[1][1], 0.4)

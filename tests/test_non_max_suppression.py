import pytest
from blazepose.detection import Detection
from blazepose.non_max_suppression import intersection_over_union, weighted_non_max_suppression


def _same(a: Detection, b: Detection) -> bool:
    return (
        a.score == b.score
        and a.box == pytest.approx(b.box)
        and len(a.keypoints) == len(b.keypoints)
        and all(p == pytest.approx(q) for p, q in zip(a.keypoints, b.keypoints, strict=True))
    )


def test_iou():
    assert intersection_over_union((0, 0, 1, 1), (0, 0, 1, 1)) == 1.0
    assert intersection_over_union((0, 0, 1, 1), (0.5, 0, 1, 1)) == pytest.approx(0.5 / 1.5)
    assert intersection_over_union((0, 0, 1, 1), (2, 2, 1, 1)) == 0.0
    assert intersection_over_union((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0


def test_weighted_average_keeps_top_score():
    a = Detection(0.9, (0.0, 0.0, 1.0, 1.0), [(0.0, 0.0), (1.0, 0.0)])
    b = Detection(0.6, (0.1, 0.0, 1.0, 1.0), [(1.0, 1.0), (1.0, 3.0)])  # IoU 0.818 with a
    c = Detection(0.8, (5.0, 5.0, 1.0, 1.0), [(5.0, 5.0), (6.0, 6.0)])  # disjoint
    out = weighted_non_max_suppression([b, c, a], 0.3)
    assert len(out) == 2
    first, second = out
    # Weights 0.9 and 0.6 (total 1.5): xmin (0 + 0.06)/1.5, xmax (0.9 + 0.66)/1.5.
    assert first.score == 0.9
    assert first.box == pytest.approx((0.04, 0.0, 1.0, 1.0))
    assert first.keypoints[0] == pytest.approx((0.4, 0.4))
    assert first.keypoints[1] == pytest.approx((1.0, 1.2))
    assert _same(second, c)


def test_low_overlap_is_not_suppressed():
    a = Detection(0.9, (0.0, 0.0, 1.0, 1.0), [])
    b = Detection(0.8, (0.6, 0.0, 1.0, 1.0), [])  # IoU 0.4/1.6 = 0.25
    out = weighted_non_max_suppression([a, b], 0.3)
    assert len(out) == 2 and _same(out[0], a) and _same(out[1], b)
    assert len(weighted_non_max_suppression([a, b], 0.2)) == 1


def test_zero_area_top_box_stops_like_mediapipe():
    # A zero-area box does not even overlap itself, so nothing is removed and MediaPipe's
    # loop ends after emitting it.
    a = Detection(0.9, (0.5, 0.5, 0.0, 0.0), [])
    b = Detection(0.8, (0.0, 0.0, 1.0, 1.0), [])
    assert weighted_non_max_suppression([a, b]) == [a]
    assert weighted_non_max_suppression([]) == []

import math

import pytest
from blazepose.anchors import pose_detector_anchors
from blazepose.detection import decode_detections

ANCHORS = pose_detector_anchors()
N = len(ANCHORS)


def _raw(entries):
    """Flat boxes/scores with every anchor at logit -10 except ``entries`` {i: (logit, 12 raw)}."""
    boxes = [0.0] * (N * 12)
    scores = [-10.0] * N
    for i, (logit, raw) in entries.items():
        scores[i] = logit
        boxes[i * 12 : i * 12 + 12] = raw
    return boxes, scores


def test_decode_xywh_relative_to_anchor():
    raw = [22.4, -11.2, 44.8, 22.4, 0.0, 0.0, 224.0, 112.0, -22.4, 0.0, 0.0, -224.0]
    boxes, scores = _raw({1570: (0.0, raw)})
    (det,) = decode_detections(boxes, scores, ANCHORS, 0.5)
    ax, ay = ANCHORS[1570]
    assert det.score == 0.5
    cx, cy, w, h = ax + 0.1, ay - 0.05, 0.2, 0.1
    assert det.box == pytest.approx((cx - w / 2, cy - h / 2, w, h))
    expected_kps = [(ax, ay), (ax + 1.0, ay + 0.5), (ax - 0.1, ay), (ax, ay - 1.0)]
    for got, want in zip(det.keypoints, expected_kps, strict=True):
        assert got == pytest.approx(want)


def test_score_is_clipped_sigmoid_and_thresholded():
    raw = [0.0, 0.0, 10.0, 10.0] + [0.0] * 8
    boxes, scores = _raw({0: (1e6, raw), 5: (math.log(0.7 / 0.3), raw), 9: (-0.001, raw)})
    dets = decode_detections(boxes, scores, ANCHORS, 0.5)
    assert [d.score for d in dets] == pytest.approx([1.0 / (1.0 + math.exp(-100.0)), 0.7])
    assert decode_detections(boxes, scores, ANCHORS, 0.75)[0].score == dets[0].score
    assert len(decode_detections(boxes, scores, ANCHORS, 0.75)) == 1
    assert len(decode_detections(boxes, scores, ANCHORS, 0.0)) == N


def test_negative_or_nan_sizes_are_dropped():
    ok = [0.0, 0.0, 10.0, 10.0] + [0.0] * 8
    neg_w = [0.0, 0.0, -1.0, 10.0] + [0.0] * 8
    nan_h = [0.0, 0.0, 1.0, float("nan")] + [0.0] * 8
    boxes, scores = _raw({3: (5.0, neg_w), 4: (5.0, nan_h), 7: (5.0, ok)})
    dets = decode_detections(boxes, scores, ANCHORS, 0.5)
    assert len(dets) == 1
    assert dets[0].keypoints[0] == pytest.approx(ANCHORS[7])

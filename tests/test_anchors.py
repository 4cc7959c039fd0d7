import math

import pytest
from blazepose.anchors import generate_ssd_anchors, pose_detector_anchors


def test_pose_detector_anchor_count_and_layout():
    anchors = pose_detector_anchors()
    # 28x28x2 (stride 8) + 14x14x2 (stride 16) + 7x7x6 (three stride-32 layers merged).
    assert len(anchors) == 2254
    assert anchors[0] == anchors[1] == pytest.approx((0.5 / 28, 0.5 / 28))
    assert anchors[2] == pytest.approx((1.5 / 28, 0.5 / 28))
    assert anchors[1567] == pytest.approx((27.5 / 28, 27.5 / 28))
    assert anchors[1568] == anchors[1569] == pytest.approx((0.5 / 14, 0.5 / 14))
    assert anchors[1960] == pytest.approx((0.5 / 7, 0.5 / 7))
    assert anchors[1960:1966] == [anchors[1960]] * 6
    assert anchors[-1] == pytest.approx((6.5 / 7, 6.5 / 7))


# Golden values from tfjs-models shared/test_data/anchor_golden_file_0.json ("face detection
# config": 256 input, fixed anchor size) and anchor_golden_file_1.json ("3 inputs reverse").
def test_tfjs_golden_file_0_face_detection_config():
    anchors = generate_ssd_anchors(
        num_layers=5,
        min_scale=0.1171875,
        max_scale=0.75,
        input_size_height=256,
        input_size_width=256,
        strides=[8, 16, 32, 32, 32],
        aspect_ratios=[1.0],
        fixed_anchor_size=True,
    )
    assert len(anchors) == 32 * 32 * 2 + 16 * 16 * 2 + 8 * 8 * 6
    expected_head = [
        (0.015625, 0.015625, 1.0, 1.0),
        (0.015625, 0.015625, 1.0, 1.0),
        (0.046875, 0.015625, 1.0, 1.0),
        (0.046875, 0.015625, 1.0, 1.0),
    ]
    for got, want in zip(anchors[:4], expected_head, strict=True):
        assert got == pytest.approx(want)
    assert anchors[64] == pytest.approx((0.015625, 0.046875, 1.0, 1.0))
    assert anchors[-7] == pytest.approx((0.8125, 0.9375, 1.0, 1.0))
    assert anchors[-6:] == [(0.9375, 0.9375, 1.0, 1.0)] * 6


def test_tfjs_golden_file_1_reduced_lowest_layer():
    anchors = generate_ssd_anchors(
        num_layers=6,
        min_scale=0.2,
        max_scale=0.95,
        input_size_height=300,
        input_size_width=300,
        strides=[16, 32, 64, 128, 256, 512],
        aspect_ratios=[1.0, 2.0, 0.5, 3.0, 0.3333],
        reduce_boxes_in_lowest_layer=True,
    )
    assert len(anchors) == 19 * 19 * 3 + (10 * 10 + 5 * 5 + 3 * 3 + 2 * 2 + 1) * 6
    close = {"abs": 2e-6}
    assert anchors[0] == pytest.approx((0.0263158, 0.0263158, 0.1, 0.1), **close)
    assert anchors[1] == pytest.approx((0.0263158, 0.0263158, 0.282843, 0.141421), **close)
    assert anchors[2] == pytest.approx((0.0263158, 0.0263158, 0.141421, 0.282843), **close)
    assert anchors[3] == pytest.approx((0.0789474, 0.0263158, 0.1, 0.1), **close)
    assert anchors[-12] == pytest.approx((0.75, 0.75, 0.8, 0.8), **close)
    assert anchors[-8] == pytest.approx((0.75, 0.75, 0.461857, 1.38571), **close)
    expected_tail = [
        (0.5, 0.5, 0.95, 0.95),
        (0.5, 0.5, 1.3435, 0.671751),
        (0.5, 0.5, 0.671751, 1.3435),
        (0.5, 0.5, 1.64545, 0.548483),
        (0.5, 0.5, 0.548455, 1.64553),
        (0.5, 0.5, 0.974679, 0.974679),
    ]
    for got, want in zip(anchors[-6:], expected_tail, strict=True):
        assert got == pytest.approx(want, abs=2e-5)
    assert math.isclose(anchors[-1][2], math.sqrt(0.95), rel_tol=1e-12)

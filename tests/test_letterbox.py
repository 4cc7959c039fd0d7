import pytest
from blazepose.detection import Detection
from blazepose.letterbox import remove_detection_letterbox, remove_landmark_letterbox


def test_detection_letterbox_removal_vertical_padding():
    # 640x480 in a 224 square: bars of 0.125 at top and bottom.
    det = Detection(0.7, (0.25, 0.125, 0.5, 0.375), [(0.5, 0.5), (0.0, 0.875)])
    (out,) = remove_detection_letterbox([det], (0.0, 0.125, 0.0, 0.125))
    assert out.score == 0.7
    assert out.box == pytest.approx((0.25, 0.0, 0.5, 0.5))
    assert out.keypoints[0] == pytest.approx((0.5, 0.5))
    assert out.keypoints[1] == pytest.approx((0.0, 1.0))


def test_detection_letterbox_removal_horizontal_padding():
    det = Detection(0.7, (0.2, 0.0, 0.1, 1.0), [(0.6, 0.3)])
    (out,) = remove_detection_letterbox([det], (0.2, 0.0, 0.2, 0.0))
    assert out.box == pytest.approx((0.0, 0.0, 1.0 / 6.0, 1.0))
    assert out.keypoints[0] == pytest.approx((2.0 / 3.0, 0.3))


def test_landmark_letterbox_removal_scales_z_like_x():
    lms = [(0.5, 0.25, 0.1, 0.9, 0.8)]
    (out,) = remove_landmark_letterbox(lms, (0.1, 0.25, 0.1, 0.25))
    assert out == pytest.approx((0.5, 0.0, 0.125, 0.9, 0.8))
    assert remove_landmark_letterbox(lms, (0.0, 0.0, 0.0, 0.0)) == lms

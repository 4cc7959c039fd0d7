"""PoseTracker state machine, driven with hand-built model outputs of known geometry.

Image 448 x 224. The detector letterbox pads 0.25 top and bottom. The detection puts the
hip centre (kp0) at the image centre and kp1 56 px straight above it, so the ROI is a
140 px square (2.5 x 56) without rotation: Rect(0.5, 0.5, 140/448, 140/224, 0).
"""

from __future__ import annotations

import math

import pytest
from blazepose.alignment_rect import landmarks_to_roi
from blazepose.anchors import pose_detector_anchors
from blazepose.landmark_projection import project_landmarks
from blazepose.rect import Rect
from blazepose.tracker import PoseTracker, TrackerOptions

W, H = 448, 224
ROI = Rect(0.5, 0.5, 140 / W, 140 / H, 0.0)
ANCHOR = 300  # any anchor: the regressors are relative to its centre


def detector_outputs(score_logit: float = 3.0) -> tuple[list[float], list[float]]:
    anchors = pose_detector_anchors()
    ax, ay = anchors[ANCHOR]
    boxes = [0.0] * (len(anchors) * 12)
    scores = [-10.0] * len(anchors)
    scores[ANCHOR] = score_logit
    row = ANCHOR * 12
    # Letterbox coordinates: kp0 (0.5, 0.5), kp1 (0.5, 0.375) = image y 0.25.
    targets = [0.5, 0.5, 10 / 224, 10 / 224, 0.5, 0.5, 0.5, 0.375]
    for k, target in enumerate(targets):
        anchor = 0.0 if k in (2, 3) else (ax if k % 2 == 0 else ay)
        boxes[row + k] = (target - anchor) * 224
    return boxes, scores


def landmark_outputs(
    pose_flag: float = 0.9, shift: float = 0.0, aux_shift: float = 0.0
) -> dict[str, list[float]]:
    """All landmarks at the crop centre (+ shift px in x); aux 34 at 102.4 crop px above aux 33,
    which maps to the 56 px of the detection: the tracked ROI then equals ROI."""
    raw = []
    for i in range(39):
        x, y = 128.0 + shift, 128.0 + i * 0.5
        if i == 33:
            x, y = 128.0 + aux_shift, 128.0
        elif i == 34:
            x, y = 128.0 + aux_shift, 128.0 - 102.4
        raw += [x, y, 0.0, 5.0, 5.0]
    return {
        "landmarks": raw,
        "pose_flag": [pose_flag],
        "heatmap": [-10.0] * (64 * 64 * 39),
        "world_landmarks": [0.1 * i for i in range(117)],
    }


def detect(tracker: PoseTracker) -> Rect | None:
    tracker.detector_input(W, H)
    boxes, scores = detector_outputs()
    return tracker.on_detector_output(boxes, scores, W, H)


def assert_rect(actual: Rect, expected: Rect) -> None:
    for name in ("x_center", "y_center", "width", "height", "rotation"):
        assert getattr(actual, name) == pytest.approx(getattr(expected, name), abs=1e-9), name


def test_detection_gives_rotated_square_roi() -> None:
    tracker = PoseTracker()
    assert tracker.needs_detection()
    assert_rect(detect(tracker), ROI)
    assert_rect(tracker.landmark_rect(), ROI)


def test_no_detection_keeps_detecting() -> None:
    tracker = PoseTracker()
    tracker.detector_input(W, H)
    boxes, scores = detector_outputs(score_logit=-1.0)  # sigmoid 0.27 < 0.5
    assert tracker.on_detector_output(boxes, scores, W, H) is None
    assert tracker.landmark_rect() is None
    assert tracker.needs_detection()


def test_landmarks_projected_and_tracked_roi_from_aux() -> None:
    tracker = PoseTracker()
    result = tracker.on_landmark_output(landmark_outputs(), detect(tracker), W, H, 100.0)
    assert result is not None and len(result.landmarks) == 33 and len(result.auxiliary) == 2
    assert result.landmarks[0][:2] == pytest.approx((0.5, 0.5))
    assert result.landmarks[0][3] == pytest.approx(1 / (1 + math.exp(-5)))
    assert result.auxiliary[1][:2] == pytest.approx((0.5, 0.25))
    assert len(result.world_landmarks) == 33 and result.world_landmarks[1] == pytest.approx(
        (0.3, 0.4, 0.5)
    )
    assert not tracker.needs_detection()
    assert_rect(tracker.landmark_rect(), ROI)


def test_presence_gate_is_strict_and_configurable() -> None:
    tracker = PoseTracker()
    # ThresholdingCalculator accepts only values above the threshold.
    assert tracker.on_landmark_output(landmark_outputs(0.5), detect(tracker), W, H, 0.0) is None
    assert tracker.needs_detection()
    relaxed = PoseTracker(TrackerOptions(min_tracking_confidence=0.3))
    assert relaxed.on_landmark_output(landmark_outputs(0.4), detect(relaxed), W, H, 0.0)


def test_next_roi_comes_from_smoothed_aux_landmarks() -> None:
    tracker = PoseTracker()
    tracker.on_landmark_output(landmark_outputs(), detect(tracker), W, H, 100.0)
    rect = tracker.landmark_rect()
    moved = landmark_outputs(aux_shift=40.0)
    result = tracker.on_landmark_output(moved, rect, W, H, 133.0)
    raw_aux_x = 0.5 + (40.0 / 256) * ROI.width
    # The aux filter (min_cutoff 0.01) holds the points back...
    assert 0.5 < result.auxiliary[0][0] < raw_aux_x - 1e-3
    # ...and the next ROI follows the smoothed points, not the raw ones.
    assert_rect(tracker.landmark_rect(), landmarks_to_roi(result.auxiliary, W, H))
    assert tracker.landmark_rect().x_center < raw_aux_x - 1e-3


def test_landmark_smoothing_on_and_off() -> None:
    moved = landmark_outputs(shift=20.0)
    raw = project_landmarks([(148 / 256, (128 + 0.5 * i) / 256, 0.0) for i in range(33)], ROI)
    for smooth in (True, False):
        tracker = PoseTracker(TrackerOptions(smooth_landmarks=smooth))
        tracker.on_landmark_output(landmark_outputs(), detect(tracker), W, H, 100.0)
        result = tracker.on_landmark_output(moved, tracker.landmark_rect(), W, H, 133.0)
        if smooth:
            assert 0.5 < result.landmarks[0][0] < raw[0][0] - 1e-4
        else:
            assert result.landmarks[0][0] == pytest.approx(raw[0][0])


def test_loss_resets_filters() -> None:
    tracker = PoseTracker()
    tracker.on_landmark_output(landmark_outputs(), detect(tracker), W, H, 100.0)
    assert tracker.on_landmark_output(landmark_outputs(0.1), ROI, W, H, 133.0) is None
    assert tracker.needs_detection()
    # Found again: the first sample after the reset passes the filters untouched.
    moved = landmark_outputs(shift=20.0)
    result = tracker.on_landmark_output(moved, detect(tracker), W, H, 166.0)
    assert result.landmarks[0][0] == pytest.approx(0.5 + (20.0 / 256) * ROI.width)


def test_static_image_mode_detects_every_frame_without_smoothing() -> None:
    tracker = PoseTracker(TrackerOptions(static_image_mode=True))
    first = tracker.on_landmark_output(landmark_outputs(), detect(tracker), W, H, 100.0)
    assert first is not None
    assert tracker.needs_detection()
    assert tracker.landmark_rect() is None
    moved = landmark_outputs(shift=20.0)
    second = tracker.on_landmark_output(moved, detect(tracker), W, H, 133.0)
    assert second.landmarks[0][0] == pytest.approx(0.5 + (20.0 / 256) * ROI.width)


def test_segmentation_mask_transform_and_smoothing_state() -> None:
    outputs = landmark_outputs()
    outputs["segmentation"] = [0.0] * (256 * 256)
    plain = PoseTracker()
    assert plain.on_landmark_output(outputs, detect(plain), W, H, 100.0).mask_transform is None

    tracker = PoseTracker(TrackerOptions(enable_segmentation=True))
    result = tracker.on_landmark_output(outputs, detect(tracker), W, H, 100.0)
    assert result.segmentation is outputs["segmentation"]
    # Image -> mask pixels: the ROI centre (224, 112) lands on the mask centre (128, 128)
    # (integer pixel centres, 140 image px over 256 mask px).
    a, b, c, d, e, f = result.mask_transform
    assert (a * 224 + c * 112 + e, b * 224 + d * 112 + f) == pytest.approx((128, 128))
    assert a == pytest.approx(256 / 140) and b == pytest.approx(0.0)

    assert tracker.smooth_segmentation([0.9, 0.5]) == [0.9, 0.5]  # nothing to blend with yet
    blended = tracker.smooth_segmentation([0.1, 0.1])
    # p = 0.1: uncertainty polynomial at (p - 0.5)^2 = 0.16 gives u = 0.22041, so
    # out = p + (prev - p) * u * 0.7.
    u = 0.22041
    assert blended == pytest.approx([0.1 + 0.8 * u * 0.7, 0.1 + 0.4 * u * 0.7], abs=1e-4)
    tracker.on_no_pose(133.0)
    assert tracker.smooth_segmentation([0.3, 0.3]) == [0.3, 0.3]

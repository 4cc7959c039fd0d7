"""PoseTracker state machine, driven through its crop requests with hand-built model outputs
of known geometry.

Image 448 x 224. The detector letterbox pads 0.25 top and bottom. The detection puts the
hip centre (kp0) at the image centre and kp1 56 px straight above it, so the ROI is a
140 px square (2.5 x 56) without rotation: Rect(0.5, 0.5, 140/448, 140/224, 0).
"""

from __future__ import annotations

import math

import pytest
from blazepose.alignment_rect import landmarks_to_roi
from blazepose.anchors import pose_detector_anchors
from blazepose.crop_transform import detector_letterbox, gpu_sampling, roi_crop_transform
from blazepose.landmark_projection import project_landmarks
from blazepose.rect import Rect
from blazepose.tracker import CropRequest, PoseResult, PoseTracker, TrackerOptions

W, H = 448, 224
ROI = Rect(0.5, 0.5, 140 / W, 140 / H, 0.0)
ANCHOR = 300  # any anchor: the regressors are relative to its centre


def detector_outputs(score_logit: float = 3.0) -> dict[str, list[float]]:
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
    return {"boxes": boxes, "scores": scores}


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


def roi_request(rect: Rect) -> CropRequest:
    return CropRequest(
        "landmark", 256, "replicate", gpu_sampling(roi_crop_transform(rect, W, H, 256))
    )


def assert_request(actual: CropRequest, expected: CropRequest) -> None:
    assert (actual.kind, actual.size, actual.border) == (
        expected.kind,
        expected.size,
        expected.border,
    )
    assert actual.crop_to_image == pytest.approx(expected.crop_to_image, abs=1e-9)


def track(
    tracker: PoseTracker,
    outputs: dict[str, list[float]],
    time_ms: float,
    detector: dict[str, list[float]] | None = None,
) -> PoseResult | None:
    """One frame: the detector when the tracker asks for it, then the landmark model."""
    request = tracker.begin_frame(W, H, time_ms)
    if request.kind == "detector":
        request = tracker.submit(detector or detector_outputs())
    assert request.kind == "landmark"
    assert tracker.submit(outputs) is None
    return tracker.pose


def test_first_frame_asks_for_the_detector_letterbox() -> None:
    request = PoseTracker().begin_frame(W, H, 0.0)
    crop_to_image, _ = detector_letterbox(W, H)
    assert_request(request, CropRequest("detector", 224, "zero", gpu_sampling(crop_to_image)))


def test_detection_gives_rotated_square_roi() -> None:
    tracker = PoseTracker()
    tracker.begin_frame(W, H, 0.0)
    assert_request(tracker.submit(detector_outputs()), roi_request(ROI))


def test_no_detection_ends_the_frame_and_keeps_detecting() -> None:
    tracker = PoseTracker()
    tracker.begin_frame(W, H, 0.0)
    assert tracker.submit(detector_outputs(score_logit=-1.0)) is None  # sigmoid 0.27 < 0.5
    assert tracker.pose is None
    assert tracker.begin_frame(W, H, 33.0).kind == "detector"


def test_landmarks_projected_and_tracked_roi_from_aux() -> None:
    tracker = PoseTracker()
    result = track(tracker, landmark_outputs(), 100.0)
    assert result is not None and len(result.landmarks) == 33 and len(result.auxiliary) == 2
    assert result.landmarks[0][:2] == pytest.approx((0.5, 0.5))
    assert result.landmarks[0][3] == pytest.approx(1 / (1 + math.exp(-5)))
    assert result.auxiliary[1][:2] == pytest.approx((0.5, 0.25))
    assert len(result.world_landmarks) == 33 and result.world_landmarks[1] == pytest.approx(
        (0.3, 0.4, 0.5)
    )
    assert tracker.tracking
    assert_request(tracker.begin_frame(W, H, 133.0), roi_request(ROI))


def test_presence_gate_is_strict_and_configurable() -> None:
    tracker = PoseTracker()
    # ThresholdingCalculator accepts only values above the threshold.
    assert track(tracker, landmark_outputs(0.5), 0.0) is None
    assert not tracker.tracking
    relaxed = PoseTracker(TrackerOptions(min_tracking_confidence=0.3))
    assert track(relaxed, landmark_outputs(0.4), 0.0)


def test_next_roi_comes_from_smoothed_aux_landmarks() -> None:
    tracker = PoseTracker()
    track(tracker, landmark_outputs(), 100.0)
    result = track(tracker, landmark_outputs(aux_shift=40.0), 133.0)
    raw_aux_x = 0.5 + (40.0 / 256) * ROI.width
    # The aux filter (min_cutoff 0.01) holds the points back...
    assert 0.5 < result.auxiliary[0][0] < raw_aux_x - 1e-3
    # ...and the next ROI follows the smoothed points, not the raw ones.
    tracked = landmarks_to_roi(result.auxiliary, W, H)
    assert_request(tracker.begin_frame(W, H, 166.0), roi_request(tracked))
    assert tracked.x_center < raw_aux_x - 1e-3


def test_landmark_smoothing_on_and_off() -> None:
    moved = landmark_outputs(shift=20.0)
    raw = project_landmarks([(148 / 256, (128 + 0.5 * i) / 256, 0.0) for i in range(33)], ROI)
    for smooth in (True, False):
        tracker = PoseTracker(TrackerOptions(smooth_landmarks=smooth))
        track(tracker, landmark_outputs(), 100.0)
        result = track(tracker, moved, 133.0)
        if smooth:
            assert 0.5 < result.landmarks[0][0] < raw[0][0] - 1e-4
        else:
            assert result.landmarks[0][0] == pytest.approx(raw[0][0])


def test_loss_resets_filters() -> None:
    tracker = PoseTracker()
    track(tracker, landmark_outputs(), 100.0)
    assert track(tracker, landmark_outputs(0.1), 133.0) is None
    assert not tracker.tracking
    # Found again: the first sample after the reset passes the filters untouched.
    result = track(tracker, landmark_outputs(shift=20.0), 166.0)
    assert result.landmarks[0][0] == pytest.approx(0.5 + (20.0 / 256) * ROI.width)


def test_static_image_mode_detects_every_frame_without_smoothing() -> None:
    tracker = PoseTracker(TrackerOptions(static_image_mode=True))
    assert track(tracker, landmark_outputs(), 100.0) is not None
    assert tracker.begin_frame(W, H, 133.0).kind == "detector"
    second = track(tracker, landmark_outputs(shift=20.0), 133.0)
    assert second.landmarks[0][0] == pytest.approx(0.5 + (20.0 / 256) * ROI.width)


def test_reset_forgets_the_track() -> None:
    tracker = PoseTracker()
    track(tracker, landmark_outputs(), 100.0)
    tracker.reset()
    assert tracker.pose is None and not tracker.tracking
    assert tracker.begin_frame(W, H, 133.0).kind == "detector"


def test_misuse_gives_clear_errors() -> None:
    tracker = PoseTracker()
    with pytest.raises(RuntimeError, match="begin_frame"):
        tracker.submit(detector_outputs())
    with pytest.raises(ValueError, match="positive"):
        tracker.begin_frame(0, H, 0.0)
    tracker.begin_frame(W, H, 0.0)
    with pytest.raises(ValueError, match="scores"):
        tracker.submit({"boxes": []})


def test_segmentation_mask_transform() -> None:
    outputs = landmark_outputs()
    outputs["segmentation"] = [0.0] * (256 * 256)
    plain = track(PoseTracker(), outputs, 100.0)
    assert plain.mask_transform is None and plain.segmentation is None

    result = track(PoseTracker(TrackerOptions(enable_segmentation=True)), outputs, 100.0)
    assert result.segmentation is outputs["segmentation"]
    # Image -> mask pixels: the ROI centre (224, 112) lands on the mask centre (128, 128)
    # (integer pixel centres, 140 image px over 256 mask px).
    a, b, c, d, e, f = result.mask_transform
    assert (a * 224 + c * 112 + e, b * 224 + d * 112 + f) == pytest.approx((128, 128))
    assert a == pytest.approx(256 / 140) and b == pytest.approx(0.0)


def test_coinciding_keypoints_are_no_detection() -> None:
    """All-zero regressors put both keypoints on the anchor centre: an empty region."""
    tracker = PoseTracker()
    tracker.begin_frame(W, H, 0.0)
    outputs = detector_outputs()
    outputs["boxes"] = [0.0] * len(outputs["boxes"])
    assert tracker.submit(outputs) is None
    assert tracker.pose is None and not tracker.tracking


def test_coinciding_alignment_points_end_the_track() -> None:
    tracker = PoseTracker(TrackerOptions(smooth_landmarks=False))
    outputs = landmark_outputs()
    raw = outputs["landmarks"]
    raw[34 * 5 : 34 * 5 + 2] = raw[33 * 5 : 33 * 5 + 2]
    assert track(tracker, outputs, 100.0) is not None
    assert not tracker.tracking
    assert tracker.begin_frame(W, H, 133.0).kind == "detector"


@pytest.mark.parametrize("name", ["min_detection_confidence", "min_tracking_confidence"])
@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "0.5", None, True])
def test_confidence_outside_0_1_is_refused(name: str, bad) -> None:
    with pytest.raises(ValueError, match=f"{name} must be a number from 0 to 1"):
        PoseTracker(TrackerOptions(**{name: bad}))
    PoseTracker(TrackerOptions(**{name: 0.0}))  # the bounds themselves are fine
    PoseTracker(TrackerOptions(**{name: 1}))

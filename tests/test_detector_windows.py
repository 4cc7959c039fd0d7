"""With several people on a wide (or tall) frame the detector's turns go round the whole frame
and square windows of it (pose_tracks.detector_regions, constants.DETECTOR_WINDOW_ASPECT),
so that small people are seen at the scale of the frame's short side. One person: always the
whole frame, as MediaPipe's graph."""

from __future__ import annotations

import pytest
from blazepose import constants as C
from blazepose.crop_transform import apply_affine, detector_letterbox, gpu_sampling
from blazepose.detection import Detection
from blazepose.pose_tracks import detector_regions, region_to_image
from blazepose.rect import Rect
from blazepose.tracker import PoseTracker, TrackerOptions
from test_multi_pose_tracker import detections, xs
from test_tracker import H, W, landmark_outputs


def test_regions_of_wide_tall_and_near_square_frames() -> None:
    assert C.DETECTOR_WINDOW_ASPECT == 1.5
    assert detector_regions(1440, 1280) == [None]  # 1.125: the whole frame only
    assert detector_regions(640, 480) == [None]  # 4:3
    whole, left, right = detector_regions(2160, 1280)
    assert whole is None
    assert left == pytest.approx(Rect(640 / 2160, 0.5, 1280 / 2160, 1.0))
    assert right == pytest.approx(Rect(1 - 640 / 2160, 0.5, 1280 / 2160, 1.0))
    # 16:9 landscape and portrait: two windows each, overlapping in the middle.
    assert detector_regions(1280, 720)[1:] == pytest.approx(
        [Rect(360 / 1280, 0.5, 720 / 1280, 1.0), Rect(920 / 1280, 0.5, 720 / 1280, 1.0)]
    )
    assert detector_regions(720, 1280)[1:] == pytest.approx(
        [Rect(0.5, 360 / 1280, 1.0, 720 / 1280), Rect(0.5, 920 / 1280, 1.0, 720 / 1280)]
    )
    assert len(detector_regions(3000, 1000)) == 4  # whole + three windows


def test_detections_in_a_window_map_to_the_image() -> None:
    window = Rect(0.75, 0.5, 0.5, 1.0)  # the right half
    d = Detection(0.9, (0.2, 0.1, 0.4, 0.5), [(0.5, 0.5), (0.0, 1.0)])
    (mapped,) = region_to_image([d], window)
    assert mapped.score == 0.9
    assert mapped.box == pytest.approx((0.6, 0.1, 0.2, 0.5))
    assert [c for p in mapped.keypoints for c in p] == pytest.approx([0.75, 0.5, 0.5, 1.0])


def detector_crop(tracker: PoseTracker, time_ms: float):
    request = tracker.begin_frame(W, H, time_ms)
    assert request.kind == "detector"
    return request


def test_several_people_take_turns_whole_frame_then_windows() -> None:
    """448 x 224: the whole frame, then the left and the right 224-pixel squares, each
    filling the detector input; a person found in a window is tracked where it is."""
    tracker = PoseTracker(TrackerOptions(num_poses=2))
    whole = detector_crop(tracker, 0.0)
    assert whole.crop_to_image == gpu_sampling(detector_letterbox(W, H)[0])
    assert tracker.submit(detections()) is None
    left = detector_crop(tracker, 33.0)
    assert apply_affine(left.crop_to_image, 0.0, 0.0) == pytest.approx((0.0, 0.0))
    assert apply_affine(left.crop_to_image, 224.0, 224.0) == pytest.approx((224.0, 224.0))
    assert tracker.submit(detections()) is None
    right = detector_crop(tracker, 66.0)
    assert apply_affine(right.crop_to_image, 0.0, 0.0) == pytest.approx((224.0, 0.0))
    # Someone in the middle of the right window: image x 336 px (0.75 of the frame).
    assert tracker.submit(detections(0.5)).kind == "landmark"
    assert tracker.submit(landmark_outputs()) is None
    assert tracker.ids == [0] and xs(tracker) == [0.75]
    # One of two tracked: the turns go on, the whole frame next; after a reset, it again
    # starts with the whole frame.
    assert tracker.begin_frame(W, H, 99.0).crop_to_image == whole.crop_to_image
    assert tracker.submit(detections()).kind == "landmark"
    assert tracker.submit(landmark_outputs()) is None and tracker.ids == [0]
    assert tracker.begin_frame(W, H, 132.0).crop_to_image == left.crop_to_image
    tracker.reset()
    assert tracker.begin_frame(W, H, 0.0).crop_to_image == whole.crop_to_image


def test_one_person_and_still_images_use_the_whole_frame() -> None:
    letterbox = gpu_sampling(detector_letterbox(W, H)[0])
    for options in (TrackerOptions(), TrackerOptions(num_poses=2, static_image_mode=True)):
        tracker = PoseTracker(options)
        for t in (0.0, 33.0, 66.0):
            assert detector_crop(tracker, t).crop_to_image == letterbox
            tracker.submit(detections())

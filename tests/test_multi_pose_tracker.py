"""PoseTracker with num_poses > 1 (issue 21): each person its own track and stable id, the
detector only when someone may be missing, detections on tracked people dropped.

Hand-built model outputs as in test_tracker.py (image 448 x 224, ROIs 140 px squares): people
stand at letterbox x 0.25 and 0.75 (image x 112 and 336 px, ROIs 42..182 and 266..406 px, no
overlap), and the landmark outputs keep each track's ROI where its crop was.
"""

from __future__ import annotations

import pytest
from blazepose import constants as C
from blazepose.anchors import pose_detector_anchors
from blazepose.pose_tracks import Body, detector_due, new_regions, rect_iou, same_person
from blazepose.rect import Rect
from blazepose.tracker import PoseTracker, TrackerOptions
from test_tracker import H, W, landmark_outputs

LEFT, RIGHT = 0.25, 0.75


@pytest.fixture(autouse=True)
def whole_frame_detector(monkeypatch) -> None:
    """These 2:1 frames' detector outputs are in whole-frame letterbox coordinates: the
    detector looks at the whole frame on every turn here (its square windows on wide frames:
    test_detector_windows.py)."""
    monkeypatch.setattr(C, "DETECTOR_WINDOW_ASPECT", float("inf"))


def detections(*centres: float) -> dict[str, list[float]]:
    """One confident detection per letterbox x centre (kp0 at y 0.5, kp1 56 px above it)."""
    anchors = pose_detector_anchors()
    boxes = [0.0] * (len(anchors) * 12)
    scores = [-10.0] * len(anchors)
    for n, cx in enumerate(centres):
        anchor = 300 + 40 * n
        ax, ay = anchors[anchor]
        scores[anchor] = 3.0 - 0.1 * n  # the first is the best
        targets = [cx, 0.5, 10 / 224, 10 / 224, cx, 0.5, cx, 0.375]
        for k, target in enumerate(targets):
            origin = 0.0 if k in (2, 3) else (ax if k % 2 == 0 else ay)
            boxes[anchor * 12 + k] = (target - origin) * 224
    return {"boxes": boxes, "scores": scores}


def frame(tracker: PoseTracker, time_ms: float, found=(), flags=()) -> list[str]:
    """One frame: `found` for the detector if it runs, the landmark model with presence
    flags[i] (default 0.9) on the i-th crop. Returns the kinds of model run, in order."""
    runs = []
    request = tracker.begin_frame(W, H, time_ms)
    while request is not None:
        runs.append(request.kind)
        if request.kind == "detector":
            request = tracker.submit(detections(*found))
        else:
            n = runs.count("landmark") - 1
            request = tracker.submit(landmark_outputs(flags[n] if n < len(flags) else 0.9))
    return runs


def xs(tracker: PoseTracker) -> list[float]:
    return [round(pose.landmarks[0][0], 3) for pose in tracker.poses]


def test_two_people_each_keep_their_own_id_and_region() -> None:
    tracker = PoseTracker(TrackerOptions(num_poses=2))
    assert frame(tracker, 0.0, (LEFT, RIGHT)) == ["detector", "landmark", "landmark"]
    assert tracker.ids == [0, 1] and xs(tracker) == [LEFT, RIGHT]
    assert tracker.pose is tracker.poses[0]
    for t in (33.0, 66.0, 200.0, 1000.0):  # all tracked: no detector, one run each
        assert frame(tracker, t) == ["landmark", "landmark"]
        assert tracker.ids == [0, 1] and xs(tracker) == [LEFT, RIGHT]


def test_requests_ahead_are_the_landmark_crops_that_follow() -> None:
    """While a landmark crop is pending, requests_ahead gives the frame's later ones exactly
    (the page cuts and runs them before submitting), also when a submit ends a track; none
    while the detector's crop is pending."""
    tracker = PoseTracker(TrackerOptions(num_poses=2))
    request = tracker.begin_frame(W, H, 0.0)
    assert request.kind == "detector" and tracker.requests_ahead() == []
    request = tracker.submit(detections(LEFT, RIGHT))
    ahead = tracker.requests_ahead()
    assert request.kind == "landmark" and len(ahead) == 1
    assert tracker.submit(landmark_outputs()) == ahead[0]
    assert tracker.requests_ahead() == []
    assert tracker.submit(landmark_outputs()) is None and tracker.requests_ahead() == []
    request = tracker.begin_frame(W, H, 33.0)
    ahead = tracker.requests_ahead()
    assert tracker.submit(landmark_outputs(0.1)) == ahead[0]  # the first person is gone


def test_a_track_ends_below_presence_and_its_id_is_not_reused() -> None:
    tracker = PoseTracker(TrackerOptions(num_poses=2))
    frame(tracker, 0.0, (LEFT, RIGHT))
    assert frame(tracker, 33.0, flags=(0.1, 0.9)) == ["landmark", "landmark"]
    assert tracker.ids == [1] and xs(tracker) == [RIGHT]
    # One of two tracked: the detector runs on the next frame (REDETECT_INTERVAL_MS 0, as
    # Tasks), finds the left person again as someone new, and drops the right one's
    # detection, on a tracked person.
    assert C.REDETECT_INTERVAL_MS == 0.0
    runs = frame(tracker, 66.0, (RIGHT, LEFT))
    assert runs == ["detector", "landmark", "landmark"]
    assert tracker.ids == [1, 2] and xs(tracker) == [RIGHT, LEFT]


def test_a_bounded_detector_rate_while_some_are_tracked(monkeypatch) -> None:
    monkeypatch.setattr(C, "REDETECT_INTERVAL_MS", 100.0)
    tracker = PoseTracker(TrackerOptions(num_poses=2))
    frame(tracker, 0.0, (LEFT,))
    assert frame(tracker, 33.0) == ["landmark"]
    assert frame(tracker, 99.0) == ["landmark"]
    assert frame(tracker, 100.0, (LEFT, RIGHT)) == ["detector", "landmark", "landmark"]
    assert tracker.ids == [0, 1]


def test_no_one_tracked_detects_every_frame() -> None:
    tracker = PoseTracker(TrackerOptions(num_poses=3))
    for t in (0.0, 33.0, 66.0):
        assert frame(tracker, t) == ["detector"]
    assert frame(tracker, 99.0, (LEFT,)) == ["detector", "landmark"]
    assert tracker.ids == [0]


def test_at_most_num_poses_people() -> None:
    tracker = PoseTracker(TrackerOptions(num_poses=2))
    frame(tracker, 0.0, (0.2, 0.5, 0.8))
    assert len(tracker.poses) == 2 and xs(tracker) == [0.2, 0.5]


def test_two_tracks_on_one_person_keep_the_older() -> None:
    tracker = PoseTracker(TrackerOptions(num_poses=2, smooth_landmarks=False))
    frame(tracker, 0.0, (LEFT, RIGHT))
    # The right track's alignment points land on the left person (224 image px to the
    # left, 140 image px per 256 crop px): its next ROI is the left one's, so it ends.
    tracker.begin_frame(W, H, 33.0)
    tracker.submit(landmark_outputs())
    assert tracker.submit(landmark_outputs(aux_shift=-(RIGHT - LEFT) * W * 256 / 140)) is None
    assert tracker.ids == [0] and xs(tracker) == [LEFT]
    assert frame(tracker, 66.0) == ["detector", "landmark"] and tracker.ids == [0]


def test_static_images_detect_every_frame_with_new_ids() -> None:
    tracker = PoseTracker(TrackerOptions(num_poses=2, static_image_mode=True))
    frame(tracker, 0.0, (LEFT, RIGHT))
    assert frame(tracker, 33.0, (LEFT, RIGHT)) == ["detector", "landmark", "landmark"]
    assert tracker.ids == [2, 3]


@pytest.mark.parametrize("bad", [0, 5, -1, 1.5, True, "2", None])
def test_num_poses_out_of_range_is_refused(bad) -> None:
    with pytest.raises(ValueError, match="num_poses"):
        PoseTracker(TrackerOptions(num_poses=bad))


def test_rect_iou_and_region_choice() -> None:
    a = Rect(0.5, 0.5, 0.2, 0.2, 1.0)  # rotation is ignored
    assert rect_iou(a, a) == pytest.approx(1.0)
    assert rect_iou(a, Rect(0.6, 0.5, 0.2, 0.2)) == pytest.approx(1 / 3)
    assert rect_iou(a, Rect(0.9, 0.5, 0.2, 0.2)) == 0.0


def person(x: float, size: float = 0.2, hip_y: float = 50.0, scale: float = 40.0) -> Body:
    """A region at x (normalised) on a 100 x 100 image, hip centre at its centre."""
    return Body(Rect(x, 0.5, size, size), (x * 100, hip_y), scale)


def test_same_person_by_overlap_or_by_hip_centre() -> None:
    tracked = person(0.5)
    near, far = person(0.52), person(0.9)
    assert new_regions([near, far], [tracked], 2) == [far]
    assert new_regions([None, far], [], 1) == [None]  # the first alone decides, as with one
    assert new_regions([far, person(0.91)], [], 2) == [far]
    # Part of the tracked person: a small region (IoU 0.04) whose hip centre is 4 px from the
    # tracked one's (0.3 x 40 px allowed): the same person.
    part = Body(Rect(0.5, 0.54, 0.04, 0.04), (50.0, 54.0), 8.0)
    assert rect_iou(part.rect, tracked.rect) < 0.5 and same_person(part, [tracked])
    # Someone beside them, hips half a body size away: another person.
    beside = person(0.7, size=0.6, scale=40.0)
    assert rect_iou(beside.rect, tracked.rect) < 0.5 and not same_person(beside, [tracked])


def test_overlapping_regions_with_hips_apart_are_two_people() -> None:
    """Close to the camera (hips below the picture) neighbours' regions overlap by more than
    0.5: one person only when the hips are also within 0.5 body sizes."""
    assert C.SAME_PERSON_IOU == 0.5 and C.SAME_PERSON_OVERLAP_HIP_DISTANCE == 0.5
    left = person(0.3, size=1.0, scale=40.0)
    neighbour = person(0.55, size=1.0, scale=40.0)  # IoU 0.6, hips 0.625 body sizes apart
    assert rect_iou(left.rect, neighbour.rect) > 0.5 and not same_person(neighbour, [left])
    shifted = person(0.48, size=1.0, scale=40.0)  # IoU 0.69, hips 0.45 body sizes apart
    assert rect_iou(left.rect, shifted.rect) > 0.5 and same_person(shifted, [left])
    assert new_regions([neighbour, shifted], [left], 2) == [neighbour]


def test_detector_schedule(monkeypatch) -> None:
    monkeypatch.setattr(C, "REDETECT_INTERVAL_MS", 100.0)
    assert detector_due(1, 0, 0, 0.0, 0.0)
    assert not detector_due(1, 1, 0, 1e6, 0.0)
    assert detector_due(2, 1, 0, 100.0, 0.0)
    assert not detector_due(2, 1, 0, 99.0, 0.0)
    assert detector_due(2, 1, 1, 1.0, 0.0)  # a track waiting for a region
    assert detector_due(2, 1, 0, 5.0, 50.0)  # time went back (a new video)


def test_same_person_by_torso_centre_once_both_have_landmarks() -> None:
    """Half out of the picture: small, shifted regions and hip points, but the torsos (from
    the landmarks) 0.4 torso sizes apart; neighbours' torsos 0.75 apart stay two people."""
    a = Body(Rect(0.1, 0.5, 0.2, 0.4), (10.0, 60.0), 40.0, (10.0, 45.0), 30.0)
    b = Body(Rect(0.05, 0.4, 0.1, 0.1), (0.0, 40.0), 10.0, (12.0, 57.0), 20.0)
    assert rect_iou(a.rect, b.rect) < 0.5 and same_person(a, [b])
    beside = Body(Rect(0.3, 0.5, 0.2, 0.4), (32.5, 60.0), 40.0, (32.5, 45.0), 30.0)
    assert not same_person(beside, [a])
    assert not same_person(Body(b.rect, b.hip, b.size), [a])  # no landmarks: no torso test

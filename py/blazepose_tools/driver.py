"""Synchronous driver: one frame through detector (when needed) and landmark model.

The browser has an async twin of this function; both only sequence the tracker's steps.
"""

from __future__ import annotations

from typing import Any, Protocol

from blazepose.constants import LANDMARK_INPUT_SIZE
from blazepose.crop_transform import Affine, roi_crop_transform
from blazepose.tracker import PoseResult, PoseTracker


class Backend(Protocol):
    def detect(self, frame: Any, crop_to_image: Affine) -> tuple[Any, Any]: ...

    def landmarks(self, frame: Any, crop_to_image: Affine) -> dict[str, Any]: ...


def track_frame(
    tracker: PoseTracker,
    backend: Backend,
    frame: Any,
    image_w: int,
    image_h: int,
    time_ms: float,
) -> PoseResult | None:
    """Runs one frame; returns the pose or None (then the detector runs on the next frame)."""
    if tracker.needs_detection():
        boxes, scores = backend.detect(frame, tracker.detector_input(image_w, image_h))
        if tracker.on_detector_output(boxes, scores, image_w, image_h) is None:
            tracker.on_no_pose(time_ms)
            return None
    rect = tracker.landmark_rect()
    if rect is None:
        tracker.on_no_pose(time_ms)
        return None
    crop = roi_crop_transform(rect, image_w, image_h, LANDMARK_INPUT_SIZE)
    outputs = backend.landmarks(frame, crop)
    return tracker.on_landmark_output(outputs, rect, image_w, image_h, time_ms)

"""Synchronous driver: one frame through the tracker's crop requests.

The page's JS driver (web/) is the same loop; only the tracker decides what runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from blazepose.tracker import CropRequest, PoseResult, PoseTracker


class Backend(Protocol):
    def run(self, frame: Any, request: CropRequest) -> dict[str, Sequence[float]]: ...


def track_frame(
    tracker: PoseTracker,
    backend: Backend,
    frame: Any,
    image_w: int,
    image_h: int,
    time_ms: float,
) -> PoseResult | None:
    """Runs one frame; returns the pose or None (then the detector runs on the next frame)."""
    request = tracker.begin_frame(image_w, image_h, time_ms)
    while request is not None:
        request = tracker.submit(backend.run(frame, request))
    return tracker.pose

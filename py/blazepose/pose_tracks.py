"""Who is who across frames when several people are tracked (numPoses > 1, issue 21).

Each tracked person is a Track: a stable id (never reused by its tracker), its own landmark
filters and its own ROI for the next frame, from its own last landmarks, as in BlazePose's
one-person graph. Two regions are taken for one person when they overlap by more than
SAME_PERSON_IOU (intersection over union of the unrotated boxes, as MediaPipe's Tasks
AssociationNormRectCalculator does): a detection on someone already tracked is dropped, and of
two tracks that end up on one person the older one stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import constants as C
from .landmark_smoothing import PoseLandmarkFiltering
from .rect import Rect


@dataclass(eq=False)
class Track:
    id: int
    filtering: PoseLandmarkFiltering
    # ROI for the next frame from this person's last landmarks; None when those gave no region
    # (the track keeps its filters and takes the next detection, like the one-person graph).
    rect: Rect | None = None
    # The region the landmark model sees this frame.
    crop: Rect | None = field(default=None, repr=False)


def rect_iou(a: Rect, b: Rect) -> float:
    """Intersection over union of the two regions' unrotated boxes (normalised coordinates:
    the ratio is the same in pixels)."""
    left = max(a.x_center - a.width / 2, b.x_center - b.width / 2)
    right = min(a.x_center + a.width / 2, b.x_center + b.width / 2)
    top = max(a.y_center - a.height / 2, b.y_center - b.height / 2)
    bottom = min(a.y_center + a.height / 2, b.y_center + b.height / 2)
    inter = max(0.0, right - left) * max(0.0, bottom - top)
    union = a.width * a.height + b.width * b.height - inter
    return inter / union if union > 0.0 else 0.0


def same_person(rect: Rect, others: Iterable[Rect]) -> bool:
    return any(rect_iou(rect, other) > C.SAME_PERSON_IOU for other in others)


def new_regions(
    detected: Sequence[Rect | None], tracked: Sequence[Rect], room: int
) -> list[Rect | None]:
    """Detections (best first) on nobody tracked and on nobody taken before, at most `room`;
    a detection that gave no region (None) is kept in its place, so with one person the
    first detection alone decides, as in the one-person graph."""
    taken = list(tracked)
    chosen: list[Rect | None] = []
    for rect in detected:
        if len(chosen) == room:
            break
        if rect is None:
            chosen.append(None)
        elif not same_person(rect, taken):
            chosen.append(rect)
            taken.append(rect)
    return chosen


def detector_due(
    num_poses: int, tracked: int, orphans: int, time_ms: float, last_detect_ms: float | None
) -> bool:
    """Whether this frame runs the detector: nobody tracked or a track waiting for a region,
    every frame; some but fewer than num_poses tracked, every REDETECT_INTERVAL_MS; all
    tracked, never."""
    if tracked == 0 or orphans:
        return True
    if tracked >= num_poses:
        return False
    if last_detect_ms is None or time_ms < last_detect_ms:
        return True
    return time_ms - last_detect_ms >= C.REDETECT_INTERVAL_MS

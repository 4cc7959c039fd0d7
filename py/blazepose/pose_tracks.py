"""Who is who across frames when several people are tracked (numPoses > 1, issue 21).

Each tracked person is a Track: a stable id (never reused by its tracker), its own landmark
filters and its own ROI for the next frame, from its own last landmarks, as in BlazePose's
one-person graph. Two people are taken for one when their regions overlap by more
than SAME_PERSON_IOU (intersection over union of the unrotated boxes, as MediaPipe's Tasks
AssociationNormRectCalculator does) with hip centres closer than
SAME_PERSON_OVERLAP_HIP_DISTANCE body sizes (ours: neighbours close to the camera have
overlapping regions), or when their hip centres are closer than
SAME_PERSON_HIP_DISTANCE body sizes (a detection of part of someone tracked has a smaller
region, which the IoU alone lets through) or, with landmarks, when their torso centres are
closer than SAME_PERSON_TORSO_DISTANCE torso sizes (a person half out of the picture). A
detection on someone already tracked is dropped, and of two tracks that end up on one person
the older one stays.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import constants as C
from .detection import Detection
from .landmark_smoothing import PoseLandmarkFiltering
from .rect import Rect


@dataclass(frozen=True)
class Body:
    """Where a person is: the region, and the two alignment points it was made from (a
    detection's keypoints 0 and 1, or the auxiliary landmarks 33 and 34) in pixels."""

    rect: Rect
    hip: tuple[float, float]  # hip centre
    size: float  # hip centre to the point above the head
    torso: tuple[float, float] | None = None  # centre of shoulders and hips (landmarks)
    torso_size: float = 0.0  # longer shoulder-to-opposite-hip diagonal


LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP = 11, 12, 23, 24  # C.LANDMARK_NAMES
TORSO = (LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP)


def body(
    rect: Rect,
    points: Sequence[Sequence[float]],
    image_w: int,
    image_h: int,
    landmarks: Sequence[Sequence[float]] | None = None,
) -> Body:
    """`points`: the two alignment points, `landmarks` the 33 (if any), normalised."""
    hip = (points[0][0] * image_w, points[0][1] * image_h)
    top = (points[1][0] * image_w, points[1][1] * image_h)
    if landmarks is None:
        return Body(rect, hip, math.dist(hip, top))
    px = {i: (landmarks[i][0] * image_w, landmarks[i][1] * image_h) for i in TORSO}
    torso = (sum(p[0] for p in px.values()) / 4, sum(p[1] for p in px.values()) / 4)
    diagonal = max(
        math.dist(px[LEFT_SHOULDER], px[RIGHT_HIP]), math.dist(px[RIGHT_SHOULDER], px[LEFT_HIP])
    )
    return Body(rect, hip, math.dist(hip, top), torso, diagonal)


@dataclass(eq=False)
class Track:
    filtering: PoseLandmarkFiltering
    id: int | None = None  # given on the track's first pose
    # Where the person was on its last frame: the next frame's ROI; None when its landmarks
    # gave no region (the track keeps its filters and takes the next detection, like the
    # one-person graph).
    body: Body | None = None
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


def same_person(person: Body, others: Iterable[Body]) -> bool:
    for other in others:
        size = max(person.size, other.size)
        hips = math.dist(person.hip, other.hip)
        if hips < C.SAME_PERSON_HIP_DISTANCE * size:
            return True
        overlap = rect_iou(person.rect, other.rect) > C.SAME_PERSON_IOU
        if overlap and hips < C.SAME_PERSON_OVERLAP_HIP_DISTANCE * size:
            return True
        if person.torso is not None and other.torso is not None:
            near = C.SAME_PERSON_TORSO_DISTANCE * max(person.torso_size, other.torso_size)
            if math.dist(person.torso, other.torso) < near:
                return True
    return False


def new_regions(
    detected: Sequence[Body | None], tracked: Sequence[Body], room: int
) -> list[Body | None]:
    """Detections (best first) on nobody tracked and on nobody taken before, at most `room`;
    a detection that gave no region (None) is kept in its place, so with one person the
    first detection alone decides, as in the one-person graph."""
    taken = list(tracked)
    chosen: list[Body | None] = []
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


def detector_regions(image_w: int, image_h: int) -> list[Rect | None]:
    """Where the detector looks on its successive turns with several people: the whole frame
    (None: the letterbox of the one-person graph), then, on a frame at least
    DETECTOR_WINDOW_ASPECT times longer than high (or higher than long), square windows
    as high (wide) as the frame, evenly spaced from one end to the other, overlapping."""
    long_side, short_side = max(image_w, image_h), min(image_w, image_h)
    if long_side < C.DETECTOR_WINDOW_ASPECT * short_side:
        return [None]
    count = math.ceil(long_side / short_side)
    step = (long_side - short_side) / (count - 1)
    regions: list[Rect | None] = [None]
    for k in range(count):
        centre = (k * step + short_side / 2) / long_side
        size = short_side / long_side
        if image_w >= image_h:
            regions.append(Rect(centre, 0.5, size, 1.0))
        else:
            regions.append(Rect(0.5, centre, 1.0, size))
    return regions


def region_to_image(detections: Iterable[Detection], region: Rect) -> list[Detection]:
    """Detections normalised to an unrotated region of the image -> normalised to the
    image."""
    left = region.x_center - region.width / 2
    top = region.y_center - region.height / 2
    sx, sy = region.width, region.height
    return [
        Detection(
            d.score,
            (left + d.box[0] * sx, top + d.box[1] * sy, d.box[2] * sx, d.box[3] * sy),
            [(left + x * sx, top + y * sy) for x, y in d.keypoints],
        )
        for d in detections
    ]

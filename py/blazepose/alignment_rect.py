"""Alignment points -> rotated ROI (MediaPipe AlignmentPointsRectsCalculator with
DetectionsToRectsCalculator::ComputeRotation, then RectTransformationCalculator;
mediapipe/calculators/util/)."""

import math
from collections.abc import Sequence

from . import constants as C
from .detection import Detection
from .rect import Rect


def normalize_radians(angle: float) -> float:
    """Wrap to [-pi, pi)."""
    return angle - 2.0 * math.pi * math.floor((angle + math.pi) / (2.0 * math.pi))


def alignment_points_to_rect(
    start: tuple[float, float],
    end: tuple[float, float],
    image_w: int,
    image_h: int,
    target_angle: float = C.ROI_TARGET_ANGLE,
) -> Rect:
    """Rect centred on ``start`` with side 2*|end - start| (in pixels), rotated so that the
    start->end vector points at ``target_angle`` (radians, counter-clockwise from +x with
    y up). Points are normalised to the image."""
    x0, y0 = start[0] * image_w, start[1] * image_h
    x1, y1 = end[0] * image_w, end[1] * image_h
    box_size = 2.0 * math.hypot(x1 - x0, y1 - y0)
    rotation = normalize_radians(target_angle - math.atan2(-(y1 - y0), x1 - x0))
    return Rect(x0 / image_w, y0 / image_h, box_size / image_w, box_size / image_h, rotation)


def transform_rect(
    rect: Rect,
    image_w: int,
    image_h: int,
    scale_x: float = C.ROI_SCALE_X,
    scale_y: float = C.ROI_SCALE_Y,
    square_long: bool = True,
) -> Rect:
    """RectTransformationCalculator without shift or extra rotation: square on the long side
    (in pixels), then scale."""
    width, height = rect.width, rect.height
    if square_long:
        long_side = max(width * image_w, height * image_h)
        width, height = long_side / image_w, long_side / image_h
    return Rect(rect.x_center, rect.y_center, width * scale_x, height * scale_y, rect.rotation)


def detection_to_roi(detection: Detection, image_w: int, image_h: int) -> Rect:
    """Landmark ROI from a detection (kp0 = hip centre, kp1 = body size/rotation point);
    the detection must already be in image coordinates (letterbox removed)."""
    kps = detection.keypoints
    rect = alignment_points_to_rect(
        kps[C.ROI_START_KEYPOINT_INDEX], kps[C.ROI_END_KEYPOINT_INDEX], image_w, image_h
    )
    return transform_rect(rect, image_w, image_h)


def aux_landmarks_object_rect(
    aux_landmarks: Sequence[Sequence[float]], image_w: int, image_h: int
) -> Rect:
    """Unexpanded rect of the two auxiliary landmarks (33 -> 34): the OBJECT_SCALE_ROI of
    the legacy smoothing graph."""
    return alignment_points_to_rect(
        (aux_landmarks[0][0], aux_landmarks[0][1]),
        (aux_landmarks[1][0], aux_landmarks[1][1]),
        image_w,
        image_h,
    )


def landmarks_to_roi(aux_landmarks: Sequence[Sequence[float]], image_w: int, image_h: int) -> Rect:
    """Next-frame landmark ROI from the two (smoothed) auxiliary landmarks, same rule as
    :func:`detection_to_roi`."""
    return transform_rect(
        aux_landmarks_object_rect(aux_landmarks, image_w, image_h), image_w, image_h
    )

"""Pose detector output decoding (MediaPipe TensorsToDetectionsCalculator,
mediapipe/calculators/tensor/tensors_to_detections_calculator.cc)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from . import constants as C


@dataclass(frozen=True)
class Detection:
    """A detection in normalised coordinates of the detector input (or, after letterbox
    removal, of the image). ``box`` is (xmin, ymin, width, height)."""

    score: float
    box: tuple[float, float, float, float]
    keypoints: list[tuple[float, float]]


def _logit(p: float) -> float:
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    return math.log(p / (1.0 - p))


def decode_detections(
    boxes: Sequence[float],
    scores: Sequence[float],
    anchors: Sequence[tuple[float, float]],
    min_score: float = C.MIN_DETECTION_CONFIDENCE,
) -> list[Detection]:
    """Decode raw regressors (flat, ``len(anchors) * 12``: XYWH box then 4 keypoints, in
    224-px units relative to unit-size anchors) and score logits into detections with
    sigmoid(clip(logit, ±100)) >= ``min_score`` and non-negative box size, in anchor order.
    """
    num_coords = C.DETECTOR_NUM_COORDS
    box_offset = C.DETECTOR_BOX_COORD_OFFSET
    kp_offset = C.DETECTOR_KEYPOINT_COORD_OFFSET
    num_kp = C.DETECTOR_NUM_KEYPOINTS
    inv_x = 1.0 / C.DETECTOR_X_SCALE
    inv_y = 1.0 / C.DETECTOR_Y_SCALE
    inv_w = 1.0 / C.DETECTOR_W_SCALE
    inv_h = 1.0 / C.DETECTOR_H_SCALE
    clip = C.DETECTOR_SCORE_CLIPPING_THRESH
    exp = math.exp
    # Sigmoid is monotonic: skip low logits before doing any float work on them. The
    # margin keeps borderline cases for the exact comparison below.
    logit_floor = _logit(min_score) - 1e-6
    detections: list[Detection] = []
    candidates = [i for i, logit in enumerate(scores) if logit >= logit_floor]
    for i in candidates:
        logit = scores[i]
        logit = -clip if logit < -clip else (clip if logit > clip else logit)
        score = 1.0 / (1.0 + exp(-logit))
        if score < min_score:
            continue
        ax, ay = anchors[i]
        o = i * num_coords
        b = o + box_offset
        cx = boxes[b] * inv_x + ax
        cy = boxes[b + 1] * inv_y + ay
        w = boxes[b + 2] * inv_w
        h = boxes[b + 3] * inv_h
        # Matches MediaPipe's b/171391719 filter (also drops NaN sizes).
        if not (w >= 0.0 and h >= 0.0):
            continue
        xmin = cx - w * 0.5
        ymin = cy - h * 0.5
        k = o + kp_offset
        keypoints = [
            (boxes[k + 2 * j] * inv_x + ax, boxes[k + 2 * j + 1] * inv_y + ay)
            for j in range(num_kp)
        ]
        detections.append(
            Detection(score, (xmin, ymin, (cx + w * 0.5) - xmin, (cy + h * 0.5) - ymin), keypoints)
        )
    return detections

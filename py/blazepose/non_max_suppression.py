"""Weighted non-maximum suppression (MediaPipe NonMaxSuppressionCalculator, algorithm
WEIGHTED, mediapipe/calculators/util/non_max_suppression_calculator.cc)."""

from collections.abc import Sequence

from . import constants as C
from .detection import Detection


def intersection_over_union(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> float:
    """IoU of two (xmin, ymin, width, height) boxes; 0 when they do not overlap."""
    ax0, ay0, aw, ah = a
    bx0, by0, bw, bh = b
    ax1, ay1, bx1, by1 = ax0 + aw, ay0 + ah, bx0 + bw, by0 + bh
    if bx0 > ax1 or bx1 < ax0 or by0 > ay1 or by1 < ay0:
        return 0.0
    iw = min(ax1, bx1) - max(ax0, bx0)
    ih = min(ay1, by1) - max(ay0, by0)
    intersection = iw * ih
    union = aw * ah + bw * bh - intersection
    return intersection / union if union > 0.0 else 0.0


def weighted_non_max_suppression(
    detections: Sequence[Detection],
    min_suppression_threshold: float = C.NMS_MIN_SUPPRESSION_THRESHOLD,
    max_num_detections: int = -1,
) -> list[Detection]:
    """Repeatedly take the highest-scoring detection and replace it by the score-weighted
    average (box corners and keypoints) of every remaining detection whose IoU with it
    exceeds the threshold, itself included; the top score is kept, not averaged."""
    remaining = sorted(detections, key=lambda d: d.score, reverse=True)
    output: list[Detection] = []
    while remaining and (max_num_detections < 0 or len(output) < max_num_detections):
        top = remaining[0]
        candidates: list[Detection] = []
        rest: list[Detection] = []
        for d in remaining:
            if intersection_over_union(d.box, top.box) > min_suppression_threshold:
                candidates.append(d)
            else:
                rest.append(d)
        if candidates:
            num_kp = len(top.keypoints)
            total = xmin = ymin = xmax = ymax = 0.0
            kps = [0.0] * (2 * num_kp)
            for d in candidates:
                s = d.score
                total += s
                bx, by, bw, bh = d.box
                xmin += bx * s
                ymin += by * s
                xmax += (bx + bw) * s
                ymax += (by + bh) * s
                for j, (kx, ky) in enumerate(d.keypoints):
                    kps[2 * j] += kx * s
                    kps[2 * j + 1] += ky * s
            xmin /= total
            ymin /= total
            xmax /= total
            ymax /= total
            top = Detection(
                top.score,
                (xmin, ymin, xmax - xmin, ymax - ymin),
                [(kps[2 * j] / total, kps[2 * j + 1] / total) for j in range(num_kp)],
            )
        output.append(top)
        # MediaPipe stops when nothing was suppressed (e.g. a zero-area top box).
        if len(rest) == len(remaining):
            break
        remaining = rest
    return output

"""Letterbox removal (MediaPipe DetectionLetterboxRemovalCalculator and
LandmarkLetterboxRemovalCalculator, mediapipe/calculators/util/)."""

from collections.abc import Sequence

from .detection import Detection

Padding = tuple[float, float, float, float]  # left, top, right, bottom as fractions


def remove_detection_letterbox(
    detections: Sequence[Detection], padding: Padding
) -> list[Detection]:
    """Map detections from letterboxed-tensor coordinates to image coordinates."""
    left, top, right, bottom = padding
    sx = 1.0 / (1.0 - left - right)
    sy = 1.0 / (1.0 - top - bottom)
    out = []
    for d in detections:
        xmin, ymin, w, h = d.box
        out.append(
            Detection(
                d.score,
                ((xmin - left) * sx, (ymin - top) * sy, w * sx, h * sy),
                [((x - left) * sx, (y - top) * sy) for x, y in d.keypoints],
            )
        )
    return out


def remove_landmark_letterbox(
    landmarks: Sequence[tuple[float, ...]], padding: Padding
) -> list[tuple[float, ...]]:
    """Map (x, y, z, ...) landmarks from letterboxed-tensor to ROI coordinates; z is scaled
    like x; any further values (visibility, presence) are kept."""
    left, top, right, bottom = padding
    sx = 1.0 / (1.0 - left - right)
    sy = 1.0 / (1.0 - top - bottom)
    return [((lm[0] - left) * sx, (lm[1] - top) * sy, lm[2] * sx, *lm[3:]) for lm in landmarks]

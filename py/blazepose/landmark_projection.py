"""ROI -> image projection of landmarks (MediaPipe LandmarkProjectionCalculator and
WorldLandmarkProjectionCalculator, mediapipe/calculators/util/)."""

import math
from collections.abc import Sequence

from .rect import Rect


def project_landmarks(
    landmarks: Sequence[tuple[float, ...]], rect: Rect
) -> list[tuple[float, ...]]:
    """(x, y, z, ...) normalised to the ROI -> normalised to the image. z is scaled like x
    (by the ROI width); further values are kept."""
    cos_r, sin_r = math.cos(rect.rotation), math.sin(rect.rotation)
    w, h, cx, cy = rect.width, rect.height, rect.x_center, rect.y_center
    out = []
    for lm in landmarks:
        x = lm[0] - 0.5
        y = lm[1] - 0.5
        out.append(
            (
                (cos_r * x - sin_r * y) * w + cx,
                (sin_r * x + cos_r * y) * h + cy,
                lm[2] * w,
                *lm[3:],
            )
        )
    return out


def project_world_landmarks(
    landmarks: Sequence[tuple[float, ...]], rect: Rect
) -> list[tuple[float, ...]]:
    """Rotate world landmarks' x, y by the ROI rotation; z and further values are kept."""
    cos_r, sin_r = math.cos(rect.rotation), math.sin(rect.rotation)
    return [
        (cos_r * lm[0] - sin_r * lm[1], sin_r * lm[0] + cos_r * lm[1], *lm[2:]) for lm in landmarks
    ]

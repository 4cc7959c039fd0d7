"""Segmentation mask post-processing of the legacy pose graph: the temporal blend of
SegmentationSmoothingCalculator (mediapipe/calculators/image/segmentation_smoothing_calculator.cc)
and the geometry of the mask's inverse warp (InverseMatrixCalculator + WarpAffineCalculator
in pose_landmarks_and_segmentation_inverse_projection.pbtxt)."""

from collections.abc import Sequence

from . import constants as C
from .crop_transform import Affine, invert_affine, roi_crop_transform
from .rect import Rect

_C1, _C2, _C3, _C4, _C5 = C.SEGMENTATION_UNCERTAINTY_COEFFICIENTS


def smooth_mask_value(
    current: float,
    previous: float,
    combine_with_previous_ratio: float = C.SEGMENTATION_COMBINE_WITH_PREVIOUS_RATIO,
) -> float:
    """Blend a mask probability with the previous smoothed one, more where it is uncertain."""
    t = current - 0.5
    x = t * t
    uncertainty = 1.0 - min(1.0, x * (_C1 + x * (_C2 + x * (_C3 + x * (_C4 + x * _C5)))))
    return current + (previous - current) * (uncertainty * combine_with_previous_ratio)


def smooth_mask(
    current: Sequence[float],
    previous: Sequence[float] | None,
    combine_with_previous_ratio: float = C.SEGMENTATION_COMBINE_WITH_PREVIOUS_RATIO,
) -> list[float]:
    """:func:`smooth_mask_value` over a flat mask; without a previous mask, a copy."""
    if previous is None:
        return list(current)
    r = combine_with_previous_ratio
    return [smooth_mask_value(c, p, r) for c, p in zip(current, previous, strict=True)]


def mask_transform(rect: Rect, image_w: int, image_h: int, mask_w: int, mask_h: int) -> Affine:
    """Image pixel -> mask pixel affine for resampling a mask predicted on the ROI crop back
    onto the image (bilinear, zero outside the mask), OpenCV pixel-centre convention."""
    return invert_affine(roi_crop_transform(rect, image_w, image_h, mask_w, mask_h))

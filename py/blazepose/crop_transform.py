"""Crop geometry of MediaPipe's ImageToTensorCalculator (CPU/OpenCV path:
mediapipe/calculators/tensor/image_to_tensor_converter_opencv.cc, image_to_tensor_utils.cc).

Affine transforms are 6-tuples (a, b, c, d, e, f): x' = a*x + c*y + e, y' = b*x + d*y + f
(the order of canvas ``setTransform``), in pixels. Like OpenCV, integer pixel coordinates
are pixel centres, except in :func:`canvas_transform`.
"""

import math

from . import constants as C
from .rect import Rect

Affine = tuple[float, float, float, float, float, float]
Padding = tuple[float, float, float, float]  # left, top, right, bottom as fractions


def _pad_roi(w: float, h: float, out_w: int, out_h: int) -> tuple[float, float, Padding]:
    """PadRoi (keep_aspect_ratio): grow the ROI to the output aspect ratio."""
    tensor_aspect = out_h / out_w
    roi_aspect = h / w
    if tensor_aspect > roi_aspect:
        v = (1.0 - roi_aspect / tensor_aspect) / 2.0
        return w, w * tensor_aspect, (0.0, v, 0.0, v)
    hp = (1.0 - tensor_aspect / roi_aspect) / 2.0
    return h / tensor_aspect, h, (hp, 0.0, hp, 0.0)


def roi_crop_transform_and_padding(
    rect: Rect,
    image_w: int,
    image_h: int,
    out_size: int,
    out_height: int | None = None,
    keep_aspect_ratio: bool = True,
) -> tuple[Affine, Padding]:
    """Crop->image affine of the (padded) ROI, and the letterbox padding it implies."""
    out_w = out_size
    out_h = out_size if out_height is None else out_height
    cx, cy = rect.x_center * image_w, rect.y_center * image_h
    w, h = rect.width * image_w, rect.height * image_h
    padding: Padding = (0.0, 0.0, 0.0, 0.0)
    if keep_aspect_ratio:
        w, h, padding = _pad_roi(w, h, out_w, out_h)
    cos_r, sin_r = math.cos(rect.rotation), math.sin(rect.rotation)
    # Crop (0,0) is the rotated top-left corner of the ROI, crop (out_w, out_h) the opposite
    # one (getPerspectiveTransform of cv::boxPoints onto (0,0)..(out_w,out_h)).
    a = cos_r * w / out_w
    b = sin_r * w / out_w
    c = -sin_r * h / out_h
    d = cos_r * h / out_h
    e = cx - 0.5 * (cos_r * w - sin_r * h)
    f = cy - 0.5 * (sin_r * w + cos_r * h)
    return (a, b, c, d, e, f), padding


def roi_crop_transform(
    rect: Rect, image_w: int, image_h: int, out_size: int, out_height: int | None = None
) -> Affine:
    """Map crop pixel (u, v) -> image pixel (x, y) for the crop of ``rect`` into an
    ``out_size`` square (or ``out_size`` x ``out_height``) tensor, keeping aspect ratio."""
    return roi_crop_transform_and_padding(rect, image_w, image_h, out_size, out_height)[0]


def detector_letterbox(
    image_w: int, image_h: int, size: int = C.DETECTOR_INPUT_SIZE
) -> tuple[Affine, Padding]:
    """Crop->image affine and padding of the keep-aspect letterbox of the whole image into
    the ``size`` x ``size`` detector input (the border outside the image is black)."""
    whole = Rect(0.5, 0.5, 1.0, 1.0, 0.0)
    return roi_crop_transform_and_padding(whole, image_w, image_h, size)


def invert_affine(t: Affine) -> Affine:
    a, b, c, d, e, f = t
    det = a * d - b * c
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(ia * e + ic * f), -(ib * e + id_ * f))


def compose_affine(outer: Affine, inner: Affine) -> Affine:
    """The transform applying ``inner`` first, then ``outer``."""
    a1, b1, c1, d1, e1, f1 = outer
    a2, b2, c2, d2, e2, f2 = inner
    return (
        a1 * a2 + c1 * b2,
        b1 * a2 + d1 * b2,
        a1 * c2 + c1 * d2,
        b1 * c2 + d1 * d2,
        a1 * e2 + c1 * f2 + e1,
        b1 * e2 + d1 * f2 + f1,
    )


def apply_affine(t: Affine, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = t
    return a * x + c * y + e, b * x + d * y + f


def canvas_transform(crop_to_image: Affine) -> Affine:
    """Image->crop matrix for ``ctx.setTransform`` before ``ctx.drawImage(image, 0, 0)``.

    Canvas puts pixel centres at +0.5, so crop pixel centre (u+0.5, v+0.5) must sample image
    point crop_to_image(u, v) + 0.5: M(X) = T^-1(X - 0.5) + 0.5.
    """
    a, b, c, d, e, f = invert_affine(crop_to_image)
    return (a, b, c, d, e + 0.5 - 0.5 * (a + c), f + 0.5 - 0.5 * (b + d))


def gpu_sampling(crop_to_image: Affine) -> Affine:
    """The same crop sampled like MediaPipe's GPU converters (the web solution's path):
    crop pixel centres map to ROI-relative centres, i.e. crop (u, v) samples image index
    T(u + 0.5, v + 0.5) - 0.5 instead of T(u, v). For canvas this is simply
    ``invert_affine(T)`` as the ``setTransform`` matrix."""
    a, b, c, d, e, f = crop_to_image
    return (a, b, c, d, e + 0.5 * (a + c) - 0.5, f + 0.5 * (b + d) - 0.5)

"""CPython model backend: numpy crops with OpenCV warpAffine semantics + onnxruntime.

A backend is anything with `run(frame, request)` (see driver.py): it cuts the crop the
tracker's `CropRequest` describes and returns the named outputs of the model it names. `frame`
here is an (H, W, 3 or 4) uint8 RGB(A) numpy array. Crop affines are used as given (OpenCV
integer pixel centres): the tracker's requests already carry MediaPipe's web sampling.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from blazepose.contract import (
    DETECTOR,
    DETECTOR_FILE,
    INPUT_NAME,
    INPUT_SIZES,
    LANDMARK,
    MODELS,
    OUTPUTS,
    landmark_file,
)
from blazepose.tracker import CropRequest

Affine = tuple[float, float, float, float, float, float]

DETECTOR_SIZE = INPUT_SIZES[DETECTOR]
LANDMARK_SIZE = INPUT_SIZES[LANDMARK]

_REPO_MODELS = Path(__file__).resolve().parents[2] / "models"


def warp_affine(
    image: np.ndarray, crop_to_image: Affine, out_size: int, replicate_border: bool
) -> np.ndarray:
    """Bilinear crop of `image` ((H, W, C) uint8) into an (out_size, out_size, C) uint8 array.

    Output pixel (u, v) samples the image at x = a*u + c*v + e, y = b*u + d*v + f (pixel
    centres at integers), like cv2.warpAffine(..., flags=INTER_LINEAR | WARP_INVERSE_MAP) with
    BORDER_REPLICATE or BORDER_CONSTANT (zero) border. Interpolation is exact (as OpenCV 5
    computes it) and rounded to the nearest integer; OpenCV 4's 1/32-pixel fixed point is not
    copied: MediaPipe's web reference samples on the GPU anyway.
    """
    a, b, c, d, e, f = crop_to_image
    height, width, channels = image.shape
    u = np.arange(out_size, dtype=np.float64)[None, :]
    v = np.arange(out_size, dtype=np.float64)[:, None]
    # Clip far-away coordinates first so the integer conversion cannot overflow.
    limit = 4.0 * (width + height + out_size)
    x = np.clip(a * u + c * v + e, -limit, limit)
    y = np.clip(b * u + d * v + f, -limit, limit)
    x0 = np.floor(x)
    y0 = np.floor(y)
    fx = (x - x0).astype(np.float32)[..., None]
    fy = (y - y0).astype(np.float32)[..., None]
    x0 = x0.astype(np.int32)
    y0 = y0.astype(np.int32)
    x1 = x0 + 1
    y1 = y0 + 1

    pixels = image.reshape(-1, channels)
    if replicate_border:
        np.clip(x0, 0, width - 1, out=x0)
        np.clip(x1, 0, width - 1, out=x1)
        np.clip(y0, 0, height - 1, out=y0)
        np.clip(y1, 0, height - 1, out=y1)

        def tap(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
            return np.take(pixels, ys * width + xs, axis=0).astype(np.float32)

    else:

        def tap(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
            inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
            taps = np.take(pixels, np.where(inside, ys * width + xs, 0), axis=0)
            return taps.astype(np.float32) * inside[..., None]

    top = tap(x0, y0)
    top += (tap(x1, y0) - top) * fx
    bottom = tap(x0, y1)
    bottom += (tap(x1, y1) - bottom) * fx
    top += (bottom - top) * fy
    top += 0.5
    np.floor(top, out=top)
    return np.clip(top, 0, 255).astype(np.uint8)


def flat_floats(array: np.ndarray) -> list[float] | memoryview:
    """A flat float sequence for the pure-Python pipeline: a list for small outputs, a
    zero-copy float32 memoryview for the large ones (heatmap, mask), which it only slices."""
    flat = np.ascontiguousarray(array, dtype=np.float32).ravel()
    return flat.tolist() if flat.size <= 1024 else memoryview(flat)


def to_rgba_batch(rgb_or_rgba: np.ndarray) -> np.ndarray:
    """(S, S, 3|4) uint8 -> (1, S, S, 4) uint8 with opaque alpha (the models ignore alpha)."""
    size_y, size_x, channels = rgb_or_rgba.shape
    rgba = np.full((1, size_y, size_x, 4), 255, dtype=np.uint8)
    rgba[0, :, :, :3] = rgb_or_rgba[:, :, :3]
    return rgba


def _session(path: Path, threads: int | None) -> ort.InferenceSession:
    if not path.exists():
        raise FileNotFoundError(
            f"model not found: {path} (pass --models-dir DIR, the folder of the .onnx models; "
            "python3 build.py models builds them in the repository's models/)"
        )
    options = ort.SessionOptions()
    # Level ALL picks the blocked convolution kernels: about 2x faster on CPU (facts, section 0).
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def resolve_models_dir(models_dir: str | Path) -> Path:
    """`models_dir` as given, or the repository's models/ when a relative one is missing and
    this module runs from a checkout (an installed copy has no repository beside it)."""
    path = Path(models_dir)
    if not path.is_absolute() and not path.exists() and _REPO_MODELS.is_dir():
        return _REPO_MODELS
    return path


class OnnxBackend:
    def __init__(
        self,
        model: str = "full",
        landmarks_only: bool = True,
        models_dir: str | Path = "models",
        threads: int | None = None,
    ) -> None:
        if model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}, got {model!r}")
        directory = resolve_models_dir(models_dir)
        self.model = model
        self.detector = _session(directory / DETECTOR_FILE, threads)
        self.landmarker = _session(directory / landmark_file(model, not landmarks_only), threads)
        self.landmark_outputs = [o.name for o in self.landmarker.get_outputs()]

    def run(self, frame: np.ndarray, request: CropRequest) -> dict[str, Sequence[float]]:
        """The outputs (by name, flattened) of the model `request` names on its crop."""
        if request.kind == DETECTOR:
            boxes, scores = self.detect(frame, request.crop_to_image)
            return {"boxes": boxes, "scores": scores}
        if request.kind == LANDMARK:
            return self.landmarks(frame, request.crop_to_image)
        raise ValueError(f"unknown model kind in crop request: {request.kind!r}")

    def detector_crop(self, frame: np.ndarray, crop_to_image: Affine) -> np.ndarray:
        crop = warp_affine(frame, crop_to_image, DETECTOR_SIZE, False)
        return to_rgba_batch(crop)

    def landmark_crop(self, frame: np.ndarray, crop_to_image: Affine) -> np.ndarray:
        crop = warp_affine(frame, crop_to_image, LANDMARK_SIZE, True)
        return to_rgba_batch(crop)

    def detect(self, frame: np.ndarray, crop_to_image: Affine) -> tuple[list[float], list[float]]:
        """Raw detector outputs, flattened: boxes (2254 x 12) and score logits (2254)."""
        boxes, scores = self.detector.run(
            list(OUTPUTS[DETECTOR]), {INPUT_NAME: self.detector_crop(frame, crop_to_image)}
        )
        return boxes.ravel().tolist(), scores.ravel().tolist()

    def landmarks(self, frame: np.ndarray, crop_to_image: Affine) -> dict[str, Sequence[float]]:
        """Every landmark-model output by name, flattened (NHWC order for the heatmap)."""
        values = self.landmarker.run(
            self.landmark_outputs, {INPUT_NAME: self.landmark_crop(frame, crop_to_image)}
        )
        return {
            name: flat_floats(value)
            for name, value in zip(self.landmark_outputs, values, strict=True)
        }

"""Test-only oracles: a straightforward port that the shipped code is checked against, and a
wrapper that puts a backend in MediaPipe's CPU (OpenCV) sampling convention.

Nothing here ships: the pipeline (py/blazepose) and the tooling (py/blazepose_tools) do not
import it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from blazepose.crop_transform import Affine
from blazepose.low_pass_filter import LowPassFilter
from blazepose.tracker import CropRequest


class OneEuroFilter:
    """Scalar One Euro filter, line by line as MediaPipe's one_euro_filter.cc: the oracle of
    `blazepose.one_euro_filter.OneEuroFilterBank`. Timestamps are integer nanoseconds.

    ``legacy=True`` reproduces the filter of the legacy pose solutions, whose last
    timestamp starts at 0: a sample at timestamp 0 is returned unfiltered and leaves no
    trace, and the first interval after it does not update the frequency. ``legacy=False``
    is MediaPipe's later ``OneEuroFilter::Create`` (last timestamp starts below any value).
    """

    def __init__(
        self,
        frequency: float,
        min_cutoff: float,
        beta: float,
        derivate_cutoff: float,
        legacy: bool = True,
    ) -> None:
        self.frequency = frequency
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.derivate_cutoff = derivate_cutoff
        self.x = LowPassFilter(self._alpha(min_cutoff))
        self.dx = LowPassFilter(self._alpha(derivate_cutoff))
        self.last_time: int | None = 0 if legacy else None

    def _alpha(self, cutoff: float) -> float:
        te = 1.0 / self.frequency
        tau = 1.0 / (2.0 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / te)

    def apply(self, timestamp_ns: int, value: float, value_scale: float = 1.0) -> float:
        last = self.last_time
        if last is not None and last >= timestamp_ns:
            return value  # MediaPipe: out-of-order or repeated timestamp, pass through.
        if last is not None and last != 0 and timestamp_ns != 0:
            self.frequency = 1.0 / ((timestamp_ns - last) * 1e-9)
        self.last_time = timestamp_ns
        x = self.x
        dvalue = (value - x.raw_value) * value_scale * self.frequency if x.initialized else 0.0
        edvalue = self.dx.apply_with_alpha(dvalue, self._alpha(self.derivate_cutoff))
        cutoff = self.min_cutoff + self.beta * abs(edvalue)
        return x.apply_with_alpha(value, self._alpha(cutoff))


def opencv_sampling(gpu_crop_to_image: Affine) -> Affine:
    """Inverse of `crop_transform.gpu_sampling`: the crop affine that MediaPipe's CPU path
    (cv2.warpAffine, integer pixel centres) would use for the same ROI."""
    a, b, c, d, e, f = gpu_crop_to_image
    return (a, b, c, d, e - 0.5 * (a + c) + 0.5, f - 0.5 * (b + d) + 0.5)


class OpenCvSampling:
    """A backend that samples crops like MediaPipe's CPU path (OpenCV pixel centres).

    The tracker's crop requests carry MediaPipe's GPU/web sampling (`gpu_sampling`); this
    wrapper maps each request's affine back before calling `backend`, so that only the
    half-pixel convention differs."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.model = getattr(backend, "model", None)

    def run(self, frame: Any, request: CropRequest) -> dict[str, Sequence[float]]:
        crop_to_image = opencv_sampling(request.crop_to_image)
        return self.backend.run(frame, replace(request, crop_to_image=crop_to_image))

"""One Euro filter (MediaPipe mediapipe/util/filtering/one_euro_filter.cc).

The pipeline filters whole landmark lists at once (`OneEuroFilterBank`); the scalar filter it
is tested against, a line-by-line port of MediaPipe's, is tests/support/oracles.py.
"""

import math
from collections.abc import Sequence


class OneEuroFilterBank:
    """``n`` independent One Euro filters that always receive the same timestamps (one per
    coordinate of a landmark list, as LandmarksSmoothingCalculator keeps them), with the
    per-value arithmetic inlined: the scalar filter's results (tests/support/oracles.py), a fraction
    of the call overhead.

    ``legacy=True`` reproduces the filter of the legacy pose solutions, whose last
    timestamp starts at 0: a sample at timestamp 0 is returned unfiltered and leaves no
    trace, and the first interval after it does not update the frequency. ``legacy=False``
    is MediaPipe's later ``OneEuroFilter::Create`` (last timestamp starts below any value).
    """

    def __init__(
        self,
        n: int,
        frequency: float,
        min_cutoff: float,
        beta: float,
        derivate_cutoff: float,
        legacy: bool = True,
    ) -> None:
        self.n = n
        self.frequency = frequency
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.derivate_cutoff = derivate_cutoff
        self.last_time: int | None = 0 if legacy else None
        self.initialized = False
        self.raw = [0.0] * n
        self.filtered = [0.0] * n
        self.derivative = [0.0] * n

    def apply(
        self, timestamp_ns: int, values: Sequence[float], value_scale: float = 1.0
    ) -> list[float]:
        last = self.last_time
        if last is not None and last >= timestamp_ns:
            return list(values)
        if last is not None and last != 0 and timestamp_ns != 0:
            self.frequency = 1.0 / ((timestamp_ns - last) * 1e-9)
        self.last_time = timestamp_ns
        freq = self.frequency
        te = 1.0 / freq
        two_pi = 2.0 * math.pi
        if not self.initialized:
            # First sample: zero derivative, values pass through.
            self.initialized = True
            self.raw = list(values)
            self.filtered = list(values)
            self.derivative = [0.0] * self.n
            return list(values)
        alpha_d = 1.0 / (1.0 + (1.0 / (two_pi * self.derivate_cutoff)) / te)
        min_cutoff, beta = self.min_cutoff, self.beta
        raw, filtered, derivative = self.raw, self.filtered, self.derivative
        scale = value_scale * freq
        out = [0.0] * self.n
        for i, value in enumerate(values):
            ed = alpha_d * ((value - raw[i]) * scale) + (1.0 - alpha_d) * derivative[i]
            derivative[i] = ed
            cutoff = min_cutoff + beta * abs(ed)
            alpha = 1.0 / (1.0 + (1.0 / (two_pi * cutoff)) / te)
            result = alpha * value + (1.0 - alpha) * filtered[i]
            raw[i] = value
            filtered[i] = result
            out[i] = result
        return out

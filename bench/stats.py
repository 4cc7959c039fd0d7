"""Small statistics helpers for the benchmark (plain Python, no numpy)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default method), ``q`` in [0, 100]."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50.0)


def fps(frame_count: int, total_ms: float) -> float:
    """Frames per second of a back-to-back loop."""
    return frame_count * 1000.0 / total_ms if total_ms > 0 else math.nan


def outside_share(inference_ms: Sequence[float], frame_ms: Sequence[float]) -> float:
    """Share of the summed frame time not spent in model inference."""
    total = sum(frame_ms)
    return (total - sum(inference_ms)) / total if total > 0 else math.nan


def ratio(numerator: float, denominator: float) -> float:
    if denominator is None or numerator is None or denominator == 0:
        return math.nan
    return numerator / denominator

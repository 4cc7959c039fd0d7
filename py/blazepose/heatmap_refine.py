"""Landmark refinement from the heatmap (MediaPipe RefineLandmarksFromHeatMap,
mediapipe/calculators/util/refine_landmarks_from_heatmap_calculator.cc)."""

import math
from collections.abc import Sequence
from operator import mul

from . import constants as C

Landmark = tuple[float, ...]

# math.sumprod exists from Python 3.12 (Pyodide has it); same sum otherwise.
sumprod = getattr(math, "sumprod", None) or (lambda a, b: sum(map(mul, a, b)))

_offsets: dict[tuple[int, int], tuple[list[int], list[int]]] = {}


def _window_offsets(n_cols: int, n_rows: int) -> tuple[list[int], list[int]]:
    """Column and row offset of each cell of a row-major window."""
    key = (n_cols, n_rows)
    if key not in _offsets:
        _offsets[key] = (
            list(range(n_cols)) * n_rows,
            [r for r in range(n_rows) for _ in range(n_cols)],
        )
    return _offsets[key]


def refine_landmarks_from_heatmap(
    landmarks: Sequence[Landmark],
    heatmap: Sequence[float],
    height: int = C.HEATMAP_SIZE,
    width: int = C.HEATMAP_SIZE,
    kernel_size: int = C.HEATMAP_KERNEL_SIZE,
    min_confidence_to_refine: float = C.HEATMAP_MIN_CONFIDENCE_TO_REFINE,
    channels: int | None = None,
) -> list[Landmark]:
    """Replace each landmark's x, y (normalised to the crop) by the sigmoid-weighted mean
    of heatmap cell indices in a ``kernel_size`` window around it, if the most confident
    cell reaches ``min_confidence_to_refine``.

    ``heatmap`` is flat HWC (channel k belongs to landmark k) logits. Like MediaPipe, cell
    indices are used without a +0.5 centre offset, the window is clipped at the borders,
    and only the column is range-checked against both dimensions. ``channels``: the
    heatmap's, when ``landmarks`` are only its first ones (default: one per landmark).
    """
    channels = len(landmarks) if channels is None else channels
    row_size = width * channels
    offset = (kernel_size - 1) // 2
    exp = math.exp
    # sigmoid(max logit) >= min_conf  <=>  max logit >= logit(min_conf): skip the exp work
    # for landmarks that will not be refined.
    if min_confidence_to_refine <= 0.0:
        logit_min = -math.inf
    elif min_confidence_to_refine >= 1.0:
        logit_min = math.inf
    else:
        logit_min = math.log(min_confidence_to_refine / (1.0 - min_confidence_to_refine))
    out = list(landmarks)
    for k, lm in enumerate(landmarks):
        center_col = int(lm[0] * width)
        center_row = int(lm[1] * height)
        if center_col < 0 or center_col >= width or center_row < 0 or center_col >= height:
            continue
        begin_col = max(0, center_col - offset)
        end_col = min(width, center_col + offset + 1)
        begin_row = max(0, center_row - offset)
        end_row = min(height, center_row + offset + 1)
        if begin_row >= end_row or begin_col >= end_col:
            continue
        start, stop = begin_col * channels + k, end_col * channels
        values: list[float] = []
        for r in range(begin_row * row_size, end_row * row_size, row_size):
            values += heatmap[r + start : r + stop : channels]
        max_logit = max(values)
        if max_logit < logit_min - 1e-6:
            continue
        try:
            confs = [1.0 / (1.0 + exp(-v)) for v in values]
        except OverflowError:  # logits below about -709: sigmoid is 0
            confs = [1.0 / (1.0 + exp(-v)) if v > -700.0 else 0.0 for v in values]
        cols, rows = _window_offsets(end_col - begin_col, end_row - begin_row)
        total = sum(confs)
        weighted_col = begin_col * total + sumprod(confs, cols)
        weighted_row = begin_row * total + sumprod(confs, rows)
        max_conf = 1.0 / (1.0 + exp(-max_logit)) if max_logit > -700.0 else 0.0
        if max_conf >= min_confidence_to_refine and total > 0.0:
            out[k] = (weighted_col / width / total, weighted_row / height / total, *lm[2:])
    return out

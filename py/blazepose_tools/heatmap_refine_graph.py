"""MediaPipe's heatmap refinement (RefineLandmarksFromHeatMap) as ONNX nodes appended to a
landmark graph, so the page neither runs it in Python nor copies the 64 x 64 x 39 heatmap out
of the model every frame.

Same semantics as `blazepose.heatmap_refine.refine_landmarks_from_heatmap` (the reference,
which the raw-output path still uses), per landmark k with v = x * 64 (x normalised to the
crop; the raw output is in crop pixels, so v = x_px * 64 / 256) and likewise w for y:

- centre column int(v) (truncation: v in (-1, 0) gives 0), centre row int(w);
- skipped unless int(v) is in [0, 64) and int(w) >= 0: MediaPipe checks the column against
  both dimensions and the row only from below (a row up to 66 still has part of its window);
- window: columns |col - int(v)| <= 3 and rows |row - int(w)| <= 3 inside the heatmap, cell
  indices without a +0.5 centre offset;
- refined when the window's largest sigmoid reaches `min_confidence`: x, y become the
  sigmoid-weighted mean cell index / 64 (in crop pixels: * 256 / 64); z, visibility and
  presence are kept.

Only operators both ONNX Runtime Web's WASM and WebNN execution providers run (webnn-operators.md
of onnxruntime-web 1.30): Floor, Max, Abs, Sub, Clip, Sigmoid, Mul, ReduceSum, ReduceMax,
Greater/Less/GreaterOrEqual, And, Where, Div, Slice, Reshape, Concat; the window masks are
float arithmetic on integer-valued floats (Clip(4 - |col - c|, 0, 1) is 1 inside, 0 outside),
exact in float32.
"""

from __future__ import annotations

import numpy as np
import onnx
from blazepose import constants as C
from onnx import helper

from .tflite_to_onnx.graph import GraphBuilder
from .tflite_to_onnx.operators import NCHW_TO_NHWC, NHWC_TO_NCHW


def _f32(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float32)


def refine_nodes(
    b: GraphBuilder,
    landmarks: str,
    heatmap_nchw: str,
    output: str,
    *,
    num_landmarks: int = C.NUM_LANDMARKS_TOTAL,
    stride: int = C.NUM_VALUES_PER_LANDMARK,
    size: int = C.HEATMAP_SIZE,
    input_size: int = C.LANDMARK_INPUT_SIZE,
    kernel_size: int = C.HEATMAP_KERNEL_SIZE,
    min_confidence: float = C.HEATMAP_MIN_CONFIDENCE_TO_REFINE,
) -> str:
    """Nodes turning raw `landmarks` [1, n * stride] (crop pixels) and `heatmap_nchw`
    [1, n, size, size] (logits) into `output` [1, n * stride]: the landmarks with x, y refined."""
    n = num_landmarks
    half = (kernel_size - 1) // 2
    lm = b.node("Reshape", [landmarks, b.int64s([n, stride], "lm_shape")])

    def column(start: int, stop: int) -> str:
        return b.node(
            "Slice", [lm, b.int64s([start], "s"), b.int64s([stop], "e"), b.int64s([1], "ax")]
        )

    x, y, rest = column(0, 1), column(1, 2), column(2, stride)
    cells_per_pixel = b.const(_f32(size / input_size), "cells_per_pixel")
    zero, one = b.const(_f32(0.0), "zero"), b.const(_f32(1.0), "one")
    reach = b.const(_f32(half + 1), "reach")

    def centre_and_mask(value: str, axis_shape: list[int]) -> tuple[str, str, str]:
        """v (in cells), int(v) for v > -1, and the window mask along one axis."""
        v = b.node("Mul", [value, cells_per_pixel])  # [n, 1]
        centre = b.node("Floor", [b.node("Max", [v, zero])])  # == int(v) wherever v > -1
        centre4 = b.node("Reshape", [centre, b.int64s([1, n, 1, 1], "centre_shape")])
        index = b.const(_f32(np.arange(size).reshape(axis_shape)), "cell_index")
        distance = b.node("Abs", [b.node("Sub", [index, centre4])])
        mask = b.node("Clip", [b.node("Sub", [reach, distance]), zero, one])
        return v, mask, index

    vx, col_mask, col_index = centre_and_mask(x, [1, 1, 1, size])
    vy, row_mask, row_index = centre_and_mask(y, [1, 1, size, 1])
    weights = b.node(
        "Mul", [b.node("Mul", [b.node("Sigmoid", [heatmap_nchw]), row_mask]), col_mask]
    )

    def per_landmark(value: str, reduce_max: bool = False) -> str:
        """[1, n, rows, cols] -> [n, 1]: the sum (or max) over rows and columns."""
        if reduce_max:  # opset 17: ReduceMax's axes are an attribute, ReduceSum's an input
            reduced = b.node("ReduceMax", [value], axes=[2, 3], keepdims=0)
        else:
            reduced = b.node("ReduceSum", [value, b.int64s([2, 3], "hw")], keepdims=0)
        return b.node("Reshape", [reduced, b.int64s([n, 1], "per_landmark")])

    total = per_landmark(weights)
    col_sum = b.node("ReduceSum", [weights, b.int64s([2], "h")], keepdims=1)  # [1, n, 1, size]
    row_sum = b.node("ReduceSum", [weights, b.int64s([3], "w")], keepdims=1)  # [1, n, size, 1]
    weighted_col = per_landmark(b.node("Mul", [col_sum, col_index]))
    weighted_row = per_landmark(b.node("Mul", [row_sum, row_index]))
    max_conf = per_landmark(weights, reduce_max=True)  # masked cells are 0, sigmoids >= 0

    minus_one, limit = b.const(_f32(-1.0), "minus_one"), b.const(_f32(size), "limit")
    ok = b.node("Greater", [vx, minus_one])
    ok = b.node("And", [ok, b.node("Less", [vx, limit])])
    ok = b.node("And", [ok, b.node("Greater", [vy, minus_one])])
    ok = b.node("And", [ok, b.node("GreaterOrEqual", [max_conf, b.const(_f32(min_confidence))])])
    ok = b.node("And", [ok, b.node("Greater", [total, zero])])
    safe_total = b.node("Max", [total, b.const(_f32(np.finfo(np.float32).tiny), "tiny")])
    pixels_per_cell = b.const(_f32(input_size / size), "pixels_per_cell")

    def refined(weighted: str, raw: str) -> str:
        mean = b.node("Div", [weighted, safe_total])
        return b.node("Where", [ok, b.node("Mul", [mean, pixels_per_cell]), raw])

    joined = b.node("Concat", [refined(weighted_col, x), refined(weighted_row, y), rest], axis=1)
    return b.node("Reshape", [joined, b.int64s([1, n * stride], "flat")], output=output)


class _PrefixedBuilder(GraphBuilder):
    """Names that cannot clash with the converter's (`hint_N`)."""

    def fresh(self, hint: str) -> str:
        return "refine/" + super().fresh(hint)


def append_refinement(model: onnx.ModelProto, landmarks: str, heatmap: str, output: str) -> None:
    """Add output `output` (refined landmarks, same shape as `landmarks`) to a landmark model
    whose outputs `landmarks` and `heatmap` (NHWC) are the raw ones; they stay outputs (prune
    them with shaping.prune_outputs). The heatmap's NCHW source is used where the graph has it."""
    graph = model.graph
    b = _PrefixedBuilder()
    producer = next((n for n in graph.node if heatmap in n.output), None)
    if (
        producer is not None
        and producer.op_type == "Transpose"
        and list(producer.attribute[0].ints) == list(NCHW_TO_NHWC)
    ):
        nchw = producer.input[0]
    else:
        nchw = b.node("Transpose", [heatmap], perm=list(NHWC_TO_NCHW))
    refine_nodes(b, landmarks, nchw, output)
    graph.node.extend(b.nodes)
    graph.initializer.extend(b.initializers.values())
    shape = next(o for o in graph.output if o.name == landmarks).type.tensor_type.shape
    dims = [d.dim_value for d in shape.dim]
    graph.output.append(helper.make_tensor_value_info(output, onnx.TensorProto.FLOAT, dims))

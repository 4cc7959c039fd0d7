"""TFLite operator -> ONNX node conversions.

Layout: every 4-D activation is kept NCHW inside the ONNX graph (ONNX Runtime's convolution
kernels are NCHW); TFLite's NHWC semantics are restored only where element order matters
(RESHAPE) and at the graph boundary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .densify import densify
from .graph import GraphBuilder
from .reader import Graph, Operator

NHWC_TO_NCHW = (0, 3, 1, 2)
NCHW_TO_NHWC = (0, 2, 3, 1)


class UnsupportedOperatorError(ValueError):
    pass


@dataclass
class Context:
    graph: Graph
    builder: GraphBuilder
    names: dict[int, str] = field(default_factory=dict)  # tflite tensor -> onnx value (NCHW if 4-D)
    constants: dict[int, np.ndarray] = field(default_factory=dict)  # folded constant tensors

    def value(self, index: int) -> str:
        if index not in self.names:
            raise ValueError(f"tensor {self.graph.tensors[index].name} has no value yet")
        return self.names[index]

    def constant(self, index: int) -> np.ndarray:
        if index in self.constants:
            return self.constants[index]
        data = self.graph.tensors[index].data
        if data is None:
            raise ValueError(f"tensor {self.graph.tensors[index].name} is not constant")
        if not isinstance(data, np.ndarray):
            raise ValueError(f"tensor {self.graph.tensors[index].name} is sparse; needs DENSIFY")
        return data

    def is_constant(self, index: int) -> bool:
        return index in self.constants or isinstance(self.graph.tensors[index].data, np.ndarray)

    def shape(self, index: int) -> tuple[int, ...]:
        return self.graph.tensors[index].shape


def layouts_agree(nhwc_shape: tuple[int, ...]) -> bool:
    """True when NCHW and NHWC store this 4-D shape's elements in the same order."""
    _, h, w, c = nhwc_shape
    return c == 1 or h * w == 1


def same_pads(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """TFLite SAME padding (before, after): the odd pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _spatial_pads(ctx: Context, op: Operator, kernel_hw, stride_hw, dilation_hw) -> list[int]:
    if op.options["Padding"] == "VALID":
        return [0, 0, 0, 0]
    _, h, w, _ = ctx.shape(op.inputs[0])
    top, bottom = same_pads(h, kernel_hw[0], stride_hw[0], dilation_hw[0])
    left, right = same_pads(w, kernel_hw[1], stride_hw[1], dilation_hw[1])
    return [top, left, bottom, right]


def _activation(ctx: Context, value: str, op: Operator) -> str:
    """Apply the op's fused activation to `value`."""
    kind = op.options.get("FusedActivationFunction", "NONE")
    b = ctx.builder
    if kind == "NONE":
        return value
    if kind == "RELU":
        return b.node("Relu", [value])
    if kind == "RELU6":
        return b.node("Clip", [value, b.const(np.float32(0)), b.const(np.float32(6))])
    if kind == "RELU_N1_TO_1":
        return b.node("Clip", [value, b.const(np.float32(-1)), b.const(np.float32(1))])
    if kind == "TANH":
        return b.node("Tanh", [value])
    raise UnsupportedOperatorError(f"fused activation {kind} is not supported")


def _record(ctx: Context, op: Operator, value: str) -> None:
    ctx.names[op.outputs[0]] = value


def _conv(ctx: Context, op: Operator, weight_oihw: np.ndarray, group: int) -> None:
    o = op.options
    kernel = weight_oihw.shape[2:]
    stride, dilation = (o["StrideH"], o["StrideW"]), (o["DilationHFactor"], o["DilationWFactor"])
    inputs = [ctx.value(op.inputs[0]), ctx.builder.const(weight_oihw, "weight")]
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        inputs.append(ctx.builder.const(ctx.constant(op.inputs[2]).astype(np.float32), "bias"))
    conv = ctx.builder.node(
        "Conv",
        inputs,
        kernel_shape=list(kernel),
        strides=list(stride),
        dilations=list(dilation),
        pads=_spatial_pads(ctx, op, kernel, stride, dilation),
        group=group,
    )
    _record(ctx, op, _activation(ctx, conv, op))


def conv_2d(ctx: Context, op: Operator) -> None:
    weight = ctx.constant(op.inputs[1]).astype(np.float32)  # O x H x W x I
    _conv(ctx, op, weight.transpose(0, 3, 1, 2), group=1)


def depthwise_conv_2d(ctx: Context, op: Operator) -> None:
    weight = ctx.constant(op.inputs[1]).astype(np.float32)  # 1 x H x W x (C*M)
    channels = ctx.shape(op.inputs[0])[3]
    if weight.shape[3] != channels * op.options["DepthMultiplier"]:
        raise ValueError("depthwise weight does not match channels x depth multiplier")
    _conv(ctx, op, weight.transpose(3, 0, 1, 2), group=channels)  # (C*M) x 1 x H x W


def max_pool_2d(ctx: Context, op: Operator) -> None:
    o = op.options
    kernel, stride = (o["FilterHeight"], o["FilterWidth"]), (o["StrideH"], o["StrideW"])
    pool = ctx.builder.node(
        "MaxPool",
        [ctx.value(op.inputs[0])],
        kernel_shape=list(kernel),
        strides=list(stride),
        pads=_spatial_pads(ctx, op, kernel, stride, (1, 1)),
    )
    _record(ctx, op, _activation(ctx, pool, op))


def _nchw_operand(ctx: Context, index: int, out_rank: int) -> str:
    """An ADD operand: activations are already laid out; constants are re-laid out here."""
    if not ctx.is_constant(index):
        return ctx.value(index)
    value = ctx.constant(index).astype(np.float32)
    if out_rank == 4:
        value = value.reshape((1,) * (4 - value.ndim) + value.shape).transpose(NHWC_TO_NCHW)
    return ctx.builder.const(value, "addend")


def add(ctx: Context, op: Operator) -> None:
    rank = len(ctx.shape(op.outputs[0]))
    a, b = (_nchw_operand(ctx, i, rank) for i in op.inputs[:2])
    _record(ctx, op, _activation(ctx, ctx.builder.node("Add", [a, b]), op))


def pad(ctx: Context, op: Operator) -> None:
    pads = ctx.constant(op.inputs[1]).astype(np.int64)  # rank x (before, after)
    rank = pads.shape[0]
    if rank == 4:
        pads = pads[list(NHWC_TO_NCHW)]
    onnx_pads = [int(v) for v in pads[:, 0]] + [int(v) for v in pads[:, 1]]
    b = ctx.builder
    padded = b.node("Pad", [ctx.value(op.inputs[0]), b.int64s(onnx_pads, "pads")], mode="constant")
    _record(ctx, op, padded)


def resize_bilinear(ctx: Context, op: Operator) -> None:
    o = op.options
    size = ctx.constant(op.inputs[1]).astype(np.int64)  # (new_height, new_width)
    n, _, _, c = ctx.shape(op.inputs[0])
    if o["AlignCorners"]:
        mode = "align_corners"
    elif o["HalfPixelCenters"]:
        mode = "half_pixel"
    else:
        mode = "asymmetric"
    b = ctx.builder
    resized = b.node(
        "Resize",
        [ctx.value(op.inputs[0]), "", "", b.int64s([n, c, int(size[0]), int(size[1])], "sizes")],
        mode="linear",
        coordinate_transformation_mode=mode,
    )
    _record(ctx, op, resized)


def reshape(ctx: Context, op: Operator) -> None:
    b = ctx.builder
    src = ctx.value(op.inputs[0])
    in_shape, out_shape = ctx.shape(op.inputs[0]), ctx.shape(op.outputs[0])
    if len(in_shape) == 4 and not layouts_agree(in_shape):
        # Back to NHWC so the elements are flattened in TFLite's order.
        src = b.node("Transpose", [src], perm=list(NCHW_TO_NHWC))
    if len(out_shape) == 4 and layouts_agree(out_shape):
        n, h, w, c = out_shape
        out = b.node("Reshape", [src, b.int64s([n, c, h, w], "shape")])
    elif len(out_shape) == 4:
        out = b.node("Reshape", [src, b.int64s(out_shape, "shape")])
        out = b.node("Transpose", [out], perm=list(NHWC_TO_NCHW))
    else:
        out = b.node("Reshape", [src, b.int64s(out_shape, "shape")])
    _record(ctx, op, out)


def concatenation(ctx: Context, op: Operator) -> None:
    rank = len(ctx.shape(op.outputs[0]))
    axis = op.options["Axis"] % rank
    if rank == 4:
        axis = NHWC_TO_NCHW.index(axis)
    inputs = [_nchw_operand(ctx, i, rank) for i in op.inputs]
    _record(ctx, op, _activation(ctx, ctx.builder.node("Concat", inputs, axis=axis), op))


def depth_to_space(ctx: Context, op: Operator) -> None:
    # TFLite's NHWC depth index is (row_in_block * bs + col_in_block) * C + c: ONNX DCR order.
    out = ctx.builder.node(
        "DepthToSpace", [ctx.value(op.inputs[0])], blocksize=op.options["BlockSize"], mode="DCR"
    )
    _record(ctx, op, out)


def logistic(ctx: Context, op: Operator) -> None:
    _record(ctx, op, ctx.builder.node("Sigmoid", [ctx.value(op.inputs[0])]))


def dequantize(ctx: Context, op: Operator) -> None:
    """float16 weights -> float32 constants (storage precision is chosen later, in shaping)."""
    src = ctx.constant(op.inputs[0])
    if src.dtype != np.float16:
        raise UnsupportedOperatorError(f"DEQUANTIZE from {src.dtype} is not supported")
    ctx.constants[op.outputs[0]] = src.astype(np.float32)


def densify_op(ctx: Context, op: Operator) -> None:
    sparse = ctx.graph.tensors[op.inputs[0]].data
    if sparse is None or isinstance(sparse, np.ndarray):
        raise ValueError("DENSIFY input is not a sparse constant")
    ctx.constants[op.outputs[0]] = densify(sparse)


CONVERTERS: dict[str, Callable[[Context, Operator], None]] = {
    "PAD": pad,
    "DEQUANTIZE": dequantize,
    "DENSIFY": densify_op,
    "CONV_2D": conv_2d,
    "DEPTHWISE_CONV_2D": depthwise_conv_2d,
    "ADD": add,
    "RESIZE_BILINEAR": resize_bilinear,
    "MAX_POOL_2D": max_pool_2d,
    "RESHAPE": reshape,
    "LOGISTIC": logistic,
    "DEPTH_TO_SPACE": depth_to_space,
    "CONCATENATION": concatenation,
}


def convert_operator(ctx: Context, op: Operator) -> None:
    converter = CONVERTERS.get(op.kind)
    if converter is None:
        raise UnsupportedOperatorError(
            f"TFLite operator {op.kind} is not supported (supported: {', '.join(CONVERTERS)})"
        )
    converter(ctx, op)

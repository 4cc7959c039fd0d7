"""Convert a TFLite image model into an ONNX model with a uint8 RGBA NHWC input."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper

from .graph import GraphBuilder
from .operators import (
    NCHW_TO_NHWC,
    NHWC_TO_NCHW,
    Context,
    convert_operator,
    layouts_agree,
)
from .reader import Graph, read_tflite

OPSET = 17
PRODUCER = "blazepose.tflite_to_onnx"


@dataclass(frozen=True)
class InputSpec:
    """How the graph turns RGBA bytes into the TFLite input: rgb * scale + offset."""

    name: str = "rgba"
    scale: float = 1.0 / 255.0
    offset: float = 0.0


def _rgba_prefix(ctx: Context, spec: InputSpec, graph: Graph) -> onnx.ValueInfoProto:
    """uint8 [1,H,W,4] -> float NCHW RGB with the model's normalisation."""
    (index,) = graph.inputs
    n, h, w, c = graph.tensors[index].shape
    if c != 3:
        raise ValueError(f"expected an RGB input, got {c} channels")
    b = ctx.builder
    x = b.node("Transpose", [spec.name], perm=list(NHWC_TO_NCHW))
    x = b.node("Slice", [x, b.int64s([0], "starts"), b.int64s([3], "ends"), b.int64s([1], "axes")])
    x = b.node("Cast", [x], to=TensorProto.FLOAT)
    x = b.node("Mul", [x, b.const(np.float32(spec.scale), "scale")])
    if spec.offset:
        x = b.node("Add", [x, b.const(np.float32(spec.offset), "offset")])
    ctx.names[index] = x
    return helper.make_tensor_value_info(spec.name, TensorProto.UINT8, [n, h, w, 4])


def _output(ctx: Context, index: int, name: str) -> onnx.ValueInfoProto:
    """Expose a TFLite output under `name`, back in NHWC when it is 4-D."""
    shape = list(ctx.graph.tensors[index].shape)
    value = ctx.value(index)
    b = ctx.builder
    if len(shape) == 4:
        if layouts_agree(tuple(shape)):
            b.node("Reshape", [value, b.int64s(shape, "shape")], output=name)
        else:
            b.node("Transpose", [value], output=name, perm=list(NCHW_TO_NHWC))
    else:
        _rename_value(b, value, name)
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def _rename_value(b: GraphBuilder, old: str, new: str) -> None:
    for node in b.nodes:
        for i, v in enumerate(node.output):
            if v == old:
                node.output[i] = new
        for i, v in enumerate(node.input):
            if v == old:
                node.input[i] = new


def convert_graph(
    graph: Graph,
    input_spec: InputSpec,
    output_names: dict[str, str],
) -> onnx.ModelProto:
    """Build the float32 ONNX model. `output_names` maps TFLite output names to ONNX names."""
    ctx = Context(graph=graph, builder=GraphBuilder())
    input_info = _rgba_prefix(ctx, input_spec, graph)
    for op in graph.operators:
        convert_operator(ctx, op)
    by_name = {graph.tensors[i].name: i for i in graph.outputs}
    missing = set(output_names) - set(by_name)
    if missing:
        raise ValueError(f"TFLite model has no outputs named {sorted(missing)}")
    outputs = [_output(ctx, by_name[tfl], onnx_name) for tfl, onnx_name in output_names.items()]
    b = ctx.builder
    onnx_graph = helper.make_graph(
        b.nodes, "blazepose", [input_info], outputs, initializer=list(b.initializers.values())
    )
    model = helper.make_model(
        onnx_graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name=PRODUCER,
    )
    model.ir_version = 8
    return model


def convert_tflite(
    data: bytes, input_spec: InputSpec, output_names: dict[str, str]
) -> onnx.ModelProto:
    return convert_graph(read_tflite(data), input_spec, output_names)

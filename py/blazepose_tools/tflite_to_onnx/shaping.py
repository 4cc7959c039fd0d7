"""Post-conversion passes that shape the ONNX graph for the browser: pad folding,
float16 weight storage and pruning of unwanted outputs."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _consumers(graph: onnx.GraphProto) -> dict[str, list[onnx.NodeProto]]:
    users: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)
    return users


def _replace_nodes(graph: onnx.GraphProto, nodes: list[onnx.NodeProto]) -> None:
    del graph.node[:]
    graph.node.extend(nodes)


def _drop_unused_initializers(graph: onnx.GraphProto) -> None:
    used = {name for node in graph.node for name in node.input}
    kept = [init for init in graph.initializer if init.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def fold_pads_into_convs(model: onnx.ModelProto) -> int:
    """Merge zero Pad nodes that pad only H and W into the Conv nodes that read them.

    TFLite writes stride-2 SAME convolutions as PAD + VALID conv; ONNX Conv pads with
    zeros itself, so the separate pass over the activation disappears. Returns the count.
    """
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    users = _consumers(graph)
    graph_outputs = {o.name for o in graph.output}
    removed: set[str] = set()
    for node in graph.node:
        if node.op_type != "Pad" or len(node.input) > 2 or node.input[1] not in inits:
            continue
        if any(a.name == "mode" and a.s != b"constant" for a in node.attribute):
            continue
        pads = numpy_helper.to_array(inits[node.input[1]])
        if len(pads) != 8 or pads[[0, 1, 4, 5]].any() or (pads < 0).any():
            continue
        readers = users.get(node.output[0], [])
        if not readers or node.output[0] in graph_outputs:
            continue
        if any(r.op_type != "Conv" or r.input[0] != node.output[0] for r in readers):
            continue
        top, left, bottom, right = (int(pads[i]) for i in (2, 3, 6, 7))
        for conv in readers:
            attr = next(a for a in conv.attribute if a.name == "pads")
            old = list(attr.ints)
            attr.ints[:] = [old[0] + top, old[1] + left, old[2] + bottom, old[3] + right]
            conv.input[0] = node.input[0]
        removed.add(node.name)
    _replace_nodes(graph, [n for n in graph.node if n.name not in removed])
    _drop_unused_initializers(graph)
    return len(removed)


def store_weights_float16(model: onnx.ModelProto, min_elements: int = 2) -> int:
    """Store float32 initializers as float16 (+ an in-graph Cast) where that is lossless.

    The TFLite weights are float16 already, so the cast back reproduces them exactly;
    initializers that would lose precision stay float32. Returns the count converted.
    """
    graph = model.graph
    casts = []
    kept = []
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT:
            kept.append(init)
            continue
        value = numpy_helper.to_array(init)
        half = value.astype(np.float16)
        if value.size < min_elements or not np.array_equal(half.astype(np.float32), value):
            kept.append(init)
            continue
        stored = f"{init.name}_f16"
        kept.append(numpy_helper.from_array(half, stored))
        casts.append(
            helper.make_node(
                "Cast", [stored], [init.name], name=f"cast_{init.name}", to=TensorProto.FLOAT
            )
        )
    del graph.initializer[:]
    graph.initializer.extend(kept)
    _replace_nodes(graph, casts + list(graph.node))
    return len(casts)


def prune_outputs(model: onnx.ModelProto, drop: list[str]) -> int:
    """Remove the outputs named in `drop` and every node only they needed; returns nodes removed."""
    graph = model.graph
    unknown = set(drop) - {o.name for o in graph.output}
    if unknown:
        raise ValueError(f"no outputs named {sorted(unknown)}")
    kept_outputs = [o for o in graph.output if o.name not in drop]
    del graph.output[:]
    graph.output.extend(kept_outputs)
    needed = {o.name for o in kept_outputs}
    live = []
    for node in reversed(graph.node):
        if any(out in needed for out in node.output):
            live.append(node)
            needed.update(i for i in node.input if i)
    removed = len(graph.node) - len(live)
    _replace_nodes(graph, list(reversed(live)))
    _drop_unused_initializers(graph)
    return removed

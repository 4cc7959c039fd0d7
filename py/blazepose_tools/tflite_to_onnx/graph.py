"""A small ONNX graph builder with deterministic names."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper


class GraphBuilder:
    """Collects nodes and initializers; names are sequential so output bytes are reproducible."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: dict[str, onnx.TensorProto] = {}
        self._counter = 0
        self._const_names: dict[tuple, str] = {}

    def fresh(self, hint: str) -> str:
        self._counter += 1
        return f"{hint}_{self._counter}"

    def const(self, value: np.ndarray, hint: str = "c") -> str:
        """An initializer holding `value`; identical constants share one initializer."""
        value = np.ascontiguousarray(value)
        key = (value.dtype.str, value.shape, value.tobytes())
        if key not in self._const_names:
            name = self.fresh(hint)
            self.initializers[name] = numpy_helper.from_array(value, name)
            self._const_names[key] = name
        return self._const_names[key]

    def int64s(self, values, hint: str = "c") -> str:
        return self.const(np.asarray(values, dtype=np.int64), hint)

    def node(self, op: str, inputs: list[str], output: str | None = None, **attrs) -> str:
        out = output or self.fresh(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], name=self.fresh(f"n_{op}"), **attrs))
        return out

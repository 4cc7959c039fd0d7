"""Read a TFLite flatbuffer into plain tensors and operators (parsed by the `tflite` package)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import tflite

from .densify import SparseDim, SparseTensor

_TENSOR_DTYPES = {
    tflite.TensorType.FLOAT32: np.float32,
    tflite.TensorType.FLOAT16: np.float16,
    tflite.TensorType.INT32: np.int32,
    tflite.TensorType.INT64: np.int64,
    tflite.TensorType.UINT8: np.uint8,
    tflite.TensorType.INT8: np.int8,
}

_OP_NAMES = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}

# Builtin options we read, by operator: (options class, fields copied out).
_OPTIONS = {
    "CONV_2D": (
        tflite.Conv2DOptions,
        ("Padding", "StrideW", "StrideH", "DilationWFactor", "DilationHFactor"),
    ),
    "DEPTHWISE_CONV_2D": (
        tflite.DepthwiseConv2DOptions,
        ("Padding", "StrideW", "StrideH", "DilationWFactor", "DilationHFactor", "DepthMultiplier"),
    ),
    "MAX_POOL_2D": (
        tflite.Pool2DOptions,
        ("Padding", "StrideW", "StrideH", "FilterWidth", "FilterHeight"),
    ),
    "ADD": (tflite.AddOptions, ()),
    "CONCATENATION": (tflite.ConcatenationOptions, ("Axis",)),
    "RESIZE_BILINEAR": (tflite.ResizeBilinearOptions, ("AlignCorners", "HalfPixelCenters")),
    "DEPTH_TO_SPACE": (tflite.DepthToSpaceOptions, ("BlockSize",)),
}

_ACTIVATIONS = {v: k for k, v in vars(tflite.ActivationFunctionType).items() if k.isupper()}
_PADDINGS = {v: k for k, v in vars(tflite.Padding).items() if k.isupper()}


@dataclass
class Tensor:
    name: str
    shape: tuple[int, ...]
    dtype: type
    data: np.ndarray | SparseTensor | None = None  # constant contents, None for activations


@dataclass
class Operator:
    kind: str  # builtin operator name, e.g. "CONV_2D"
    inputs: list[int]  # tensor indices, -1 = optional input left out
    outputs: list[int]
    options: dict = field(default_factory=dict)


@dataclass
class Graph:
    tensors: list[Tensor]
    operators: list[Operator]
    inputs: list[int]
    outputs: list[int]

    def index_of(self, name: str) -> int:
        return next(i for i, t in enumerate(self.tensors) if t.name == name)


def _operator_name(model: tflite.Model, index: int) -> str:
    code = model.OperatorCodes(index)
    # Newer files keep codes > 127 only in BuiltinCode; older ones only in the deprecated byte.
    return _OP_NAMES[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]


def _options(op: tflite.Operator, kind: str) -> dict:
    if kind not in _OPTIONS:
        return {}
    cls, fields = _OPTIONS[kind]
    table = op.BuiltinOptions()
    opts = cls()
    opts.Init(table.Bytes, table.Pos)
    out = {name: getattr(opts, name)() for name in fields}
    if hasattr(opts, "FusedActivationFunction"):
        out["FusedActivationFunction"] = _ACTIVATIONS[opts.FusedActivationFunction()]
    if "Padding" in out:
        out["Padding"] = _PADDINGS[out["Padding"]]
    return out


def _buffer_bytes(model: tflite.Model, data: bytes, index: int) -> bytes:
    buf = model.Buffers(index)
    if buf.Offset() > 1:  # large-model files keep buffers after the flatbuffer
        return data[buf.Offset() : buf.Offset() + buf.Size()]
    if buf.DataLength() == 0:
        return b""
    return buf.DataAsNumpy().tobytes()


def _index_vector(table, kind: int) -> np.ndarray:
    vec_cls = {
        tflite.SparseIndexVector.Int32Vector: tflite.Int32Vector,
        tflite.SparseIndexVector.Uint16Vector: tflite.Uint16Vector,
        tflite.SparseIndexVector.Uint8Vector: tflite.Uint8Vector,
    }[kind]
    vec = vec_cls()
    vec.Init(table.Bytes, table.Pos)
    return np.asarray(vec.ValuesAsNumpy(), dtype=np.int64)


def _sparsity(tensor: tflite.Tensor, values: np.ndarray, shape: tuple[int, ...]) -> SparseTensor:
    sp = tensor.Sparsity()
    dims = []
    for i in range(sp.DimMetadataLength()):
        meta = sp.DimMetadata(i)
        if meta.Format() == tflite.DimensionType.DENSE:
            dims.append(SparseDim(dense_size=meta.DenseSize()))
        else:
            dims.append(
                SparseDim(
                    segments=_index_vector(meta.ArraySegments(), meta.ArraySegmentsType()),
                    indices=_index_vector(meta.ArrayIndices(), meta.ArrayIndicesType()),
                )
            )
    return SparseTensor(
        shape=shape,
        values=values,
        traversal_order=tuple(int(v) for v in sp.TraversalOrderAsNumpy()),
        block_map=tuple(int(v) for v in sp.BlockMapAsNumpy()) if sp.BlockMapLength() else (),
        dims=tuple(dims),
    )


def read_tflite(data: bytes) -> Graph:
    """Parse the first subgraph of a TFLite model into a `Graph` of plain Python/numpy data."""
    if data[4:8] != b"TFL3":
        raise ValueError("not a TFLite flatbuffer (missing TFL3 identifier)")
    model = tflite.Model.GetRootAsModel(data, 0)
    if model.SubgraphsLength() != 1:
        raise ValueError(f"expected 1 subgraph, found {model.SubgraphsLength()}")
    sub = model.Subgraphs(0)
    tensors = []
    for i in range(sub.TensorsLength()):
        t = sub.Tensors(i)
        shape = tuple(int(d) for d in t.ShapeAsNumpy()) if t.ShapeLength() else ()
        if t.Type() not in _TENSOR_DTYPES:
            raise ValueError(f"tensor {t.Name().decode()}: unsupported type {t.Type()}")
        dtype = _TENSOR_DTYPES[t.Type()]
        raw = _buffer_bytes(model, data, t.Buffer())
        const = None
        if raw:
            values = np.frombuffer(raw, dtype=dtype).copy()
            if t.Sparsity() is not None:
                const = _sparsity(t, values, shape)
            else:
                const = values.reshape(shape)
        tensors.append(Tensor(t.Name().decode(), shape, dtype, const))
    operators = []
    for i in range(sub.OperatorsLength()):
        op = sub.Operators(i)
        kind = _operator_name(model, op.OpcodeIndex())
        operators.append(
            Operator(
                kind=kind,
                inputs=[int(v) for v in op.InputsAsNumpy()],
                outputs=[int(v) for v in op.OutputsAsNumpy()],
                options=_options(op, kind),
            )
        )
    return Graph(
        tensors=tensors,
        operators=operators,
        inputs=[int(v) for v in sub.InputsAsNumpy()],
        outputs=[int(v) for v in sub.OutputsAsNumpy()],
    )

"""Unit tests of the TFLite -> ONNX converter on small hand-made graphs with golden numbers,
plus structural checks on the real MediaPipe models."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from blazepose_tools.model_build import (
    DETECTOR_TFLITE,
    model_specs,
    packed_file_range,
    read_source,
)
from blazepose_tools.model_build import build_onnx as build_model
from blazepose_tools.tflite_to_onnx import (
    InputSpec,
    UnsupportedOperatorError,
    convert_graph,
    convert_tflite,
    read_tflite,
)
from blazepose_tools.tflite_to_onnx.densify import SparseDim, SparseTensor, densify
from blazepose_tools.tflite_to_onnx.operators import same_pads
from blazepose_tools.tflite_to_onnx.reader import Graph, Operator, Tensor
from support.converter_faults import inject
from support.paths import ROOT

NODE_MODULES = ROOT / "node_modules"
RAW_INPUT = InputSpec(scale=1.0, offset=0.0)  # rgb bytes reach the TFLite graph unchanged


def run_graph(graph: Graph, image: np.ndarray) -> np.ndarray:
    """Convert a one-output graph and run it on an HxWx3 uint8 image."""
    out_name = graph.tensors[graph.outputs[0]].name
    model = convert_graph(graph, RAW_INPUT, {out_name: "out"})
    onnx.checker.check_model(model, full_check=True)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    rgba = np.concatenate([image, np.full(image.shape[:2] + (1,), 255, np.uint8)], axis=2)
    return session.run(None, {"rgba": rgba[None]})[0]


def single_op_graph(in_shape, out_shape, kind, options, consts=(), out_dtype=np.float32) -> Graph:
    tensors = [Tensor("input_1", tuple(in_shape), np.float32)]
    inputs = [0]
    for value in consts:
        tensors.append(Tensor(f"const{len(tensors)}", value.shape, value.dtype, value))
        inputs.append(len(tensors) - 1)
    tensors.append(Tensor("Identity", tuple(out_shape), out_dtype))
    op = Operator(kind, inputs, [len(tensors) - 1], options)
    return Graph(tensors, [op], [0], [len(tensors) - 1])


# --- DENSIFY -------------------------------------------------------------------------------


def test_densify_csr_matrix():
    # Rows dense, columns CSR: [[6,0,9,8],[0,0,0,0],[5,0,0,7]].
    sparse = SparseTensor(
        shape=(3, 4),
        values=np.array([6, 9, 8, 5, 7], np.float32),
        traversal_order=(0, 1),
        block_map=(),
        dims=(
            SparseDim(dense_size=3),
            SparseDim(segments=np.array([0, 3, 3, 5]), indices=np.array([0, 2, 3, 0, 3])),
        ),
    )
    expected = [[6, 0, 9, 8], [0, 0, 0, 0], [5, 0, 0, 7]]
    np.testing.assert_array_equal(densify(sparse), expected)


def test_densify_transposed_traversal():
    # Columns first: traversal order (1, 0) stores the matrix column by column.
    sparse = SparseTensor(
        shape=(2, 3),
        values=np.array([1, 2, 3], np.float32),
        traversal_order=(1, 0),
        block_map=(),
        dims=(
            SparseDim(dense_size=3),
            SparseDim(segments=np.array([0, 1, 1, 3]), indices=np.array([1, 0, 1])),
        ),
    )
    np.testing.assert_array_equal(densify(sparse), [[0, 0, 2], [1, 0, 3]])


def test_densify_block_sparse():
    # 4x4 in 2x2 blocks; only blocks (0,0) and (1,1) are stored, each densely.
    sparse = SparseTensor(
        shape=(4, 4),
        values=np.array([1, 0, 2, 3, 0, 0, 4, 5], np.float32),
        traversal_order=(0, 1, 2, 3),
        block_map=(0, 1),
        dims=(
            SparseDim(dense_size=2),
            SparseDim(segments=np.array([0, 1, 2]), indices=np.array([0, 1])),
            SparseDim(dense_size=2),
            SparseDim(dense_size=2),
        ),
    )
    expected = [[1, 0, 0, 0], [2, 3, 0, 0], [0, 0, 0, 0], [0, 0, 4, 5]]
    np.testing.assert_array_equal(densify(sparse), expected)


def test_densify_rejects_wrong_value_count():
    sparse = SparseTensor(
        shape=(2, 2),
        values=np.array([1, 2, 3], np.float32),
        traversal_order=(0, 1),
        block_map=(),
        dims=(SparseDim(dense_size=2), SparseDim(dense_size=2)),
    )
    with pytest.raises(ValueError, match="sparse layout"):
        densify(sparse)


@pytest.mark.filterwarnings("ignore:Warning. Enabling `experimental_preserve_all_tensors`")
def test_detector_sparse_weights_match_tflite_densify():
    """Our DENSIFY decoding equals the tensors TFLite itself produces for the detector."""
    interpreter_mod = pytest.importorskip("ai_edge_litert.interpreter")
    data = read_source(NODE_MODULES, DETECTOR_TFLITE)
    graph = read_tflite(data)
    # The reference kernels keep every intermediate tensor (XNNPACK would take the weights).
    interpreter = interpreter_mod.Interpreter(
        model_content=data,
        experimental_preserve_all_tensors=True,
        experimental_op_resolver_type=interpreter_mod.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    interpreter.allocate_tensors()
    interpreter.set_tensor(
        interpreter.get_input_details()[0]["index"], np.zeros((1, 224, 224, 3), np.float32)
    )
    interpreter.invoke()
    densify_ops = [op for op in graph.operators if op.kind == "DENSIFY"]
    assert len(densify_ops) == 38
    for op in densify_ops:
        ours = densify(graph.tensors[op.inputs[0]].data)
        theirs = interpreter.get_tensor(op.outputs[0])
        np.testing.assert_array_equal(ours, theirs)


# --- padding, resize, reshape, depth-to-space ---------------------------------------------


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "dilation", "expected"),
    [(256, 3, 2, 1, (0, 1)), (255, 3, 2, 1, (1, 1)), (7, 5, 1, 1, (2, 2)), (8, 3, 1, 2, (2, 2))],
)
def test_same_pads(size, kernel, stride, dilation, expected):
    assert same_pads(size, kernel, stride, dilation) == expected


def _conv_sum_graph(padding: str) -> Graph:
    weight = np.zeros((1, 3, 3, 3), np.float32)
    weight[0, :, :, 0] = 1.0  # sum the red channel over the 3x3 window
    options = {
        "Padding": padding,
        "StrideH": 2,
        "StrideW": 2,
        "DilationHFactor": 1,
        "DilationWFactor": 1,
        "FusedActivationFunction": "NONE",
    }
    return single_op_graph(
        (1, 4, 4, 3), (1, 2, 2, 1), "CONV_2D", options, [weight, np.zeros(1, np.float32)]
    )


def _ramp_image() -> np.ndarray:
    image = np.zeros((4, 4, 3), np.uint8)
    image[:, :, 0] = np.arange(16).reshape(4, 4)  # x[r][c] = 4r + c
    return image


def test_conv_same_stride2_pads_at_end():
    out = run_graph(_conv_sum_graph("SAME"), _ramp_image())
    np.testing.assert_array_equal(out[0, :, :, 0], [[45, 39], [66, 50]])


def test_conv_same_stride2_pad_flip_is_visible(monkeypatch):
    inject(monkeypatch, "same-pad-at-start")
    out = run_graph(_conv_sum_graph("SAME"), _ramp_image())
    assert out[0, 0, 0, 0] == 10  # window shifted up-left onto the zero border


def test_conv_fused_relu6():
    graph = _conv_sum_graph("SAME")
    graph.operators[0].options["FusedActivationFunction"] = "RELU6"
    out = run_graph(graph, _ramp_image())
    np.testing.assert_array_equal(out[0, :, :, 0], [[6, 6], [6, 6]])


def _resize_graph(align_corners: bool, half_pixel: bool) -> Graph:
    options = {"AlignCorners": align_corners, "HalfPixelCenters": half_pixel}
    return single_op_graph(
        (1, 2, 2, 3), (1, 4, 4, 3), "RESIZE_BILINEAR", options, [np.array([4, 4], np.int32)]
    )


def _resize_input() -> np.ndarray:
    image = np.zeros((2, 2, 3), np.uint8)
    image[:, :, 0] = [[0, 1], [2, 3]]
    return image


@pytest.mark.parametrize(
    ("align_corners", "half_pixel", "coords"),
    [
        (False, True, [0, 0.25, 0.75, 1]),  # (o + 0.5) / 2 - 0.5, clamped to the edge
        (True, False, [0, 1 / 3, 2 / 3, 1]),  # o * (2 - 1) / (4 - 1)
        (False, False, [0, 0.5, 1, 1]),  # o / 2, clamped
    ],
)
def test_resize_bilinear_flags(align_corners, half_pixel, coords):
    out = run_graph(_resize_graph(align_corners, half_pixel), _resize_input())
    c = np.array(coords)
    expected = 2 * c[:, None] + c[None, :]  # bilinear of 2*y + x is exact
    np.testing.assert_allclose(out[0, :, :, 0], expected, atol=1e-6)


def test_resize_half_pixel_flag_matters(monkeypatch):
    inject(monkeypatch, "resize-asymmetric")
    out = run_graph(_resize_graph(False, True), _resize_input())
    assert out[0, 0, 1, 0] == pytest.approx(0.5)  # asymmetric, not 0.25


def test_reshape_keeps_nhwc_element_order():
    image = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    graph = single_op_graph((1, 2, 3, 3), (1, 6, 3), "RESHAPE", {})
    out = run_graph(graph, image)
    np.testing.assert_array_equal(out[0], image.reshape(6, 3))


def test_reshape_to_4d_round_trips_layout():
    image = np.arange(2 * 2 * 3, dtype=np.uint8).reshape(2, 2, 3)
    graph = single_op_graph((1, 2, 2, 3), (1, 1, 4, 3), "RESHAPE", {})
    out = run_graph(graph, image)
    np.testing.assert_array_equal(out, image.reshape(1, 1, 4, 3))


def test_depth_to_space_matches_tensorflow_order():
    # A 1x1 conv writes channel k = k * red; DEPTH_TO_SPACE(2) must then place channel
    # (i * 2 + j) * 3 + c at block position (i, j), channel c (TensorFlow's DCR order).
    weight = np.zeros((12, 1, 1, 3), np.float32)
    weight[:, 0, 0, 0] = np.arange(12)
    conv_options = {
        "Padding": "VALID",
        "StrideH": 1,
        "StrideW": 1,
        "DilationHFactor": 1,
        "DilationWFactor": 1,
        "FusedActivationFunction": "NONE",
    }
    tensors = [
        Tensor("input_1", (1, 1, 1, 3), np.float32),
        Tensor("weight", weight.shape, np.float32, weight),
        Tensor("bias", (12,), np.float32, np.zeros(12, np.float32)),
        Tensor("channels", (1, 1, 1, 12), np.float32),
        Tensor("Identity", (1, 2, 2, 3), np.float32),
    ]
    ops = [
        Operator("CONV_2D", [0, 1, 2], [3], conv_options),
        Operator("DEPTH_TO_SPACE", [3], [4], {"BlockSize": 2}),
    ]
    out = run_graph(Graph(tensors, ops, [0], [4]), np.array([[[1, 0, 0]]], np.uint8))
    np.testing.assert_array_equal(out[0], np.arange(12).reshape(2, 2, 3))


def test_unsupported_operator_is_reported():
    graph = single_op_graph((1, 2, 2, 3), (1, 2, 2, 3), "SOFTMAX", {})
    with pytest.raises(UnsupportedOperatorError, match="SOFTMAX"):
        convert_graph(graph, RAW_INPUT, {"Identity": "out"})


# --- packed assets, real models ------------------------------------------------------------


def test_packed_detector_range_from_loader():
    loader = (NODE_MODULES / "@mediapipe/pose/pose_solution_packed_assets_loader.js").read_text()
    assert packed_file_range(loader, DETECTOR_TFLITE) == (0, 2962288)


@pytest.fixture(scope="module")
def lite_specs():
    specs = {s.filename: s for s in model_specs()}
    data = read_source(NODE_MODULES, "pose_landmark_lite.tflite")
    return data, specs


def test_landmarks_only_variant_is_pruned(lite_specs):
    data, specs = lite_specs
    full = build_model(data, specs["pose_landmark_lite.onnx"])
    pruned = build_model(data, specs["pose_landmark_lite_landmarks_only.onnx"])
    assert [o.name for o in full.graph.output] == [
        "landmarks",
        "pose_flag",
        "segmentation",
        "heatmap",
        "world_landmarks",
    ]
    assert [o.name for o in pruned.graph.output] == [
        "landmarks",
        "pose_flag",
        "heatmap",
        "world_landmarks",
    ]
    assert len(pruned.graph.node) < len(full.graph.node)
    # No dead nodes: every node feeds an output.
    needed = {o.name for o in pruned.graph.output}
    for node in reversed(pruned.graph.node):
        assert any(o in needed for o in node.output), node.name
        needed.update(node.input)


def test_shipped_graph_is_lean_and_float16(lite_specs):
    data, specs = lite_specs
    model = build_model(data, specs["pose_landmark_lite.onnx"])
    ops = [n.op_type for n in model.graph.node]
    assert "Pad" not in ops  # all spatial zero pads were folded into convolutions
    assert ops.count("Transpose") == 2  # the input and the NHWC heatmap output only
    weights = {i.name: i for i in model.graph.initializer}
    conv_weights = [n.input[1] for n in model.graph.node if n.op_type == "Conv"]
    casts = {n.output[0]: n.input[0] for n in model.graph.node if n.op_type == "Cast"}
    for name in conv_weights:
        assert weights[casts[name]].data_type == onnx.TensorProto.FLOAT16


def test_conversion_is_deterministic(lite_specs):
    data, specs = lite_specs
    spec = specs["pose_landmark_lite.onnx"]
    assert (
        build_model(data, spec).SerializeToString() == build_model(data, spec).SerializeToString()
    )


def test_float16_weight_storage_is_lossless(lite_specs):
    """fp16 initializers + Cast give bit-identical outputs to the all-float32 graph."""
    data, specs = lite_specs
    spec = specs["pose_landmark_lite.onnx"]
    shipped = build_model(data, spec)
    float32 = convert_tflite(data, spec.input_spec, spec.outputs)
    assert sum(i.data_type == onnx.TensorProto.FLOAT16 for i in shipped.graph.initializer) > 100
    assert not any(i.data_type == onnx.TensorProto.FLOAT16 for i in float32.graph.initializer)
    image = np.random.default_rng(7).integers(0, 256, (1, 256, 256, 4), np.uint8)
    results = []
    for model in (shipped, float32):
        session = ort.InferenceSession(
            model.SerializeToString(), providers=["CPUExecutionProvider"]
        )
        results.append(session.run(None, {"rgba": image}))
    for a, b in zip(*results, strict=True):
        np.testing.assert_array_equal(a, b)


def test_only_spatial_zero_pads_are_folded():
    # heavy: 5 spatial PADs before stride-2 convolutions, 3 channel PADs before residual ADDs.
    spec = next(s for s in model_specs() if s.filename == "pose_landmark_heavy.onnx")
    model = build_model(read_source(NODE_MODULES, spec.source), spec)
    inits = {i.name: onnx.numpy_helper.to_array(i) for i in model.graph.initializer}
    pads = [inits[n.input[1]] for n in model.graph.node if n.op_type == "Pad"]
    assert len(pads) == 3
    for p in pads:  # NCHW begin/end: only the channel end is padded
        assert list(p[[0, 2, 3, 4, 6, 7]]) == [0, 0, 0, 0, 0, 0] and p[5] > 0

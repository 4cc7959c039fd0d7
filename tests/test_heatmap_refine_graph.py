"""The in-graph heatmap refinement (blazepose_tools.heatmap_refine_graph) against the Python
reference (blazepose.heatmap_refine): edge cases here, real frames in test_model_parity."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from blazepose.heatmap_refine import refine_landmarks_from_heatmap
from blazepose.landmark_decode import decode_landmarks
from blazepose_tools.heatmap_refine_graph import append_refinement
from onnx import TensorProto, helper

ort = pytest.importorskip("onnxruntime")

N, SIZE = 39, 64


def refine_model() -> onnx.ModelProto:
    """landmarks [1, 195] + NHWC heatmap [1, 64, 64, 39] -> the three outputs."""
    graph = helper.make_graph(
        [
            helper.make_node("Identity", ["landmarks_in"], ["landmarks"]),
            helper.make_node("Transpose", ["heatmap_nchw"], ["heatmap"], perm=[0, 2, 3, 1]),
        ],
        "refine",
        [
            helper.make_tensor_value_info("landmarks_in", TensorProto.FLOAT, [1, N * 5]),
            helper.make_tensor_value_info("heatmap_nchw", TensorProto.FLOAT, [1, N, SIZE, SIZE]),
        ],
        [
            helper.make_tensor_value_info("landmarks", TensorProto.FLOAT, [1, N * 5]),
            helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, [1, SIZE, SIZE, N]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    append_refinement(model, "landmarks", "heatmap", "refined_landmarks")
    onnx.checker.check_model(model, full_check=True)
    return model


@pytest.fixture(scope="module")
def session() -> ort.InferenceSession:
    data = refine_model().SerializeToString()
    return ort.InferenceSession(data, providers=["CPUExecutionProvider"])


def both(session, raw: np.ndarray, heatmap_nchw: np.ndarray):
    """(graph, python) refined landmarks, decoded, for raw [195] and a [39, 64, 64] heatmap."""
    raw = raw.astype(np.float32)
    heatmap_nchw = heatmap_nchw.astype(np.float32)
    feeds = {"landmarks_in": raw[None], "heatmap_nchw": heatmap_nchw[None]}
    (graph,) = session.run(["refined_landmarks"], feeds)
    hwc = heatmap_nchw.transpose(1, 2, 0).ravel().tolist()
    python = refine_landmarks_from_heatmap(decode_landmarks(raw.tolist()), hwc)
    return decode_landmarks(graph[0].tolist()), python


def assert_same(graph, python, tol=1e-6):
    for k, (g, p) in enumerate(zip(graph, python, strict=True)):
        assert g == pytest.approx(p, abs=tol), f"landmark {k}: graph {g} python {p}"


def raw_landmarks(rng, xs, ys):
    raw = rng.normal(0.0, 3.0, (N, 5))
    raw[:, 0], raw[:, 1] = np.asarray(xs) * 4.0, np.asarray(ys) * 4.0  # cells -> crop pixels
    return raw.ravel()


def test_random_heatmaps_and_positions(session):
    rng = np.random.default_rng(16)
    for _ in range(20):
        heatmap = rng.normal(-4.0, 3.0, (N, SIZE, SIZE))
        cells = rng.uniform(-2.0, 68.0, (2, N))
        graph, python = both(session, raw_landmarks(rng, *cells), heatmap)
        assert_same(graph, python)


def test_borders_quirk_truncation_and_threshold(session):
    rng = np.random.default_rng(3)
    heatmap = np.full((N, SIZE, SIZE), -20.0)
    cases = [  # (x, y) in cells
        (-0.5, 10.2),  # int(-0.5) == 0: refined at column 0 (floor would skip it)
        (-1.0, 10.0),  # column -1: skipped
        (10.0, -0.3),  # row 0
        (10.0, -1.5),  # row -1: skipped
        (63.9, 63.9),  # bottom-right corner, window clipped
        (64.0, 10.0),  # column 64: skipped
        (10.0, 64.5),  # row 64: MediaPipe does not check the row from above; rows 61..63
        (10.0, 66.9),  # row 66: row 63 only
        (10.0, 67.0),  # row 67: empty window, skipped
        (0.0, 0.0),
        (31.999, 31.999),
        (32.0, 32.0),
        (20.0, 20.0),  # below the confidence threshold
        (40.0, 40.0),  # exactly sigmoid 0.5: refined (>=)
    ]
    xs = [c[0] for c in cases] + [30.0] * (N - len(cases))
    ys = [c[1] for c in cases] + [30.0] * (N - len(cases))
    for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
        col, row = max(0, min(63, int(x))), max(0, min(63, int(y)))
        for dr in (-4, -3, -1, 0, 2, 3, 4):
            for dc in (-4, -3, 0, 1, 3, 4):
                r, c = row + dr, col + dc
                if 0 <= r < SIZE and 0 <= c < SIZE:
                    heatmap[k, r, c] = rng.uniform(-3.0, 3.0)
    heatmap[12, 17:24, 17:24] = -0.1  # max sigmoid < 0.5
    heatmap[13, 37:44, 37:44] = -9.0
    heatmap[13, 41, 42] = 0.0  # max sigmoid == 0.5, off the centre
    graph, python = both(session, raw_landmarks(rng, xs, ys), heatmap)
    assert_same(graph, python)
    changed = [
        k
        for k in range(len(cases))
        if graph[k][:2] != pytest.approx((xs[k] / SIZE, ys[k] / SIZE), abs=1e-9)
    ]
    assert changed == [0, 2, 4, 6, 7, 9, 10, 11, 13]


def test_other_values_pass_through_unchanged(session):
    rng = np.random.default_rng(5)
    raw = raw_landmarks(rng, rng.uniform(0, 64, N), rng.uniform(0, 64, N)).astype(np.float32)
    heatmap = rng.normal(0.0, 3.0, (N, SIZE, SIZE)).astype(np.float32)
    (graph,) = session.run(
        ["refined_landmarks"], {"landmarks_in": raw[None], "heatmap_nchw": heatmap[None]}
    )
    assert np.array_equal(graph.reshape(N, 5)[:, 2:], raw.reshape(N, 5)[:, 2:])


def test_reads_the_nchw_heatmap_and_adds_no_transpose():
    model = refine_model()
    transposes = [n for n in model.graph.node if n.op_type == "Transpose"]
    assert [n.output[0] for n in transposes] == ["heatmap"]
    sigmoid = next(n for n in model.graph.node if n.op_type == "Sigmoid")
    assert list(sigmoid.input) == ["heatmap_nchw"]

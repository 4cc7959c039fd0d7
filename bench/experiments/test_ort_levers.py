"""The model variants of ort_levers.py compute what the shipped models compute.

Opt-in (outside the default `testpaths`): `.venv/bin/pytest bench/experiments`.

A speed comparison between graphs is only meaningful if the graphs agree; the diagnostic
variant that drops the depthwise convolutions must not.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
import pytest

EXPERIMENTS = Path(__file__).resolve().parent
ROOT = EXPERIMENTS.parents[1]
sys.path.insert(0, str(EXPERIMENTS))

import ort_levers  # noqa: E402

LITE = ROOT / "models" / "pose_landmark_lite_landmarks_only.onnx"


@pytest.fixture(scope="module")
def lite() -> onnx.ModelProto:
    if not LITE.exists():
        pytest.skip("models not built (python3 build.py models)")
    return onnx.load(LITE)


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    return np.random.default_rng(3).integers(0, 256, (1, 256, 256, 4), dtype=np.uint8)


def run(model: onnx.ModelProto, feeds: dict) -> dict[str, np.ndarray]:
    import onnxruntime as ort

    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, feeds), strict=True))


@pytest.fixture(scope="module")
def reference(lite, image) -> dict[str, np.ndarray]:
    return run(lite, {"rgba": image})


def assert_close(got: dict, want: dict, atol: float) -> None:
    assert set(got) == set(want)
    for name in want:
        np.testing.assert_allclose(got[name], want[name], atol=atol, rtol=0, err_msg=name)


def test_float32_weights_drops_every_weight_cast(lite, image, reference):
    variant = ort_levers.float32_weights(lite)
    casts = [n for n in variant.graph.node if n.op_type == "Cast"]
    assert len(casts) == 1  # only the uint8 input's
    assert_close(run(variant, {"rgba": image}), reference, atol=0.0)


def test_float_input_takes_normalised_planar_rgb(lite, image, reference):
    variant = ort_levers.float_input(lite, 256)
    planar = image[0, :, :, :3].transpose(2, 0, 1)[None].astype(np.float32) / 255.0
    # x / 255 in numpy vs x * (1/255) in the graph: landmarks (256-px units) move by < 0.005
    assert_close(run(variant, {"x": planar}), reference, atol=5e-3)


def test_nhwc_between_ops_adds_four_transposes_per_conv(lite, image, reference):
    variant = ort_levers.nhwc_between_ops(lite)
    convs = sum(n.op_type == "Conv" for n in lite.graph.node)
    transposes = [sum(n.op_type == "Transpose" for n in m.graph.node) for m in (lite, variant)]
    assert transposes[1] - transposes[0] == 4 * convs
    assert_close(run(variant, {"rgba": image}), reference, atol=1e-5)


@pytest.mark.parametrize("group", [4, 8])
def test_depthwise_grouped_is_the_same_convolution(lite, image, reference, group):
    assert_close(run(ort_levers.depthwise_grouped(lite, group), {"rgba": image}), reference, 5e-3)


def test_depthwise_as_taps_is_the_same_convolution(lite, image, reference):
    variant = ort_levers.depthwise_as_taps(lite)
    assert len(list(ort_levers._depthwise_convs(ort_levers.float32_weights(lite)))) == 28
    assert not list(ort_levers._depthwise_convs(variant))
    assert_close(run(variant, {"rgba": image}), reference, atol=5e-3)


def test_dropping_depthwise_changes_the_output(lite, image, reference):
    got = run(ort_levers.depthwise_as_taps(lite, diagnostic_drop=True), {"rgba": image})
    assert np.abs(got["landmarks"] - reference["landmarks"]).max() > 1.0


def test_pointwise_as_matmul_replaces_every_1x1_conv(lite, image, reference):
    variant = ort_levers.pointwise_as_matmul(lite)
    fp32 = ort_levers.float32_weights(lite)
    inits = {i.name: i for i in fp32.graph.initializer}
    pointwise = [
        n
        for n in fp32.graph.node
        if n.op_type == "Conv"
        and list(inits[n.input[1]].dims[2:]) == [1, 1]
        and all(a.i == 1 for a in n.attribute if a.name == "group")
    ]
    assert sum(n.op_type == "MatMul" for n in variant.graph.node) == len(pointwise) > 0
    assert_close(run(variant, {"rgba": image}), reference, atol=5e-3)

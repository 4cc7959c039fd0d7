"""Which ONNX Runtime Web settings and model forms make our models run faster in Chromium?

A research experiment, not part of the product or of the benchmark: builds model variants
(float32 weights, offline-optimised graphs, float input) into ``build/ort_levers/variants``,
serves them with ``node_modules/onnxruntime-web/dist`` and
``bench/experiments/pages/ort_levers.html``, and times ``session.run`` in headless Chromium.
Each group is one lever: its cases run interleaved round by round in the same page with the
group's baseline, so the ratio to the baseline is what counts on a shared machine.

Usage: ``.venv/bin/python bench/experiments/ort_levers.py [--groups a,b]
[--models full,lite,detector] [--rounds 6] [--runs 6]``; writes ``build/ort_levers/levers.json``
and prints a markdown table. Its test (not in the default test run):
``.venv/bin/pytest bench/experiments``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

EXPERIMENTS = Path(__file__).resolve().parent
sys.path.insert(0, str(EXPERIMENTS.parent))  # bench/: its modules and paths.py

from paths import ROOT, VIDEO, use_checkout  # noqa: E402

use_checkout()

import machine  # noqa: E402
from blazepose_tools.browsers import FOREGROUND_FLAGS, debian_chromium  # noqa: E402
from blazepose_tools.static_server import serve_in_background  # noqa: E402
from run import BENCH_FLAGS, _link  # noqa: E402

OUT = ROOT / "build" / "ort_levers"
MODELS = {
    "full": ("pose_landmark_full_landmarks_only.onnx", 256, 1 / 255, 0.0),
    "lite": ("pose_landmark_lite_landmarks_only.onnx", 256, 1 / 255, 0.0),
    "detector": ("pose_detection.onnx", 224, 1 / 127.5, -1.0),
}


# ---------------------------------------------------------------- model variants


def float32_weights(model: onnx.ModelProto) -> onnx.ModelProto:
    """Replace every Cast(float16 initializer) by a float32 initializer."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    keep = []
    for node in g.node:
        src = node.input[0] if node.op_type == "Cast" else None
        if src in inits and inits[src].data_type == TensorProto.FLOAT16:
            arr = numpy_helper.to_array(inits[src]).astype(np.float32)
            g.initializer.append(numpy_helper.from_array(arr, node.output[0]))
        else:
            keep.append(node)
    del g.node[:]
    g.node.extend(keep)
    used = {i for n in g.node for i in n.input}
    fresh = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(fresh)
    return m


def float_input(model: onnx.ModelProto, size: int) -> onnx.ModelProto:
    """Drop the in-graph RGBA prefix (Transpose, Slice, Cast, Mul[, Add]): input is float NCHW."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    chain = []
    value = "rgba"
    for op in ("Transpose", "Slice", "Cast", "Mul", "Add"):
        (node,) = consumers[value]
        if node.op_type != op:
            break
        chain.append(node)
        value = node.output[0]
    for node in chain:
        g.node.remove(node)
    for n in g.node:
        for k, i in enumerate(n.input):
            if i == value:
                n.input[k] = "x"
    del g.input[:]
    g.input.append(helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, size, size]))
    used = {i for n in g.node for i in n.input}
    fresh = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(fresh)
    onnx.checker.check_model(m)
    return m


def _depthwise_convs(model: onnx.ModelProto):
    """(node, weights [C,1,kh,kw], bias [C] | None, attrs, input shape) of each depthwise Conv."""
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {
        v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
        for v in list(inferred.graph.value_info) + list(inferred.graph.input)
    }
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type != "Conv":
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        weights = inits.get(node.input[1])
        if attrs.get("group", 1) == 1 or weights is None or weights.shape[1] != 1:
            continue
        bias = inits.get(node.input[2]) if len(node.input) > 2 else None
        yield node, weights, bias, attrs, shapes[node.input[0]]


def depthwise_as_taps(model: onnx.ModelProto, diagnostic_drop: bool = False) -> onnx.ModelProto:
    """Each depthwise KxK Conv -> Pad, K*K (Slice, Mul by a per-channel weight), Sum with bias.

    With diagnostic_drop the depthwise convolutions are replaced by a strided MaxPool(1) + bias
    instead (a wrong model, only to measure what depthwise convolutions cost).
    """
    m = float32_weights(model)
    g = m.graph
    new_nodes: dict[str, list[onnx.NodeProto]] = {}
    for node, w, bias, attrs, (_, c, h, wd) in list(_depthwise_convs(m)):
        kh, kw = attrs["kernel_shape"]
        sh, sw = attrs.get("strides", [1, 1])
        pt, pl, pb, pr = attrs.get("pads", [0, 0, 0, 0])
        ho = (h + pt + pb - kh) // sh + 1
        wo = (wd + pl + pr - kw) // sw + 1
        name = node.output[0]
        nodes = []
        b = bias if bias is not None else np.zeros(c, np.float32)
        g.initializer.append(numpy_helper.from_array(b.reshape(1, c, 1, 1), f"{name}_b"))
        if diagnostic_drop:
            pooled = f"{name}_pool"
            nodes.append(
                helper.make_node(
                    "MaxPool", [node.input[0]], [pooled], kernel_shape=[1, 1], strides=[sh, sw]
                )
            )
            nodes.append(helper.make_node("Add", [pooled, f"{name}_b"], [name]))
            new_nodes[node.output[0]] = nodes
            continue
        x = node.input[0]
        if pt or pl or pb or pr:
            pads = np.array([0, 0, pt, pl, 0, 0, pb, pr], np.int64)
            g.initializer.append(numpy_helper.from_array(pads, f"{name}_pads"))
            nodes.append(helper.make_node("Pad", [x, f"{name}_pads"], [f"{name}_padded"]))
            x = f"{name}_padded"
        axes = numpy_helper.from_array(np.array([2, 3], np.int64), f"{name}_axes")
        steps = numpy_helper.from_array(np.array([sh, sw], np.int64), f"{name}_steps")
        g.initializer.extend([axes, steps])
        terms = [f"{name}_b"]
        for i in range(kh):
            for j in range(kw):
                t = f"{name}_t{i}_{j}"
                g.initializer.extend(
                    [
                        numpy_helper.from_array(np.array([i, j], np.int64), f"{t}_s"),
                        numpy_helper.from_array(
                            np.array([i + (ho - 1) * sh + 1, j + (wo - 1) * sw + 1], np.int64),
                            f"{t}_e",
                        ),
                        numpy_helper.from_array(
                            w[:, 0, i, j].reshape(1, c, 1, 1).astype(np.float32), f"{t}_w"
                        ),
                    ]
                )
                nodes.append(
                    helper.make_node(
                        "Slice",
                        [x, f"{t}_s", f"{t}_e", f"{name}_axes", f"{name}_steps"],
                        [f"{t}_x"],
                    )
                )
                nodes.append(helper.make_node("Mul", [f"{t}_x", f"{t}_w"], [t]))
                terms.append(t)
        nodes.append(helper.make_node("Sum", terms, [name]))
        new_nodes[node.output[0]] = nodes
    out = []
    for node in g.node:
        out.extend(new_nodes.get(node.output[0], [node]))
    del g.node[:]
    g.node.extend(out)
    used = {i for n in g.node for i in n.input}
    fresh = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(fresh)
    onnx.checker.check_model(m)
    return m


def depthwise_grouped(model: onnx.ModelProto, g: int) -> onnx.ModelProto:
    """Depthwise Conv -> grouped Conv with g channels per group and block-diagonal weights.

    g times the multiply-adds, but each group's im2col + SGEMM has g filter rows instead of 1:
    tests whether per-channel call overhead dominates depthwise convolutions in ORT's WASM MLAS.
    """
    m = float32_weights(model)
    inits = {i.name: i for i in m.graph.initializer}
    for node, w, _, attrs, (_, c, _, _) in list(_depthwise_convs(m)):
        if c % g:
            continue
        kh, kw = attrs["kernel_shape"]
        dense = np.zeros((c, g, kh, kw), np.float32)
        for ch in range(c):
            dense[ch, ch % g] = w[ch, 0]
        inits[node.input[1]].CopyFrom(numpy_helper.from_array(dense, node.input[1]))
        for a in node.attribute:
            if a.name == "group":
                a.i = c // g
    onnx.checker.check_model(m)
    return m


def nhwc_between_ops(model: onnx.ModelProto) -> onnx.ModelProto:
    """What an NHWC-layout converter emits: every Conv's input and output pass through NHWC
    (Transpose pairs around each Conv). ORT's transpose optimiser should cancel the pairs."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    out = []
    for node in m.graph.node:
        if node.op_type != "Conv":
            out.append(node)
            continue
        x, y = node.input[0], node.output[0]
        out.append(helper.make_node("Transpose", [x], [f"{y}_in_nhwc"], perm=[0, 2, 3, 1]))
        out.append(helper.make_node("Transpose", [f"{y}_in_nhwc"], [f"{y}_in"], perm=[0, 3, 1, 2]))
        node.input[0] = f"{y}_in"
        node.output[0] = f"{y}_nchw"
        out.append(node)
        out.append(helper.make_node("Transpose", [f"{y}_nchw"], [f"{y}_nhwc"], perm=[0, 2, 3, 1]))
        out.append(helper.make_node("Transpose", [f"{y}_nhwc"], [y], perm=[0, 3, 1, 2]))
    del m.graph.node[:]
    m.graph.node.extend(out)
    onnx.checker.check_model(m)
    return m


def pointwise_as_matmul(model: onnx.ModelProto) -> onnx.ModelProto:
    """Each 1x1 Conv -> Transpose to NHWC, MatMul by the constant [Cin, Cout] weights (which
    ORT pre-packs), Add bias, Transpose back. Tests MLAS SGEMM with the activations as A."""
    m = float32_weights(model)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    out = []
    for node in m.graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        w = inits.get(node.input[1]) if node.op_type == "Conv" else None
        pointwise = (
            w is not None
            and w.shape[2:] == (1, 1)
            and attrs.get("group", 1) == 1
            and attrs.get("strides", [1, 1]) == [1, 1]
            and not any(attrs.get("pads", [0]))
        )
        if not pointwise:
            out.append(node)
            continue
        y = node.output[0]
        m.graph.initializer.append(numpy_helper.from_array(w[:, :, 0, 0].T.copy(), f"{y}_wt"))
        out.append(helper.make_node("Transpose", [node.input[0]], [f"{y}_x"], perm=[0, 2, 3, 1]))
        out.append(helper.make_node("MatMul", [f"{y}_x", f"{y}_wt"], [f"{y}_mm"]))
        last = f"{y}_mm"
        if len(node.input) > 2:
            out.append(helper.make_node("Add", [last, node.input[2]], [f"{y}_b"]))
            last = f"{y}_b"
        out.append(helper.make_node("Transpose", [last], [y], perm=[0, 3, 1, 2]))
    del m.graph.node[:]
    m.graph.node.extend(out)
    used = {i for n in m.graph.node for i in n.input}
    fresh = [i for i in m.graph.initializer if i.name in used]
    del m.graph.initializer[:]
    m.graph.initializer.extend(fresh)
    onnx.checker.check_model(m)
    return m


def native_optimised(path: Path, level: str, out: Path) -> None:
    """Offline graph optimisation with native onnxruntime (CPU EP), saved as ONNX."""
    import onnxruntime as ort

    levels = {
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    }
    options = ort.SessionOptions()
    options.graph_optimization_level = levels[level]
    options.optimized_model_filepath = str(out)
    ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


VARIANTS = ("fp32", "floatin", "opt_basic", "opt_extended", "nhwc", "dw_taps", "dw_g4", "dw_g8")
VARIANTS += ("no_dw", "int8", "pw_matmul", "opt_extended_f16", "int8_qdq")
CALIBRATION_CLIP = VIDEO / "pose2sim_single_cam01.mp4"


def calibration_images(size: int, count: int = 16) -> list[np.ndarray]:
    """Centre squares of evenly spaced frames of one clip, as uint8 RGBA [1, size, size, 4]."""
    import av

    with av.open(str(CALIBRATION_CLIP)) as container:
        frames = [f.to_image() for f in container.decode(video=0)]
    images = []
    for frame in frames[:: max(1, len(frames) // count)][:count]:
        side = min(frame.size)
        left, top = (frame.width - side) // 2, (frame.height - side) // 2
        square = frame.crop((left, top, left + side, top + side)).resize((size, size))
        images.append(np.asarray(square.convert("RGBA"))[None])
    return images


def int8_static(src: Path, size: int, target: Path, qdq: bool = False) -> None:
    """Static int8 quantisation (QLinearConv, per-channel weights), calibrated on video frames.

    Only to measure how fast ORT Web's integer kernels are: accuracy is not checked here.
    With qdq: QuantizeLinear/DequantizeLinear pairs (QDQ format) with signed int8 weights
    (per channel) and uint8 activations, which ORT fuses into its integer kernels at load.
    """
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    class Frames(CalibrationDataReader):
        def __init__(self) -> None:
            self.feeds = iter({"rgba": x} for x in calibration_images(size))

        def get_next(self) -> dict | None:
            return next(self.feeds, None)

    fp32 = target.with_suffix(".fp32-source.onnx")
    onnx.save(float32_weights(onnx.load(src)), fp32)
    quantize_static(
        str(fp32),
        str(target),
        Frames(),
        quant_format=QuantFormat.QDQ if qdq else QuantFormat.QOperator,
        per_channel=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8 if qdq else QuantType.QUInt8,
    )
    fp32.unlink()


def make_variant(variant: str, src: Path, size: int, target: Path) -> None:
    if variant in ("int8", "int8_qdq"):
        int8_static(src, size, target, qdq=variant == "int8_qdq")
        return
    if variant == "opt_extended_f16":
        # Pre-optimised graph with the weights stored as float16 again (same bytes as shipped).
        from blazepose_tools.tflite_to_onnx import store_weights_float16

        native_optimised(src, "extended", target)
        model = onnx.load(target)
        store_weights_float16(model)
        onnx.save(model, target)
        return
    if variant.startswith("opt_"):
        native_optimised(src, variant.removeprefix("opt_"), target)
        return
    model = onnx.load(src)
    transforms = {
        "fp32": float32_weights,
        "floatin": lambda m: float_input(m, size),
        "nhwc": nhwc_between_ops,
        "pw_matmul": pointwise_as_matmul,
        "dw_taps": depthwise_as_taps,
        "dw_g4": lambda m: depthwise_grouped(m, 4),
        "dw_g8": lambda m: depthwise_grouped(m, 8),
        "no_dw": lambda m: depthwise_as_taps(m, diagnostic_drop=True),
    }
    onnx.save(transforms[variant](model), target)


def build_variants(names: list[str], only: set[str] | None = None) -> dict[str, dict[str, str]]:
    """{model: {variant: served path}}; variants are rebuilt when the source model is newer
    (only those in `only`, where given: the others keep their path, unbuilt)."""
    vdir = OUT / "variants"
    vdir.mkdir(parents=True, exist_ok=True)
    served = {}
    for name in names:
        filename, size, _, _ = MODELS[name]
        src = ROOT / "models" / filename
        stem = filename.removesuffix(".onnx")
        paths = {"base": f"models/{filename}"}
        for variant in VARIANTS:
            target = vdir / f"{stem}.{variant}.onnx"
            stale = not target.exists() or target.stat().st_mtime < src.stat().st_mtime
            if stale and (only is None or variant in only):
                make_variant(variant, src, size, target)
            paths[variant] = f"variants/{target.name}"
        served[name] = paths
    return served


# ---------------------------------------------------------------- lever groups

# What the page uses (web/engine/ort-runtime.js):
BASE_ENV = {"ort": "ort.wasm.min.mjs", "threads": 1, "proxy": True}
BASE_OPTIONS = {"executionProviders": ["wasm"], "graphOptimizationLevel": "all"}


def case(label, model, paths, variant="base", env=None, options=None, feed="uint8", **extra):
    filename, size, scale, offset = MODELS[model]
    spec = {
        "label": label,
        "model": "../" + paths[model][variant],
        "size": size,
        "scale": scale,
        "offset": offset,
        "input": "x" if feed.startswith("float") else "rgba",
        "env": {**BASE_ENV, **(env or {})},
        "options": {**BASE_OPTIONS, "logSeverityLevel": 3, **(options or {})},
        "feed": feed,
    }
    spec.update(extra)
    return spec


def groups(model: str, paths: dict) -> dict[str, list[dict]]:
    c = lambda label, **kw: case(label, model, paths, **kw)  # noqa: E731
    noproxy = {"proxy": False}
    out_shapes = (
        {"boxes": [1, 2254, 12], "scores": [1, 2254, 1]}
        if model == "detector"
        else {
            "landmarks": [1, 195],
            "pose_flag": [1, 1],
            "heatmap": [1, 64, 64, 39],
            "world_landmarks": [1, 117],
        }
    )
    table = {
        "threads_proxy": [
            c("baseline (1 thread, proxy)"),
            c("2 threads, proxy", env={"threads": 2}),
            c("1 thread, no proxy", env=noproxy),
            c("2 threads, no proxy", env={"threads": 2, "proxy": False}),
        ],
        "opt_level": [
            c("baseline (level all)"),
            c("level extended", options={"graphOptimizationLevel": "extended"}),
            c("level basic", options={"graphOptimizationLevel": "basic"}),
            c("level disabled", options={"graphOptimizationLevel": "disabled"}),
        ],
        "session_options": [
            c("baseline"),
            c("enableCpuMemArena false", options={"enableCpuMemArena": False}),
            c("enableMemPattern false", options={"enableMemPattern": False}),
            c("executionMode parallel", options={"executionMode": "parallel"}),
            c(
                "2 threads, no spinning",
                env={"threads": 2},
                options={"extra": {"session": {"intra_op": {"allow_spinning": "0"}}}},
            ),
        ],
        "weights_graph": [
            c("baseline (fp16 weights + Cast)"),
            c("fp32 weights", variant="fp32"),
            c("pre-optimised basic (native)", variant="opt_basic"),
            c("pre-optimised extended (native)", variant="opt_extended"),
            c(
                "pre-optimised extended, level disabled",
                variant="opt_extended",
                options={"graphOptimizationLevel": "disabled"},
            ),
        ],
        "precision": [
            c("baseline (float32 compute)"),
            c("int8 static quantisation (QLinearConv; speed only)", variant="int8"),
        ],
        "spinning": [
            c("baseline (1 thread)"),
            c("2 threads (ORT's pool spins between parallel sections)", env={"threads": 2}),
            c(
                "2 threads, allow_spinning 0",
                env={"threads": 2},
                options={"extra": {"session": {"intra_op": {"allow_spinning": "0"}}}},
            ),
        ],
        "int8_qdq": [
            c("baseline (float32, 1 thread)"),
            c("int8 QDQ, s8 weights per channel (1 thread)", variant="int8_qdq"),
            c("float32, 2 threads", env={"threads": 2}),
            c("int8 QDQ, 2 threads", variant="int8_qdq", env={"threads": 2}),
        ],
        "layout": [
            c("baseline (NCHW between ops)"),
            c("NHWC between ops (Transpose pairs around every Conv)", variant="nhwc"),
            c(
                "NHWC between ops, level basic",
                variant="nhwc",
                options={"graphOptimizationLevel": "basic"},
            ),
            c(
                "NHWC between ops, level disabled",
                variant="nhwc",
                options={"graphOptimizationLevel": "disabled"},
            ),
            c(
                "baseline, level layout",
                options={"graphOptimizationLevel": "layout"},
            ),
        ],
        "pointwise": [
            c("baseline (1x1 Conv, NCHW)"),
            c("1x1 Conv as NHWC MatMul with pre-packed weights", variant="pw_matmul"),
        ],
        "depthwise": [
            c("baseline (depthwise Conv)"),
            c("depthwise as Slice*Mul taps + Sum", variant="dw_taps"),
            c("depthwise as 4-channel groups (block-diagonal)", variant="dw_g4"),
            c("depthwise as 8-channel groups (block-diagonal)", variant="dw_g8"),
            c("diagnostic: depthwise removed (wrong output)", variant="no_dw"),
        ],
        "input_feed": [
            c("baseline (uint8 RGBA, graph normalises)"),
            c("float NCHW input, JS converts (timed)", variant="floatin", feed="float_nchw"),
            c(
                "float NCHW input, conversion untimed",
                variant="floatin",
                feed="float_nchw_preconverted",
            ),
        ],
        "no_proxy_feeds": [
            c("no proxy baseline", env=noproxy),
            c("no proxy, reused input tensor", env=noproxy, feed="uint8_reuse"),
            c("no proxy, preallocated outputs", env=noproxy, fetches=out_shapes),
        ],
        "builds": [
            c("baseline (ort.wasm, simd-threaded.wasm)"),
            c("ort.min (jsep.wasm), wasm EP", env={"ort": "ort.min.mjs"}),
            c("ort.all (jsep.wasm), wasm EP", env={"ort": "ort.all.min.mjs"}),
            c("executionProviders xnnpack", options={"executionProviders": ["xnnpack"]}),
            c(
                "executionProviders webnn (cpu)",
                env={"ort": "ort.all.min.mjs", "proxy": False},
                options={"executionProviders": [{"name": "webnn", "deviceType": "cpu"}]},
            ),
        ],
    }
    # An A/A control at the end of every group: the same settings as the baseline, created last.
    for cases in table.values():
        cases.append({**cases[0], "label": "baseline again (A/A control)"})
    return table


SERIES_CASES = {
    "wasm_loading": {
        "wasmBinary (engine.js)": {"env": {"binary": True}},
        "ORT fetches the .wasm (streaming)": {"env": {"binary": False}},
    },
    "first_run": {
        "baseline (fp16 weights + Cast, level all)": {"env": {"binary": True}},
        "fp32 weights": {"env": {"binary": True}, "variant": "fp32"},
        "pre-optimised extended, level disabled": {
            "env": {"binary": True},
            "variant": "opt_extended",
            "options": {"graphOptimizationLevel": "disabled"},
        },
    },
    "preoptimised_f16": {
        "baseline (fp16 weights + Cast, level all)": {"env": {"binary": True}},
        "pre-optimised extended, fp16 weights + Cast, level basic": {
            "env": {"binary": True},
            "variant": "opt_extended_f16",
            "options": {"graphOptimizationLevel": "basic"},
        },
        "pre-optimised extended, fp32, level disabled": {
            "env": {"binary": True},
            "variant": "opt_extended",
            "options": {"graphOptimizationLevel": "disabled"},
        },
    },
    "startup": {
        "baseline (engine.js settings, wasmBinary)": {"env": {"binary": True}},
        "no proxy": {"env": {"binary": True, "proxy": False}},
        "enableCpuMemArena false": {
            "env": {"binary": True},
            "options": {"enableCpuMemArena": False},
        },
        "fp32 weights": {"env": {"binary": True}, "variant": "fp32"},
        "pre-optimised extended, level disabled": {
            "env": {"binary": True},
            "variant": "opt_extended",
            "options": {"graphOptimizationLevel": "disabled"},
        },
    },
}


def run_series(
    browser,
    base: str,
    model: str,
    paths: dict,
    runs: int,
    trials: int,
    linger_ms: float,
    kind: str = "wasm_loading",
) -> dict:
    """Cold start, fresh browser context each time: engine.js' wasmBinary vs ORT's own fetch.

    Alternates the two settings trial by trial; a second page in the same context measures the
    warm start (HTTP cache, and V8's wasm code cache where the module was compiled streaming).
    """
    out: dict[str, list] = {}
    for _ in range(trials):
        for label, kw in SERIES_CASES[kind].items():
            spec = case(label, model, paths, **kw)
            context = browser.new_context()
            for start in ("cold", "warm"):
                page = context.new_page()
                page.goto(base + "pages/ort_levers.html")
                page.wait_for_function("window.leversReady === true")
                r = page.evaluate("([spec, n]) => runSeries(spec, n)", [spec, runs])
                page.wait_for_timeout(linger_ms)  # give V8 time to write its wasm code cache
                page.close()
                out.setdefault(f"{label}, {start}", []).append(r)
            context.close()
    return out


def series_table(model: str, series: dict, js_flags: str = "") -> str:
    """Median over trials of: load, create, first run, and the median run of each span."""
    flags = f" with Chromium --js-flags={js_flags}" if js_flags else ""
    n = len(next(iter(series.values()))[0]["times"])
    spans = [(a, b) for a, b in ((1, 5), (5, 15), (15, n)) if a < n]
    names = [f"runs {a + 1}-{min(b, n)} ms" for a, b in spans]
    lines = [
        f"\n{model} / cold start (fresh browser context) and warm start (second page), "
        f"{n} runs each{flags} (median over trials)",
        "case | trials | page+ORT load ms | session create ms | 1st run ms | " + " | ".join(names),
        "---" + " | ---" * (4 + len(spans)),
    ]
    for label, trials in series.items():

        def med(f, trials=trials) -> float:
            return float(np.median([f(t) for t in trials]))

        cells = [
            str(len(trials)),
            f"{med(lambda t: t['loadedMs']):.0f}",
            f"{med(lambda t: t['createMs']):.0f}",
            f"{med(lambda t: t['times'][0]):.0f}",
        ]
        for a, b in spans:
            cells.append(f"{med(lambda t, a=a, b=b: np.median(t['times'][a:b])):.1f}")
        lines.append(f"{label} | " + " | ".join(cells))
    return "\n".join(lines)


def stage_site() -> Path:
    site = OUT / "site"
    site.mkdir(parents=True, exist_ok=True)
    _link(ROOT / "node_modules" / "onnxruntime-web" / "dist", site / "ort")
    _link(ROOT / "models", site / "models")
    _link(OUT / "variants", site / "variants")
    _link(EXPERIMENTS / "pages", site / "pages")
    return site


def run(args: argparse.Namespace) -> dict:
    from playwright.sync_api import sync_playwright

    models = args.models.split(",")
    only = None
    if args.groups and not args.series:
        placeholder = build_variants(models, only=set())
        only = {
            Path(spec["model"]).name.split(".")[-2]
            for m in models
            for name in args.groups.split(",")
            for spec in groups(m, placeholder)[name]
        }
    paths = build_variants(models, only)
    server, base = serve_in_background(stage_site())
    results = {"runs": []}
    with sync_playwright() as pw:
        flags = [f"--js-flags={args.js_flags}"] if args.js_flags else []
        build = debian_chromium()  # with the bench's flags
        args_ = [*build.flags, *FOREGROUND_FLAGS, *BENCH_FLAGS, *flags]
        browser = pw.chromium.launch(executable_path=str(build.executable), args=args_)
        results["js_flags"] = args.js_flags
        results["machine"] = machine.describe(browser.version)
        for model in models if args.series else []:
            series = run_series(
                browser,
                base,
                model,
                paths,
                args.series,
                args.trials,
                args.linger_ms,
                args.series_kind,
            )
            entry = {"model": model, "group": "series", "series": series, "js_flags": args.js_flags}
            results["runs"].append(entry)
            print(series_table(model, series, args.js_flags), flush=True)
        for model in models if not args.series else []:
            all_groups = groups(model, paths)
            for name in args.groups.split(",") if args.groups else all_groups:
                page = browser.new_page()
                page.goto(base + "pages/ort_levers.html")
                page.wait_for_function("window.leversReady === true")
                started = time.time()
                load = os.getloadavg()[0]
                cfg = {
                    "cases": all_groups[name],
                    "warmup": args.warmup,
                    "rounds": args.rounds,
                    "runsPerRound": args.runs,
                    "tierUpMs": args.tier_up_ms,
                }
                rows = page.evaluate("cfg => runLevers(cfg)", cfg)
                page.close()
                entry = {
                    "model": model,
                    "group": name,
                    "load_before": load,
                    "load_after": os.getloadavg()[0],
                    "seconds": time.time() - started,
                    "rows": rows,
                }
                results["runs"].append(entry)
                print(table_for(entry), flush=True)
        browser.close()
    server.shutdown()
    return results


def table_for(entry: dict) -> str:
    rows = entry["rows"]
    base = rows[0].get("median")
    lines = [
        f"\n{entry['model']} / {entry['group']} (load {entry['load_before']:.1f} -> "
        f"{entry['load_after']:.1f}, {entry['seconds']:.0f} s)",
        "case | median ms | ratio | p20 ms | ratio | min ms | ratio | max ms | > 100 ms | n | "
        "create ms",
        "--- | --- | --- | --- | --- | --- | --- | --- | --- | --- | ---",
    ]
    q = lambda r, f: float(np.quantile(r["times"], f)) if r["times"] else None  # noqa: E731
    b = {f: q(rows[0], f) for f in (0.2, 0.0)}
    for r in rows:
        if r.get("median") is None:
            lines.append(f"{r['label']} | error: {r.get('error', '?')[:120]} | | |")
            continue
        cells = [f"{r['median']:.1f}", f"{r['median'] / base:.2f}" if base else "-"]
        for f in (0.2, 0.0):
            v = q(r, f)
            cells += [f"{v:.1f}", f"{v / b[f]:.2f}" if b[f] else "-"]
        cells += [f"{max(r['times']):.0f}", str(sum(t > 100 for t in r["times"]))]
        create = r.get("createMs")
        lines.append(
            f"{r['label']} | {' | '.join(cells)} | {len(r['times'])} | {create:.0f}"
            + (f" (error later: {r['error'][:80]})" if r.get("error") else "")
        )
    return "\n".join(lines)


def write_markdown(results: dict, path: Path, summary: str = "") -> None:
    """Tables of the latest run of each (model, group); earlier repeats after them."""
    info = results.get("machine", {})
    head = [
        "# ONNX Runtime Web levers (bench/experiments/ort_levers.py)",
        "",
        "`session.run` of one model in headless Chromium (onnxruntime-web 1.30.0, WASM): "
        "median, 20th percentile and minimum of the timed runs. The low percentiles are the "
        "less load-sensitive estimate on a shared machine. The timed region is what the page "
        "does per frame: make the input tensor, run, touch the outputs. Within a group the "
        "cases run interleaved (one run each, round after round, 30 rounds) after every ORT "
        "instance has run for 6 s untimed (V8 tier-up, see the cold-start series) and 3 "
        "warm-up runs per case, so the ratio to the group's first row (the baseline: "
        "`web/engine/ort-runtime.js`'s settings, 1 thread, proxy worker, level all, uint8 "
        "input) is the number to read. The last row of each group repeats the baseline "
        "(A/A control: how far two identical cases drift apart in the same run). Absolute "
        "times vary several-fold between groups with the machine's load (the load average "
        "before and after each group is in its title).",
        "",
        f"Machine: {machine.label(info) if info else '?'}",
        "",
        summary,
    ]
    latest: dict[tuple, dict] = {}
    earlier = []
    for entry in results["runs"]:
        key = (entry["model"], entry["group"], entry.get("js_flags") or "")
        if entry["group"] == "series":  # every series is its own experiment
            key += (tuple(entry["series"]), len(next(iter(entry["series"].values()))))
        if key in latest and entry["group"] != "series":
            earlier.append(latest[key])
        latest[key] = entry
    body = [
        series_table(e["model"], e["series"], e.get("js_flags", ""))
        if e["group"] == "series"
        else table_for(e)
        for e in latest.values()
    ]
    if earlier:
        body.append("\n## Earlier runs of the same groups (heavier load)")
        body += [table_for(e) for e in earlier]
    path.write_text("\n".join(head + body) + "\n")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default="full,lite,detector")
    p.add_argument("--groups", default="")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--runs", type=int, default=1, help="runs per case per round")
    p.add_argument(
        "--tier-up-ms", type=float, default=6000, help="untimed runs per ORT instance first"
    )
    p.add_argument("--js-flags", default="", help="V8 flags for Chromium (diagnosis only)")
    p.add_argument("--series", type=int, default=0, help="cold-start series of N runs instead")
    p.add_argument("--series-kind", default="wasm_loading", choices=sorted(SERIES_CASES))
    p.add_argument("--linger-ms", type=float, default=4000, help="idle before closing a page")
    p.add_argument("--trials", type=int, default=3, help="cold starts per setting (--series)")
    p.add_argument("--out", type=Path, default=OUT / "levers.json")
    p.add_argument("--markdown", type=Path, help="only write this table from --out's data")
    p.add_argument("--summary", type=Path, help="markdown text put above the tables")
    args = p.parse_args(argv)
    if args.markdown:
        summary = args.summary.read_text() if args.summary else ""
        write_markdown(json.loads(args.out.read_text()), args.markdown, summary)
        return 0
    results = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(args.out.read_text()) if args.out.exists() else {"runs": []}
    previous["runs"].extend(results["runs"])
    previous["machine"] = results["machine"]
    args.out.write_text(json.dumps(previous, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

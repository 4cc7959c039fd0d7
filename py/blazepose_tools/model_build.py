"""Build the ONNX models in `models/` from the npm @mediapipe/pose TFLite files.

Incremental: a model is rebuilt only when its TFLite source, the converter version or the
output file's bytes differ from what `models/manifest.json` records.
Run as `python -m blazepose_tools.model_build [--node-modules DIR] [--out DIR] [--force]`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from blazepose.contract import (
    DETECTOR,
    DETECTOR_FILE,
    INPUT_NAME,
    LANDMARK,
    MODELS,
    OUTPUTS,
    SEGMENTATION_OUTPUT,
    landmark_file,
)

from .tflite_to_onnx import (
    CONVERTER_VERSION,
    InputSpec,
    convert_tflite,
    fold_pads_into_convs,
    prune_outputs,
    store_weights_float16,
)

PACKAGE_DIR = Path("@mediapipe") / "pose"
PACKED_ASSETS = "pose_solution_packed_assets.data"
PACKED_LOADER = "pose_solution_packed_assets_loader.js"
DETECTOR_TFLITE = "pose_detection.tflite"
TFLITE_MAGIC = b"TFL3"
# sha256 of the TFLite files in npm @mediapipe/pose 0.5.1675469404 (measured here); a new
# package version must be re-verified (parity tests) before these are updated.
SOURCE_SHA256 = {
    DETECTOR_TFLITE: "a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85",
    "pose_landmark_lite.tflite": "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
    "pose_landmark_full.tflite": "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
    "pose_landmark_heavy.tflite": (
        "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"
    ),
}

# Contract output names, keyed by TFLite output tensor name (mediapipe-pose-facts.md §0).
_boxes, _scores = OUTPUTS[DETECTOR]
_landmarks, _pose_flag, _heatmap, _world = OUTPUTS[LANDMARK]
DETECTOR_OUTPUTS = {"Identity": _boxes, "Identity_1": _scores}
LANDMARK_OUTPUTS = {
    "Identity": _landmarks,
    "Identity_1": _pose_flag,
    "Identity_2": SEGMENTATION_OUTPUT,
    "Identity_3": _heatmap,
    "Identity_4": _world,
}
# Input normalisation: detector RGB in [-1, 1], landmark models [0, 1] (facts §1.2, §1.4).
DETECTOR_INPUT = InputSpec(name=INPUT_NAME, scale=1.0 / 127.5, offset=-1.0)
LANDMARK_INPUT = InputSpec(name=INPUT_NAME, scale=1.0 / 255.0, offset=0.0)


@dataclass(frozen=True)
class ModelSpec:
    filename: str  # ONNX file written to the output directory
    source: str  # TFLite file name
    input_spec: InputSpec
    outputs: dict[str, str]
    drop_outputs: tuple[str, ...] = ()


def model_specs() -> list[ModelSpec]:
    specs = [ModelSpec(DETECTOR_FILE, DETECTOR_TFLITE, DETECTOR_INPUT, DETECTOR_OUTPUTS)]
    for variant in MODELS:
        source = f"pose_landmark_{variant}.tflite"
        specs.append(
            ModelSpec(landmark_file(variant, True), source, LANDMARK_INPUT, LANDMARK_OUTPUTS)
        )
        specs.append(
            ModelSpec(
                landmark_file(variant, False),
                source,
                LANDMARK_INPUT,
                LANDMARK_OUTPUTS,
                drop_outputs=(SEGMENTATION_OUTPUT,),
            )
        )
    return specs


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def packed_file_range(loader_js: str, filename: str) -> tuple[int, int]:
    """(start, end) of `filename` inside the packed .data, read from the Emscripten loader."""
    match = re.search(r"loadPackage\((\{.*?\})\)", loader_js, re.S)
    if match is None:
        raise ValueError("no loadPackage({...}) metadata in the packed-assets loader")
    for entry in json.loads(match.group(1))["files"]:
        if entry["filename"].rsplit("/", 1)[-1] == filename:
            return int(entry["start"]), int(entry["end"])
    raise ValueError(f"{filename} is not listed in the packed-assets loader")


def read_source(node_modules: Path, source: str) -> bytes:
    package = node_modules / PACKAGE_DIR
    if source == DETECTOR_TFLITE:
        start, end = packed_file_range((package / PACKED_LOADER).read_text(), source)
        data = (package / PACKED_ASSETS).read_bytes()[start:end]
    else:
        data = (package / source).read_bytes()
    if data[4:8] != TFLITE_MAGIC:
        raise ValueError(f"{source}: missing TFLite identifier {TFLITE_MAGIC!r}")
    if sha256(data) != SOURCE_SHA256[source]:
        raise ValueError(f"{source}: sha256 {sha256(data)} is not the verified version")
    return data


def build_onnx(tflite_data: bytes, spec: ModelSpec) -> onnx.ModelProto:
    """Convert, prune, fold pads and store weights as float16: the shipped graph."""
    model = convert_tflite(tflite_data, spec.input_spec, spec.outputs)
    if spec.drop_outputs:
        prune_outputs(model, list(spec.drop_outputs))
    fold_pads_into_convs(model)
    store_weights_float16(model)
    onnx.checker.check_model(model, full_check=True)
    return model


def verify(model_bytes: bytes, spec: ModelSpec, tflite_shapes: dict[str, tuple[int, ...]]) -> None:
    """Run the model once in ONNX Runtime and check the contract's names, shapes, dtypes."""
    import onnxruntime as ort

    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    (inp,) = session.get_inputs()
    if inp.name != spec.input_spec.name or inp.type != "tensor(uint8)":
        raise ValueError(f"{spec.filename}: unexpected input {inp.name} {inp.type}")
    image = np.random.default_rng(0).integers(0, 256, size=inp.shape, dtype=np.uint8)
    results = session.run(None, {inp.name: image})
    expected = {
        onnx_name: tflite_shapes[tfl]
        for tfl, onnx_name in spec.outputs.items()
        if onnx_name not in spec.drop_outputs
    }
    got = {o.name: r for o, r in zip(session.get_outputs(), results, strict=True)}
    if set(got) != set(expected):
        raise ValueError(f"{spec.filename}: outputs {sorted(got)} != {sorted(expected)}")
    for name, shape in expected.items():
        if got[name].shape != shape or got[name].dtype != np.float32:
            raise ValueError(f"{spec.filename}: {name} is {got[name].dtype}{got[name].shape}")
        if not np.isfinite(got[name]).all():
            raise ValueError(f"{spec.filename}: {name} has non-finite values")


def _tflite_output_shapes(tflite_data: bytes) -> dict[str, tuple[int, ...]]:
    from .tflite_to_onnx import read_tflite

    graph = read_tflite(tflite_data)
    return {graph.tensors[i].name: graph.tensors[i].shape for i in graph.outputs}


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers (tests, a dev server) never see a half-written file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def _up_to_date(entry: dict | None, path: Path, source_sha: str) -> bool:
    return (
        entry is not None
        and path.is_file()
        and entry.get("source_sha256") == source_sha
        and entry.get("converter_version") == CONVERTER_VERSION
        and sha256(path.read_bytes()) == entry.get("sha256")
    )


def build_models(node_modules: Path, out_dir: Path, force: bool = False) -> dict:
    """Convert every model into `out_dir`, write `manifest.json` and return its contents."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / "manifest.json"
    old = json.loads(manifest_path.read_text())["models"] if manifest_path.is_file() else {}
    sources: dict[str, bytes] = {}
    entries = {}
    for spec in model_specs():
        if spec.source not in sources:
            sources[spec.source] = read_source(node_modules, spec.source)
        data = sources[spec.source]
        source_sha = sha256(data)
        path = out_dir / spec.filename
        if not force and _up_to_date(old.get(spec.filename), path, source_sha):
            entries[spec.filename] = old[spec.filename]
            continue
        model_bytes = build_onnx(data, spec).SerializeToString()
        verify(model_bytes, spec, _tflite_output_shapes(data))
        _write_atomically(path, model_bytes)
        entries[spec.filename] = {
            "sha256": sha256(model_bytes),
            "bytes": len(model_bytes),
            "source": spec.source,
            "source_sha256": source_sha,
            "converter_version": CONVERTER_VERSION,
        }
    manifest = {"models": entries}
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    if not manifest_path.is_file() or manifest_path.read_text() != text:
        _write_atomically(manifest_path, text.encode())
    return manifest


def time_models(
    out_dir: Path, filenames: list[str], threads: int, runs: int = 20
) -> dict[str, tuple[float, float]]:
    """(min, median) milliseconds per run in ONNX Runtime CPU, optimisation level ALL."""
    import time

    import onnxruntime as ort

    timings = {}
    for name in filenames:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(
            str(out_dir / name), options, providers=["CPUExecutionProvider"]
        )
        (inp,) = session.get_inputs()
        feed = {inp.name: np.random.default_rng(0).integers(0, 256, inp.shape, dtype=np.uint8)}
        for _ in range(3):
            session.run(None, feed)
        elapsed = []
        for _ in range(runs):
            start = time.perf_counter()
            session.run(None, feed)
            elapsed.append((time.perf_counter() - start) * 1e3)
        timings[name] = (min(elapsed), float(np.median(elapsed)))
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node-modules", type=Path, default=Path("node_modules"))
    parser.add_argument("--out", type=Path, default=Path("models"))
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--time", action="store_true", help="time each model (1 and 2 threads)")
    args = parser.parse_args(argv)
    manifest = build_models(args.node_modules, args.out, force=args.force)
    for name, entry in manifest["models"].items():
        print(f"{name}: {entry['bytes']} bytes sha256 {entry['sha256'][:16]}")
    if args.time:
        names = list(manifest["models"])
        for threads in (1, 2):
            for name, (fastest, median) in time_models(args.out, names, threads).items():
                print(f"{name} {threads} thread(s): min {fastest:.1f} ms, median {median:.1f} ms")


if __name__ == "__main__":
    main()

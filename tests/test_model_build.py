"""The model build: source extraction and verification, manifest, incremental rebuilds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from blazepose_tools.model_build import (
    DETECTOR_TFLITE,
    SOURCE_SHA256,
    build_models,
    packed_file_range,
    read_source,
    sha256,
)
from support.paths import ROOT

NODE_MODULES = ROOT / "node_modules"
ALL_MODELS = {
    "pose_detection.onnx",
    "pose_landmark_lite.onnx",
    "pose_landmark_lite_landmarks_only.onnx",
    "pose_landmark_full.onnx",
    "pose_landmark_full_landmarks_only.onnx",
    "pose_landmark_heavy.onnx",
    "pose_landmark_heavy_landmarks_only.onnx",
}


def test_detector_is_extracted_from_packed_assets():
    data = read_source(NODE_MODULES, DETECTOR_TFLITE)
    assert len(data) == 2962288
    assert data[4:8] == b"TFL3"
    assert sha256(data) == SOURCE_SHA256[DETECTOR_TFLITE]


def test_packed_range_rejects_unknown_file():
    loader = 'loadPackage({"files": [{"filename": "/a/b.tflite", "start": 5, "end": 9}]})'
    assert packed_file_range(loader, "b.tflite") == (5, 9)
    with pytest.raises(ValueError, match="not listed"):
        packed_file_range(loader, "c.tflite")


def test_source_with_other_bytes_is_refused(tmp_path: Path):
    package = tmp_path / "@mediapipe" / "pose"
    package.mkdir(parents=True)
    original = (NODE_MODULES / "@mediapipe/pose/pose_landmark_lite.tflite").read_bytes()
    (package / "pose_landmark_lite.tflite").write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(ValueError, match="sha256"):
        read_source(tmp_path, "pose_landmark_lite.tflite")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("models")
    return out, build_models(NODE_MODULES, out)


def test_manifest_describes_every_file(built):
    out, manifest = built
    assert set(manifest["models"]) == ALL_MODELS
    assert json.loads((out / "manifest.json").read_text()) == manifest
    for name, entry in manifest["models"].items():
        data = (out / name).read_bytes()
        assert entry["sha256"] == sha256(data)
        assert entry["bytes"] == len(data)
        assert entry["source_sha256"] == SOURCE_SHA256[entry["source"]]


def test_rebuild_is_incremental_and_repairs(built, tmp_path: Path):
    out, manifest = built
    work = tmp_path / "models"
    shutil.copytree(out, work)
    stamps = {name: (work / name).stat().st_mtime_ns for name in ALL_MODELS}
    # Up to date: nothing is rewritten.
    assert build_models(NODE_MODULES, work) == manifest
    assert {name: (work / name).stat().st_mtime_ns for name in ALL_MODELS} == stamps
    # A damaged file is rebuilt to the same bytes; the others stay untouched.
    (work / "pose_landmark_lite.onnx").write_bytes(b"damaged")
    assert build_models(NODE_MODULES, work) == manifest
    assert (
        sha256((work / "pose_landmark_lite.onnx").read_bytes())
        == (manifest["models"]["pose_landmark_lite.onnx"]["sha256"])
    )
    assert (work / "pose_detection.onnx").stat().st_mtime_ns == stamps["pose_detection.onnx"]
    # A manifest from another converter version forces a rebuild.
    stale = json.loads((work / "manifest.json").read_text())
    stale["models"]["pose_detection.onnx"]["converter_version"] = "0"
    (work / "manifest.json").write_text(json.dumps(stale))
    assert build_models(NODE_MODULES, work) == manifest
    assert (work / "pose_detection.onnx").stat().st_mtime_ns != stamps["pose_detection.onnx"]


def test_forced_build_reproduces_the_same_bytes(built, tmp_path: Path):
    _, manifest = built
    assert build_models(NODE_MODULES, tmp_path, force=True) == manifest

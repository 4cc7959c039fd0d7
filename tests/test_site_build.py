"""site_build: which modules ship to the browser, and an incremental dist/ that stays clean."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from blazepose.site_build import ORT_FILES, PYODIDE_FILES, assemble_dist, browser_modules

ROOT = Path(__file__).resolve().parent.parent


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_browser_modules_follow_the_import_closure(tmp_path: Path) -> None:
    package = tmp_path / "blazepose"
    write(package / "__init__.py", '"""pkg"""\n')
    write(package / "constants.py", "import math\nX = math.pi\n")
    write(package / "rect.py", "from dataclasses import dataclass\nfrom . import constants\n")
    write(package / "crop.py", "from blazepose.rect import Rect\nfrom .constants import X\n")
    write(package / "backend.py", "import numpy as np\n")
    write(package / "uses_backend.py", "def f():\n    from .backend import np\n")
    write(package / "cycle_a.py", "from . import cycle_b\n")
    write(package / "cycle_b.py", "from . import cycle_a\nimport json\n")
    write(package / "static_server.py", "import http.server\n")
    write(package / "sub" / "__init__.py", "")
    write(package / "uses_sub.py", "from . import sub\n")
    names = sorted(p.stem for p in browser_modules(package))
    assert names == ["__init__", "constants", "crop", "cycle_a", "cycle_b", "rect"]


def test_the_real_package_ships_the_tracker_without_numpy_modules() -> None:
    names = {p.stem for p in browser_modules(ROOT / "py" / "blazepose")}
    assert {"tracker", "crop_transform", "constants", "track"} <= names
    assert not names & {"onnx_backend", "media_input", "model_build", "__main__", "site_build"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A minimal project tree with the inputs assemble_dist expects."""
    root = tmp_path / "project"
    write(root / "web" / "index.html", "<!doctype html>")
    write(root / "static" / "style.css", "body{}")
    write(root / "node_modules" / "@pyscript" / "core" / "dist" / "core.js", "//")
    for name in PYODIDE_FILES:
        write(root / "node_modules" / "pyodide" / name, name)
    for name in ORT_FILES:
        write(root / "node_modules" / "onnxruntime-web" / "dist" / name, name)
    write(root / "models" / "pose_detection.onnx", "onnx")
    write(root / "models" / "manifest.json", "{}")
    write(root / "py" / "blazepose" / "__init__.py", "")
    write(root / "py" / "blazepose" / "rect.py", "import math\n")
    return root


def test_assemble_dist_layout_and_cleanup(project: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assemble_dist(project, dist)
    files = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()}
    assert {
        "index.html",
        "static/style.css",
        "vendor/pyscript/core.js",
        "vendor/pyodide/pyodide-lock.json",
        "vendor/ort/ort-wasm-simd-threaded.wasm",
        "models/pose_detection.onnx",
        "models/manifest.json",
        "python.zip",
    } <= files
    with zipfile.ZipFile(dist / "python.zip") as archive:
        assert sorted(archive.namelist()) == ["blazepose/__init__.py", "blazepose/rect.py"]
    first_zip = (dist / "python.zip").read_bytes()

    # A second run is a no-op on unchanged inputs and removes what no longer belongs.
    write(dist / "stale" / "old.js", "//")
    (project / "static" / "style.css").unlink()
    assemble_dist(project, dist)
    assert not (dist / "stale").exists()
    assert not (dist / "static").exists()
    assert (dist / "python.zip").read_bytes() == first_zip


def test_assemble_dist_names_missing_inputs(project: Path, tmp_path: Path) -> None:
    (project / "node_modules" / "pyodide" / "pyodide.asm.wasm").unlink()
    with pytest.raises(FileNotFoundError, match="pyodide.asm.wasm"):
        assemble_dist(project, tmp_path / "dist")

"""site_build: python.zip is the whole standard-library package, and dist/ stays clean."""

from __future__ import annotations

import ast
import sys
import zipfile
from pathlib import Path

import pytest
from blazepose.contract import render_js
from blazepose_tools.site_build import ORT_FILES, PYODIDE_FILES, assemble_dist, package_files

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "py" / "blazepose"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name a file imports (anywhere, also inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def non_stdlib_imports(package_dir: Path) -> dict[str, set[str]]:
    """Per module: what it imports besides the standard library and its own package.
    (Relative imports stay inside the package by construction.)"""
    allowed = set(sys.stdlib_module_names) | {"__future__", package_dir.name}
    found = {}
    for path, arcname in package_files(package_dir):
        bad = {n for n in imported_modules(path) if n.split(".")[0] not in allowed}
        if bad:
            found[arcname] = bad
    return found


def test_the_shipped_package_imports_only_the_standard_library() -> None:
    """py/blazepose is python.zip as it is: nothing in it may need numpy, js, pyodide..."""
    assert {arcname for _, arcname in package_files(PACKAGE)} >= {
        "blazepose/__init__.py",
        "blazepose/tracker.py",
        "blazepose/contract.py",
    }
    assert non_stdlib_imports(PACKAGE) == {}


def test_the_import_check_sees_every_kind_of_import(tmp_path: Path) -> None:
    package = tmp_path / "blazepose"
    write(package / "__init__.py", '"""pkg"""\n')
    write(package / "fine.py", "import math\nfrom . import rect\nfrom blazepose.rect import R\n")
    write(package / "late.py", "def f():\n    from numpy import zeros\n")
    write(package / "plain.py", "import onnxruntime.capi as capi, json\n")
    write(package / "sub" / "deep.py", "import js\n")
    assert non_stdlib_imports(package) == {
        "blazepose/late.py": {"numpy"},
        "blazepose/plain.py": {"onnxruntime.capi"},
        "blazepose/sub/deep.py": {"js"},
    }


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
    # The whole folder ships, without looking at imports (the test above checks those).
    write(root / "py" / "blazepose" / "uses_numpy.py", "import numpy\n")
    write(root / "py" / "blazepose" / "__pycache__" / "rect.cpython-311.pyc", "")
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
        "contract.js",
    } <= files
    with zipfile.ZipFile(dist / "python.zip") as archive:
        assert sorted(archive.namelist()) == [
            "blazepose/__init__.py",
            "blazepose/rect.py",
            "blazepose/uses_numpy.py",
        ]
    assert (dist / "contract.js").read_text(encoding="utf-8") == render_js()
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

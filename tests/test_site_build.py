"""site_build: python.zip is the whole standard-library package, and dist/ stays clean."""

from __future__ import annotations

import ast
import gzip
import hashlib
import json
import os
import sys
import zipfile
from pathlib import Path

import brotli
import pytest
from blazepose.contract import render_js
from blazepose_tools.site_build import ORT_FILES, PYODIDE_FILES, assemble_dist, package_files
from blazepose_tools.site_headers import read_headers_file, site_headers
from support.paths import PACKAGE, ROOT


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
    write(
        root / "web" / "page" / "index.html", '<link rel="preload" href="models/%DETECTOR_FILE%">'
    )
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
    write(
        root / "web" / "offline" / "service-worker.js",
        (ROOT / "web" / "offline" / "service-worker.js").read_text(),
    )
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
        "vendor/ort/ort-wasm-simd-threaded.asyncify.wasm",
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
    # Pages name contract facts by token; the built page has the value.
    assert (
        dist / "index.html"
    ).read_text() == '<link rel="preload" href="models/pose_detection.onnx">'
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


def test_no_source_maps_and_precompressed_copies(project: Path, tmp_path: Path) -> None:
    """dist/ ships no .map file; compressible files get .br/.gz copies that decompress to the
    original (and are redone when it changes); tiny or incompressible files get none."""
    pyscript = project / "node_modules" / "@pyscript" / "core" / "dist"
    write(pyscript / "core.js.map", "{}")
    write(pyscript / "chunk-1.js", "export const x = 1;\n" * 400)
    write(pyscript / "chunk-1.js.map", "{}")
    write(project / "web" / "page" / "big.js", "// padding\n" * 500)
    (project / "models" / "pose_detection.onnx").write_bytes(bytes(range(256)) * 64)
    # Incompressible: no copy is worth keeping.
    noise = b"".join(hashlib.sha256(i.to_bytes(4, "little")).digest() for i in range(200))
    (project / "static" / "noise.wasm").write_bytes(noise)
    dist = tmp_path / "dist"
    assemble_dist(project, dist)
    files = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()}
    assert not [f for f in files if f.endswith(".map")]
    for name in ("vendor/pyscript/chunk-1.js", "big.js", "models/pose_detection.onnx"):
        original = (dist / name).read_bytes()
        assert brotli.decompress((dist / f"{name}.br").read_bytes()) == original
        assert gzip.decompress((dist / f"{name}.gz").read_bytes()) == original
    assert "static/noise.wasm.br" not in files and "static/noise.wasm.gz" not in files
    assert "index.html.br" not in files  # under MIN_BYTES
    # A changed original gets new copies.
    write(project / "web" / "page" / "big.js", "// other padding\n" * 500)
    os.utime(project / "web" / "page" / "big.js", (1, 1))  # even with an older modification time
    assemble_dist(project, dist)
    assert brotli.decompress((dist / "big.js.br").read_bytes()) == (dist / "big.js").read_bytes()


def test_service_worker_and_headers_from_the_built_files(project: Path, tmp_path: Path) -> None:
    write(project / "web" / "embed" / "example.html", "<script>console.log(1)</script>")
    dist = tmp_path / "dist"
    assemble_dist(project, dist)
    facts = service_worker_facts(dist)
    site = {
        p.relative_to(dist).as_posix()
        for p in dist.rglob("*")
        if p.is_file() and p.suffix not in (".br", ".gz") and p.name not in ("_headers",)
    } - {"service-worker.js"}
    assert set(facts["files"]) == site
    for name, digest in facts["files"].items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest
    assert "models/pose_detection.onnx" not in facts["precache"]
    assert "index.html" in facts["precache"] and "python.zip" in facts["precache"]
    assert facts["headers"] == read_headers_file(dist / "_headers") == site_headers(dist)
    assert "'sha256-" in facts["headers"]["Content-Security-Policy"]
    # A new model is a new version; the same inputs give the same one.
    version = facts["version"]
    assemble_dist(project, dist)
    assert service_worker_facts(dist)["version"] == version
    (project / "models" / "pose_detection.onnx").write_bytes(b"other model")
    assemble_dist(project, dist)
    assert service_worker_facts(dist)["version"] != version


def service_worker_facts(dist: Path) -> dict:
    line = next(
        line
        for line in (dist / "service-worker.js").read_text(encoding="utf-8").splitlines()
        if line.startswith("const BUILD = ")
    )
    return json.loads(line.removeprefix("const BUILD = ").removesuffix(";"))

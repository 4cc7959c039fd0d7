"""Python in real Pyodide (npm pyodide under Node) with the blazepose package as the page gets
it: python.zip's files (site_build.package_files, subpackages included) unpacked into
/package, which is put on sys.path. A test's Node script starts with `prelude(tmp_path)`."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from blazepose_tools.site_build import package_files

from support.paths import PACKAGE, PYODIDE


def prelude(tmp_path: Path) -> str:
    """The start of a Node ES module: `py` (Pyodide with the package importable) and `fs`."""
    archive = tmp_path / "python.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for source, name in package_files(PACKAGE):
            out.write(source, name)
    return f"""
import {{ loadPyodide }} from "{PYODIDE}/pyodide.mjs";
import fs from "node:fs";
const py = await loadPyodide({{ indexURL: "{PYODIDE}/" }});
py.unpackArchive(new Uint8Array(fs.readFileSync("{archive}")), "zip", {{ extractDir: "/package" }});
py.runPython(`import sys; sys.path.insert(0, "/package")`);
"""


def run_node(tmp_path: Path, script: str, timeout_s: float = 600) -> Any:
    """Runs the ES module `script` (prelude + the test's part) and returns the JSON of the
    last line it printed; skips where Node or npm pyodide is missing."""
    node = shutil.which("node")
    if node is None or not (PYODIDE / "pyodide.mjs").exists():
        pytest.skip("node or npm pyodide not installed")
    runner = tmp_path / "run.mjs"
    runner.write_text(script)
    proc = subprocess.run(
        [node, str(runner)], capture_output=True, text=True, timeout=timeout_s, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])

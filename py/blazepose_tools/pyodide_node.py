"""Python in real Pyodide (npm pyodide under Node) with the blazepose package as the page gets
it: python.zip's files (site_build.package_files, subpackages included) unpacked into
/package, which is put on sys.path. A script starts with `prelude(workdir)`, goes on in
JavaScript (`py`: Pyodide, `fs`: node:fs) and prints its answer as JSON on its last line;
`run_node` runs it. Used by the Pyodide tests (tests/support/pyodide.py) and by
blazepose_tools.person_cost."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from .site_build import package_files

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "py" / "blazepose"  # what the page runs (python.zip)
PYODIDE = ROOT / "node_modules" / "pyodide"


def available() -> bool:
    """Node and npm pyodide are installed (`python3 build.py setup`)."""
    return shutil.which("node") is not None and (PYODIDE / "pyodide.mjs").exists()


def prelude(workdir: Path) -> str:
    """The start of a Node ES module: `py` (Pyodide with the package importable) and `fs`."""
    archive = workdir / "python.zip"
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


def run_node(workdir: Path, script: str, timeout_s: float = 600) -> Any:
    """Runs the ES module `script` (prelude + the caller's part) and returns the JSON of the
    last line it printed; RuntimeError with the end of Node's stderr if it failed."""
    runner = workdir / "run.mjs"
    runner.write_text(script)
    proc = subprocess.run(
        ["node", str(runner)], capture_output=True, text=True, timeout=timeout_s, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])

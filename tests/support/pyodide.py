"""Python in real Pyodide (npm pyodide under Node) with the blazepose package as the page gets
it (blazepose_tools.pyodide_node). A test's Node script starts with `prelude(tmp_path)`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from blazepose_tools import pyodide_node
from blazepose_tools.pyodide_node import prelude

__all__ = ["prelude", "run_node"]


def run_node(tmp_path: Path, script: str, timeout_s: float = 600) -> Any:
    """Runs the ES module `script` (prelude + the test's part) and returns the JSON of the
    last line it printed; skips where Node or npm pyodide is missing, fails with Node's
    stderr where the script failed."""
    if not pyodide_node.available():
        pytest.skip("node or npm pyodide not installed")
    try:
        return pyodide_node.run_node(tmp_path, script, timeout_s)
    except RuntimeError as failed:
        pytest.fail(str(failed))

"""Runs a shipped web module in Node beside the generated contract.js it imports
(blazepose_tools.web_in_node), for tests that check JS against the Python it mirrors: skips
without Node, fails with Node's stderr."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from blazepose_tools.web_in_node import run_module


def run_with_module(tmp_path: Path, module: str, script: str, *args: str) -> Any:
    """Copies web/`module` and contract.js into `tmp_path`, runs `script` (an ES module that
    imports "./`module`" and prints one JSON line) with `args`, returns the parsed output."""
    if shutil.which("node") is None:
        pytest.skip("node not installed")
    try:
        return run_module(tmp_path, module, script, *args)
    except RuntimeError as failed:
        pytest.fail(str(failed))

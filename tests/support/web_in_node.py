"""Runs a shipped web module in Node, beside the generated contract.js it imports (as in
dist/), for tests that check JS against the Python it mirrors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from blazepose import contract
from blazepose_tools.site_build import web_files

WEB = Path(__file__).resolve().parents[2] / "web"


def run_with_module(tmp_path: Path, module: str, script: str, *args: str) -> Any:
    """Copies web/`module` and contract.js into `tmp_path`, runs `script` (an ES module that
    imports "./`module`" and prints one JSON line) with `args`, returns the parsed output."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not installed")
    shutil.copy(web_files(WEB)[module], tmp_path / module)
    (tmp_path / "contract.js").write_text(contract.render_js())
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "run.js").write_text(script)
    proc = subprocess.run(
        [node, str(tmp_path / "run.js"), *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)

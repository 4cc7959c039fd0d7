"""Runs a shipped web module in Node beside the generated contract.js it imports (as in
dist/): for the tests that check JS against the Python it mirrors (tests/support/web_in_node.py,
test_app_bridge) and for blazepose_tools.person_cost, which times web/engine/heatmap-refine.js."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from blazepose import contract

from .site_build import web_files

WEB = Path(__file__).resolve().parents[2] / "web"


def stage_module(workdir: Path, module: str) -> Path:
    """Copies web/`module` (its dist/ name) into `workdir` beside contract.js, as ES modules;
    returns the copy."""
    copy = workdir / module
    shutil.copy(web_files(WEB)[module], copy)
    (workdir / "contract.js").write_text(contract.render_js())
    (workdir / "package.json").write_text('{"type": "module"}')
    return copy


def run_module(workdir: Path, module: str, script: str, *args: str) -> Any:
    """Stages `module` in `workdir`, runs `script` (an ES module that imports "./`module`" and
    prints one JSON line) with `args`, returns the parsed output; RuntimeError with the end of
    Node's stderr if it failed."""
    stage_module(workdir, module)
    (workdir / "run.js").write_text(script)
    proc = subprocess.run(
        ["node", str(workdir / "run.js"), *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout)

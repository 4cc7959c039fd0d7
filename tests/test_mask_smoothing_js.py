"""Mask smoothing has one specification (blazepose.segmentation_smoothing, MediaPipe's
SegmentationSmoothingCalculator); the page runs it per pixel in JS (web/mask-layer.js). The
JS that ships, run in Node with the generated contract, gives the Python numbers."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from blazepose import contract
from blazepose.segmentation_smoothing import smooth_mask_value

ROOT = Path(__file__).resolve().parent.parent

RUNNER = """
import { smoothMaskValue } from "./mask-layer.js";
const pairs = JSON.parse(process.argv[2]);
console.log(JSON.stringify(pairs.map(([c, p]) => smoothMaskValue(c, p))));
"""


def test_js_mask_smoothing_matches_python(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not installed")
    # The module as shipped, beside the contract it imports (as in dist/).
    shutil.copy(ROOT / "web" / "mask-layer.js", tmp_path / "mask-layer.js")
    (tmp_path / "contract.js").write_text(contract.render_js())
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "run.js").write_text(RUNNER)
    steps = [i / 20 for i in range(21)] + [0.001, 0.4999, 0.73, 0.999]
    pairs = [[c, p] for c in steps for p in (0.0, 0.1, 0.5, 0.8, 1.0)]
    proc = subprocess.run(
        [node, str(tmp_path / "run.js"), json.dumps(pairs)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout)
    expected = [smooth_mask_value(c, p) for c, p in pairs]
    assert got == pytest.approx(expected, abs=1e-12)
    # Certain pixels keep their value; p = 0.5 blends the most (uncertainty 1).
    assert smooth_mask_value(1.0, 0.0) == pytest.approx(1.0, abs=1e-4)
    assert smooth_mask_value(0.5, 1.0) == pytest.approx(0.5 + 0.5 * 0.7)

"""Mask smoothing has one specification (blazepose.segmentation_smoothing, MediaPipe's
SegmentationSmoothingCalculator); the page runs it per pixel in JS (web/mask-layer.js). The
JS that ships, run in Node with the generated contract, gives the Python numbers."""

import json
from pathlib import Path

import pytest
from blazepose.segmentation_smoothing import smooth_mask_value
from support.web_in_node import run_with_module

RUNNER = """
import { smoothMaskValue } from "./mask-layer.js";
const pairs = JSON.parse(process.argv[2]);
console.log(JSON.stringify(pairs.map(([c, p]) => smoothMaskValue(c, p))));
"""


def test_js_mask_smoothing_matches_python(tmp_path: Path) -> None:
    steps = [i / 20 for i in range(21)] + [0.001, 0.4999, 0.73, 0.999]
    pairs = [[c, p] for c in steps for p in (0.0, 0.1, 0.5, 0.8, 1.0)]
    got = run_with_module(tmp_path, "mask-layer.js", RUNNER, json.dumps(pairs))
    expected = [smooth_mask_value(c, p) for c, p in pairs]
    assert got == pytest.approx(expected, abs=1e-12)
    # Certain pixels keep their value; p = 0.5 blends the most (uncertainty 1).
    assert smooth_mask_value(1.0, 0.0) == pytest.approx(1.0, abs=1e-4)
    assert smooth_mask_value(0.5, 1.0) == pytest.approx(0.5 + 0.5 * 0.7)

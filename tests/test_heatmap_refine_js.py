"""web/engine/heatmap-refine.js, the page's heatmap refinement, against
blazepose.heatmap_refine (which it mirrors in float64) on the full model's real outputs for the
shared photos and on hand-made windows at the heatmap's edges; and the tracker given the
page's refined x, y (contract.REFINED_XY) instead of the heatmap."""

from __future__ import annotations

import json
import random
import shutil
import struct
from pathlib import Path

import pytest
from blazepose import contract
from blazepose.constants import NUM_LANDMARKS_TOTAL
from blazepose.landmark_decode import decode_landmarks
from blazepose.tracker import PoseTracker, TrackerOptions
from blazepose_tools.person_cost import page_outputs, refined_xy
from support.paths import MODELS
from support.web_in_node import run_with_module

HEATMAP_VALUES = contract.OUTPUT_SIZES["heatmap"]
IMAGES = ("opencv_messi5.jpg", "matplotlib_grace_hopper.jpg", "ultralytics_bus.jpg")
# Python's and V8's exp differ in the last bit, and Python >= 3.12 sums with compensation.
TOLERANCE = 1e-12

SCRIPT = """
import fs from "node:fs";
import { CONTRACT } from "./contract.js";
import { refineLandmarks } from "./heatmap-refine.js";
const size = CONTRACT.outputSizes[CONTRACT.heatmapRefinement.output];
const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = cases.map(({ landmarks, heatmap }) =>
  Array.from(refineLandmarks(landmarks, Float32Array.from(heatmap), new Float64Array(size))));
console.log(JSON.stringify(out));
"""


def js_xy(tmp_path: Path, cases: list[dict]) -> list[list[float]]:
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    return run_with_module(tmp_path, "heatmap-refine.js", SCRIPT, str(tmp_path / "cases.json"))


@pytest.fixture(scope="module")
def recorded(media_dir: Path) -> list[dict]:
    """Per photo: its size and the full model's outputs (detector, then the first person's
    landmark run)."""
    if not (MODELS / "pose_landmark_full_landmarks_only.onnx").exists():
        pytest.skip("models not built (python3 build.py models)")
    from blazepose_tools.media_input import read_image
    from blazepose_tools.onnx_backend import OnnxBackend

    backend = OnnxBackend("full", models_dir=MODELS)
    found = []
    for name in IMAGES:
        image = read_image(media_dir / "images" / name)
        height, width = image.shape[:2]
        tracker = PoseTracker(TrackerOptions(static_image_mode=True))
        request = tracker.begin_frame(width, height, 0.0)
        runs = {}
        while request is not None and request.kind not in runs:
            outputs = backend.run(image, request)
            runs[request.kind] = {k: [float(v) for v in outputs[k]] for k in outputs}
            request = tracker.submit(outputs)
        assert tracker.pose is not None, name
        found.append({"size": (width, height), **runs})
    return found


def edge_cases() -> list[dict]:
    """Landmarks at and beyond each edge of the heatmap, over random logits around the
    refinement threshold, one window below it and one with overflowing logits; float32
    values, as the page's arrays hold them."""
    rng = random.Random(7)
    size = contract.INPUT_SIZES[contract.LANDMARK]
    spots = [-3.0, -0.5, 0.0, 1.0, 3.9, 4.0, 127.5, 252.0, 255.9, 256.0, 259.0, 300.0]
    cases = []
    for spread in (1.0, 5.0, 800.0):
        landmarks = []
        for _ in range(NUM_LANDMARKS_TOTAL):
            landmarks += [rng.choice(spots), rng.choice(spots), 0.0, 1.0, 1.0]
        heatmap = [rng.uniform(-spread, spread) for _ in range(HEATMAP_VALUES)]
        cases.append({"landmarks": landmarks, "heatmap": float32(heatmap)})
    landmarks = [size / 2] * contract.OUTPUT_SIZES["landmarks"]
    cases.append({"landmarks": landmarks, "heatmap": [-5.0] * HEATMAP_VALUES})
    return cases


def float32(values: list[float]) -> list[float]:
    return list(struct.unpack(f"{len(values)}f", struct.pack(f"{len(values)}f", *values)))


def test_the_page_refines_as_python_does(tmp_path: Path, recorded: list[dict]) -> None:
    if shutil.which("node") is None:
        pytest.skip("node not installed")
    cases = [image["landmark"] for image in recorded] + edge_cases()
    found = js_xy(tmp_path, [{"landmarks": c["landmarks"], "heatmap": c["heatmap"]} for c in cases])
    moved = 0
    for case, js in zip(cases, found, strict=True):
        expected = refined_xy(case)
        worst = max(abs(a - b) for a, b in zip(js, expected, strict=True))
        assert worst <= TOLERANCE
        raw = decode_landmarks(case["landmarks"], contract.USED_LANDMARKS)
        moved += sum(1 for lm, x in zip(raw, expected[::2], strict=True) if lm[0] != x)
    assert moved > 100  # the real runs' landmarks were refined, not kept


def test_the_tracker_takes_refined_xy_in_place_of_the_heatmap(recorded: list[dict]) -> None:
    """The page's hand-off (contract.PAGE_OUTPUTS: the heatmap already applied) gives the very
    pose the heatmap gives; without either the tracker says what is missing."""
    for image in recorded:
        landmark = image["landmark"]
        poses = []
        for handed in (landmark, page_outputs(landmark)):
            tracker = PoseTracker(TrackerOptions(static_image_mode=True))
            tracker.begin_frame(*image["size"], 0.0)
            assert tracker.submit(image["detector"]).kind == contract.LANDMARK
            assert tracker.submit(handed) is None
            poses.append(tracker.pose.landmarks)
        assert poses[0] == poses[1]
    tracker = PoseTracker(TrackerOptions(static_image_mode=True))
    tracker.begin_frame(*image["size"], 0.0)
    tracker.submit(image["detector"])
    bare = {k: v for k, v in landmark.items() if k != "heatmap"}
    with pytest.raises(ValueError, match=r"missing: heatmap \(or refined_xy\)"):
        tracker.submit(bare)

"""What each extra tracked person costs the tracker (numPoses, issue 21), models excluded, in
CPython and in Pyodide (the page's interpreter):

    python -m blazepose_tools.person_cost side_by_side_2 --pyodide

The model outputs of one frame (the one, every 5th, where the whole-frame detector and the
landmark model find the most people) are recorded once with ONNX Runtime; `replay` then feeds
them, frame after frame, to trackers following 1, 2, ... of those people, as the page does
(outputs in `array("f")`), optionally with the page's per-person analysis
(blazepose.analysis.people, angles and rep counting) too. Trackers are interleaved and the
fastest of `repeats` rounds of `frames` frames is kept, so that a busy machine slows every
count alike; the difference between counts is what one more person costs beyond its
landmark-model run. `replay` uses the standard library and `blazepose` only: the same code
runs in Pyodide under Node (npm `pyodide`), on the same recorded outputs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from array import array
from typing import Any

from blazepose.analysis import Analyzer
from blazepose.analysis.people import PeopleAnalyzer
from blazepose.constants import MAX_NUM_POSES
from blazepose.tracker import PoseTracker, TrackerOptions

Recorded = dict[str, Any]  # width, height, detector: {name: floats}, crops: [{name: floats}]


def record(sequence: Any, backend: Any, every: int = 5) -> Recorded:
    """The frame with the most people found by one detector run and a landmark run each."""
    from blazepose.contract import OUTPUTS

    best: Recorded = {"crops": []}
    for at in range(0, len(sequence.frames), every):
        image = sequence.frames[at]
        height, width = image.shape[:2]
        tracker = PoseTracker(TrackerOptions(num_poses=MAX_NUM_POSES, static_image_mode=True))
        request = tracker.begin_frame(width, height, 0.0)
        seen: list[dict[str, list[float]]] = []
        while request is not None:
            outputs = backend.run(image, request)
            seen.append({name: [float(v) for v in outputs[name]] for name in OUTPUTS[request.kind]})
            request = tracker.submit(outputs)
        people = len(tracker.poses)
        if people > len(best["crops"]) and len(seen) == people + 1:
            best = {"width": width, "height": height, "detector": seen[0], "crops": seen[1:]}
    return best


def refined_xy(crop: dict[str, list[float]]) -> list[float]:
    """x, y of the used landmarks refined from the heatmap by Python (float64): what
    web/engine/heatmap-refine.js hands the tracker as contract.REFINED_XY."""
    from blazepose.constants import NUM_LANDMARKS_TOTAL
    from blazepose.contract import USED_LANDMARKS
    from blazepose.heatmap_refine import refine_landmarks_from_heatmap
    from blazepose.landmark_decode import decode_landmarks

    landmarks = decode_landmarks(crop["landmarks"], USED_LANDMARKS)
    refined = refine_landmarks_from_heatmap(
        landmarks, crop["heatmap"], channels=NUM_LANDMARKS_TOTAL
    )
    return [v for lm in refined for v in lm[:2]]


def page_outputs(crop: dict[str, list[float]]) -> dict[str, array]:
    """A landmark run's outputs as the page hands them (contract.PAGE_OUTPUTS): the heatmap
    already applied, as refined x, y in float64."""
    from blazepose.contract import LANDMARK, PAGE_OUTPUTS, REFINED_XY

    outputs = {k: array("f", crop[k]) for k in PAGE_OUTPUTS[LANDMARK] if k != REFINED_XY}
    outputs[REFINED_XY] = array("d", refined_xy(crop))
    return outputs


def replay(
    recorded: Recorded,
    repeats: int = 30,
    frames: int = 10,
    analysis: bool = False,
    heatmap: bool = False,
):
    """{people tracked: fastest ms per frame} (tracker, and with `analysis` the per-person
    analyzers, as app.py's Session.analyze). The landmark outputs go in as the page hands
    them (refined x, y), or with `heatmap` as the models give them (the tracker refines)."""
    width, height = recorded["width"], recorded["height"]
    detector = {name: array("f", values) for name, values in recorded["detector"].items()}
    crops = [
        {k: array("f", v) for k, v in crop.items()} if heatmap else page_outputs(crop)
        for crop in recorded["crops"]
    ]
    counts = range(1, len(crops) + 1)
    trackers = {n: PoseTracker(TrackerOptions(num_poses=n)) for n in counts}
    people = {n: PeopleAnalyzer(Analyzer) for n in counts}
    best = {n: math.inf for n in counts}
    for tracker in trackers.values():  # first frame: the detector, then tracking only
        request, runs = tracker.begin_frame(width, height, 0.0), 0
        while request is not None:
            if request.kind == "detector":
                request = tracker.submit(detector)
            else:
                request, runs = tracker.submit(crops[runs]), runs + 1
    for round_ in range(repeats):
        for n, tracker in trackers.items():
            started = time.perf_counter()
            for frame in range(frames):
                time_ms = (round_ * frames + frame + 1) * 1000.0 / 30
                request, runs = tracker.begin_frame(width, height, time_ms), 0
                while request is not None:
                    if request.kind == "detector":  # someone was lost on the last frame
                        raise RuntimeError(f"{n} people tracked, fewer found")
                    request, runs = tracker.submit(crops[runs]), runs + 1
                if analysis:
                    people[n].update(tracker.poses, width, height, time_ms)
            best[n] = min(best[n], (time.perf_counter() - started) * 1000.0 / frames)
            if len(tracker.poses) != n:
                raise RuntimeError(f"{n} people tracked, {len(tracker.poses)} found")
    return best


# After pyodide_node.prelude: this module beside the package, then `replay` on the recording.
NODE = """
const tools = JSON.parse(fs.readFileSync("{tools}", "utf8"));
py.FS.mkdirTree("/package/blazepose_tools");
for (const [name, text] of Object.entries(tools)) py.FS.writeFile("/package/" + name, text);
py.FS.writeFile("/recorded.json", fs.readFileSync("{recorded}"));
console.log(py.runPython(`
import json, sys
from blazepose_tools.person_cost import replay
recorded = json.load(open("/recorded.json"))
json.dumps({{"version": list(sys.version_info[:3]),
  "heatmap": replay(recorded, {rounds}, heatmap=True), "tracker": replay(recorded, {rounds}),
  "analysis": replay(recorded, {rounds}, analysis=True)}})
`));
"""


def in_pyodide(recorded: Recorded, repeats: int, frames: int, workdir: Any) -> dict:
    """`replay` in npm Pyodide under Node, with this checkout's blazepose as the page gets it."""
    from pathlib import Path

    from blazepose_tools.pyodide_node import prelude, run_node

    tools = {
        "blazepose_tools/__init__.py": "",
        "blazepose_tools/person_cost.py": Path(__file__).read_text(encoding="utf-8"),
    }
    (workdir / "tools.json").write_text(json.dumps(tools))
    (workdir / "recorded.json").write_text(json.dumps(recorded))
    script = NODE.format(
        tools=workdir / "tools.json",
        recorded=workdir / "recorded.json",
        rounds=f"{repeats}, {frames}",
    )
    return run_node(workdir, prelude(workdir) + script)


# Times web/engine/heatmap-refine.js (the page's refinement, which moved out of the tracker)
# on each recorded landmark run: fastest of 30 rounds of 200 calls.
JS_REFINE = """
import fs from "node:fs";
import { CONTRACT } from "./contract.js";
import { refineLandmarks } from "./heatmap-refine.js";
const crops = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).crops.map((c) =>
  ({ landmarks: Float32Array.from(c.landmarks), heatmap: Float32Array.from(c.heatmap) }));
const out = new Float64Array(CONTRACT.outputSizes[CONTRACT.heatmapRefinement.output]);
let best = Infinity;
for (let round = 0; round < 30; round++) {
  const started = performance.now();
  for (let i = 0; i < 200; i++) for (const c of crops) refineLandmarks(c.landmarks, c.heatmap, out);
  best = Math.min(best, (performance.now() - started) / 200 / crops.length);
}
console.log(JSON.stringify({ node: process.version, ms: best }));
"""


def js_refine_ms(recorded: Recorded, workdir: Any) -> dict:
    """{node, ms}: the page's heatmap refinement of one person, in Node's V8."""
    from pathlib import Path

    from blazepose_tools.web_in_node import run_module

    path = Path(workdir) / "recorded.json"
    path.write_text(json.dumps(recorded))
    return run_module(Path(workdir), "heatmap-refine.js", JS_REFINE, str(path))


def _line(label: str, best: dict) -> str:
    ms = {int(n): v for n, v in best.items()}
    steps = ", ".join(f"+{ms[n] - ms[n - 1]:.2f}" for n in sorted(ms) if n > 1)
    each = ", ".join(f"{n}: {v:.2f}" for n, v in sorted(ms.items()))
    return f"{label}: ms per frame by people tracked {each}; each extra person {steps}"


def main(argv: list[str] | None = None) -> int:
    import tempfile
    from pathlib import Path

    from blazepose_tools.mediapipe_reference import DEFAULT_MEDIA, SEQUENCES
    from blazepose_tools.onnx_backend import OnnxBackend

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sequence", choices=sorted(SEQUENCES))
    parser.add_argument("--model", choices=("lite", "full", "heavy"), default="full")
    parser.add_argument("--media", type=Path, default=DEFAULT_MEDIA)
    parser.add_argument("--repeats", type=int, default=30, help="rounds; the fastest is kept")
    parser.add_argument("--frames", type=int, default=10, help="frames per round")
    parser.add_argument("--pyodide", action="store_true", help="also in Pyodide under Node")
    args = parser.parse_args(argv)
    recorded = record(SEQUENCES[args.sequence](args.media), OnnxBackend(args.model))
    version = ".".join(map(str, sys.version_info[:3]))
    rounds = (args.repeats, args.frames)
    heatmap = replay(recorded, *rounds, heatmap=True)
    print(_line(f"CPython {version} tracker refining the heatmap", heatmap))
    print(_line(f"CPython {version} tracker", replay(recorded, *rounds)))
    print(_line(f"CPython {version} + analysis", replay(recorded, *rounds, analysis=True)))
    with tempfile.TemporaryDirectory() as workdir:
        js = js_refine_ms(recorded, workdir)
    print(f"Node {js['node']} page's heatmap refinement (JS): {js['ms']:.3f} ms per person")
    if args.pyodide:
        with tempfile.TemporaryDirectory() as workdir:
            found = in_pyodide(recorded, *rounds, Path(workdir))
        version = ".".join(map(str, found["version"]))
        print(_line(f"Pyodide {version} tracker refining the heatmap", found["heatmap"]))
        print(_line(f"Pyodide {version} tracker", found["tracker"]))
        print(_line(f"Pyodide {version} + analysis", found["analysis"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

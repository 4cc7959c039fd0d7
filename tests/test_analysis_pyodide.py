"""The Analyzer in Pyodide (npm pyodide under Node, the page's Python) gives CPython's numbers
on synthetic footage, and its per-frame cost there is printed (not asserted: the page's
timing readout measures it live)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.pyodide import prelude, run_node
from support.synthetic_poses import exercise_sequence
from test_analysis import classifier_samples

pytestmark = pytest.mark.slow

# Runs in both interpreters on the same frames (a JSON file of CLI-style frames).
SCRIPT = r"""
import json, time
from blazepose.analysis import Analyzer, analyze_frames
from blazepose.analysis.pose_classifier import ClassifierCounter, load_samples_csv

def run(data):
    out = {}
    samples = load_samples_csv(data["samples"])
    setups = {
        "angles": lambda: Analyzer(),
        "squat": lambda: Analyzer("squat"),
        "classifier": lambda: Analyzer(classifier=ClassifierCounter(samples)),
    }
    for name, make in setups.items():
        analyzer = make()
        analyze_frames(data["frames"][:30], 640, 480, analyzer)  # warm-up
        best = None
        for _ in range(3):
            analyzer = make()
            started = time.perf_counter()
            frames = analyze_frames(data["frames"], 640, 480, analyzer)
            ms = (time.perf_counter() - started) * 1000 / len(frames)
            best = ms if best is None else min(best, ms)
        out[name] = {
            "ms_per_frame": best,
            "reps": analyzer.reps(),
            "frames": [f.to_dict() for f in frames[::7]],
        }
    return out
"""

RUNNER = """
py.FS.writeFile("/analysis.py", fs.readFileSync("{script}"));
py.FS.writeFile("/data.json", fs.readFileSync("{data}"));
const out = py.runPython(`
import json
namespace = {{}}
exec(open("/analysis.py").read(), namespace)
json.dumps(namespace["run"](json.load(open("/data.json"))))
`);
console.log(out);
"""


def test_analyzer_in_pyodide_matches_cpython(tmp_path: Path) -> None:
    from blazepose.analysis.pose_classifier import samples_to_csv

    seq = exercise_sequence("squat", reps=6, seed=4)
    data = {"frames": seq.cli_frames(), "samples": samples_to_csv(classifier_samples("squat"))}
    (tmp_path / "data.json").write_text(json.dumps(data))
    (tmp_path / "script.py").write_text(SCRIPT)
    runner = RUNNER.format(script=tmp_path / "script.py", data=tmp_path / "data.json")
    pyodide = run_node(tmp_path, prelude(tmp_path) + runner)

    namespace: dict = {}
    exec(SCRIPT, namespace)
    cpython = json.loads(json.dumps(namespace["run"](json.loads(json.dumps(data)))))
    for name in ("angles", "squat", "classifier"):
        ours, theirs = cpython[name], pyodide[name]
        assert theirs["reps"] == ours["reps"], name
        assert theirs["frames"] == ours["frames"], name  # rounded values: identical
        print(
            f"analysis per frame, {name}: Pyodide {theirs['ms_per_frame']:.3f} ms, "
            f"CPython {ours['ms_per_frame']:.3f} ms"
        )
    assert cpython["squat"]["reps"]["count"] == seq.truth
    assert cpython["classifier"]["reps"]["count"] == seq.truth

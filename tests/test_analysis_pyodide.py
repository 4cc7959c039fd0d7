"""The Analyzer in Pyodide (npm pyodide under Node, the page's Python) gives CPython's numbers
on synthetic footage, and its per-frame cost there is printed (not asserted: the page's
timing readout measures it live)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support.synthetic_poses import exercise_sequence
from test_analysis import classifier_samples

ROOT = Path(__file__).resolve().parent.parent
PYODIDE = ROOT / "node_modules" / "pyodide"
PACKAGE = ROOT / "py" / "blazepose"

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
import {{ loadPyodide }} from "{pyodide}/pyodide.mjs";
import fs from "node:fs";
const py = await loadPyodide({{ indexURL: "{pyodide}/" }});
for (const name of fs.readdirSync("{package}", {{ recursive: true }})) {{
  if (name.endsWith(".py") && !name.includes("__pycache__")) {{
    py.FS.mkdirTree(`/analysis/blazepose/${{name.slice(0, name.lastIndexOf("/") + 1)}}`);
    py.FS.writeFile(`/analysis/blazepose/${{name}}`, fs.readFileSync(`{package}/${{name}}`));
  }}
}}
py.FS.writeFile("/analysis/script.py", fs.readFileSync("{script}"));
py.FS.writeFile("/analysis/data.json", fs.readFileSync("{data}"));
const out = py.runPython(`
import json, sys
sys.path.insert(0, "/analysis")
namespace = {{}}
exec(open("/analysis/script.py").read(), namespace)
json.dumps(namespace["run"](json.load(open("/analysis/data.json"))))
`);
console.log(out);
"""


def test_analyzer_in_pyodide_matches_cpython(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (PYODIDE / "pyodide.mjs").exists():
        pytest.skip("node or npm pyodide not installed")
    from blazepose.analysis.pose_classifier import samples_to_csv

    seq = exercise_sequence("squat", reps=6, seed=4)
    data = {"frames": seq.cli_frames(), "samples": samples_to_csv(classifier_samples("squat"))}
    (tmp_path / "data.json").write_text(json.dumps(data))
    (tmp_path / "script.py").write_text(SCRIPT)
    runner = tmp_path / "run.mjs"
    runner.write_text(
        RUNNER.format(
            pyodide=PYODIDE, package=PACKAGE, script=tmp_path / "script.py",
            data=tmp_path / "data.json",
        )
    )  # fmt: skip
    proc = subprocess.run(
        [node, str(runner)], capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    pyodide = json.loads(proc.stdout.strip().splitlines()[-1])

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

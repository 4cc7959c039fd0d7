"""Where do our long frames (over 100 ms) spend their extra time?

Reads a raw benchmark file (``build/bench/raw/bench_raw_*.json``, written by every
``build.py bench`` run) and prints, per model and row of ours: the frames over 100 ms, each
stage's median over all timed frames (crop, inference, python, analysis, draw, total), and in
the long frames the median excess of each stage over that median: the stage that grows is the
one that stalls.

Usage: ``.venv/bin/python bench/experiments/long_frames.py build/bench/raw/bench_raw_X.json``
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

STAGES = ("crop", "inference", "python", "analysis", "draw", "total")


def _cells(values: dict) -> str:
    return ", ".join(f"{stage} {ms:.1f}" for stage, ms in values.items())


def summary(raw: dict) -> list[str]:
    lines = [
        "browser | model | row | > 100 ms | median ms per stage (all frames) | "
        "median excess in frames > 100 ms",
        "--- | --- | --- | --- | --- | ---",
    ]
    for run in raw["runs"]:
        if not run["contender"].startswith("ours") or not isinstance(run.get("clips"), dict):
            continue
        frames = [
            f for clip in run["clips"].values() for f in clip.get("frames", []) if f.get("timings")
        ]
        if not frames:
            continue
        stages = [s for s in STAGES if s in frames[0]["timings"]]
        median = {s: statistics.median(f["timings"][s] for f in frames) for s in stages}
        long = [f["timings"] for f in frames if f["ms"] > 100]
        excess = {s: statistics.median(t[s] - median[s] for t in long) for s in stages if long}

        lines.append(
            f"{run.get('browser', '?')} | {run['model']} | {run['contender']} | "
            f"{len(long)}/{len(frames)} | {_cells(median)} | {_cells(excess) if long else '-'}"
        )
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    print("\n".join(summary(json.loads(Path(argv[0]).read_text()))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

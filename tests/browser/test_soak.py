"""A short soak (bench/soak.py for SOAK_S seconds): the page tracks the looping fake camera and
nothing grows. The 10-minute run is `python3 build.py soak`; its figures: docs/reliability.md.

Tolerances, for readings every 15 s after 10 s of tracking, compared with the first:
- JS heap (V8's used heap after a forced GC): +10 %. It is a few MiB that the GC brings
  back to within a few per cent; a per-frame leak of even 1 KiB at ~10 frames/s adds ~0.6 MiB
  a minute, over 10 % here.
- Pyodide's and ORT's WASM memory: +10 %. They only grow (WASM memory never shrinks), in
  steps of at least 64 KiB pages, and were flat in every run once tracking had started.
- Python objects: +2 %, after a full collection (~22,000 objects; a per-frame leak of one
  object gives several hundred a minute).
- Tracker sessions and ONNX Runtime sessions: exactly as many at the end as at the start.
- A pose on at least 95 % of frames (the athlete is in every frame; the loop's cut from the
  last frame to the first costs at most a frame or two), and no console error.
FPS is not checked here: on a shared CI machine it follows the load, not the page.
"""

from __future__ import annotations

import sys

from playwright.sync_api import Browser
from support.paths import BENCH

sys.path.insert(0, str(BENCH))
import soak  # noqa: E402  bench/soak.py

SOAK_S = 60
INTERVAL_S = 15
GROWTH = {"jsHeap": 0.10, "pyodideWasm": 0.10, "ortWasm": 0.10, "pythonObjects": 0.02}
MIN_POSE_SHARE = 0.95


def test_short_soak_does_not_grow(camera_browser: Browser, site_url: str) -> None:
    result = soak.soak(camera_browser, site_url, SOAK_S, INTERVAL_S, model="lite")
    rows = result["rows"]
    first = rows[0]
    print(soak.markdown(result, soak.verdict(result), "this machine"))
    assert len(rows) == SOAK_S // INTERVAL_S
    for key, tolerance in GROWTH.items():
        growth = [r[key] / first[key] - 1 for r in rows]
        assert max(growth) <= tolerance, (key, growth)
    start = result["samples"][0]
    for row in rows:
        assert row["trackerSessions"] == start["trackerSessions"]
        assert row["ortSessions"] == start["ortSessions"] == 2
        assert row["poseShare"] >= MIN_POSE_SHARE, row
        assert row["fps"] > 0
    assert result["errors"] == []

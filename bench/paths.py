"""Where the benchmark finds things, defined once: the checkout (ROOT), the shared media and
MediaPipe reference beside it (SHARED, or $BLAZEPOSE_SHARED, as for the tests), the built
site; and use_checkout(), which puts this checkout's py/ first on sys.path so the benchmark
runs this checkout's blazepose_tools whatever is installed. The bench modules import each
other as top-level modules (bench/ is the script's folder, or build.py and the tests put it
on the path)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SHARED = Path(os.environ.get("BLAZEPOSE_SHARED", ROOT.parent / "shared"))
MEDIA = SHARED / "media"
VIDEO = MEDIA / "video"
REFERENCE = SHARED / "reference" / "mediapipe"
DIST = ROOT / "dist"
RESULTS = BENCH / "results"


def use_checkout() -> None:
    """This checkout's py/ first on sys.path (once)."""
    if str(ROOT / "py") not in sys.path:
        sys.path.insert(0, str(ROOT / "py"))

"""Where the tests find things: the checkout (ROOT) and the shared data beside it (SHARED, or
$BLAZEPOSE_SHARED), defined once for every test."""

from __future__ import annotations

import os
from pathlib import Path

from blazepose_tools.pyodide_node import PACKAGE, PYODIDE  # noqa: F401 (python.zip; npm pyodide)

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("BLAZEPOSE_SHARED", ROOT.parent / "shared"))
MEDIA = SHARED / "media"
REFERENCE = SHARED / "reference" / "mediapipe"
MODELS = ROOT / "models"
DIST = ROOT / "dist"
WEB = ROOT / "web"
BENCH = ROOT / "bench"

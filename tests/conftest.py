"""Shared fixtures: where the project's models and the shared reference data live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("BLAZEPOSE_SHARED", ROOT.parent / "shared"))
MEDIA = SHARED / "media"
REFERENCE = SHARED / "reference" / "mediapipe"
MODELS = ROOT / "models"


@pytest.fixture(scope="session")
def media_dir() -> Path:
    if not MEDIA.is_dir():
        pytest.skip(f"shared media not found at {MEDIA} (set BLAZEPOSE_SHARED)")
    return MEDIA


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"MediaPipe reference not found at {REFERENCE} (set BLAZEPOSE_SHARED)")
    return REFERENCE

"""Shared fixtures: where the project's models and the shared reference data live."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.paths import MEDIA, REFERENCE


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

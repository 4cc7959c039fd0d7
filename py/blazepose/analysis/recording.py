"""A tracked session as the CLI writes it, JSON and CSV, so the page's recordings (through
web/app.py) and `blazepose track --json/--csv` have one schema.

JSON: {"model", "width", "height", "frames": [frame_json(...)], "reps": Analyzer.reps()}
(reps only when counting). CSV: csv_header() then one csv_row(...) per frame: time_ms,
33 x (x, y, z, visibility) landmarks, 33 x (x, y, z) world landmarks, every angle in both
spaces (image_*, world_*), the rep count; empty cells where there is no pose or no angle.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..constants import LANDMARK_NAMES
from .analyzer import rounded_angles
from .joint_angles import ANGLE_NAMES, SPACES

DECIMALS = 6  # landmark values (1e-6 of the image: far below a pixel)


def _rounded(rows: Iterable[Sequence[float]], width: int) -> list[list[float]]:
    return [[round(float(v), DECIMALS) for v in row[:width]] for row in rows]


def frame_json(
    index: int,
    time_ms: float,
    landmarks: Sequence[Sequence[float]] | None,
    world_landmarks: Sequence[Sequence[float]] | None,
    angles: Mapping[str, Mapping[str, float | None]],
) -> dict[str, Any]:
    """One entry of the JSON "frames": landmarks 33 x (x, y, z, visibility, presence),
    world landmarks 33 x (x, y, z), angles {"image": {...}, "world": {...}} (None: no pose)."""
    return {
        "index": index,
        "time_ms": round(time_ms, 3),
        "landmarks": None if landmarks is None else _rounded(landmarks, 5),
        "world_landmarks": None if world_landmarks is None else _rounded(world_landmarks, 3),
        "angles": rounded_angles(angles),
    }


def csv_header() -> list[str]:
    names = ["time_ms"]
    names += [f"{n}_{c}" for n in LANDMARK_NAMES for c in ("x", "y", "z", "visibility")]
    names += [f"world_{n}_{c}" for n in LANDMARK_NAMES for c in ("x", "y", "z")]
    names += [f"{space}_{a}" for space in SPACES for a in ANGLE_NAMES]
    names.append("count")
    return names


def csv_row(
    time_ms: float,
    landmarks: Sequence[Sequence[float]] | None,
    world_landmarks: Sequence[Sequence[float]] | None,
    angles: Mapping[str, Mapping[str, float | None]],
    count: int,
) -> list[Any]:
    row: list[Any] = [round(time_ms, 3)]
    n = len(LANDMARK_NAMES)
    row += [v for lm in _rounded(landmarks, 4) for v in lm] if landmarks else [""] * (4 * n)
    if world_landmarks:
        row += [v for lm in _rounded(world_landmarks, 3) for v in lm]
    else:
        row += [""] * (3 * n)
    for space in SPACES:
        values = angles.get(space, {})
        for name in ANGLE_NAMES:
            value = values.get(name)
            row.append("" if value is None else round(value, 2))
    row.append(count)
    return row


def to_csv(rows: Iterable[Sequence[Any]]) -> str:
    """csv_header() and the rows as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_header())
    writer.writerows(rows)
    return out.getvalue()

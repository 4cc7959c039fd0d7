"""Real exercise footage as the tests read it: the CLI's landmark JSON of each clip
(tests/fixtures/exercise/, xz-compressed), the hand counts (truth.json), and the preset
counter run over the part of a clip its hand count covers."""

from __future__ import annotations

import json
import lzma

from blazepose.analysis import Analyzer, PoseLandmarks

from support.paths import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "exercise"
TRUTH = json.loads((FIXTURES / "truth.json").read_text())


def load_clip(name: str) -> dict:
    with lzma.open(FIXTURES / name, "rt") as f:
        return json.load(f)


def window(clip: dict, entry: dict) -> list[dict]:
    """The frames the hand count covers."""
    lo = entry.get("start_ms")
    hi = entry.get("end_ms")
    return [
        f
        for f in clip["frames"]
        if (lo is None or f["time_ms"] >= lo) and (hi is None or f["time_ms"] <= hi)
    ]


def count_reps(clip: dict, entry: dict) -> Analyzer:
    """Runs the Analyzer with the preset, as the page and the CLI do, over the frames: each
    frame's image-normalised landmarks (their visibility gates the angles) and world
    landmarks, None for a frame without a pose."""
    analyzer = Analyzer(entry["exercise"])
    w, h = clip["width"], clip["height"]
    for frame in window(clip, entry):
        landmarks = frame.get("landmarks")
        pose = PoseLandmarks(landmarks, frame.get("world_landmarks")) if landmarks else None
        analyzer.update(pose, w, h, frame["time_ms"])
    return analyzer

"""The preset rep counter on real footage: landmarks the CLI extracted from clips of people
exercising (tests/fixtures/exercise/, sources and hand counts in its README.md and
truth.json) must give the hand count exactly.

Each fixture is `blazepose track CLIP --model full --json OUT` of one clip (plus a "source"
entry), xz-compressed. The truth's optional start_ms/end_ms is the part of the clip the hand
count covers (the clip cut at moments in the start position, leaving out reps the clip's
first or last frame cuts in two); the counter sees only those frames, as if the clip were
trimmed there."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest
from blazepose.analysis import Analyzer, PoseLandmarks
from blazepose.analysis.rep_counter import EXERCISES

FIXTURES = Path(__file__).parent / "fixtures" / "exercise"
TRUTH = json.loads((FIXTURES / "truth.json").read_text())

# Clips the current EXERCISES thresholds miscount, with why (measured on the fixture). Strict:
# once the thresholds count one right, its entry must go.
# Clips the counter is known to miscount, with why (none now: each one found was fixed in
# rep_counter.EXERCISES with the evidence in its `why`).
KNOWN_MISCOUNTS: dict[str, str] = {}


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


def test_truth_lists_every_fixture_once():
    files = [e["file"] for e in TRUTH]
    assert len(files) == len(set(files))
    assert sorted(files) == sorted(p.name for p in FIXTURES.glob("*.json.xz"))
    for entry in TRUTH:
        assert entry["exercise"] in EXERCISES
        assert entry["reps"] > 0
        assert entry["source"].startswith("https://github.com/")
        assert entry["licence"]


def _params():
    for e in TRUTH:
        reason = KNOWN_MISCOUNTS.get(e["file"])
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(e, id=e["file"].removesuffix(".json.xz"), marks=marks)


@pytest.mark.parametrize("entry", list(_params()))
def test_counter_matches_hand_count(entry):
    clip = load_clip(entry["file"])
    # The fixture names its source, and it is the one truth.json cites.
    assert clip["source"]["repository"] in entry["source"]
    assert clip["source"]["commit"] in entry["source"]
    assert window(clip, entry), "the window holds no frame"
    analyzer = count_reps(clip, entry)
    assert analyzer.count == entry["reps"], (
        f"{entry['file']}: counted {analyzer.count}, hand count {entry['reps']} ({entry['note']})"
    )
    assert len(analyzer.reps()["events"]) == entry["reps"]

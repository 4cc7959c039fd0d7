"""blazepose.analysis.Analyzer: the one per-frame entry point of the page and the CLI."""

from __future__ import annotations

import json
import math
import random
import time

import pytest
from blazepose.analysis import (
    Analyzer,
    FrameAnalysis,
    PoseLandmarks,
    PoseView,
    analyze_frames,
    jsonable,
)
from blazepose.analysis.joint_angles import ANGLE_NAMES
from blazepose.analysis.pose_classifier import ClassifierCounter, sample_from_landmarks
from blazepose.analysis.recording import frame_json
from support.synthetic_poses import PRESETS, exercise_sequence, held_poses, render

W, H = 640, 480


def run(analyzer: Analyzer, seq) -> list[FrameAnalysis]:
    return [analyzer.update(pose, W, H, t) for t, pose in seq.frames]


def classifier_samples(exercise: str, per_class: int = 15) -> list:
    """Like the page's recording: ~12-15 samples per 3 s hold."""
    poses = held_poses(exercise, per_class, seed=42)
    return [sample_from_landmarks(f"{c}{i}", c, lms) for i, (c, lms) in enumerate(poses)]


def test_preset_counts_and_frames_carry_the_analysis() -> None:
    seq = exercise_sequence("squat", reps=6, seed=3)
    analyzer = Analyzer("squat")
    frames = run(analyzer, seq)
    assert analyzer.count == seq.truth == 6 and analyzer.exercise == "squat"
    events = [e for f in frames for e in f.events]
    assert events == analyzer.events and [e.count for e in events] == list(range(1, 7))
    counts = [f.count for f in frames]
    assert counts == sorted(counts) and counts[-1] == 6
    for f, (t, pose) in zip(frames, seq.frames, strict=True):
        assert f.time_ms == t and f.present == (pose is not None)
        assert set(f.angles) == {"image", "world"} and set(f.angles["world"]) == set(ANGLE_NAMES)
        assert f.exercise == "squat" and f.classifier is None and f.user_output is None
        if pose is None:
            assert all(v is None for v in f.angles["world"].values())
    assert {f.state for f in frames} >= {"waiting", "up", "going_down", "down", "coming_up"}
    assert analyzer.reps() == {
        "exercise": "squat",
        "count": 6,
        "events": [
            {"start_ms": round(e.start_ms, 3), "end_ms": round(e.end_ms, 3),
             "range_deg": round(e.range_deg, 2)}
            for e in events
        ],
        "diagnostics": analyzer.counter.diagnostics() | analyzer.counter.summary(),
    }  # fmt: skip
    diagnostics = analyzer.reps()["diagnostics"]
    assert diagnostics["signal"] == "world left_knee + right_knee (mean)"
    assert diagnostics["mode"] == "preset" and not diagnostics["fallback"]
    assert diagnostics["frames_with_pose"] == sum(f.present for f in frames)


def test_to_dict_is_json_without_nan() -> None:
    seq = exercise_sequence("jumping_jack", reps=2, seed=1, events=False)
    frames = run(Analyzer("jumping_jack"), seq)
    with_rep = next(f for f in frames if f.events)
    d = json.loads(with_rep.to_json())
    assert set(d) == {
        "time_ms", "present", "angles", "exercise", "state", "count", "signal", "diagnostics",
        "events", "classifier", "user_output", "user_error",
    }  # fmt: skip
    assert d["events"][0] == with_rep.events[0].to_dict()
    assert set(d["events"][0]) == {"exercise", "count", "start_ms", "end_ms", "range_deg"}
    assert isinstance(d["signal"], float) and d["angles"]["world"]["left_shoulder"] is not None
    assert all(json.loads(f.to_json())["time_ms"] == round(f.time_ms, 3) for f in frames)


def test_the_page_path_and_the_cli_path_count_the_same() -> None:
    """The page hands tracker poses to the Analyzer; the CLI writes frames (rounded to 1e-6)
    and the same Analyzer runs on the same frames: the same reps."""
    for exercise in ("push_up", "bicep_curl"):
        seq = exercise_sequence(exercise, reps=5, seed=8)
        page = Analyzer(exercise)
        run(page, seq)
        cli_frames = [
            frame_json(i, t, p.landmarks if p else None, p.world_landmarks if p else None, {})
            for i, (t, p) in enumerate(seq.frames)
        ]
        cli = Analyzer(exercise)
        analyze_frames(json.loads(json.dumps(cli_frames)), W, H, cli)
        assert page.count == cli.count == seq.truth
        for a, b in zip(page.events, cli.events, strict=True):  # times rounded to 1 us
            assert (a.start_ms, a.end_ms) == pytest.approx((b.start_ms, b.end_ms), abs=1e-3)
            assert a.range_deg == pytest.approx(b.range_deg, abs=0.01)


def test_user_function_output_errors_and_tracking_goes_on() -> None:
    seen: list[PoseView] = []

    def on_pose(pose: PoseView):
        seen.append(pose)
        knee = pose.angles["world"]["left_knee"]
        if knee is not None and knee < 100:
            raise ValueError("too deep")
        return {"knee": knee, "count": pose.count, "nan": math.nan, "obj": object}

    seq = exercise_sequence("squat", reps=4, seed=5)
    analyzer = Analyzer("squat", user_function=on_pose)
    frames = run(analyzer, seq)
    assert analyzer.count == seq.truth  # exceptions did not stop anything
    assert len(seen) == sum(p is not None for _, p in seq.frames)  # only frames with a pose
    errors = [f.user_error for f in frames if f.user_error]
    assert errors and all(e.startswith("ValueError: too deep (line ") for e in errors)
    ok = next(f for f in frames if f.user_output is not None)
    assert ok.user_output["nan"] is None and ok.user_output["obj"] == str(object)
    assert json.loads(ok.to_json())["user_output"]["knee"] == ok.user_output["knee"]
    view = seen[0]
    assert len(view.landmarks) == 33 and len(view.world_landmarks) == 33
    assert (view.image_w, view.image_h) == (W, H)
    assert jsonable((1, [2.0, math.inf], {3: "x"}, True)) == [1, [2.0, None], {"3": "x"}, True]


def test_classifier_counts_without_a_preset_and_scores_alongside_one() -> None:
    seq = exercise_sequence("sit_up", reps=5, seed=2)
    alone = Analyzer(classifier=ClassifierCounter(classifier_samples("sit_up"), name="mine"))
    frames = run(alone, seq)
    assert alone.count == seq.truth and alone.exercise == "mine"
    assert frames[-1].classifier["count"] == seq.truth and frames[-1].state in ("up", "down")
    assert set(frames[-1].classifier) == {"scores", "state", "count"}
    assert alone.reps()["exercise"] == "mine"

    both = Analyzer("sit_up", ClassifierCounter(classifier_samples("squat")))
    frames = run(both, seq)
    assert both.exercise == "sit_up" and both.count == seq.truth  # the preset counts
    assert all(f.classifier is not None for f in frames)


def test_no_counter_no_pose_and_reset() -> None:
    analyzer = Analyzer()
    f = analyzer.update(None, W, H, 0.0)
    assert (f.present, f.exercise, f.state, f.count, f.signal) == (False, None, None, 0, None)
    assert analyzer.reps() == {"exercise": None, "count": 0, "events": [], "diagnostics": None}
    pose = render(PRESETS["squat"]["up"], 0, random.Random(0), noise=0.0)
    f = analyzer.update(PoseLandmarks(pose.landmarks, pose.world_landmarks), W, H, 33.0)
    assert f.present and f.angles["world"]["left_knee"] == pytest.approx(178, abs=3)
    with pytest.raises(ValueError):
        Analyzer("burpee")

    counting = Analyzer("lunge")
    run(counting, exercise_sequence("lunge", reps=2, seed=0, events=False))
    assert counting.count == 2
    counting.reset()
    assert counting.count == 0 and counting.events == [] and counting.counter.state == "waiting"


def test_per_frame_cost_in_cpython() -> None:
    """Printed, not asserted (the page's cost is measured in Pyodide, test_analysis_pyodide)."""
    seq = exercise_sequence("squat", reps=4, seed=0)
    setups = [("angles only", Analyzer()), ("squat preset", Analyzer("squat"))]
    for n in (15, 45):
        counter = ClassifierCounter(classifier_samples("squat", n))
        setups.append((f"classifier, 2 x {n} samples", Analyzer(classifier=counter)))
    for label, analyzer in setups:
        started = time.perf_counter()
        run(analyzer, seq)
        ms = (time.perf_counter() - started) * 1000 / len(seq.frames)
        print(f"CPython analysis, {label}: {ms:.3f} ms/frame")

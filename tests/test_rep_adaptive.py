"""Rep counting on footage nobody tuned the presets on: thresholds that adapt to the range
the person moves through (blazepose.analysis.rep_range), the fallback signal where the
preset's angle cannot be read (blazepose.analysis.rep_signals), noise that never counts, and
diagnostics that say why nothing counts (blazepose.analysis.rep_diagnostics)."""

from __future__ import annotations

import random

import pytest
from blazepose.analysis import Analyzer
from blazepose.analysis.joint_angles import ANGLE_NAMES, joint_angles
from blazepose.analysis.rep_counter import EXERCISES, RepCounter
from blazepose.analysis.rep_range import RangeTracker
from blazepose.analysis.rep_signals import FALLBACKS, angle_issues, fallback_value, visibility
from support.synthetic_poses import PRESETS, Joints, blend, exercise_sequence, render

W, H = 640, 480
# A push-up filmed from low in front: the elbows bend 35 degrees in 3D (straight arms read
# ~136 in BlazePose's world landmarks, the bottom ~108): the preset's far end (100) is
# never reached.
LOW_FRONT = {
    "up": Joints(root_pitch=90.0, arm_elev=(80.0, 80.0), elbow=(30.0, 30.0)),
    "down": Joints(root_pitch=90.0, arm_elev=(55.0, 55.0), elbow=(65.0, 65.0), root_drop=0.15),
    "view": 15.0,
}
# Sit-ups on a decline bench: the feet hooked high, thighs raised (hip flexion 85), the torso
# lying head down: the hip angle lies at ~95 and never reaches the preset's start (105).
DECLINE = {
    "up": Joints(root_pitch=-105.0, hip=(85.0, 85.0), knee=(100.0, 100.0)),
    "down": Joints(root_pitch=-105.0, hip=(85.0, 85.0), knee=(100.0, 100.0), lean=50.0),
    "view": 80.0,
}


def analyze(exercise: str, **options) -> tuple[Analyzer, list, list[float], int]:
    """The Analyzer over a synthetic sequence: (analyzer, frames, preset signals, truth)."""
    seq = exercise_sequence(exercise, **options)
    analyzer = Analyzer(exercise)
    frames = [analyzer.update(pose, W, H, t) for t, pose in seq.frames]
    ex = EXERCISES[exercise]
    signals = []
    for _, pose in seq.frames:
        value = ex.signal(
            joint_angles(pose.landmarks, pose.world_landmarks, W, H) if pose else None
        )
        signals += [] if value is None else [value]
    return analyzer, frames, signals, seq.truth


@pytest.mark.parametrize("seed", range(3))
def test_push_up_from_a_low_front_view_counts(seed: int) -> None:
    analyzer, frames, signals, truth = analyze("push_up", seed=seed, spec=LOW_FRONT)
    ex = EXERCISES["push_up"]
    # the preset's far end is never reached but in glitched frames (1%, one at a time)
    assert sum(v <= ex.down for v in signals) <= 0.01 * len(signals)
    assert analyzer.count == truth == 8
    d = analyzer.reps()["diagnostics"]
    assert d["mode"] == "adaptive" and not d["fallback"] and d["unit"] == "deg"
    start, far = d["range"]
    assert far > ex.down and far < d["down"] < d["up"] < start
    assert "adapted to your range" in frames[-1].diagnostics["reason"]


@pytest.mark.parametrize("seed", range(3))
def test_sit_ups_on_a_decline_bench_count(seed: int) -> None:
    analyzer, _, signals, truth = analyze("sit_up", seed=seed, spec=DECLINE)
    ex = EXERCISES["sit_up"]
    # never in the preset's start position but in glitched frames (1%, one at a time)
    assert sum(v >= ex.up for v in signals) <= 0.01 * len(signals)
    assert analyzer.count == truth == 8
    d = analyzer.reps()["diagnostics"]
    assert d["mode"] == "adaptive" and d["up"] < ex.up and d["range"][0] < ex.up


def test_partial_reps_stay_partial_when_the_start_position_is_the_presets() -> None:
    """Full standing, knees to 120 (not 105): not a compressed range, partial reps."""
    counter = RepCounter("squat")
    world = dict.fromkeys(ANGLE_NAMES)
    for i in range(900):
        t = i * 33.3
        world["left_knee"] = world["right_knee"] = 175.0 if (i // 30) % 2 == 0 else 120.0
        counter.update({"image": {}, "world": world}, t)
    assert counter.count == 0 and counter.diagnostics()["mode"] == "preset"


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_noise_never_counts(exercise: str) -> None:
    """Jitter of a peak-to-peak amplitude under the preset's minimum range, around any level
    (the thresholds, between them, an offset range), for a minute, counts nothing."""
    ex = EXERCISES[exercise]
    rng = random.Random(exercise)
    half = ex.min_range / 2 - 0.5
    for centre in (ex.up, ex.down, (ex.up + ex.down) / 2, ex.up + 15, ex.down - 15, 90.0):
        counter = RepCounter(exercise)
        world, image = dict.fromkeys(ANGLE_NAMES), dict.fromkeys(ANGLE_NAMES)
        for i in range(1800):
            for name in ex.angles:
                value = centre + rng.uniform(-half, half)
                world[name] = image[name] = value
            counter.update({"image": image, "world": world}, i * 33.3)
        assert counter.count == 0, (exercise, centre)
        assert counter.diagnostics()["range"] is None


@pytest.mark.parametrize("exercise", sorted(PRESETS))
@pytest.mark.parametrize("phase", [0.0, 0.5, 1.0])
def test_a_person_holding_still_in_noisy_landmarks_counts_nothing(
    exercise: str, phase: float
) -> None:
    rng = random.Random(7)
    joints = blend(PRESETS[exercise]["up"], PRESETS[exercise]["down"], phase)
    analyzer = Analyzer(exercise)
    for i in range(600):  # 20 s, landmark noise x2
        pose = render(joints, PRESETS[exercise]["view"], rng, noise=2.0, world_bend=20.0)
        analyzer.update(pose, W, H, i * 33.3)
    assert analyzer.count == 0


def test_diagnostics_name_the_missing_angle_and_the_fallback_counts() -> None:
    analyzer, frames, _, truth = analyze("push_up", seed=1, hidden=(13, 14))  # elbows
    assert analyzer.count == truth == 8  # on the shoulder height
    d = analyzer.reps()["diagnostics"]
    assert d["fallback"] and d["signal"] == "shoulder height" and d["unit"] == "% torso"
    assert {"left elbow not visible", "right elbow not visible"} <= set(d["missing"])
    assert d["issue_frames"]["left elbow not visible"] >= d["frames_with_pose"] * 0.9
    assert d["frames_on_fallback"] >= d["frames_with_pose"] * 0.8
    reason = frames[-1].diagnostics["reason"]
    assert "elbow not visible" in reason and "shoulder height" in reason


@pytest.mark.parametrize("seed", range(3))
def test_a_flat_angle_falls_back_to_the_moving_body(seed: int) -> None:
    """The elbow angle reads flat (140 +- 3: a view where the elbows' depth is lost) while
    the landmarks show the body going up and down: the shoulder height counts."""
    seq = exercise_sequence("push_up", seed=seed)
    rng = random.Random(seed)
    counter = RepCounter("push_up")
    for t, pose in seq.frames:
        if pose is None:
            counter.update(None, t)
            continue
        angles = joint_angles(pose.landmarks, pose.world_landmarks, W, H)
        for name in ("left_elbow", "right_elbow"):
            angles["world"][name] = 140.0 + rng.uniform(-3.0, 3.0)
        counter.update(angles, t, pose.landmarks, pose.world_landmarks)
    assert counter.count == seq.truth == 8
    d = counter.diagnostics()
    assert d["fallback"] and d["reason"].startswith("the angle barely moves, counting on shoulder")


def test_a_limb_pointing_at_the_camera_or_hidden_is_named() -> None:
    world = [[0.0, 0.0, 0.0] for _ in range(33)]
    world[11], world[15] = [0.0, -0.29, 0.0], [0.02, 0.0, -0.26]  # forearm along the view
    visible = [True] * 33
    issues, usable = angle_issues(("left_elbow",), {"left_elbow": 90.0}, visible, world)
    assert issues == ["left forearm points at the camera"] and not usable
    world[15] = [0.0, 0.26, 0.0]  # hanging: in the image plane
    assert angle_issues(("left_elbow",), {"left_elbow": 90.0}, visible, world) == ([], True)
    visible[15] = False
    issues, usable = angle_issues(("left_elbow",), {"left_elbow": None}, visible, world)
    assert issues == ["left wrist not visible"] and not usable


def test_diagnostics_when_nothing_can_count() -> None:
    # elbows and wrists hidden: neither the elbow angle nor the shoulder height
    analyzer, frames, _, _ = analyze("push_up", seed=2, hidden=(13, 14, 15, 16))
    assert analyzer.count == 0
    last = next(f.diagnostics for f in reversed(frames) if f.present)
    assert last["value"] is None and last["reason"].startswith("no world left_elbow")
    assert "left elbow not visible" in last["missing"]
    counter = RepCounter("squat")  # angles only, the knees unknown; then no pose
    counter.update({"image": {}, "world": dict.fromkeys(ANGLE_NAMES)}, 0.0)
    assert counter.diagnostics()["reason"] == "no world left_knee + right_knee (mean)"
    counter.update(None, 40.0)
    assert counter.diagnostics()["reason"] == "no person in view"


def test_range_tracker_turning_points_and_modes() -> None:
    tracker = RangeTracker(decreasing=True, min_range=25.0)
    t = 0.0
    for value in [170, 172, 171] + [140, 110, 100, 120, 150, 169, 171, 150, 110, 101, 130, 170]:
        tracker.update(float(value), t)
        t += 100.0
    assert tracker.extremes_values() == (171.5, 100.5)  # medians of 171, 172 / 100, 101
    spans = tracker.thresholds(135.0, 105.0)
    assert spans.mode == "preset" and (spans.up, spans.down) == (135.0, 105.0)
    adaptive = tracker.thresholds(135.0, 70.0)  # the far end never reached: compressed
    assert adaptive.mode == "adaptive"
    assert adaptive.up == pytest.approx(171.5 - 0.25 * 71) and adaptive.down == pytest.approx(
        100.5 + 0.25 * 71
    )
    assert tracker.thresholds(None, None).mode == "adaptive"  # a fallback: range only
    quiet = RangeTracker(decreasing=False, min_range=25.0)
    for i in range(200):
        quiet.update(50.0 + (12.0 if i % 2 else -12.0), i * 33.0)
    assert quiet.extremes() is None and quiet.thresholds(None, None).mode == "none"


def test_fallback_signals_read_positions_in_torso_lengths() -> None:
    rng = random.Random(0)

    def value(exercise: str, phase: float, name: str) -> float:
        p = PRESETS[exercise]
        pose = render(blend(p["up"], p["down"], phase), p["view"], rng, noise=0.0)
        v, missing = fallback_value(
            FALLBACKS[name], visibility(pose.landmarks), pose.world_landmarks
        )
        assert missing == [] and v is not None
        return v

    assert value("squat", 0, "hip_height") > 150 > 110 > value("squat", 1, "hip_height")
    assert value("push_up", 0, "shoulder_height") > value("push_up", 1, "shoulder_height") + 25
    assert (
        value("jumping_jack", 0, "wrist_height")
        < -80
        < 80
        < value("jumping_jack", 1, "wrist_height")
    )
    assert value("sit_up", 1, "torso_rise") > value("sit_up", 0, "torso_rise") + 60
    for ex in EXERCISES.values():
        assert ex.fallback in FALLBACKS

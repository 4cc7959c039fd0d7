"""blazepose.analysis.rep_counter: the EXERCISES table and the hysteresis state machine, on
hand-made signals and on synthetic footage of every preset (exact counts)."""

from __future__ import annotations

import math
import random

import pytest
from blazepose.analysis.joint_angles import ANGLE_NAMES, joint_angles
from blazepose.analysis.rep_counter import (
    DOWN,
    EXERCISES,
    LEAVE_MS,
    MIN_REP_MS,
    UP,
    WAITING,
    Exercise,
    RepCounter,
)
from support.synthetic_poses import PRESETS, exercise_sequence

SQUAT = EXERCISES["squat"]


def knees(value: float | None) -> dict | None:
    """joint_angles()-shaped dict with both world knees at `value`."""
    if value is None:
        return None
    world = dict.fromkeys(ANGLE_NAMES)
    world["left_knee"] = world["right_knee"] = value
    return {"image": dict.fromkeys(ANGLE_NAMES), "world": world}


def feed(counter: RepCounter, samples: list[tuple[float, float | None]]) -> list:
    events = []
    for t, value in samples:
        events += counter.update(knees(value), t)
    return events


def squat_reps(n: int, start: float = 0.0, period: float = 2000.0, depth: float = 90.0):
    """Standing 175 <-> `depth`, 30 fps, a cosine per rep, 500 ms standing before."""
    out = [(start + t, 175.0) for t in range(0, 500, 33)]
    t0 = start + 500
    for i in range(int(n * period / 33.3)):
        t = i * 33.3
        out.append((t0 + t, 175 - (175 - depth) * (1 - math.cos(2 * math.pi * t / period)) / 2))
    out.append((t0 + n * period, 175.0))
    return out


def test_the_table_is_complete_and_explained() -> None:
    assert set(EXERCISES) == {"squat", "push_up", "lunge", "jumping_jack", "bicep_curl", "sit_up"}
    for name, ex in EXERCISES.items():
        assert ex.name == name and ex.angles and set(ex.angles) <= set(ANGLE_NAMES)
        assert ex.space in ("image", "world") and ex.combine in ("mean", "min", "max")
        assert abs(ex.up - ex.down) >= 25, f"{name}: hysteresis too narrow to absorb jitter"
        assert len(ex.why) > 40


def test_signal_combines_the_visible_angles() -> None:
    angles = knees(100.0)
    angles["world"]["right_knee"] = 140.0
    assert SQUAT.signal(angles) == 120.0
    angles["world"]["right_knee"] = None  # hidden: the other one alone
    assert SQUAT.signal(angles) == 100.0
    angles["world"]["left_knee"] = None
    assert SQUAT.signal(angles) is None and SQUAT.signal(None) is None
    curl = EXERCISES["bicep_curl"]
    a = {curl.space: {"left_elbow": 50.0, "right_elbow": 170.0}}
    assert curl.signal(a) == 50.0  # min: one arm curling counts


def test_counts_reps_with_times_and_range() -> None:
    counter = RepCounter("squat")
    assert counter.state == WAITING
    events = feed(counter, squat_reps(3))
    assert counter.count == 3 and [e.count for e in events] == [1, 2, 3]
    for e in events:
        assert e.exercise == "squat"
        assert 1000 < e.end_ms - e.start_ms < 2000  # between the crossings of `up`
        # from the last frame in the start position (>= up) to the bottom (90)
        assert SQUAT.up - 90 - 1 <= e.range_deg <= 175 - 90
    assert events[0].start_ms < events[0].end_ms <= events[1].start_ms
    assert counter.state == UP
    assert events[0].to_dict() == {
        "exercise": "squat",
        "count": 1,
        "start_ms": round(events[0].start_ms, 3),
        "end_ms": round(events[0].end_ms, 3),
        "range_deg": round(events[0].range_deg, 2),
    }


def test_jitter_around_either_threshold_does_not_count() -> None:
    counter = RepCounter("squat")
    rng = random.Random(3)
    for centre in (SQUAT.up, SQUAT.down, (SQUAT.up + SQUAT.down) / 2):
        feed(counter, [(t * 33.3, centre + rng.uniform(-12, 12)) for t in range(300)])
    assert counter.count == 0


def test_partial_reps_are_not_counted() -> None:
    counter = RepCounter("squat")
    assert feed(counter, squat_reps(4, depth=SQUAT.down + 8)) == []
    assert counter.count == 0
    feed(counter, squat_reps(2, start=20000))
    assert counter.count == 2


def test_dropped_frames_do_not_matter_only_time() -> None:
    full = squat_reps(5)
    counter = RepCounter("squat")
    kept = [s for i, s in enumerate(full) if i % 4 in (0, 1)]  # half the frames, in bursts
    events = feed(counter, kept)
    assert counter.count == 5
    gaps = [b[0] - a[0] for a, b in zip(kept, kept[1:], strict=False)]
    assert max(gaps) < LEAVE_MS and {e.end_ms for e in events} <= {t for t, _ in kept}


def test_one_glitched_frame_cannot_count_or_split_a_rep() -> None:
    samples = squat_reps(3)
    glitched = [(t, 60.0 if i in (5, 9) else v) for i, (t, v) in enumerate(samples)]
    # a glitch to standing at the bottom of the second rep
    bottom = min(range(70, 130), key=lambda i: samples[i][1])
    glitched[bottom] = (samples[bottom][0], 178.0)
    counter = RepCounter("squat")
    feed(counter, glitched)
    assert counter.count == 3


def test_a_rep_faster_than_min_rep_ms_is_a_glitch() -> None:
    fast = [(0, 175.0), (33, 175.0), (66, 175.0), (100, 80.0), (133, 80.0), (166, 175.0)]
    fast += [(200 + t, 175.0) for t in range(0, 300, 33)]
    assert MIN_REP_MS > 166 - 66
    counter = RepCounter("squat")
    feed(counter, fast)
    assert counter.count == 0


def test_leaving_mid_rep_drops_it_and_a_return_at_the_bottom_waits_for_standing() -> None:
    counter = RepCounter("squat")
    down = [(t, 175 - 85 * min(1.0, t / 600)) for t in range(0, 1000, 33)]  # into the squat
    feed(counter, [(t, 175.0) for t in range(-500, 0, 33)] + down)
    assert counter.state == DOWN
    feed(counter, [(1000 + t, None) for t in range(0, int(LEAVE_MS) + 200, 33)])  # gone
    assert counter.state == WAITING
    t0 = 3000.0
    feed(counter, [(t0 + t, 90.0) for t in range(0, 500, 33)])  # back, at the bottom
    assert counter.state == WAITING
    feed(counter, [(t0 + 500 + t, 90 + 85 * min(1.0, t / 600)) for t in range(0, 1000, 33)])
    assert counter.count == 0 and counter.state == UP  # stood up: not a rep
    feed(counter, squat_reps(2, start=5000))
    assert counter.count == 2


def test_a_short_loss_of_the_pose_keeps_the_rep() -> None:
    samples = squat_reps(2)
    # lost on the way down for 0.6 LEAVE_MS, back before the bottom
    lost = [(t, None if 700 < t < 700 + LEAVE_MS * 0.6 else v) for t, v in samples]
    counter = RepCounter("squat")
    feed(counter, lost)
    assert counter.count == 2


def test_increasing_signal_exercise_and_reset() -> None:
    jack = RepCounter("jumping_jack")
    world = dict.fromkeys(ANGLE_NAMES)
    for t in range(0, 4000, 33):  # arms 20 -> 160 -> 20 every second
        v = 20 + 140 * (1 - math.cos(2 * math.pi * t / 1000)) / 2
        world["left_shoulder"] = world["right_shoulder"] = v
        jack.update({"world": world, "image": {}}, t)
    assert jack.count == 4
    jack.reset()
    assert (jack.count, jack.state, jack.signal) == (0, WAITING, None)


def test_unknown_exercise_and_custom_exercise() -> None:
    with pytest.raises(ValueError, match="unknown exercise"):
        RepCounter("burpee")
    custom = Exercise("knee_raise", ("left_hip",), "mean", "world", 150.0, 100.0, "test")
    counter = RepCounter(custom)
    world = dict.fromkeys(ANGLE_NAMES)
    for t, v in [(0, 170), (400, 170), (800, 90), (1200, 90), (1600, 170), (2000, 170)]:
        world["left_hip"] = v
        counter.update({"world": world}, t)
    assert counter.count == 1


@pytest.mark.parametrize("exercise", sorted(PRESETS))
@pytest.mark.parametrize("seed", range(3))
def test_synthetic_footage_counts_exactly(exercise: str, seed: int) -> None:
    """8 full reps + partial reps, pauses, hidden limbs, dropped/lost/glitched frames, a
    person leaving between reps and mid-rep, walking in at the far end."""
    seq = exercise_sequence(exercise, reps=8, seed=seed)
    assert seq.truth == 8 and seq.partial >= 3
    counter = RepCounter(exercise)
    events = []
    for t, pose in seq.frames:
        angles = joint_angles(pose.landmarks, pose.world_landmarks, 640, 480) if pose else None
        events += counter.update(angles, t)
    assert counter.count == seq.truth
    assert all(e.range_deg > abs(EXERCISES[exercise].up - EXERCISES[exercise].down) for e in events)


@pytest.mark.parametrize(
    ("options", "presets"),
    [
        ({"noise": 2.0}, ("squat", "bicep_curl")),
        ({"fps": 15.0, "drop_rate": 0.1}, ("jumping_jack", "push_up")),
        ({"fps": 60.0}, ("lunge", "sit_up")),
        ({"glitch_rate": 0.05}, ("squat", "jumping_jack")),
        ({"events": False, "reps": 20}, ("push_up", "sit_up")),
    ],
    ids=["noise_x2", "15fps", "60fps", "glitches", "20_plain_reps"],
)
def test_synthetic_footage_variants(options: dict, presets: tuple[str, ...]) -> None:
    for exercise in presets:
        seq = exercise_sequence(exercise, seed=11, **options)
        counter = RepCounter(exercise)
        for t, pose in seq.frames:
            a = joint_angles(pose.landmarks, pose.world_landmarks, 640, 480) if pose else None
            counter.update(a, t)
        assert counter.count == seq.truth, exercise

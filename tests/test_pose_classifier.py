"""blazepose.analysis.pose_classifier: MediaPipe's k-NN pose classification (checked against a numpy
transcription of the method of the Pose Classification Colab), its EMA smoothing and the
classifier counter on synthetic footage."""

from __future__ import annotations

import random

import numpy as np
import pytest
from blazepose import constants as C
from blazepose.analysis.pose_classifier import (
    EMBEDDING_PAIRS,
    ClassifierCounter,
    EMADictSmoothing,
    PoseClassifier,
    sample_from_landmarks,
)
from support.synthetic_poses import PRESETS, blend, exercise_sequence, held_poses, render
from test_pose_embedding import colab_embedding

W, H = 640, 480


# The oracle: the Colab's PoseClassifier in numpy.
def colab_classify(samples, landmarks, w=W, h=H, top_max=30, top_mean=10) -> dict[str, int]:
    def pixels(lms):
        return np.array([[x * w, y * h, z * w] for x, y, z, *_ in lms], dtype=np.float64)

    weights = np.array([1.0, 1.0, 0.2])
    query = pixels(landmarks)
    emb, flipped = colab_embedding(query), colab_embedding(query * np.array([-1, 1, 1]))
    embs = [colab_embedding(pixels(s.landmarks)) for s in samples]
    by_max = sorted(
        (min(np.max(np.abs(e - emb) * weights), np.max(np.abs(e - flipped) * weights)), i)
        for i, e in enumerate(embs)
    )[:top_max]
    by_mean = sorted(
        (min(np.mean(np.abs(embs[i] - e) * weights) for e in (emb, flipped)), i) for _, i in by_max
    )[:top_mean]
    names = [samples[i].class_name for _, i in by_mean]
    return {n: names.count(n) for n in set(names)}


def record(exercise: str, per_class: int, seed: int) -> list:
    """Samples of both ends of a preset, as the page records them."""
    poses = held_poses(exercise, per_class, seed)
    return [sample_from_landmarks(f"{c}_{i}", c, lms) for i, (c, lms) in enumerate(poses)]


def test_constants_are_mediapipes() -> None:
    assert C.CLASSIFIER_TORSO_SIZE_MULTIPLIER == 2.5
    assert (C.CLASSIFIER_TOP_N_BY_MAX_DISTANCE, C.CLASSIFIER_TOP_N_BY_MEAN_DISTANCE) == (30, 10)
    assert C.CLASSIFIER_AXES_WEIGHTS == (1.0, 1.0, 0.2)
    assert (C.CLASSIFIER_EMA_WINDOW, C.CLASSIFIER_EMA_ALPHA) == (10, 0.2)
    assert (C.CLASSIFIER_ENTER_THRESHOLD, C.CLASSIFIER_EXIT_THRESHOLD) == (6.0, 4.0)
    assert len(EMBEDDING_PAIRS) == 23


@pytest.mark.parametrize("per_class", [10, 40])  # all samples pass stage 1 / it filters
def test_classify_matches_the_colab(per_class: int) -> None:
    samples = record("push_up", per_class, seed=3) + record("squat", per_class, seed=4)
    samples = [
        sample_from_landmarks(s.name, f"{s.class_name}_{k // (2 * per_class)}", s.landmarks)
        for k, s in enumerate(samples)
    ]  # four classes
    classifier = PoseClassifier(samples)
    rng = random.Random(5)
    for exercise in ("push_up", "squat", "lunge"):
        p = PRESETS[exercise]
        for phase in (0.0, 0.3, 0.5, 0.7, 1.0):
            pose = render(blend(p["up"], p["down"], phase), p["view"] + rng.uniform(-30, 30), rng)
            assert classifier.classify(pose.landmarks, W, H) == colab_classify(
                samples, pose.landmarks
            )


def test_classify_is_mirror_invariant() -> None:
    samples = record("bicep_curl", 20, seed=1)
    classifier = PoseClassifier(samples)
    p = PRESETS["bicep_curl"]
    pose = render(blend(p["up"], p["down"], 1.0), p["view"], random.Random(9))
    mirrored = [(1 - x, y, z, v, pr) for x, y, z, v, pr in pose.landmarks]
    assert classifier.classify(pose.landmarks, W, H) == classifier.classify(mirrored, W, H)
    assert classifier.classify(pose.landmarks, W, H) == {"down": 10}
    assert PoseClassifier([]).classify(pose.landmarks, W, H) == {}
    assert classifier.class_names == ["down", "up"]


def test_ema_smoothing_is_the_colabs() -> None:
    ema = EMADictSmoothing()
    assert ema({"down": 10}) == {"down": 10.0}
    # newest first, weights 1, 0.8: (0 * 1 + 10 * 0.8) / 1.8 for down, 10 / 1.8 for up
    second = ema({"up": 10})
    assert second == pytest.approx({"down": 8 / 1.8, "up": 10 / 1.8})
    for _ in range(12):
        last = ema({"up": 10})
    assert last == pytest.approx({"up": 10.0})  # down left the 10-frame window
    ema.reset()
    assert ema({}) == {}


def test_counter_enters_above_6_and_counts_below_4() -> None:
    samples = record("squat", 15, seed=2)
    counter = ClassifierCounter(samples)
    p = PRESETS["squat"]
    rng = random.Random(0)
    t = 0.0

    def hold(phase: float, frames: int) -> list:
        nonlocal t
        events = []
        for _ in range(frames):
            pose = render(blend(p["up"], p["down"], phase), p["view"], rng)
            events += counter.update(pose.landmarks, W, H, t)
            t += 33.3
        return events

    assert hold(0.0, 10) == [] and counter.state == "up"
    assert hold(1.0, 3) == [] and counter.state == "up"  # smoothed score still below 6
    hold(1.0, 10)
    assert counter.state == "down" and counter.scores["down"] > 6
    events = hold(0.0, 10)
    assert [e.count for e in events] == [1] and counter.count == 1
    assert events[0].exercise == "my recording" and events[0].range_deg == 0.0
    counter.reset()
    assert (counter.count, counter.state, counter.scores) == (0, "waiting", {})


@pytest.mark.parametrize("exercise", sorted(PRESETS))
def test_classifier_counts_synthetic_footage_exactly(exercise: str) -> None:
    """Samples recorded with one seed, counted on footage of another, like the page."""
    counter = ClassifierCounter(record(exercise, 20, seed=100), name=f"my {exercise}")
    seq = exercise_sequence(exercise, reps=8, seed=7)
    events = []
    for t, pose in seq.frames:
        events += counter.update(pose.landmarks if pose else None, W, H, t)
    assert counter.count == seq.truth
    assert all(e.exercise == f"my {exercise}" for e in events)

"""blazepose.analysis.pose_embedding: MediaPipe's FullBodyPoseEmbedder (checked against a numpy
transcription of the Pose Classification Colab's) and the samples CSV."""

from __future__ import annotations

import random

import numpy as np
import pytest
from blazepose.analysis.pose_embedding import (
    EMBEDDING_PAIRS,
    load_samples_csv,
    pose_embedding,
    sample_from_landmarks,
    samples_to_csv,
)
from support.synthetic_poses import PRESETS, blend, held_poses, render

W, H = 640, 480


# The oracle: the Colab's FullBodyPoseEmbedder in numpy (pixels in, (23, 3) out).
def colab_embedding(pixels: np.ndarray) -> np.ndarray:
    lm = pixels.copy()
    lm -= (lm[23] + lm[24]) * 0.5
    hips, shoulders = (lm[23] + lm[24]) * 0.5, (lm[11] + lm[12]) * 0.5
    torso = np.linalg.norm((shoulders - hips)[:2])
    size = max(torso * 2.5, np.max(np.linalg.norm(lm[:, :2] - hips[:2], axis=1)))
    lm = lm / size * 100

    def point(ref):
        return lm[ref] if isinstance(ref, int) else (lm[ref[0]] + lm[ref[1]]) * 0.5

    return np.array([point(b) - point(a) for a, b in EMBEDDING_PAIRS])


def test_embedding_matches_the_colab_and_ignores_position_and_size() -> None:
    pose = render(
        blend(PRESETS["squat"]["up"], PRESETS["squat"]["down"], 0.6), 40, random.Random(2)
    )
    ours = pose_embedding(pose.landmarks, W / H)
    pixels = np.array([[x * W, y * H, z * W] for x, y, z, *_ in pose.landmarks])
    assert np.allclose(np.array(ours).reshape(-1, 3), colab_embedding(pixels), atol=1e-9)
    moved = [(0.8 * x + 0.1, 0.8 * y - 0.05, 0.8 * z, v, p) for x, y, z, v, p in pose.landmarks]
    assert pose_embedding(moved, W / H) == pytest.approx(ours, abs=1e-9)


def test_samples_csv_round_trip_and_errors() -> None:
    poses = held_poses("squat", 3, seed=0)
    samples = [sample_from_landmarks(f"{c}_{i}", c, lms) for i, (c, lms) in enumerate(poses)]
    text = samples_to_csv(samples)
    assert len(text.splitlines()) == 6 and text.splitlines()[0].startswith("up_0,up,")
    assert len(text.splitlines()[0].split(",")) == 2 + 33 * 3
    again = load_samples_csv("name,class," + ",".join(f"v{i}" for i in range(99)) + "\n\n" + text)
    assert [(s.name, s.class_name) for s in again] == [(s.name, s.class_name) for s in samples]
    for a, b in zip(again, samples, strict=True):
        assert np.allclose(a.landmarks, b.landmarks, atol=1e-6)
    with pytest.raises(ValueError, match="row 1: 3 values"):
        load_samples_csv("a,up,1,2,3\n")
    with pytest.raises(ValueError, match="row 2"):
        load_samples_csv(text.splitlines()[0] + "\nb,up,x" + ",1" * 98 + "\n")
    with pytest.raises(ValueError, match="33 landmarks"):
        sample_from_landmarks("a", "up", [(0, 0, 0)] * 32)

"""Agreement of a pose track with a reference track (PCK@0.2 and friends).

PCK@0.2 as in the BlazePose paper (arXiv 2006.10204, section 3): a keypoint is correct when
its 2D Euclidean error is below 20 % of the person's torso size. The model card
("MediaPipe BlazePose GHUM 3D", evaluation section) calls the normaliser the "2D torso
diameter projection"; we take the diameter as the longer of the two torso diagonals,
shoulder to opposite hip, measured on the reference in pixels. It is rotation invariant
and stays non-zero for a person seen from the side (where the shoulder width collapses).
Only landmarks the reference itself calls visible (visibility >= 0.5, MediaPipe's
drawing threshold) are scored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

# Landmark indices (mediapipe/modules/pose_landmark/pose_landmark_cpu.pbtxt header).
LEFT_SHOULDER = 11
RIGHT_SHOULDER = 12
LEFT_HIP = 23
RIGHT_HIP = 24

PCK_FRACTION = 0.2
# mediapipe/python/solutions/drawing_utils.py _VISIBILITY_THRESHOLD
VISIBILITY_THRESHOLD = 0.5
# WORLD_DIFF_THRESHOLD of mediapipe/python/solutions/pose_test.py (metres).
WORLD_TOLERANCE_M = 0.2

Landmarks = Sequence[Sequence[float]]


def torso_size_px(landmarks: Landmarks, width: int, height: int) -> float:
    """Longer torso diagonal (shoulder to opposite hip) in pixels."""

    def dist(i: int, j: int) -> float:
        return math.hypot(
            (landmarks[i][0] - landmarks[j][0]) * width,
            (landmarks[i][1] - landmarks[j][1]) * height,
        )

    return max(dist(LEFT_SHOULDER, RIGHT_HIP), dist(RIGHT_SHOULDER, LEFT_HIP))


@dataclass
class Agreement:
    """Running totals over frames; the reference decides which landmarks count."""

    frames: int = 0
    frames_agreeing: int = 0  # both report a pose, or both report none
    scored: int = 0  # reference-visible landmarks on frames where both have a pose
    correct: int = 0
    missed: int = 0  # reference-visible landmarks on frames where only the reference has a pose
    sum_px: float = 0.0
    max_px: float = 0.0
    max_world_m: float = 0.0
    world_scored: int = 0
    world_within: int = 0  # world landmarks within WORLD_TOLERANCE_M of the reference
    worst: list[tuple[float, int, int]] = field(default_factory=list)  # (px, frame, landmark)

    def add_frame(
        self,
        frame_index: int,
        ours: Landmarks | None,
        reference: Landmarks | None,
        ours_world: Landmarks | None,
        reference_world: Landmarks | None,
        width: int,
        height: int,
    ) -> None:
        self.frames += 1
        if (ours is None) == (reference is None):
            self.frames_agreeing += 1
        if reference is None:
            return
        visible = [i for i, lm in enumerate(reference) if lm[3] >= VISIBILITY_THRESHOLD]
        if ours is None:
            self.missed += len(visible)
            return
        limit = PCK_FRACTION * torso_size_px(reference, width, height)
        for i in visible:
            error = math.hypot(
                (ours[i][0] - reference[i][0]) * width, (ours[i][1] - reference[i][1]) * height
            )
            self.scored += 1
            self.correct += error < limit
            self.sum_px += error
            if error > self.max_px:
                self.max_px = error
            self.worst.append((error, frame_index, i))
            if ours_world is not None and reference_world is not None:
                world_error = math.dist(ours_world[i][:3], reference_world[i][:3])
                self.max_world_m = max(self.max_world_m, world_error)
                self.world_scored += 1
                self.world_within += world_error <= WORLD_TOLERANCE_M
        self.worst = sorted(self.worst, reverse=True)[:5]

    @property
    def pck(self) -> float:
        """Share of reference-visible landmarks placed correctly (missed frames count wrong)."""
        total = self.scored + self.missed
        return self.correct / total if total else 1.0

    @property
    def world_agreement(self) -> float:
        """Share of reference-visible world landmarks within WORLD_TOLERANCE_M."""
        return self.world_within / self.world_scored if self.world_scored else 1.0

    @property
    def frame_agreement(self) -> float:
        return self.frames_agreeing / self.frames if self.frames else 1.0

    @property
    def mean_px(self) -> float:
        return self.sum_px / self.scored if self.scored else 0.0

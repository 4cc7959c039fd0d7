"""The rep counter's presets: per exercise the angle signal (joint_angles names), which way
is "down", the fixed thresholds it was tuned with, the reasoning for the numbers, and the
fallback signal (rep_signals.FALLBACKS) it counts on where the angle cannot be read.

The fixed thresholds hold while the person's range of movement spans them; otherwise the
counter adapts them to that range (rep_range), never below the preset's `min_range`. To
tune a preset, change its numbers in EXERCISES (tests/test_rep_counter.py drives every
preset through synthetic reps; the real-clip fixtures check the counts on footage).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    """One preset: the signal, its two thresholds in degrees, and its fallback signal."""

    name: str
    angles: tuple[str, ...]  # joint_angles names the signal combines
    combine: str  # "mean" or "min" (or "max") of those that are not None
    space: str  # "world" (3D, view independent) or "image"
    up: float  # start position: the signal is past this (the rep ends here)
    down: float  # far end of the movement: the signal must get past this
    why: str  # the reasoning for the numbers
    fallback: str | None = None  # rep_signals.FALLBACKS name, counted on where the angle is
    min_range: float = 25.0  # degrees: the person's range must span this to adapt to it

    @property
    def decreasing(self) -> bool:
        """True when the angle gets smaller towards the far end (knee in a squat)."""
        return self.down < self.up

    def signal(self, angles: Mapping[str, Mapping[str, float | None]] | None) -> float | None:
        """The exercise's signal from a joint_angles() dict; None if no angle is known."""
        if not angles:
            return None
        space = angles.get(self.space) or {}
        values = [v for v in (space.get(name) for name in self.angles) if v is not None]
        if not values:
            return None
        if self.combine == "min":
            return min(values)
        if self.combine == "max":
            return max(values)
        return sum(values) / len(values)


# World (3D) angles by default: they do not depend on the view (a squat facing the camera
# barely changes the knee angle in the image). But BlazePose's world landmarks read straight
# limbs bent (a standing knee or a hanging arm is ~140-160 deg in 3D where the image shows
# ~165-178, measured on the shared pose2sim_single_cam01 and sports2d_demo clips and on the
# real-clip fixtures), so the "up" thresholds sit at 130-135, not at the anatomical ~170;
# and they flatten a curl, so bicep_curl uses the image. The numbers were checked on the
# real-clip fixtures (tests/fixtures/exercise, tests/test_real_exercise_clips.py: every clip
# counts exactly) and on synthetic footage from every side (tests/test_rep_counter.py).
# fmt: off
EXERCISES: dict[str, Exercise] = {e.name: e for e in (
    # name, angles, combine, space, up, down, why, fallback[, min_range]
    Exercise("squat", ("left_knee", "right_knee"), "mean", "world", 135.0, 105.0,
             "knee ~140-160 standing (world reading), ~70-100 at parallel; up 135 = stood "
             "up, down 105 = 75 deg or more of bend (a quarter squat is not a rep)",
             "hip_height"),
    Exercise("push_up", ("left_elbow", "right_elbow"), "mean", "world", 135.0, 100.0,
             "elbow ~140-160 arms extended (world reading), ~60-90 at the bottom; up 135 = "
             "pushed up, down 100 = a clear bend (a nod of the head is not a rep)",
             "shoulder_height"),
    Exercise("lunge", ("left_knee", "right_knee"), "mean", "world", 135.0, 110.0,
             "both knees ~140-160 standing (world reading), both ~80-110 at the bottom (front "
             "and back knee); their mean must drop below 110; each lunge (either leg) is a rep",
             "hip_height"),
    Exercise("jumping_jack", ("left_shoulder", "right_shoulder"), "mean", "world", 50.0, 120.0,
             "shoulder (upper arm vs torso side) ~10-35 arms down, ~140-170 overhead; the "
             "arms must come down below 50 and go above 120 (well above shoulder height)",
             "wrist_height", 40.0),
    Exercise("bicep_curl", ("left_elbow", "right_elbow"), "min", "image", 130.0, 75.0,
             "image, not world: 3D flattens curls (side-view curl tops read 78-94 deg in the "
             "world, 51-60 in the image; a bar lifted to forearms level, not a curl, reads 87-"
             "91 in both); elbow ~150-170 arm lowered, ~20-65 curled (the hand by the shoulder "
             "makes a small image angle from any side); min of the two, so one arm curling "
             "counts (alternate curls: each arm a rep)",
             "wrist_to_shoulder"),
    Exercise("sit_up", ("left_hip", "right_hip"), "mean", "world", 105.0, 75.0,
             "hip (torso vs thigh) ~120-140 lying with bent knees (180 legs straight), "
             "~45-70 sitting up; down 75 = torso well up, up 105 = back down",
             "torso_rise"),
)}
# fmt: on

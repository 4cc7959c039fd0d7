"""Repetition counting for preset exercises: a state machine with hysteresis on one angle
signal per exercise (joint_angles names), time based so dropped frames do not matter.

One rep: the signal starts at the start position (past the `up` threshold), reaches the far
end of the movement (past the `down` threshold) and comes back past `up`. The gap between
the two thresholds is the hysteresis: jitter around either one cannot count a rep, and a
movement that turns back before `down` (a partial rep) is not counted. "down" is the far
end of the movement whichever way the angle goes there: the bottom of a squat (knee angle
small) or the top of a jumping jack (shoulder angle large).

Robustness, each in one place below:
- jitter: hysteresis, and a median of the last MEDIAN_WINDOW signal values (one glitched
  frame cannot cross a threshold), and MIN_REP_MS (a rep faster than that is a glitch);
- dropped frames: nothing counts frames, only times;
- a person leaving: no signal (no pose, or its landmarks not visible) for more than LEAVE_MS
  drops a rep in progress without counting it, and counting restarts once the person is back
  in the start position (someone who walks in mid-squat is not counted until they stand up).

To tune a preset, change its numbers in EXERCISES (tests/test_rep_counter.py drives every
preset through synthetic reps; the real-clip fixtures check the counts on footage).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# No signal for longer than this (ms) = the person left: a rep in progress is dropped. Longer
# than a blink of the tracker (a few lost frames, a limb briefly hidden at the bottom of a
# rep), shorter than the time to walk out and back in.
LEAVE_MS = 1000.0
# A rep quicker than this (start position -> far end -> start position) is a glitch: the
# fastest preset movement (a jumping jack) takes ~0.6-1 s a rep.
MIN_REP_MS = 300.0
# Median over this many signal values: one outlier frame cannot cross a threshold.
MEDIAN_WINDOW = 3

# Counter states (RepCounter.state).
WAITING = "waiting"  # no signal yet, or the person left: waiting for the start position
UP = "up"  # in the start position (past `up`)
GOING_DOWN = "going_down"  # left the start position, not yet at the far end
DOWN = "down"  # past `down`: the far end of the movement
COMING_UP = "coming_up"  # was past `down`, on the way back (the rep counts at `up`)
STATES = (WAITING, UP, GOING_DOWN, DOWN, COMING_UP)


@dataclass(frozen=True)
class Exercise:
    """One preset: the signal and its two thresholds, in degrees."""

    name: str
    angles: tuple[str, ...]  # joint_angles names the signal combines
    combine: str  # "mean" or "min" (or "max") of those that are not None
    space: str  # "world" (3D, view independent) or "image"
    up: float  # start position: the signal is past this (the rep ends here)
    down: float  # far end of the movement: the signal must get past this
    why: str  # the reasoning for the numbers

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
    # name, angles, combine, space, up, down, why
    Exercise("squat", ("left_knee", "right_knee"), "mean", "world", 135.0, 105.0,
             "knee ~140-160 standing (world reading), ~70-100 at parallel; up 135 = stood "
             "up, down 105 = 75 deg or more of bend (a quarter squat is not a rep)"),
    Exercise("push_up", ("left_elbow", "right_elbow"), "mean", "world", 135.0, 100.0,
             "elbow ~140-160 arms extended (world reading), ~60-90 at the bottom; up 135 = "
             "pushed up, down 100 = a clear bend (a nod of the head is not a rep)"),
    Exercise("lunge", ("left_knee", "right_knee"), "mean", "world", 135.0, 110.0,
             "both knees ~140-160 standing (world reading), both ~80-110 at the bottom (front "
             "and back knee); their mean must drop below 110; each lunge (either leg) is a rep"),
    Exercise("jumping_jack", ("left_shoulder", "right_shoulder"), "mean", "world", 50.0, 120.0,
             "shoulder (upper arm vs torso side) ~10-35 arms down, ~140-170 overhead; the "
             "arms must come down below 50 and go above 120 (well above shoulder height)"),
    Exercise("bicep_curl", ("left_elbow", "right_elbow"), "min", "image", 130.0, 75.0,
             "image, not world: 3D flattens curls (side-view curl tops read 78-94 deg in the "
             "world, 51-60 in the image; a bar lifted to forearms level, not a curl, reads 87-"
             "91 in both); elbow ~150-170 arm lowered, ~20-65 curled (the hand by the shoulder "
             "makes a small image angle from any side); min of the two, so one arm curling "
             "counts (alternate curls: each arm a rep)"),
    Exercise("sit_up", ("left_hip", "right_hip"), "mean", "world", 105.0, 75.0,
             "hip (torso vs thigh) ~120-140 lying with bent knees (180 legs straight), "
             "~45-70 sitting up; down 75 = torso well up, up 105 = back down"),
)}
# fmt: on


@dataclass(frozen=True)
class RepEvent:
    """One completed repetition."""

    exercise: str
    count: int  # the count including this rep
    start_ms: float  # last time in the start position before the rep
    end_ms: float  # back in the start position
    range_deg: float  # range of the signal over the rep (max - min), degrees

    def to_dict(self) -> dict:
        return {
            "exercise": self.exercise,
            "count": self.count,
            "start_ms": round(self.start_ms, 3),
            "end_ms": round(self.end_ms, 3),
            "range_deg": round(self.range_deg, 2),
        }


class RepCounter:
    """Counts one preset's repetitions from per-frame joint_angles()."""

    def __init__(self, exercise: str | Exercise) -> None:
        if isinstance(exercise, str):
            if exercise not in EXERCISES:
                raise ValueError(f"unknown exercise {exercise!r}: one of {', '.join(EXERCISES)}")
            exercise = EXERCISES[exercise]
        self.exercise = exercise
        self.reset()

    def reset(self) -> None:
        """Count 0, waiting for the start position."""
        self.count = 0
        self.state = WAITING
        self.signal: float | None = None  # the filtered signal of the last frame with one
        self._window: list[float] = []
        self._last_seen: float | None = None  # time of the last frame with a signal
        self._start_ms = 0.0
        self._low = self._high = 0.0

    def _leave(self) -> None:
        self.state = WAITING
        self._window.clear()
        self.signal = None

    def update(
        self, angles: Mapping[str, Mapping[str, float | None]] | None, time_ms: float
    ) -> list[RepEvent]:
        """One frame's angles (None: no pose) at `time_ms`; the reps it completes."""
        raw = self.exercise.signal(angles)
        if self._last_seen is not None and time_ms - self._last_seen > LEAVE_MS:
            self._leave()
        if raw is None:
            return []
        self._last_seen = time_ms
        window = self._window
        window.append(raw)
        if len(window) > MEDIAN_WINDOW:
            del window[0]
        value = sorted(window)[len(window) // 2] if len(window) == MEDIAN_WINDOW else raw
        self.signal = value
        ex = self.exercise
        at_up = value <= ex.up if not ex.decreasing else value >= ex.up
        at_down = value >= ex.down if not ex.decreasing else value <= ex.down
        state = self.state
        if state in (WAITING, UP):
            if at_up:
                self.state = UP
                self._start_ms, self._low, self._high = time_ms, value, value
            elif state == UP:
                self.state = DOWN if at_down else GOING_DOWN
                self._track(value)
            return []
        self._track(value)
        if at_up:
            done = state in (DOWN, COMING_UP) and time_ms - self._start_ms >= MIN_REP_MS
            event = None
            if done:
                self.count += 1
                span = self._high - self._low
                event = RepEvent(ex.name, self.count, self._start_ms, time_ms, span)
            self.state = UP
            self._start_ms, self._low, self._high = time_ms, value, value
            return [event] if event else []
        if at_down:
            self.state = DOWN
        elif state == DOWN:
            self.state = COMING_UP
        return []

    def _track(self, value: float) -> None:
        if value < self._low:
            self._low = value
        elif value > self._high:
            self._high = value

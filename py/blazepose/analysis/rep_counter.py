"""Repetition counting for preset exercises (rep_presets.EXERCISES), adapting to the person
and the view, and saying why nothing counts.

Each preset counts one angle signal with a hysteresis state machine (rep_state), time based
so dropped frames do not matter, with the preset's fixed thresholds while the person's range
of movement spans them and thresholds relative to that range otherwise (rep_range: a view or
a piece of equipment that offsets or compresses the angle). Beside it runs the preset's
fallback signal (rep_signals: a position normalised by the torso length); the counter
switches to it where the angle is unreliable for the view:
- the angle cannot be read or points at the camera in most recent frames (`ok` rate, an
  average over OK_TAU_MS, below SWITCH_TO; back above SWITCH_BACK), or
- the angle stays flat (less than its minimum range) for FLAT_MS while the fallback moves;
  back to the angle once it is read in most frames and moves again.
Only the signal in use counts; a rep of it that one of the other signal already covered
(its far end before the end of the last rep counted) is not counted twice.

Robustness (rep_state): hysteresis and a median of the last MEDIAN_WINDOW values against
jitter, MIN_REP_MS against glitches, LEAVE_MS for a person leaving (a rep in progress is
dropped; counting restarts in the start position).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .rep_diagnostics import describe
from .rep_presets import EXERCISES, Exercise
from .rep_signals import FALLBACKS, angle_issues, fallback_value, visibility
from .rep_state import (
    COMING_UP,
    DOWN,
    GOING_DOWN,
    LEAVE_MS,
    MEDIAN_WINDOW,
    MIN_REP_MS,
    STATES,
    UP,
    WAITING,
    SignalCounter,
)

OK_TAU_MS = 700.0  # time constant of the angle's `ok` rate (frames with a pose)
SWITCH_TO, SWITCH_BACK = 0.3, 0.7  # `ok` rate: to the fallback below, back above
FLAT_MS = 1000.0  # the angle flat while the fallback moves this long: the fallback

Angles = Mapping[str, Mapping[str, float | None]]

__all__ = [
    "COMING_UP", "DOWN", "EXERCISES", "GOING_DOWN", "LEAVE_MS", "MEDIAN_WINDOW",
    "MIN_REP_MS", "STATES", "UP", "WAITING", "Exercise", "RepCounter", "RepEvent",
]  # fmt: skip


@dataclass(frozen=True)
class RepEvent:
    """One completed repetition."""

    exercise: str
    count: int  # the count including this rep
    start_ms: float  # last time in the start position before the rep
    end_ms: float  # back in the start position
    range_deg: float  # range of the signal over the rep (max - min), in its unit

    def to_dict(self) -> dict:
        return {
            "exercise": self.exercise,
            "count": self.count,
            "start_ms": round(self.start_ms, 3),
            "end_ms": round(self.end_ms, 3),
            "range_deg": round(self.range_deg, 2),
        }


class RepCounter:
    """Counts one preset's repetitions from per-frame joint_angles() (and, for the fallback
    and the checks of the view, the frame's landmarks and world landmarks)."""

    def __init__(self, exercise: str | Exercise) -> None:
        if isinstance(exercise, str):
            if exercise not in EXERCISES:
                raise ValueError(f"unknown exercise {exercise!r}: one of {', '.join(EXERCISES)}")
            exercise = EXERCISES[exercise]
        self.exercise = exercise
        ex = exercise
        self.primary = SignalCounter(ex.decreasing, ex.min_range, ex.up, ex.down)
        fb = FALLBACKS.get(ex.fallback or "")
        self.fallback_signal = fb
        self.fallback = SignalCounter(fb.decreasing, fb.min_range, None, None) if fb else None
        self.reset()

    def reset(self) -> None:
        """Count 0, waiting for the start position; the person's ranges are forgotten."""
        self.count = 0
        self.primary.reset_all()
        if self.fallback is not None:
            self.fallback.reset_all()
        self.using_fallback = False
        self.ok = 1.0  # the angle's `ok` rate
        self._last_pose: float | None = None
        self._flat_since: float | None = None
        self._last_end = -math.inf
        self.present = False
        self.issues: list[str] = []  # this frame: what the preset's angle lacks
        self.fallback_missing: list[str] = []  # ... and the fallback signal
        self.frames = 0  # frames with a pose
        self.fallback_frames = 0  # ... counted on the fallback
        self.issue_frames: dict[str, int] = {}  # issue -> frames with a pose it was in

    @property
    def active(self) -> SignalCounter:
        return self.fallback if self.using_fallback and self.fallback else self.primary

    @property
    def state(self) -> str:
        return self.active.state

    @property
    def signal(self) -> float | None:
        """The filtered signal in use (degrees, or % torso on the fallback)."""
        return self.active.signal

    def update(
        self,
        angles: Angles | None,
        time_ms: float,
        landmarks: Sequence[Sequence[float]] | None = None,
        world_landmarks: Sequence[Sequence[float]] | None = None,
    ) -> list[RepEvent]:
        """One frame's angles (None: no pose) at `time_ms`; the reps it completes. With the
        frame's landmarks (33 x (x, y, z, visibility, ...)) and world landmarks the angle is
        checked for the view and the fallback signal can count."""
        ex = self.exercise
        self.present = angles is not None
        raw = ex.signal(angles) if angles is not None else None
        fb_raw = None
        issues: list[str] = []
        fb_missing: list[str] = []
        if angles is not None:
            visible = visibility(landmarks) if landmarks else None
            values = angles.get(ex.space) or {}
            issues, usable = angle_issues(ex.angles, values, visible, world_landmarks)
            if self.fallback_signal is not None and visible is not None:
                fb_raw, fb_missing = fallback_value(self.fallback_signal, visible, world_landmarks)
            self._rate(usable, time_ms)
        reps = self.primary.update(raw, time_ms)
        fb_reps = self.fallback.update(fb_raw, time_ms) if self.fallback else []
        if self.fallback is not None:
            before = self.using_fallback
            self._choose(fb_raw is not None, time_ms)
            if self.using_fallback and not before and self.fallback.last_rep is not None:
                # the fallback's rep that showed it moves (while the angle did not) counts
                last = self.fallback.last_rep
                fb_reps = [*([last] if time_ms - last.end_ms <= FLAT_MS else []), *fb_reps]
        if self.present:
            self.frames += 1
            self.fallback_frames += self.using_fallback
            for issue in issues:
                self.issue_frames[issue] = self.issue_frames.get(issue, 0) + 1
        self.issues, self.fallback_missing = issues, fb_missing
        events = []
        for rep in fb_reps if self.using_fallback else reps:
            if rep.far_ms > self._last_end:
                self.count += 1
                self._last_end = rep.end_ms
                events.append(RepEvent(ex.name, self.count, rep.start_ms, rep.end_ms, rep.range))
        return events

    def _rate(self, usable: bool, time_ms: float) -> None:
        dt = 0.0 if self._last_pose is None else max(0.0, time_ms - self._last_pose)
        self._last_pose = time_ms
        a = 1.0 - math.exp(-dt / OK_TAU_MS) if dt else 0.0
        self.ok += a * ((1.0 if usable else 0.0) - self.ok)

    def _choose(self, fallback_read: bool, time_ms: float) -> None:
        fb = self.fallback
        assert fb is not None
        # flat: no range of the angle's own (turning points) and no movement lately
        primary_flat = self.primary.range.extremes() is None and (
            self.primary.span < self.primary.min_range
        )
        flat = primary_flat and fb.span >= fb.min_range
        if not flat:
            self._flat_since = None
        elif self._flat_since is None:
            self._flat_since = time_ms
        long_flat = flat and time_ms - (self._flat_since or time_ms) >= FLAT_MS
        if not self.using_fallback:
            self.using_fallback = fallback_read and (self.ok < SWITCH_TO or long_flat)
        elif self.ok > SWITCH_BACK and not primary_flat:  # the angle is read and moves
            self.using_fallback = False

    def diagnostics(self) -> dict:
        """The counter's state in words and numbers (rep_diagnostics.describe)."""
        ex = self.exercise
        counter = self.active
        fb = self.fallback_signal if self.using_fallback else None
        if fb is not None:
            signal, unit = fb.label, "% torso"
        else:
            signal, unit = f"{ex.space} {' + '.join(ex.angles)} ({ex.combine})", "deg"
        return describe(
            signal=signal,
            fallback=fb is not None,
            unit=unit,
            decreasing=counter.decreasing,
            value=counter.signal,
            extremes=counter.range.extremes_values(),
            thresholds=counter.thresholds,
            min_range=counter.min_range,
            span=counter.span,
            state=counter.state,
            present=self.present,
            issues=self.issues,
            fallback_missing=self.fallback_missing,
        )

    def summary(self) -> dict:
        """Over all frames so far: frames with a pose, on the fallback, and per issue."""
        return {
            "frames_with_pose": self.frames,
            "frames_on_fallback": self.fallback_frames,
            "issue_frames": dict(sorted(self.issue_frames.items(), key=lambda kv: -kv[1])),
        }

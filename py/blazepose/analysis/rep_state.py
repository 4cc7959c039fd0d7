"""One rep signal's counter: a median filter, the hysteresis state machine and the range
the person moves through (rep_range), time based so dropped frames do not matter.

One rep: the signal starts at the start position (past `up`), reaches the far end of the
movement (past `down`) and comes back past `up`. The gap between the two thresholds is the
hysteresis: jitter around either one cannot count a rep, and a movement that turns back
before `down` (a partial rep) is not counted. "down" is the far end of the movement
whichever way the signal goes there: the bottom of a squat (knee angle small) or the top of
a jumping jack (shoulder angle large).

The thresholds are the preset's or, where the person's range does not span those, relative
to that range (rep_range.RangeTracker.thresholds). The range is read from a smoothed signal
(SMOOTH_MS), and adaptive thresholds count on it, so landmark noise sets no range; the
preset's thresholds count on the median, as they were tuned. When the thresholds first
become adaptive the state is resynchronised from the last two turning points, so the rep
that revealed the range counts if it went from a start extreme past the new `up` to a far
extreme past the new `down` (a set whose signal never crossed the fixed thresholds loses no
rep).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .rep_range import FAR, START, RangeTracker, Thresholds

# No signal for longer than this (ms) = the person left: a rep in progress is dropped. Longer
# than a blink of the tracker (a few lost frames, a limb briefly hidden at the bottom of a
# rep), shorter than the time to walk out and back in.
LEAVE_MS = 1000.0
# A rep quicker than this (start position -> far end -> start position) is a glitch: the
# fastest preset movement (a jumping jack) takes ~0.6-1 s a rep.
MIN_REP_MS = 300.0
# Median over this many signal values: one outlier frame cannot cross a threshold.
MEDIAN_WINDOW = 3
# The movement envelope (`span`) forgets at this fraction of the minimum range a second.
ENVELOPE_DECAY = 1.0 / 8.0
# Time constant (ms) of the smoothed signal the range is read from (and adaptive thresholds
# count on): per-frame landmark noise averages out (its amplitude to about a third at 30 fps),
# a rep (0.5-1 Hz) keeps 75-90 % of its range.
SMOOTH_MS = 150.0

# Counter states.
WAITING = "waiting"  # no signal yet, or the person left: waiting for the start position
UP = "up"  # in the start position (past `up`)
GOING_DOWN = "going_down"  # left the start position, not yet at the far end
DOWN = "down"  # past `down`: the far end of the movement
COMING_UP = "coming_up"  # was past `down`, on the way back (the rep counts at `up`)
STATES = (WAITING, UP, GOING_DOWN, DOWN, COMING_UP)


@dataclass(frozen=True)
class Rep:
    """One rep of one signal: times (ms) and the signal's range over it."""

    start_ms: float  # last time in the start position before the rep
    far_ms: float  # when it was furthest towards the far end
    end_ms: float  # back in the start position
    range: float  # max - min of the signal over the rep


class SignalCounter:
    """Counts reps of one signal (values in any unit; `up`/`down` None: adaptive only)."""

    def __init__(
        self, decreasing: bool, min_range: float, up: float | None, down: float | None
    ) -> None:
        self.decreasing = decreasing
        self.min_range = min_range
        self.fixed = (up, down)
        self.range = RangeTracker(decreasing, min_range)
        self.reset()

    def reset(self) -> None:
        self.state = WAITING
        self.signal: float | None = None  # the filtered signal of the last frame with one
        self.smooth: float | None = None  # `signal` smoothed (SMOOTH_MS)
        self.thresholds: Thresholds = self.range.thresholds(*self.fixed)
        self._window: list[float] = []
        self._last_seen: float | None = None  # time of the last frame with a signal
        self._start_ms = self._far_ms = 0.0
        self._low = self._high = 0.0
        self._env: tuple[float, float] | None = None  # (low, high), decaying
        self.last_end = float("-inf")  # end of the last rep counted
        self.last_rep: Rep | None = None

    def reset_all(self) -> None:
        """reset() and forget the person's range."""
        self.range = RangeTracker(self.decreasing, self.min_range)
        self.reset()

    @property
    def span(self) -> float:
        """How far the signal moved over the last few seconds (decaying envelope)."""
        return 0.0 if self._env is None else self._env[1] - self._env[0]

    def _leave(self) -> None:
        self.state = WAITING
        self._window.clear()
        self.signal = self.smooth = None
        self.range.restart()

    def update(self, raw: float | None, time_ms: float) -> list[Rep]:
        """One frame's raw signal (None: none) at `time_ms`; the reps it completes."""
        if self._last_seen is not None and time_ms - self._last_seen > LEAVE_MS:
            self._leave()
        if raw is None:
            return []
        dt = 0.0 if self._last_seen is None else time_ms - self._last_seen
        self._last_seen = time_ms
        window = self._window
        window.append(raw)
        if len(window) > MEDIAN_WINDOW:
            del window[0]
        value = sorted(window)[len(window) // 2] if len(window) == MEDIAN_WINDOW else raw
        self.signal = value
        smooth = self.smooth
        if smooth is None or dt <= 0.0:
            smooth = value
        else:
            smooth += (1.0 - math.exp(-dt / SMOOTH_MS)) * (value - smooth)
        self.smooth = smooth
        self._envelope(smooth, dt)
        if self.range.update(smooth, time_ms):
            before = self.thresholds.mode
            self.thresholds = self.range.thresholds(*self.fixed)
            adaptive = self.thresholds.mode == "adaptive"
            if adaptive and (before != "adaptive" or self.state == WAITING):
                self._resync(smooth)
        return self._step(value if self.thresholds.mode == "preset" else smooth, time_ms)

    def _envelope(self, value: float, dt: float) -> None:
        if self._env is None:
            self._env = (value, value)
            return
        decay = self.min_range * ENVELOPE_DECAY * dt / 1000.0
        low, high = self._env
        self._env = (min(value, low + decay), max(value, high - decay))

    def _at(self, value: float) -> tuple[bool, bool]:
        """(past `up`, past `down`) under the thresholds in force."""
        up, down = self.thresholds.up, self.thresholds.down
        if up is None or down is None:
            return False, False
        if self.decreasing:
            return value >= up, value <= down
        return value <= up, value >= down

    def _step(self, value: float, time_ms: float) -> list[Rep]:
        at_up, at_down = self._at(value)
        state = self.state
        if state in (WAITING, UP):
            if at_up:
                self.state = UP
                self._start_ms = self._far_ms = time_ms
                self._low = self._high = value
            elif state == UP:
                self.state = DOWN if at_down else GOING_DOWN
                self._track(value, time_ms)
            return []
        self._track(value, time_ms)
        if at_up:
            rep = None
            if state in (DOWN, COMING_UP) and time_ms - self._start_ms >= MIN_REP_MS:
                span = self._high - self._low
                rep = Rep(self._start_ms, self._far_ms, time_ms, span)
                self.last_end, self.last_rep = time_ms, rep
            self.state = UP
            self._start_ms = self._far_ms = time_ms
            self._low = self._high = value
            return [rep] if rep else []
        if at_down:
            self.state = DOWN
        elif state == DOWN:
            self.state = COMING_UP
        return []

    def _track(self, value: float, time_ms: float) -> None:
        if value < self._low:
            self._low = value
        elif value > self._high:
            self._high = value
        far = self._low if self.decreasing else self._high
        if value == far:
            self._far_ms = time_ms

    def _resync(self, value: float) -> None:
        """The state the new thresholds imply, from the last two turning points."""
        if self.state in (DOWN, COMING_UP):
            return
        at_up, at_down = self._at(value)
        last = self.range.last
        sign = self.range.sign
        if len(last) == 2 and last[0][0] == START and last[1][0] == FAR:
            (_, s, ts), (_, f, tf) = last
            ok_start, _ = self._at(s * sign)
            _, ok_far = self._at(f * sign)
            if ok_start and ok_far and ts > self.last_end:
                self.state = DOWN if at_down else COMING_UP
                self._start_ms, self._far_ms = ts, tf
                values = (s * sign, f * sign, value)
                self._low, self._high = min(values), max(values)
                return
        if at_up:
            self.state = UP
            self._start_ms, self._low, self._high = self._last_seen or 0.0, value, value

"""The range a person actually moves through, from one rep signal, and thresholds relative
to it (rep_counter's adaptive counting).

Turning points (a zigzag): the filtered signal's local extremes, each confirmed once the
signal has come back from it by SWING x the signal's minimum range, so jitter of a smaller
peak-to-peak amplitude makes no turning point and never sets thresholds. The person's
start-side and far-side extremes are the medians of the last KEEP confirmed turning points
of each side, so one glitch, one partial rep or one extra-deep rep does not move them. A
range smaller than the signal's minimum range (degrees for angles) is no range at all.

Thresholds (Thresholds.mode):
- "preset": the preset's fixed thresholds, while no range is known, while the person's range
  spans them with SPAN_MARGIN of it to spare at each end (the case the presets were tuned
  for: unchanged counting), and while the person reaches the start position the preset
  expects and moves through a range that is not compressed (more than COMPRESSED x the
  preset's gap) but falls short of `down`: those are partial reps, not a different view;
- "adaptive": otherwise, i.e. a view or equipment that offsets the signal (the start
  position is not where the preset expects it) or compresses it (a narrow range):
  MARGIN of the range in from each extreme, so a rep must cover at least 1 - 2 x MARGIN of
  the person's usual range;
- "none": a signal without fixed thresholds (a fallback) and no range yet.

Everything is in "depth": the signal times `sign`, so that larger is always further towards
the far end of the movement whichever way the angle goes.
"""

from __future__ import annotations

from dataclasses import dataclass

KEEP = 5  # turning points kept per side (their median is the extreme)
SWING = 1.0  # a turning point is confirmed by a return of this x the minimum range
MARGIN = 0.25  # adaptive thresholds: this fraction of the range in from each extreme
SPAN_MARGIN = 0.1  # the preset's thresholds stay while inside the range by this fraction
# A range narrower than this x the preset's own gap (|up - down|) is compressed by the view.
COMPRESSED = 1.3
# The first value seen (of a track, or after the person left) is an extreme only if the signal
# stayed near it (within a quarter of the swing) for ENTRY_MS, or the extreme came later than
# ENTRY_MIN_MS after it: otherwise a clip (or the person) came in mid-movement there.
ENTRY_MS = 300.0
ENTRY_MIN_MS = 60.0

START, FAR = "start", "far"  # turning point kinds: start-side and far-side extremes


@dataclass(frozen=True)
class Thresholds:
    """`up` and `down` in the signal's own values (None: cannot count yet)."""

    up: float | None
    down: float | None
    mode: str  # "preset", "adaptive" or "none"


def _median(values: list[float]) -> float:
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


class RangeTracker:
    """Turning points of one signal and the thresholds they imply."""

    def __init__(self, decreasing: bool, min_range: float) -> None:
        self.sign = -1.0 if decreasing else 1.0
        self.min_range = min_range
        self.starts: list[float] = []  # depths of the last KEEP start-side turning points
        self.fars: list[float] = []
        self.last: list[tuple[str, float, float]] = []  # last 2 points: (kind, depth, time)
        self.restart()

    def restart(self) -> None:
        """Forgets the movement in progress (the person left); the extremes stay."""
        self._dir = 0  # +1 moving towards the far end, -1 back, 0 not known yet
        self._entry: tuple[float, float] | None = None  # (depth, time) of the first value
        self._stayed = False  # the signal stayed near the first value for ENTRY_MS
        self._left = False  # ... or it left it before
        self._max: tuple[float, float] | None = None  # (depth, time) candidates
        self._min: tuple[float, float] | None = None

    def _confirm(self, kind: str, point: tuple[float, float]) -> None:
        side = self.starts if kind == START else self.fars
        side.append(point[0])
        if len(side) > KEEP:
            del side[0]
        self.last = [*self.last[-1:], (kind, point[0], point[1])]

    def update(self, value: float, time_ms: float) -> bool:
        """One filtered value; True when it confirms a turning point."""
        d = value * self.sign
        swing = SWING * self.min_range
        hi, lo = self._max, self._min
        if hi is None or lo is None:
            self._max = self._min = (d, time_ms)
            self._entry, self._stayed, self._left = (d, time_ms), False, False
            return False
        entry_d, start_t = self._entry or (d, time_ms)
        if self._dir == 0 and not (self._stayed or self._left):
            if abs(d - entry_d) > swing / 4:
                self._left = True
            elif time_ms - start_t >= ENTRY_MS:
                self._stayed = True
        at_entry = self._dir == 0 and not self._stayed
        if self._dir >= 0 and d > hi[0]:
            self._max = hi = (d, time_ms)
        if self._dir <= 0 and d < lo[0]:
            self._min = lo = (d, time_ms)
        if self._dir >= 0 and hi[0] - d >= swing:  # came back from a far-side extreme
            turned = not at_entry or hi[1] - start_t >= ENTRY_MIN_MS
            if turned:
                self._confirm(FAR, hi)
            self._dir, self._min = -1, (d, time_ms)
            return turned
        if self._dir <= 0 and d - lo[0] >= swing:  # left a start-side extreme
            turned = not at_entry or lo[1] - start_t >= ENTRY_MIN_MS
            if turned:
                self._confirm(START, lo)
            self._dir, self._max = 1, (d, time_ms)
            return turned
        return False

    def extremes(self) -> tuple[float, float] | None:
        """(start-side, far-side) extremes in depth, or None without a range."""
        if not self.starts or not self.fars:
            return None
        start, far = _median(self.starts), _median(self.fars)
        return (start, far) if far - start >= self.min_range else None

    def extremes_values(self) -> tuple[float, float] | None:
        """The extremes in the signal's own values: (start-side, far-side)."""
        ext = self.extremes()
        return None if ext is None else (ext[0] * self.sign, ext[1] * self.sign)

    def thresholds(self, up: float | None, down: float | None) -> Thresholds:
        """The thresholds in force, given the preset's fixed ones (None: it has none)."""
        ext = self.extremes()
        fixed = up is not None and down is not None
        if ext is None:
            return Thresholds(up, down, "preset") if fixed else Thresholds(None, None, "none")
        start, far = ext
        span = far - start
        if fixed:
            u, d = up * self.sign, down * self.sign
            start_ok = start + SPAN_MARGIN * span <= u
            far_ok = far - SPAN_MARGIN * span >= d
            compressed = span < COMPRESSED * abs(d - u)
            if start_ok and (far_ok or not compressed):
                return Thresholds(up, down, "preset")
        m = MARGIN * span
        return Thresholds((start + m) * self.sign, (far - m) * self.sign, "adaptive")

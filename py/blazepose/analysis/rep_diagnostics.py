"""Why a rep counter counts or does not: its state as plain numbers and one short line of
text (the page shows the line under the count; the CLI writes the dict into "reps")."""

from __future__ import annotations

from collections.abc import Sequence

from .rep_range import Thresholds


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _fmt(value: float, unit: str) -> str:
    return f"{value:.0f}°" if unit == "deg" else f"{value:.0f}% torso"


def describe(
    *,
    signal: str,
    fallback: bool,
    unit: str,
    decreasing: bool,
    value: float | None,
    extremes: tuple[float, float] | None,
    thresholds: Thresholds,
    min_range: float,
    span: float,
    state: str,
    present: bool,
    issues: Sequence[str],
    fallback_missing: Sequence[str] = (),
) -> dict:
    """`{signal, fallback, unit, value, range, up, down, mode, state, missing, reason}`:
    range = the person's [start-side, far-side] extremes (None: not known yet), up/down the
    thresholds in force (mode "preset", "adaptive" or "none"), missing what the preset's
    angle (`issues`) and, on the fallback, the fallback lack in this frame, reason the line
    of text."""
    missing = list(dict.fromkeys([*issues, *(fallback_missing if fallback else ())]))
    up, down = thresholds.up, thresholds.down
    start_op = "≥" if decreasing else "≤"
    far_op = "≤" if decreasing else "≥"
    name = f"{signal} (fallback)" if fallback else signal
    if not present:
        reason = "no person in view"
    elif value is None:
        reason = f"no {signal}: " + ", ".join(missing[:3]) if missing else f"no {signal}"
    elif up is None or down is None:
        reason = (
            f"{name}: learning the range, moved {_fmt(span, unit)} "
            f"of the {_fmt(min_range, unit)} needed"
        )
    elif state == "waiting":
        reason = (
            f"waiting for the start position: {_fmt(value, unit)}, "
            f"needs {start_op} {_fmt(up, unit)}"
        )
    elif state == "up":
        reason = f"start position; the far end at {far_op} {_fmt(down, unit)}"
    elif state == "going_down":
        reason = f"going: {_fmt(value, unit)}, the far end at {far_op} {_fmt(down, unit)}"
    else:
        reason = f"far end reached; counts back at {start_op} {_fmt(up, unit)}"
    if present and value is not None and up is not None and thresholds.mode == "adaptive":
        reason += " (adapted to your range)"
    if fallback and present and value is not None:
        why = issues[0] if issues else "the angle barely moves"
        reason = f"{why}, counting on {signal}: {reason}"
    return {
        "signal": signal,
        "fallback": fallback,
        "unit": unit,
        "value": _num(value),
        "range": None if extremes is None else [_num(extremes[0]), _num(extremes[1])],
        "up": _num(up),
        "down": _num(down),
        "mode": thresholds.mode,
        "state": state,
        "missing": missing,
        "reason": reason,
    }

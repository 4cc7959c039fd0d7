"""What a preset's angle signal lacks in a frame, and the fallback signals a preset counts
on where its angle is unreliable for the view.

- `angle_issues`: the preset's angles that cannot be read ("left knee not visible": its
  landmarks below the visibility threshold) or should not be trusted ("left forearm points
  at the camera": a limb segment more than ~70 degrees out of the image plane, where both the
  image angle and BlazePose's depth-estimated world angle are least reliable).
- Fallback signals: positions rather than angles, from the world landmarks (metres,
  hip-centred, y down, camera-aligned), in percent of the torso length (mid-hip to
  mid-shoulder), so they do not depend on the person's size or distance: hip height over
  the ankles (squat, lunge), wrists below the shoulders (push-up), wrists above the shoulders
  (jumping jack), wrist-to-shoulder distance (bicep curl), shoulders above the hips (sit-up).
  Each is a mean over the visible sides (min for the curl: one arm curling counts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .. import constants as C
from .joint_angles import ANGLES

L_SH, R_SH, L_WR, R_WR = 11, 12, 15, 16
L_HIP, R_HIP, L_ANK, R_ANK = 23, 24, 27, 28
# A limb segment whose image-plane length is below this fraction of its 3D length points at
# the camera (~70 degrees or more out of the image plane).
FORESHORTENED = 0.34

# Limb segments by their end landmarks (either order), for the messages.
SEGMENTS = {
    frozenset(p): name
    for p, name in (
        ((11, 13), "left upper arm"), ((12, 14), "right upper arm"),
        ((13, 15), "left forearm"), ((14, 16), "right forearm"),
        ((11, 23), "left torso side"), ((12, 24), "right torso side"),
        ((23, 25), "left thigh"), ((24, 26), "right thigh"),
        ((25, 27), "left shin"), ((26, 28), "right shin"),
        ((27, 31), "left foot"), ((28, 32), "right foot"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Fallback:
    """A signal a preset counts on where its angle is unreliable; values in % torso."""

    name: str
    label: str
    decreasing: bool  # smaller towards the far end of the movement
    min_range: float  # % torso: a smaller range of movement is noise
    needs: tuple[tuple[int, ...], ...]  # landmark groups: at least one of each visible
    why: str


# fmt: off
FALLBACKS: dict[str, Fallback] = {f.name: f for f in (
    Fallback("hip_height", "hip height", True, 25.0, ((L_HIP, R_HIP), (L_ANK, R_ANK)),
             "hips over the ankles: ~170% of the torso standing, ~90% at the bottom"),
    Fallback("shoulder_height", "shoulder height", True, 20.0,
             ((L_SH, R_SH), (L_WR, R_WR), (L_HIP, R_HIP)),
             "shoulders over the wrists: ~110% of the torso arms extended, ~40% at the bottom"),
    Fallback("wrist_height", "wrist height", False, 40.0,
             ((L_SH, R_SH), (L_WR, R_WR), (L_HIP, R_HIP)),
             "wrists over the shoulders: ~-110% of the torso arms down, ~+100% overhead"),
    Fallback("wrist_to_shoulder", "wrist to shoulder", True, 25.0,
             ((L_SH, R_SH), (L_WR, R_WR), (L_HIP, R_HIP)),
             "wrist-shoulder distance: ~110% of the torso arm hanging, ~30% curled"),
    Fallback("torso_rise", "torso rise", False, 25.0, ((L_SH, R_SH), (L_HIP, R_HIP)),
             "shoulders over the hips: ~0% of the torso lying (less on a decline), ~80% up"),
)}
# fmt: on


def _name(i: int) -> str:
    return C.LANDMARK_NAMES[i].replace("_", " ")


def visibility(
    landmarks: Sequence[Sequence[float]], threshold: float = C.VISIBILITY_THRESHOLD
) -> list[bool]:
    return [lm[3] >= threshold for lm in landmarks]


def angle_issues(
    names: Sequence[str],
    values: Mapping[str, float | None],
    visible: Sequence[bool] | None,
    world: Sequence[Sequence[float]] | None,
) -> tuple[list[str], bool]:
    """(issues, usable) of a preset's angles in one frame: usable when one of them is read
    and none of its segments points at the camera."""
    issues: list[str] = []
    usable = False
    for name in names:
        idx = ANGLES[name]
        if values.get(name) is None:
            if visible is not None:
                issues += [f"{_name(i)} not visible" for i in idx if not visible[i]]
            continue
        bad = [] if world is None else _foreshortened(world, idx)
        issues += [f"{seg} points at the camera" for seg in bad]
        usable = usable or not bad
    return list(dict.fromkeys(issues)), usable


def _foreshortened(world: Sequence[Sequence[float]], idx: tuple[int, ...]) -> list[str]:
    a, v, c = idx
    out = []
    for end in (a, c):
        p, q = world[end], world[v]
        dx, dy, dz = p[0] - q[0], p[1] - q[1], p[2] - q[2]
        full = dx * dx + dy * dy + dz * dz
        if full > 0.0 and dx * dx + dy * dy < FORESHORTENED * FORESHORTENED * full:
            out.append(SEGMENTS.get(frozenset((end, v)), f"{_name(v)} - {_name(end)}"))
    return out


def _mean(world: Sequence[Sequence[float]], visible: Sequence[bool], pair: tuple[int, ...]):
    pts = [world[i] for i in pair if visible[i]]
    if not pts:
        return None
    n = len(pts)
    return (sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n, sum(p[2] for p in pts) / n)


def fallback_value(
    fallback: Fallback, visible: Sequence[bool], world: Sequence[Sequence[float]] | None
) -> tuple[float | None, list[str]]:
    """(value in % torso or None, what is missing) of `fallback` in one frame."""
    missing = [
        f"{_name(i)} not visible"
        for group in fallback.needs
        if not any(visible[i] for i in group)
        for i in group
    ]
    if world is None:
        return None, [*missing, "no world landmarks"]
    if missing:
        return None, missing
    sh, hip = _mean(world, visible, (L_SH, R_SH)), _mean(world, visible, (L_HIP, R_HIP))
    torso = math.dist(sh, hip) if sh and hip else 0.0
    if torso == 0.0:
        return None, ["torso not visible"]
    name = fallback.name
    if name == "wrist_to_shoulder":
        sides = [(L_SH, L_WR), (R_SH, R_WR)]
        d = [math.dist(world[s][:3], world[w][:3]) for s, w in sides if visible[s] and visible[w]]
        return (min(d) / torso * 100.0, []) if d else (None, ["no arm fully visible"])
    if name == "hip_height":
        top, bottom = hip, _mean(world, visible, (L_ANK, R_ANK))
    elif name == "shoulder_height":
        top, bottom = sh, _mean(world, visible, (L_WR, R_WR))
    elif name == "wrist_height":
        top, bottom = _mean(world, visible, (L_WR, R_WR)), sh
    else:  # torso_rise
        top, bottom = sh, hip
    return (bottom[1] - top[1]) / torso * 100.0, []  # y down: bottom - top is the height

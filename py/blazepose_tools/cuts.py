"""Measures for tracks through hard cuts and past other people: frames to re-acquire after a
cut, and identity switches between people.

A pose here is 33 rows [x, y, ...] normalised to the frame, or None for a frame without one.
Its position is the torso centre (mean of shoulders and hips) and its size the torso
diagonal of blazepose_tools.pck, both in pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from blazepose_tools.pck import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER, torso_size_px

Pose = Sequence[Sequence[float]] | None
TORSO = (LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP)
# A pose is on the target when its torso centre is within this many torso sizes of it.
SAME_PLACE = 0.5
# Largest torso-centre move per frame, in torso sizes, that still counts as the same person.
JUMP = 1.0


def torso_centre(pose: Sequence[Sequence[float]], width: int, height: int) -> tuple[float, float]:
    x = sum(pose[i][0] for i in TORSO) / len(TORSO)
    y = sum(pose[i][1] for i in TORSO) / len(TORSO)
    return x * width, y * height


def on_target(pose: Pose, target: Pose, width: int, height: int) -> bool:
    """True when `pose` sits on the person of `target` (torso centres within SAME_PLACE)."""
    if pose is None or target is None:
        return False
    limit = SAME_PLACE * torso_size_px(target, width, height)
    return math.dist(torso_centre(pose, width, height), torso_centre(target, width, height)) < limit


def segments(cuts: Sequence[int], frames: int) -> list[range]:
    """Frame ranges between cuts (`cuts` = first frame of every segment)."""
    ends = [*cuts[1:], frames]
    return [range(first, end) for first, end in zip(cuts, ends, strict=True)]


def frames_to_reacquire(
    poses: Sequence[Pose], cuts: Sequence[int], targets: Sequence[Pose], width: int, height: int
) -> list[int | None]:
    """Per segment: frames from its cut to the first pose on the segment's target person
    (`targets[k]`, e.g. the pose at the segment's last frame); None when it never gets there
    or the target is None."""
    counts: list[int | None] = []
    for span, target in zip(segments(cuts, len(poses)), targets, strict=True):
        found = next(
            (i - span.start for i in span if on_target(poses[i], target, width, height)), None
        )
        counts.append(found)
    return counts


def last_poses(poses: Sequence[Pose], cuts: Sequence[int]) -> list[Pose]:
    """Each segment's pose on its last frame: where the tracker settled."""
    return [poses[span[-1]] for span in segments(cuts, len(poses))]


def identity_switches(poses: Sequence[Pose], sizes: Sequence[tuple[int, int]]) -> list[int]:
    """Frames where the track jumps to someone else: the torso centre moves more than
    JUMP torso sizes (of the earlier pose) from the last pose, per frame elapsed, so a track
    re-acquired after k frames without a pose may have moved up to (k + 1) x JUMP. A person
    at 30 fps moves far less than a torso size a frame; two people apart by more do not pass
    for one."""
    switches: list[int] = []
    last: tuple[int, Sequence[Sequence[float]]] | None = None
    for index, pose in enumerate(poses):
        if pose is None:
            continue
        if last is not None:
            last_index, last_pose = last
            width, height = sizes[index]
            limit = JUMP * (index - last_index) * torso_size_px(last_pose, width, height)
            moved = math.dist(
                torso_centre(pose, width, height), torso_centre(last_pose, width, height)
            )
            if moved > limit:
                switches.append(index)
        last = (index, pose)
    return switches

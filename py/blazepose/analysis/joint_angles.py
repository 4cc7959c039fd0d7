"""Named joint angles of one pose, in the image plane and in 3D, gated by visibility.

An angle at a joint is the angle between the two limb segments that meet there (vertex -> a
and vertex -> c), 0..180 degrees: a straight knee is ~180, a fully bent one approaches 0.
`trunk_lean` is the angle between mid-hip -> mid-shoulder and straight up (0 = upright,
90 = lying).

- "image": landmarks in pixels (x * image_w, y * image_h), so a non-square frame is not
  distorted; the angle of the joint as the camera sees it (foreshortened when the limb
  points at the camera).
- "world": the world landmarks (metres, hip-centred, y down), the angle in 3D.

An angle whose landmarks are not all visible (visibility >= constants.VISIBILITY_THRESHOLD,
MediaPipe's drawing threshold) is None, not a guess. World landmarks share the image
landmarks' visibility (MediaPipe copies it: VisibilityCopyCalculator in
pose_landmark_cpu.pbtxt), so both spaces are gated by the image landmarks' visibility.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .. import constants as C

# Landmark indices (constants.LANDMARK_NAMES).
NOSE = 0
L_SHOULDER, R_SHOULDER = 11, 12
L_ELBOW, R_ELBOW = 13, 14
L_WRIST, R_WRIST = 15, 16
L_HIP, R_HIP = 23, 24
L_KNEE, R_KNEE = 25, 26
L_ANKLE, R_ANKLE = 27, 28
L_FOOT, R_FOOT = 31, 32  # foot_index (toe tip)

TRUNK_LEAN = "trunk_lean"
# name -> (a, vertex, c): the angle at `vertex` between vertex->a and vertex->c.
# trunk_lean -> (left_shoulder, right_shoulder, left_hip, right_hip): the angle of
# mid-hip -> mid-shoulder from straight up.
ANGLES: dict[str, tuple[int, ...]] = {
    "left_elbow": (L_SHOULDER, L_ELBOW, L_WRIST),  # upper arm vs forearm
    "right_elbow": (R_SHOULDER, R_ELBOW, R_WRIST),
    "left_shoulder": (L_ELBOW, L_SHOULDER, L_HIP),  # upper arm vs torso side (0 = arm down)
    "right_shoulder": (R_ELBOW, R_SHOULDER, R_HIP),
    "left_hip": (L_SHOULDER, L_HIP, L_KNEE),  # torso side vs thigh (180 = standing)
    "right_hip": (R_SHOULDER, R_HIP, R_KNEE),
    "left_knee": (L_HIP, L_KNEE, L_ANKLE),  # thigh vs shin (180 = straight)
    "right_knee": (R_HIP, R_KNEE, R_ANKLE),
    "left_ankle": (L_KNEE, L_ANKLE, L_FOOT),  # shin vs foot (~90-120 standing)
    "right_ankle": (R_KNEE, R_ANKLE, R_FOOT),
    TRUNK_LEAN: (L_SHOULDER, R_SHOULDER, L_HIP, R_HIP),
}
ANGLE_NAMES: tuple[str, ...] = tuple(ANGLES)
SPACES = ("image", "world")

_JOINTS = [(name, idx) for name, idx in ANGLES.items() if name != TRUNK_LEAN]
_RAD_TO_DEG = 180.0 / math.pi
_USED = sorted({i for idx in ANGLES.values() for i in idx})


def angle_at(a: Sequence[float], vertex: Sequence[float], c: Sequence[float]) -> float | None:
    """Angle in degrees at `vertex` between vertex->a and vertex->c (2D or 3D points, all of
    the same length); None when a segment has zero length."""
    u = [p - q for p, q in zip(a, vertex, strict=True)]
    v = [p - q for p, q in zip(c, vertex, strict=True)]
    nu, nv = math.hypot(*u), math.hypot(*v)
    if nu == 0.0 or nv == 0.0:
        return None
    cos = sum(p * q for p, q in zip(u, v, strict=True)) / (nu * nv)
    return math.acos(max(-1.0, min(1.0, cos))) * _RAD_TO_DEG


def lean_from_vertical(hip: Sequence[float], shoulder: Sequence[float]) -> float | None:
    """Angle in degrees between hip->shoulder and straight up (-y, y pointing down)."""
    d = [s - h for s, h in zip(shoulder, hip, strict=True)]
    norm = math.hypot(*d)
    if norm == 0.0:
        return None
    return math.acos(max(-1.0, min(1.0, -d[1] / norm))) * _RAD_TO_DEG


def _angle3(a: Sequence[float], b: Sequence[float], c: Sequence[float]) -> float | None:
    """angle_at for 3D points, unrolled (it runs 22 times a frame in the page)."""
    ux, uy, uz = a[0] - b[0], a[1] - b[1], a[2] - b[2]
    vx, vy, vz = c[0] - b[0], c[1] - b[1], c[2] - b[2]
    norms = math.sqrt((ux * ux + uy * uy + uz * uz) * (vx * vx + vy * vy + vz * vz))
    if norms == 0.0:
        return None
    cos = (ux * vx + uy * vy + uz * vz) / norms
    return math.acos(-1.0 if cos < -1.0 else 1.0 if cos > 1.0 else cos) * _RAD_TO_DEG


def _angles(points: Sequence[Sequence[float] | None], visible: Sequence[bool]) -> dict:
    out: dict[str, float | None] = {}
    for name, (a, b, c) in _JOINTS:
        if visible[a] and visible[b] and visible[c]:
            out[name] = _angle3(points[a], points[b], points[c])
        else:
            out[name] = None
    ls, rs, lh, rh = ANGLES[TRUNK_LEAN]
    if visible[ls] and visible[rs] and visible[lh] and visible[rh]:
        p, q, r, s = points[ls], points[rs], points[lh], points[rh]
        # hip -> shoulder = mid-shoulder - mid-hip
        d = ((p[0] + q[0] - r[0] - s[0]) * 0.5, (p[1] + q[1] - r[1] - s[1]) * 0.5,
             (p[2] + q[2] - r[2] - s[2]) * 0.5)  # fmt: skip
        out[TRUNK_LEAN] = lean_from_vertical((0.0, 0.0, 0.0), d)
    else:
        out[TRUNK_LEAN] = None
    return out


def empty_angles() -> dict[str, dict[str, float | None]]:
    """Every angle None, in both spaces (no pose)."""
    return {space: dict.fromkeys(ANGLE_NAMES) for space in SPACES}


def joint_angles(
    landmarks: Sequence[Sequence[float]] | None,
    world_landmarks: Sequence[Sequence[float]] | None,
    image_w: float,
    image_h: float,
    visibility_threshold: float = C.VISIBILITY_THRESHOLD,
) -> dict[str, dict[str, float | None]]:
    """`{"image": {name: degrees | None}, "world": {name: degrees | None}}` for every name
    of ANGLES. `landmarks`: 33 x (x, y, z, visibility, ...) image-normalised; their
    visibility gates both spaces. `world_landmarks`: 33 x (x, y, z, ...) metres."""
    if not landmarks:
        return empty_angles()
    visible = [lm[3] >= visibility_threshold for lm in landmarks]
    pixels: list = [None] * len(landmarks)
    for i in _USED:  # pixels (z = 0: the image plane)
        lm = landmarks[i]
        pixels[i] = (lm[0] * image_w, lm[1] * image_h, 0.0)
    result = {"image": _angles(pixels, visible)}
    if world_landmarks:
        result["world"] = _angles(world_landmarks, visible)
    else:
        result["world"] = dict.fromkeys(ANGLE_NAMES)
    return result

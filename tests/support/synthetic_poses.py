"""Synthetic exercise footage for tests: a plausible 33-landmark skeleton (3D forward
kinematics, perspective camera) driven through reps of each preset, with noise, glitches,
dropped frames, hidden limbs, partial reps, pauses, a person leaving and coming back.

    seq = exercise_sequence("squat", reps=8, seed=1)
    seq.truth                      # reps that must be counted
    for time_ms, pose in seq.frames:   # pose: SyntheticPose | None (no person)
        pose.landmarks             # 33 x (x, y, z, visibility, presence), image-normalised
        pose.world_landmarks       # 33 x (x, y, z, visibility), metres, hip-centred, y down
    seq.cli_frames()               # the same frames in the CLI's JSON form

Standard library only (the page and the real-clip tests reuse it).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

IMAGE_W, IMAGE_H = 640, 480
FOCAL_PX = 500.0  # a ~65 degree webcam at 640 px
DISTANCE_M = 3.5  # camera to the hips

# Segment lengths (m) of an adult ~1.75 m tall.
TORSO, SHOULDER_HALF, HIP_HALF = 0.50, 0.18, 0.11
UPPER_ARM, FOREARM, HAND = 0.29, 0.26, 0.07
THIGH, SHIN, FOOT = 0.44, 0.42, 0.17


def _add(*vs):
    return tuple(sum(c) for c in zip(*vs, strict=True))


def _mul(v, k):
    return tuple(c * k for c in v)


def _dot(a, b):
    return sum(p * q for p, q in zip(a, b, strict=True))


def _unit(v):
    n = math.sqrt(_dot(v, v))
    return _mul(v, 1.0 / n)


def _perp(v, ref, fallback):
    """`ref` without its component along unit `v`, normalised (fallback if ~parallel)."""
    p = _add(ref, _mul(v, -_dot(ref, v)))
    if _dot(p, p) < 0.04:
        p = _add(fallback, _mul(v, -_dot(fallback, v)))
    return _unit(p)


L, D, F = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, -1.0)  # person's left, down, forward


@dataclass(frozen=True)
class Joints:
    """A body pose in degrees (0 = standing, arms hanging)."""

    lean: float = 0.0  # torso forward from vertical (relative to the pelvis)
    arm_elev: tuple[float, float] = (8.0, 8.0)  # left, right: upper arm from hanging
    arm_plane: tuple[float, float] = (0.0, 0.0)  # 0 = raised forward, 90 = sideways
    elbow: tuple[float, float] = (8.0, 8.0)  # flexion (elbow angle = 180 - this)
    hip: tuple[float, float] = (0.0, 0.0)  # thigh forward flexion (negative: backward)
    hip_abd: tuple[float, float] = (0.0, 0.0)  # thigh sideways
    knee: tuple[float, float] = (2.0, 2.0)  # flexion (knee angle = 180 - this)
    root_pitch: float = 0.0  # whole body: 90 = prone (face down), -90 = on the back
    root_drop: float = 0.0  # hips lowered (m)


def _lerp(a, b, t):
    if isinstance(a, tuple):
        return tuple(_lerp(x, y, t) for x, y in zip(a, b, strict=True))
    return a + (b - a) * t


def blend(up: Joints, down: Joints, phase: float) -> Joints:
    return Joints(
        *(_lerp(getattr(up, f), getattr(down, f), phase) for f in Joints.__dataclass_fields__)
    )


def skeleton(j: Joints) -> list[tuple[float, float, float]]:
    """33 body-frame points (m), mid-hip at the origin, standing frame before root_pitch."""
    r = math.radians
    lean = r(j.lean)
    t = _add(_mul(D, -math.cos(lean)), _mul(F, math.sin(lean)))  # mid-hip -> mid-shoulder
    ft = _add(_mul(F, math.cos(lean)), _mul(D, math.sin(lean)))  # chest forward
    mid_sh = _mul(t, TORSO)
    p: list = [None] * 33
    head = _add(mid_sh, _mul(t, 0.22), _mul(ft, 0.03))
    p[0] = _add(head, _mul(ft, 0.10))
    for s, (inner, eye, outer, ear, mouth) in ((1, (1, 2, 3, 7, 9)), (-1, (4, 5, 6, 8, 10))):
        eye_c = _add(head, _mul(ft, 0.08), _mul(t, 0.03))
        p[inner] = _add(eye_c, _mul(L, s * 0.015))
        p[eye] = _add(eye_c, _mul(L, s * 0.032))
        p[outer] = _add(eye_c, _mul(L, s * 0.048))
        p[ear] = _add(head, _mul(L, s * 0.075))
        p[mouth] = _add(head, _mul(ft, 0.09), _mul(t, -0.045), _mul(L, s * 0.025))
    for k, s in enumerate((1, -1)):  # left, right
        sh = _add(mid_sh, _mul(L, s * SHOULDER_HALF))
        th, ph = r(j.arm_elev[k]), r(j.arm_plane[k])
        side = _add(_mul(ft, math.cos(ph)), _mul(L, s * math.sin(ph)))
        u = _unit(_add(_mul(t, -math.cos(th)), _mul(side, math.sin(th))))
        elbow = _add(sh, _mul(u, UPPER_ARM))
        b = _perp(u, ft, t)
        e = r(j.elbow[k])
        v = _add(_mul(u, math.cos(e)), _mul(b, math.sin(e)))
        wrist = _add(elbow, _mul(v, FOREARM))
        hand = _add(wrist, _mul(v, HAND))
        p[11 + k], p[13 + k], p[15 + k] = sh, elbow, wrist
        p[17 + k] = _add(hand, _mul(L, s * 0.02))  # pinky
        p[19 + k] = _add(hand, _mul(v, 0.02), _mul(L, -s * 0.01))  # index
        p[21 + k] = _add(wrist, _mul(v, 0.03), _mul(b, 0.03))  # thumb
        hip = _mul(L, s * HIP_HALF)
        h, ab = r(j.hip[k]), r(j.hip_abd[k])
        g = _add(_mul(D, math.cos(h)), _mul(F, math.sin(h)))
        g = _unit(_add(_mul(g, math.cos(ab)), _mul(L, s * math.sin(ab))))
        knee = _add(hip, _mul(g, THIGH))
        back = _perp(g, _mul(F, -1.0), D)
        kn = r(j.knee[k])
        shin = _add(_mul(g, math.cos(kn)), _mul(back, math.sin(kn)))
        ankle = _add(knee, _mul(shin, SHIN))
        fw = _perp(shin, F, _mul(D, -1.0))
        p[23 + k], p[25 + k], p[27 + k] = hip, knee, ankle
        p[29 + k] = _add(ankle, _mul(fw, -0.05), _mul(shin, 0.05))  # heel
        p[31 + k] = _add(ankle, _mul(fw, FOOT), _mul(shin, 0.04))  # foot index
    return p


def _rotate_x(v, angle):  # about the person's left-right axis (pitch)
    c, s = math.cos(angle), math.sin(angle)
    return (v[0], v[1] * c - v[2] * s, v[1] * s + v[2] * c)


def _rotate_y(v, angle):  # about the vertical (the camera's view of the person)
    c, s = math.cos(angle), math.sin(angle)
    return (v[0] * c + v[2] * s, v[1], -v[0] * s + v[2] * c)


@dataclass(frozen=True)
class SyntheticPose:
    landmarks: list  # 33 x (x, y, z, visibility, presence)
    world_landmarks: list  # 33 x (x, y, z, visibility)


LEFT_SIDE = {1, 2, 3, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31}


def _bent(j: Joints, degrees: float) -> Joints:
    """`j` with elbows and knees flexed up to `degrees` more (all of it when straight, none
    from 100 degrees of flexion on)."""

    def more(pair):
        return tuple(f + degrees * max(0.0, 1.0 - f / 100.0) for f in pair)

    fields = {f: getattr(j, f) for f in Joints.__dataclass_fields__}
    return Joints(**{**fields, "elbow": more(j.elbow), "knee": more(j.knee)})


def _placed(j: Joints, view_deg: float) -> list:
    return [_rotate_y(_rotate_x(q, math.radians(j.root_pitch)), math.radians(view_deg))
            for q in skeleton(j)]  # fmt: skip


def render(
    j: Joints,
    view_deg: float,
    rng: random.Random,
    noise: float = 1.0,
    hidden=frozenset(),
    world_bend: float = 0.0,
) -> SyntheticPose:
    """The pose seen by the camera from `view_deg` (0 = facing it, 90 = its left side
    towards the camera), with noise; `hidden` landmarks get a visibility below 0.5.
    `world_bend`: BlazePose's world landmarks show straight limbs bent (a standing knee or a
    hanging arm reads ~140-160 degrees in 3D where the image shows ~170-178, measured on the
    shared pose2sim and sports2d clips): the world landmarks get elbows and knees up to this
    much more flexed."""
    world = _placed(j, view_deg)
    world_pts = _placed(_bent(j, world_bend), view_deg) if world_bend else world
    far_left = world[11][2] - world[12][2] > 0.15  # left shoulder farther than the right
    far_right = world[12][2] - world[11][2] > 0.15
    landmarks, world_out = [], []
    root_y = j.root_drop + (0.5 if abs(j.root_pitch) > 45 else 0.0)
    for i, (x, y, z) in enumerate(world):
        far = far_left if i in LEFT_SIDE else (far_right and i not in LEFT_SIDE and i > 0)
        vis = rng.gauss(0.72, 0.12) if far else rng.gauss(0.97, 0.02)
        if i in hidden:
            vis = rng.uniform(0.05, 0.4)
        vis = min(1.0, max(0.0, vis))
        wn = 0.01 * noise
        wx, wy, wz = world_pts[i]
        world_out.append((wx + rng.gauss(0, wn), wy + rng.gauss(0, wn), wz + rng.gauss(0, wn), vis))
        zc = DISTANCE_M + z
        px = IMAGE_W / 2 + FOCAL_PX * x / zc
        py = IMAGE_H / 2 + FOCAL_PX * (y + root_y) / zc
        n = 0.003 * noise
        landmarks.append((
            px / IMAGE_W + rng.gauss(0, n),
            py / IMAGE_H + rng.gauss(0, n),
            FOCAL_PX * z / DISTANCE_M / IMAGE_W + rng.gauss(0, n),
            vis,
            min(1.0, vis + 0.02),
        ))  # fmt: skip
    return SyntheticPose(landmarks, world_out)


# Each preset: start ("up") and far-end ("down") joints, the camera's view, rep duration (s).
_ARMS_DOWN = {"arm_elev": (8.0, 8.0)}
PRESETS: dict[str, dict] = {
    "squat": {
        "up": Joints(),
        "down": Joints(lean=40.0, hip=(100.0, 100.0), knee=(105.0, 105.0),
                       arm_elev=(80.0, 80.0), root_drop=0.35),
        "view": 70.0, "rep_s": (1.4, 2.6),
    },
    "push_up": {
        "up": Joints(root_pitch=90.0, arm_elev=(80.0, 80.0), elbow=(5.0, 5.0)),
        "down": Joints(root_pitch=90.0, arm_elev=(35.0, 35.0), elbow=(95.0, 95.0),
                       root_drop=0.25),
        "view": 85.0, "rep_s": (1.2, 2.2),
    },
    "lunge": {
        "up": Joints(),
        "down": Joints(hip=(80.0, -20.0), knee=(90.0, 85.0), lean=5.0, root_drop=0.3),
        "view": 80.0, "rep_s": (1.6, 2.8),
    },
    "jumping_jack": {
        "up": Joints(arm_plane=(90.0, 90.0), arm_elev=(15.0, 15.0)),
        "down": Joints(arm_plane=(90.0, 90.0), arm_elev=(165.0, 165.0), hip_abd=(18.0, 18.0),
                       elbow=(15.0, 15.0)),
        "view": 10.0, "rep_s": (0.7, 1.1),
    },
    "bicep_curl": {
        "up": Joints(elbow=(10.0, 10.0)),
        "down": Joints(elbow=(130.0, 130.0), arm_elev=(15.0, 15.0)),
        "view": 30.0, "rep_s": (1.5, 2.5),
    },
    "sit_up": {
        "up": Joints(root_pitch=-90.0, hip=(45.0, 45.0), knee=(90.0, 90.0), lean=0.0),
        "down": Joints(root_pitch=-90.0, hip=(45.0, 45.0), knee=(90.0, 90.0), lean=80.0),
        "view": 80.0, "rep_s": (1.6, 2.8),
    },
}  # fmt: skip

# The landmarks each preset's signal needs (hidden briefly in a "hidden limbs" stretch).
SIGNAL_LANDMARKS = {
    "squat": (23, 24, 25, 26, 27, 28), "lunge": (23, 24, 25, 26, 27, 28),
    "push_up": (11, 12, 13, 14, 15, 16), "bicep_curl": (11, 12, 13, 14, 15, 16),
    "jumping_jack": (11, 12, 13, 14, 23, 24), "sit_up": (11, 12, 23, 24, 25, 26),
}  # fmt: skip


@dataclass
class Sequence:
    exercise: str
    frames: list = field(default_factory=list)  # (time_ms, SyntheticPose | None)
    truth: int = 0  # full reps, to be counted
    partial: int = 0  # partial reps and reps abandoned by leaving (not to be counted)
    image_w: int = IMAGE_W
    image_h: int = IMAGE_H

    def cli_frames(self) -> list[dict]:
        """The frames as the CLI's JSON "frames" (world landmarks x, y, z)."""
        out = []
        for i, (t, pose) in enumerate(self.frames):
            lms = [list(lm) for lm in pose.landmarks] if pose else None
            world = [list(w[:3]) for w in pose.world_landmarks] if pose else None
            out.append({"index": i, "time_ms": t, "landmarks": lms, "world_landmarks": world})
        return out


def _script(exercise: str, reps: int, rng: random.Random, events: bool):
    """Keyframes (time_ms, phase | None, hidden) and the counts: phase 0 = start position,
    1 = far end; None = nobody in view."""
    lo, hi = PRESETS[exercise]["rep_s"]
    keys: list = [(0.0, 0.0), (1000.0, 0.0)]
    truth = partial = 0

    def go(duration_ms, phase):
        keys.append((keys[-1][0] + duration_ms, phase))

    def rep(depth=1.0, hold_ms=0.0):
        d = rng.uniform(lo, hi) * 1000
        go(d / 2, depth)
        if hold_ms:
            go(hold_ms, depth)
        go(d / 2, 0.0)
        go(rng.uniform(0, 700), 0.0)

    specials = {}
    if events:
        specials = {1: "partial", 2: "pause_bottom", 3: "leave", 4: "partial",
                    5: "leave_mid_rep", 6: "pause_top"}  # fmt: skip
    for i in range(reps):
        special = specials.get(i)
        if special == "partial":
            rep(depth=rng.uniform(0.3, 0.45))
            partial += 1
        elif special == "pause_bottom":
            rep(hold_ms=1500)
            truth += 1
            continue
        elif special == "pause_top":
            go(3000, 0.0)
        elif special == "leave":
            keys.append((keys[-1][0] + 1, None))
            go(2500, None)
            keys.append((keys[-1][0] + 1, 0.0))
            go(800, 0.0)
        elif special == "leave_mid_rep":  # halfway down, leaves, back after 2 s standing
            go(rng.uniform(lo, hi) * 500, 1.0)
            keys.append((keys[-1][0] + 1, None))
            go(2000, None)
            keys.append((keys[-1][0] + 1, 0.0))
            go(800, 0.0)
            partial += 1
        rep()
        truth += 1
    go(1000, 0.0)
    if events:  # walks in at the far end, comes up, walks off: not a rep
        keys.append((keys[-1][0] + 1, None))
        go(1500, None)
        keys.append((keys[-1][0] + 1, 1.0))
        go(700, 1.0)
        go(900, 0.0)
        go(600, 0.0)
        partial += 1
    return keys, truth, partial


def _phase_at(keys, t):
    for (t0, p0), (t1, p1) in zip(keys, keys[1:], strict=False):
        if t0 <= t <= t1:
            if p0 is None or p1 is None:
                return None if p0 is None or t < t1 else p1
            u = (t - t0) / (t1 - t0) if t1 > t0 else 1.0
            return p0 + (p1 - p0) * (1 - math.cos(math.pi * u)) / 2  # smooth in and out
    return keys[-1][1]


def exercise_sequence(
    exercise: str,
    reps: int = 8,
    seed: int = 0,
    fps: float = 30.0,
    noise: float = 1.0,
    events: bool = True,
    drop_rate: float = 0.08,
    lost_rate: float = 0.02,
    glitch_rate: float = 0.01,
    view_deg: float | None = None,
    world_bend: float = 20.0,
    spec: dict | None = None,
    hidden: tuple[int, ...] = (),
) -> Sequence:
    """`reps` full reps of a preset (with `events`: plus partial reps, pauses at the bottom
    and top, leaving between reps and mid-rep, walking in at the far end), sampled at `fps`
    with frames dropped (`drop_rate`: never delivered, a time gap), lost (`lost_rate`: no
    pose), glitched (`glitch_rate`: one limb point jumps) and a stretch with the signal's
    limbs hidden (visibility < 0.5) for 300 ms. World landmarks show straight limbs
    `world_bend` degrees bent, like BlazePose's (render()). `spec`: the preset's "up",
    "down" and "view" (PRESETS) replaced by these; `hidden`: landmarks never
    visible."""
    rng = random.Random(seed)
    preset = {**PRESETS[exercise], **(spec or {})}
    view = preset["view"] if view_deg is None else view_deg
    keys, truth, partial = _script(exercise, reps, rng, events)
    seq = Sequence(exercise, truth=truth, partial=partial)
    end = keys[-1][0]
    hide_from = keys[len(keys) // 3][0] if events else -1.0
    t = 0.0
    while t <= end:
        phase = _phase_at(keys, t)
        if rng.random() < drop_rate:
            pass
        elif phase is None or rng.random() < lost_rate:
            seq.frames.append((t, None))
        else:
            hide = SIGNAL_LANDMARKS[exercise] if hide_from <= t < hide_from + 300 else ()
            hide = (*hide, *hidden)
            joints = blend(preset["up"], preset["down"], phase)
            pose = render(joints, view, rng, noise, frozenset(hide), world_bend)
            if rng.random() < glitch_rate:
                i = rng.choice(SIGNAL_LANDMARKS[exercise])
                x, y, z, v, pr = pose.landmarks[i]
                pose.landmarks[i] = (x + 0.08, y - 0.08, z, v, pr)
                wx, wy, wz, wv = pose.world_landmarks[i]
                pose.world_landmarks[i] = (wx + 0.15, wy - 0.15, wz, wv)
            seq.frames.append((t, pose))
        t += 1000.0 / fps
    return seq


def held_poses(
    exercise: str, per_class: int, seed: int = 0, view_jitter: float = 5.0
) -> list[tuple[str, list]]:
    """'Hold up for 3 s, hold down for 3 s': `per_class` noisy poses at each end of a
    preset, as (class name "up" | "down", image landmarks) pairs (classifier samples)."""
    rng = random.Random(seed)
    p = PRESETS[exercise]
    out = []
    for name, phase in (("up", 0.0), ("down", 1.0)):
        for _ in range(per_class):
            j = blend(p["up"], p["down"], abs(phase - rng.uniform(0, 0.05)))
            pose = render(j, p["view"] + rng.uniform(-view_jitter, view_jitter), rng)
            out.append((name, pose.landmarks))
    return out

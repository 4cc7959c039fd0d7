# Knee-over-toe warning: how far each knee is in front of its toes (cm, from the world
# landmarks, which are in metres; y points down), with a warning past LIMIT_CM. "Forward"
# is the way the hips face, level with the floor, so it works from any camera angle.
LIMIT_CM = 3.0
LEFT_HIP, RIGHT_HIP = 23, 24
SIDES = {"left": (25, 31), "right": (26, 32)}  # knee, toe (foot index) landmark indices


def on_pose(pose):
    world, lm = pose.world_landmarks, pose.landmarks
    # Forward = down x (left hip - right hip), horizontal: (dz, 0, -dx).
    dx = world[LEFT_HIP][0] - world[RIGHT_HIP][0]
    dz = world[LEFT_HIP][2] - world[RIGHT_HIP][2]
    length = (dx * dx + dz * dz) ** 0.5
    if length < 0.05:
        return "hips seen edge-on: no forward direction"
    fx, fz = dz / length, -dx / length
    out = {}
    for side, (knee, toe) in SIDES.items():
        if min(lm[i][3] for i in (knee, toe, LEFT_HIP, RIGHT_HIP)) < 0.5:
            continue  # not visible: no guess
        ahead = (world[knee][0] - world[toe][0]) * fx + (world[knee][2] - world[toe][2]) * fz
        out[f"{side} knee cm"] = round(100 * ahead, 1)
    worst = max(out.values(), default=None)
    if worst is not None and worst > LIMIT_CM:
        out["warning"] = f"knee {worst:.0f} cm past the toes!"
    return out

# Arm-raise timer: seconds both wrists have been above the nose, and the best so far.
# The code runs once, so module-level variables keep their values from frame to frame.
NOSE, LEFT_WRIST, RIGHT_WRIST = 0, 15, 16
raised_since = None
best = 0.0


def on_pose(pose):
    global raised_since, best
    lm = pose.landmarks
    up = all(lm[w][3] >= 0.5 and lm[w][1] < lm[NOSE][1] for w in (LEFT_WRIST, RIGHT_WRIST))
    if not up:
        raised_since = None
        return {"arms up s": 0.0, "best s": round(best, 1)}
    if raised_since is None:
        raised_since = pose.time_ms
    held = (pose.time_ms - raised_since) / 1000
    best = max(best, held)
    return {"arms up s": round(held, 1), "best s": round(best, 1)}

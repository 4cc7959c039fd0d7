"""The measures of blazepose_tools.cuts on hand-made tracks (no models needed)."""

from __future__ import annotations

from blazepose_tools.cuts import frames_to_reacquire, identity_switches, last_poses, segments

SIZE = (100, 100)


def person(x: float, y: float, torso: float = 0.2) -> list[list[float]]:
    """33 rows; shoulders and hips a square of side `torso` around (x, y)."""
    rows = [[x, y, 0.0, 1.0] for _ in range(33)]
    half = torso / 2
    rows[11], rows[12] = [x + half, y - half, 0, 1], [x - half, y - half, 0, 1]
    rows[23], rows[24] = [x + half, y + half, 0, 1], [x - half, y + half, 0, 1]
    return rows


def test_segments_and_last_poses() -> None:
    assert segments([0, 3], 5) == [range(0, 3), range(3, 5)]
    poses = [person(0.1, 0.1), None, person(0.2, 0.2), person(0.8, 0.8), None]
    assert last_poses(poses, [0, 3]) == [poses[2], None]


def test_frames_to_reacquire_counts_from_the_cut() -> None:
    a, b = person(0.2, 0.5), person(0.8, 0.5)
    poses = [a, a, a, None, b, b]  # cut at 2: one stale frame, one lost, then on b
    assert frames_to_reacquire(poses, [0, 2], [a, b], *SIZE) == [0, 2]
    assert frames_to_reacquire(poses, [0, 2], [a, None], *SIZE) == [0, None]


def test_identity_switch_is_a_jump_larger_than_a_torso_per_frame() -> None:
    torso = person(0.5, 0.5)
    step = person(0.55, 0.5)  # 5 px, torso diagonal 28 px
    other = person(0.9, 0.5)  # 40 px away
    assert identity_switches([torso, step, step], [SIZE] * 3) == []
    assert identity_switches([torso, other], [SIZE] * 2) == [1]
    # After two frames without a pose the same jump is within reach (3 x 28 px).
    assert identity_switches([torso, None, None, other], [SIZE] * 4) == []

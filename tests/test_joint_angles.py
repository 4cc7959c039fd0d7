"""blazepose.analysis.joint_angles: named angles in the image (pixels) and in 3D,
visibility-gated."""

from __future__ import annotations

import math
import random

import pytest
from blazepose import constants as C
from blazepose.analysis.joint_angles import (
    ANGLE_NAMES,
    ANGLES,
    angle_at,
    joint_angles,
    lean_from_vertical,
)
from support.synthetic_poses import PRESETS, Joints, blend, render

NAMES = {
    "left_elbow", "right_elbow", "left_shoulder", "right_shoulder", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "trunk_lean",
}  # fmt: skip


def blank(visibility: float = 0.9) -> list[list[float]]:
    return [[0.5, 0.5, 0.0, visibility, visibility] for _ in range(33)]


def test_the_table_names_every_angle_with_landmarks_in_range() -> None:
    assert set(ANGLES) == NAMES and tuple(ANGLES) == ANGLE_NAMES
    for name, idx in ANGLES.items():
        assert all(0 <= i < 33 for i in idx)
        side = name.split("_")[0]
        if side in ("left", "right"):  # a left angle uses left landmarks only
            assert all(C.LANDMARK_NAMES[i].startswith(side) for i in idx), name


def test_angle_at_is_the_angle_between_the_two_segments() -> None:
    assert angle_at((1, 0), (0, 0), (0, 1)) == pytest.approx(90)
    assert angle_at((1, 0), (0, 0), (-1, 0)) == pytest.approx(180)
    assert angle_at((1, 0, 0), (0, 0, 0), (1, 1, 0)) == pytest.approx(45)
    assert angle_at((1, 1, 1), (0, 0, 0), (1, 1, 1)) == pytest.approx(0, abs=1e-6)
    assert angle_at((0, 0), (0, 0), (1, 0)) is None  # zero-length segment


def test_lean_is_zero_upright_and_ninety_lying() -> None:
    assert lean_from_vertical((0, 0), (0, -1)) == pytest.approx(0)  # y points down
    assert lean_from_vertical((0, 0), (1, 0)) == pytest.approx(90)
    assert lean_from_vertical((0, 0, 0), (0, -1, -1)) == pytest.approx(45)
    assert lean_from_vertical((0, 0, 0), (0, 1, 0)) == pytest.approx(180)


def test_image_angles_use_pixels_not_normalised_coordinates() -> None:
    lms = blank()
    # Elbow at the centre, shoulder straight up by 0.1 of the height, wrist right by 0.1 of
    # the width: in a 200 x 100 frame that is (0, -10) and (20, 0) px: a right angle.
    lms[11][:2], lms[13][:2], lms[15][:2] = [0.5, 0.4], [0.5, 0.5], [0.6, 0.5]
    assert joint_angles(lms, None, 200, 100)["image"]["left_elbow"] == pytest.approx(90)
    # Shoulder up-left by (0.1, 0.1) normalised: 45 deg in a square frame, not in 200 x 100.
    lms[11][:2] = [0.4, 0.4]
    square = joint_angles(lms, None, 100, 100)["image"]["left_elbow"]
    wide = joint_angles(lms, None, 200, 100)["image"]["left_elbow"]
    assert square == pytest.approx(135)
    assert wide == pytest.approx(180 - math.degrees(math.atan2(10, 20)))


def test_world_angles_are_3d_and_take_world_points_with_or_without_visibility() -> None:
    lms = blank()
    world = [[0.0, 0.0, 0.0] for _ in range(33)]
    world[23], world[25], world[27] = [0, 0, 0], [0, 0.4, 0], [0, 0.4, -0.4]  # shin forward
    angles = joint_angles(lms, world, 640, 480)
    assert angles["world"]["left_knee"] == pytest.approx(90)
    with_vis = [[*w, 0.9] for w in world]
    assert joint_angles(lms, with_vis, 640, 480)["world"] == angles["world"]


def test_an_angle_with_a_hidden_landmark_is_none_in_both_spaces() -> None:
    pose = render(Joints(), 0.0, random.Random(1), noise=0.0)
    lms = [list(lm) for lm in pose.landmarks]
    full = joint_angles(lms, pose.world_landmarks, 640, 480)
    assert all(v is not None for space in full.values() for v in space.values())
    lms[25][3] = C.VISIBILITY_THRESHOLD - 0.01  # left knee hidden
    gated = joint_angles(lms, pose.world_landmarks, 640, 480)
    for space in ("image", "world"):
        assert gated[space]["left_knee"] is None and gated[space]["left_hip"] is None
        assert gated[space]["left_ankle"] is None
        assert gated[space]["right_knee"] == full[space]["right_knee"]
    lms[25][3] = C.VISIBILITY_THRESHOLD  # at the threshold counts as visible
    assert joint_angles(lms, pose.world_landmarks, 640, 480)["world"]["left_knee"] is not None
    lms[11][3] = 0.1  # one shoulder hidden: no trunk lean
    assert joint_angles(lms, pose.world_landmarks, 640, 480)["image"]["trunk_lean"] is None


def test_no_pose_or_no_world_landmarks_gives_none() -> None:
    empty = joint_angles(None, None, 640, 480)
    assert set(empty) == {"image", "world"}
    assert all(v is None for space in empty.values() for v in space.values())
    assert set(empty["image"]) == NAMES
    only_image = joint_angles(blank(), None, 640, 480)
    assert all(v is None for v in only_image["world"].values())


@pytest.mark.parametrize("view", [0.0, 45.0, 90.0])
def test_world_angles_of_the_synthetic_skeleton_match_its_joints(view: float) -> None:
    """World angles do not depend on the view; the skeleton's joints give them."""
    j = Joints(elbow=(60.0, 30.0), knee=(90.0, 10.0), hip=(30.0, 0.0), lean=20.0)
    pose = render(j, view, random.Random(0), noise=0.0)
    lms = [[*lm[:3], 1.0, 1.0] for lm in pose.landmarks]  # all visible
    world = joint_angles(lms, pose.world_landmarks, 640, 480)["world"]
    assert world["left_elbow"] == pytest.approx(120, abs=0.01)
    assert world["right_elbow"] == pytest.approx(150, abs=0.01)
    assert world["left_knee"] == pytest.approx(90, abs=0.01)
    assert world["right_knee"] == pytest.approx(170, abs=0.01)
    # thigh 30 forward, torso 20 forward (the shoulder sits 7 cm wider than the hip: ~0.5 deg)
    assert world["left_hip"] == pytest.approx(180 - 30 - 20, abs=1.0)
    assert world["trunk_lean"] == pytest.approx(20, abs=0.01)


def test_front_view_image_angles_follow_the_world_ones_for_movement_in_the_image_plane() -> None:
    p = PRESETS["jumping_jack"]
    pose = render(blend(p["up"], p["down"], 0.5), 0.0, random.Random(0), noise=0.0)
    angles = joint_angles(pose.landmarks, pose.world_landmarks, 640, 480)
    for side in ("left", "right"):
        image, world = angles["image"][f"{side}_shoulder"], angles["world"][f"{side}_shoulder"]
        assert image == pytest.approx(world, abs=3.0)  # perspective: a few degrees

"""Landmark model output decoding (MediaPipe TensorsToLandmarksCalculator,
mediapipe/calculators/tensor/tensors_to_landmarks_calculator.cc, as configured in
mediapipe/modules/pose_landmark/tensors_to_pose_landmarks_and_segmentation.pbtxt)."""

from collections.abc import Sequence

from . import constants as C
from .sigmoid import sigmoid

Landmark = tuple[float, float, float, float, float]  # x, y, z, visibility, presence
WorldLandmark = tuple[float, float, float]


def pose_present(
    pose_flag: float, min_tracking_confidence: float = C.MIN_TRACKING_CONFIDENCE
) -> bool:
    """The presence gate: ThresholdingCalculator accepts strictly above the threshold."""
    return pose_flag > min_tracking_confidence


def decode_landmarks(
    raw: Sequence[float],
    num_landmarks: int = C.NUM_LANDMARKS_TOTAL,
    input_size: int = C.LANDMARK_INPUT_SIZE,
) -> list[Landmark]:
    """Flat (x, y, z, visibility logit, presence logit) * n in crop pixels -> landmarks
    normalised to the crop (z on x's scale) with sigmoid visibility and presence."""
    stride = C.NUM_VALUES_PER_LANDMARK
    scale = 1.0 / input_size
    out: list[Landmark] = []
    for i in range(0, num_landmarks * stride, stride):
        out.append(
            (
                raw[i] * scale,
                raw[i + 1] * scale,
                raw[i + 2] * scale,
                sigmoid(raw[i + 3]),
                sigmoid(raw[i + 4]),
            )
        )
    return out


def decode_world_landmarks(
    raw: Sequence[float], num_landmarks: int = C.NUM_POSE_LANDMARKS
) -> list[WorldLandmark]:
    """Flat (x, y, z) * 39 metres -> the first ``num_landmarks`` as tuples (no scaling)."""
    stride = C.NUM_WORLD_VALUES_PER_LANDMARK
    return [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, num_landmarks * stride, stride)]


def split_landmarks(landmarks: Sequence[Landmark]) -> tuple[list[Landmark], list[Landmark]]:
    """Split the 39 decoded landmarks into the 33 pose landmarks and the 2 auxiliary ones
    (ROI alignment points); the remaining 4 are unused."""
    n, a = C.NUM_POSE_LANDMARKS, C.NUM_AUX_LANDMARKS
    return list(landmarks[:n]), list(landmarks[n : n + a])

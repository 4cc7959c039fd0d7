"""Detector -> tracker state machine of MediaPipe's legacy pose graph
(mediapipe/modules/pose_landmark/pose_landmark_cpu.pbtxt), split into steps so that a sync
driver (track.py) and the browser's async driver share all logic. Standard library only.

Per frame: if there is no ROI from the previous frame (or in static-image mode) the detector
runs and its first detection gives the ROI; the landmark model runs on the ROI; below the
presence threshold the pose is dropped, every filter is reset and the next frame detects
again; otherwise the landmarks are projected to the image, smoothed, and the smoothed
auxiliary landmarks give the next frame's ROI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import constants as C
from .alignment_rect import detection_to_roi, landmarks_to_roi
from .anchors import pose_detector_anchors
from .crop_transform import Affine, Padding, detector_letterbox, roi_crop_transform_and_padding
from .detection import decode_detections
from .heatmap_refine import refine_landmarks_from_heatmap
from .landmark_decode import (
    Landmark,
    WorldLandmark,
    decode_landmarks,
    decode_world_landmarks,
    pose_present,
    split_landmarks,
)
from .landmark_projection import project_landmarks, project_world_landmarks
from .landmark_smoothing import PoseLandmarkFiltering
from .letterbox import remove_detection_letterbox, remove_landmark_letterbox
from .non_max_suppression import weighted_non_max_suppression
from .rect import Rect
from .segmentation_smoothing import mask_transform, smooth_mask


@dataclass(frozen=True)
class TrackerOptions:
    """MediaPipe's legacy Solution options (mediapipe/python/solutions/pose.py)."""

    static_image_mode: bool = False
    smooth_landmarks: bool = True
    enable_segmentation: bool = False
    smooth_segmentation: bool = True
    min_detection_confidence: float = C.MIN_DETECTION_CONFIDENCE
    min_tracking_confidence: float = C.MIN_TRACKING_CONFIDENCE


@dataclass(frozen=True)
class PoseResult:
    landmarks: list[Landmark]  # 33 x (x, y, z, visibility, presence), image-normalised
    world_landmarks: list[WorldLandmark]  # 33 x (x, y, z) metres, hip-centred
    auxiliary: list[Landmark]  # 2 ROI alignment points (smoothed)
    rect: Rect  # the ROI the landmark model saw
    pose_score: float  # the model's pose presence probability
    # Image pixel -> mask pixel affine of `segmentation` (LANDMARK_INPUT_SIZE square logits,
    # flat), only when the model had a segmentation output and segmentation is enabled.
    mask_transform: Affine | None = None
    segmentation: Sequence[float] | None = None


class PoseTracker:
    def __init__(self, options: TrackerOptions | None = None) -> None:
        self.options = options or TrackerOptions()
        self._anchors = pose_detector_anchors()
        self._filtering = PoseLandmarkFiltering(
            enable=self.options.smooth_landmarks and not self.options.static_image_mode
        )
        self._letterbox_padding: Padding = (0.0, 0.0, 0.0, 0.0)
        self._detected_rect: Rect | None = None  # ROI from this frame's detection
        self._tracked_rect: Rect | None = None  # ROI from the previous frame's landmarks
        self._previous_mask: list[float] | None = None

    def reset(self) -> None:
        """Forget the tracked pose and every filter state (e.g. on a new video)."""
        self._filtering.reset()
        self._detected_rect = None
        self._tracked_rect = None
        self._previous_mask = None

    def needs_detection(self) -> bool:
        return self.options.static_image_mode or self._tracked_rect is None

    def detector_input(self, image_w: int, image_h: int) -> Affine:
        """Crop->image affine of the detector's 224x224 letterbox (zero border)."""
        crop_to_image, self._letterbox_padding = detector_letterbox(image_w, image_h)
        return crop_to_image

    def on_detector_output(
        self, boxes: Sequence[float], scores: Sequence[float], image_w: int, image_h: int
    ) -> Rect | None:
        """ROI from the first detection after NMS, or None when nothing scores high enough."""
        detections = decode_detections(
            boxes, scores, self._anchors, self.options.min_detection_confidence
        )
        detections = weighted_non_max_suppression(detections)
        if not detections:
            self._detected_rect = None
            return None
        first = remove_detection_letterbox(detections[:1], self._letterbox_padding)[0]
        self._detected_rect = detection_to_roi(first, image_w, image_h)
        return self._detected_rect

    def landmark_rect(self) -> Rect | None:
        """The ROI for the landmark model: this frame's detection, else the tracked one."""
        if self._detected_rect is not None:
            return self._detected_rect
        if self.options.static_image_mode:
            return None
        return self._tracked_rect

    def on_no_pose(self, time_ms: float) -> None:
        """A frame without a pose: filters restart and the next frame runs the detector."""
        del time_ms  # MediaPipe's filters reset on the empty packet whatever its time.
        self.reset()

    def on_landmark_output(
        self,
        outputs: dict[str, Sequence[float]],
        rect: Rect,
        image_w: int,
        image_h: int,
        time_ms: float,
    ) -> PoseResult | None:
        self._detected_rect = None
        pose_score = float(outputs["pose_flag"][0])
        if not pose_present(pose_score, self.options.min_tracking_confidence):
            self.on_no_pose(time_ms)
            return None

        raw = decode_landmarks(outputs["landmarks"])
        if "heatmap" in outputs:
            raw = refine_landmarks_from_heatmap(raw, outputs["heatmap"])
        _, padding = roi_crop_transform_and_padding(rect, image_w, image_h, C.LANDMARK_INPUT_SIZE)
        raw = remove_landmark_letterbox(raw, padding)
        landmarks, aux = split_landmarks(project_landmarks(raw, rect))
        world = project_world_landmarks(decode_world_landmarks(outputs["world_landmarks"]), rect)

        if not self.options.static_image_mode:
            landmarks, aux, world = self._filtering.apply(
                landmarks, aux, world, image_w, image_h, time_ms
            )
            self._tracked_rect = landmarks_to_roi(aux, image_w, image_h)

        mask = None
        transform = None
        if self.options.enable_segmentation and "segmentation" in outputs:
            size = C.LANDMARK_INPUT_SIZE
            transform = mask_transform(rect, image_w, image_h, size, size)
            mask = outputs["segmentation"]
        return PoseResult(
            landmarks=landmarks,
            world_landmarks=[(w[0], w[1], w[2]) for w in world],
            auxiliary=aux,
            rect=rect,
            pose_score=pose_score,
            mask_transform=transform,
            segmentation=mask,
        )

    def smooth_segmentation(self, mask: Sequence[float]) -> list[float]:
        """Temporal smoothing of an image-space mask (probabilities, flat), MediaPipe's
        SegmentationSmoothingCalculator; the previous smoothed mask is kept until a reset.
        Pass masks of one size per track."""
        if not self.options.smooth_segmentation or self.options.static_image_mode:
            return list(mask)
        smoothed = smooth_mask(mask, self._previous_mask)
        self._previous_mask = smoothed
        return smoothed

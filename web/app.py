"""Python glue of the page: the `blazepose` tracker's steps for frames cut and inferred in JS.

JS (main.js) owns the camera, the canvases and the ONNX Runtime sessions and sequences the
steps below (its trackFrame is the JS twin of `blazepose.track.track_frame`); data crosses
the boundary through preallocated arrays, which JS fills in place through `getBuffer`
(cheaper than converting JS arrays on every frame).
"""

from array import array

import js
from pyodide.ffi import create_proxy, to_js

try:
    from blazepose import constants as C
    from blazepose.crop_transform import (
        canvas_transform,
        gpu_sampling,
        invert_affine,
        roi_crop_transform,
    )
    from blazepose.tracker import PoseTracker, TrackerOptions
except ImportError as error:  # shown on the loading screen instead of a silent hang
    js.window.blazeposePyFailed(f"The blazepose package could not be imported: {error}")
    raise

# Model outputs JS writes into, by the ONNX output names of the contract.
OUTPUT_SIZES = {
    "boxes": C.NUM_ANCHORS * C.DETECTOR_NUM_COORDS,
    "scores": C.NUM_ANCHORS,
    "landmarks": C.NUM_LANDMARKS_TOTAL * C.NUM_VALUES_PER_LANDMARK,
    "pose_flag": 1,
    "heatmap": C.HEATMAP_SIZE * C.HEATMAP_SIZE * C.NUM_LANDMARKS_TOTAL,
    "world_landmarks": C.NUM_LANDMARKS_TOTAL * C.NUM_WORLD_VALUES_PER_LANDMARK,
}
LANDMARK_OUTPUTS = ("landmarks", "pose_flag", "heatmap", "world_landmarks")
buffers = {name: array("f", bytes(4 * size)) for name, size in OUTPUT_SIZES.items()}

# Result layout JS reads: pose score, ROI (x_center, y_center, width, height, rotation),
# the crop->image matrix for canvas drawing of the landmark crop (6: the segmentation mask is
# drawn back with it), 33 x 5 landmarks, 33 x 3 world landmarks.
N = C.NUM_POSE_LANDMARKS
RESULT_SIZE = 1 + 5 + 6 + N * 5 + N * 3
result = array("d", bytes(8 * RESULT_SIZE))
# Image->crop canvas matrix (ctx.setTransform order) of the crop JS is to cut next.
transform = array("d", bytes(8 * 6))


def make_tracker(settings: dict) -> PoseTracker:
    return PoseTracker(
        TrackerOptions(
            min_detection_confidence=float(settings.get("minDetectionConfidence", 0.5)),
            min_tracking_confidence=float(settings.get("minTrackingConfidence", 0.5)),
            smooth_landmarks=bool(settings.get("smoothing", True)),
            # The page warps and blends the mask itself (canvas), see draw.js MaskLayer.
            enable_segmentation=False,
        )
    )


class Session:
    """One tracker and the frame it is working on."""

    def __init__(self) -> None:
        self.tracker = make_tracker({})
        self.rect = None  # the ROI of the landmark crop being run
        self.crop = None  # its crop->image affine

    def configure(self, settings) -> None:
        self.tracker = make_tracker(settings.to_py() if hasattr(settings, "to_py") else {})

    def reset(self) -> None:
        self.tracker.reset()

    # The page's driver (main.js trackFrame) is the JS twin of blazepose.track.track_frame:
    # it calls these synchronous steps and runs the crops and models in between, so no
    # Python coroutine (and no asyncio scheduling) sits on the per-frame path.

    def detector_crop(self, image_w: int, image_h: int) -> bool:
        """True if this frame needs the detector; its canvas matrix is then in `transform`."""
        if not self.tracker.needs_detection():
            return False
        crop = self.tracker.detector_input(image_w, image_h)
        transform[:] = array("d", canvas_transform(gpu_sampling(crop)))
        return True

    def on_detector(self, image_w: int, image_h: int, time_ms: float) -> bool:
        """Decodes `boxes`/`scores`; False (no pose this frame) when nobody is detected."""
        rect = self.tracker.on_detector_output(
            buffers["boxes"], buffers["scores"], image_w, image_h
        )
        if rect is None:
            self.tracker.on_no_pose(time_ms)
        return rect is not None

    def landmark_crop(self, image_w: int, image_h: int, time_ms: float) -> bool:
        """True with the landmark crop's canvas matrix in `transform`, False if no ROI."""
        rect = self.tracker.landmark_rect()
        if rect is None:
            self.tracker.on_no_pose(time_ms)
            return False
        self.crop = roi_crop_transform(rect, image_w, image_h, C.LANDMARK_INPUT_SIZE)
        self.rect = rect
        transform[:] = array("d", canvas_transform(gpu_sampling(self.crop)))
        return True

    def on_landmarks(self, image_w: int, image_h: int, time_ms: float) -> bool:
        """Post-processes the landmark outputs; fills `result`, True if a pose."""
        outputs = {name: buffers[name] for name in LANDMARK_OUTPUTS}
        rect = self.rect
        pose = self.tracker.on_landmark_output(outputs, rect, image_w, image_h, time_ms)
        if pose is None:
            return False
        values = [pose.pose_score, rect.x_center, rect.y_center, rect.width, rect.height]
        values.append(rect.rotation)
        values.extend(canvas_transform(invert_affine(self.crop)))
        for landmark in pose.landmarks:
            values.extend(landmark)
        for landmark in pose.world_landmarks:
            values.extend(landmark)
        result[:] = array("d", values)
        return True


def _api() -> object:
    arrays = {**buffers, "result": result, "transform": transform}
    api = {
        "configure": session.configure,
        "reset": session.reset,
        "detectorCrop": session.detector_crop,
        "onDetector": session.on_detector,
        "landmarkCrop": session.landmark_crop,
        "onLandmarks": session.on_landmarks,
        "buffer": lambda name: arrays[name],
    }
    return to_js(
        {name: create_proxy(fn) for name, fn in api.items()},
        dict_converter=js.Object.fromEntries,
    )


try:
    session = Session()
except Exception as error:  # reported on the page's loading screen
    js.window.blazeposePyFailed(f"{type(error).__name__}: {error}")
else:
    js.window.blazeposePyReady(_api())

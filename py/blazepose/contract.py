"""The one contract between the Python pipeline, the model files and the JS page.

Every value the page and the tooling share is defined here (or in `constants`, for values
that come from MediaPipe) and nowhere else: the site build writes `render_js()` to
`dist/contract.js`, which the page's modules import; the model build names its files with
`landmark_file`; the glue module (web/engine/app.py) lays out its buffers with the layouts below.
"""

from __future__ import annotations

import json

from . import constants as C

# --- models ----------------------------------------------------------------------------------
MODELS = ("lite", "full", "heavy")
DETECTOR_FILE = "pose_detection.onnx"


def landmark_file(model: str, segmentation: bool) -> str:
    """The landmark model file: the full graph with the segmentation head, or the
    `_landmarks_only` variant with that branch pruned (smaller, faster)."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    return f"pose_landmark_{model}{'' if segmentation else '_landmarks_only'}.onnx"


def model_files() -> tuple[str, ...]:
    """Every model file the site ships."""
    return (DETECTOR_FILE,) + tuple(landmark_file(m, seg) for m in MODELS for seg in (False, True))


# --- model inputs and outputs (names of the converted ONNX graphs) ---------------------------
INPUT_NAME = "rgba"  # uint8 [1, size, size, 4], normalisation inside the graph
DETECTOR = "detector"
LANDMARK = "landmark"
KINDS = (DETECTOR, LANDMARK)
INPUT_SIZES = {DETECTOR: C.DETECTOR_INPUT_SIZE, LANDMARK: C.LANDMARK_INPUT_SIZE}
BORDERS = ("zero", "replicate")  # BORDER_ZERO (detector letterbox), BORDER_REPLICATE (ROI)
OUTPUTS = {
    DETECTOR: ("boxes", "scores"),
    LANDMARK: ("landmarks", "pose_flag", "heatmap", "world_landmarks"),
}
SEGMENTATION_OUTPUT = "segmentation"  # landmark model, full graph only; stays in JS
# The page refines the landmarks from the heatmap itself (web/engine/heatmap-refine.js, the
# arithmetic of blazepose/heatmap_refine.py in float64) and hands the tracker the x, y of the
# landmarks it uses instead of the 640 KB heatmap: in Pyodide, Python's refinement cost 0.9 ms
# per person. The tracker takes either.
REFINED_XY = "refined_xy"
USED_LANDMARKS = C.NUM_POSE_LANDMARKS + C.NUM_AUX_LANDMARKS  # the 4 others are never used
# What the page hands the tracker per kind (web/engine/app.py's arrays).
PAGE_OUTPUTS = {
    DETECTOR: OUTPUTS[DETECTOR],
    LANDMARK: ("landmarks", "pose_flag", "world_landmarks", REFINED_XY),
}
OUTPUT_SIZES = {
    "boxes": C.NUM_ANCHORS * C.DETECTOR_NUM_COORDS,
    "scores": C.NUM_ANCHORS,
    "landmarks": C.NUM_LANDMARKS_TOTAL * C.NUM_VALUES_PER_LANDMARK,
    "pose_flag": 1,
    "heatmap": C.HEATMAP_SIZE * C.HEATMAP_SIZE * C.NUM_LANDMARKS_TOTAL,
    "world_landmarks": C.NUM_LANDMARKS_TOTAL * C.NUM_WORLD_VALUES_PER_LANDMARK,
    SEGMENTATION_OUTPUT: C.LANDMARK_INPUT_SIZE * C.LANDMARK_INPUT_SIZE,
    REFINED_XY: USED_LANDMARKS * 2,
}


# --- flat layouts of the arrays JS and Python share --------------------------------------------
def _layout(*fields: tuple[str, int]) -> dict[str, tuple[int, int]]:
    """name -> (offset, length), in order."""
    offsets: dict[str, tuple[int, int]] = {}
    at = 0
    for name, length in fields:
        offsets[name] = (at, length)
        at += length
    return offsets


# The crop the tracker asks for next: kind (index into KINDS), size, border (index into
# BORDERS), and the image->crop matrix in canvas `setTransform(a, b, c, d, e, f)` order.
REQUEST_FIELDS = _layout(("kind", 1), ("size", 1), ("border", 1), ("matrix", 6))
# A frame's pose: found (0/1), pose score, ROI (x_center, y_center, width, height, rotation;
# normalised), the landmark crop's crop->image canvas matrix (to draw the segmentation mask
# back), 33 x (x, y, z, visibility, presence) image-normalised, 33 x (x, y, z) metres, the
# person's track id, and which of the frame's landmark-model runs gave it (its mask). The
# result array holds MAX_NUM_POSES of these one after another, by id; the first not found
# ends the list.
N = C.NUM_POSE_LANDMARKS
RESULT_POSES = C.MAX_NUM_POSES
RESULT_FIELDS = _layout(
    ("found", 1),
    ("pose_score", 1),
    ("roi", 5),
    ("mask_matrix", 6),
    ("landmarks", N * C.NUM_VALUES_PER_LANDMARK),
    ("world_landmarks", N * C.NUM_WORLD_VALUES_PER_LANDMARK),
    ("id", 1),
    ("run", 1),
)


def layout_length(fields: dict[str, tuple[int, int]]) -> int:
    offset, length = list(fields.values())[-1]
    return offset + length


# --- options ---------------------------------------------------------------------------------
# "auto" measures the others this browser has and keeps the fastest (web/engine/backend-choice.js).
BACKENDS = ("auto", "webnn", "webgpu", "wasm")
# ONNX Runtime Web builds (files of npm onnxruntime-web's dist/, served from vendor/ort/): the
# WASM-only build runs the `wasm` backend (14 MB); WebNN and WebGPU need a larger build, JSPI
# where the browser has WebAssembly.Suspending (17 MB), else asyncify (27 MB).
# web/engine/ort-runtime.js picks the build per backend; the site build copies exactly these files.
ORT_BUILDS = {
    "wasm": {
        "module": "ort.wasm.min.mjs",
        "glue": "ort-wasm-simd-threaded.mjs",
        "wasm": "ort-wasm-simd-threaded.wasm",
    },
    "jspi": {
        "module": "ort.jspi.min.mjs",
        "glue": "ort-wasm-simd-threaded.jspi.mjs",
        "wasm": "ort-wasm-simd-threaded.jspi.wasm",
    },
    "asyncify": {
        "module": "ort.webgpu.min.mjs",
        "glue": "ort-wasm-simd-threaded.asyncify.mjs",
        "wasm": "ort-wasm-simd-threaded.asyncify.wasm",
    },
}
# The page's options (camelCase, as in the URL, setOptions and <blazepose-view> attributes).
DEFAULTS = {
    "model": "full",
    "backend": "auto",
    "segmentation": False,
    "smoothing": True,
    "minDetectionConfidence": C.MIN_DETECTION_CONFIDENCE,
    "minTrackingConfidence": C.MIN_TRACKING_CONFIDENCE,
    "numPoses": 1,
}


# --- JS --------------------------------------------------------------------------------------
def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _js_layout(fields: dict[str, tuple[int, int]]) -> dict[str, object]:
    return {
        "length": layout_length(fields),
        "fields": {_camel(k): list(v) for k, v in fields.items()},
    }


def js_contract() -> dict[str, object]:
    """The contract as the page sees it (camelCase keys)."""
    return {
        "models": list(MODELS),
        "detectorFile": DETECTOR_FILE,
        "landmarkFiles": {
            m: {"landmarksOnly": landmark_file(m, False), "segmentation": landmark_file(m, True)}
            for m in MODELS
        },
        "inputName": INPUT_NAME,
        "kinds": list(KINDS),
        "inputSizes": dict(INPUT_SIZES),
        "borders": list(BORDERS),
        "outputs": {
            DETECTOR: list(OUTPUTS[DETECTOR]),
            LANDMARK: list(OUTPUTS[LANDMARK]),
            "segmentation": SEGMENTATION_OUTPUT,
        },
        "outputSizes": dict(OUTPUT_SIZES),
        "pageOutputs": {kind: list(names) for kind, names in PAGE_OUTPUTS.items()},
        "heatmapRefinement": {
            "output": REFINED_XY,
            "usedLandmarks": USED_LANDMARKS,
            "channels": C.NUM_LANDMARKS_TOTAL,
            "valuesPerLandmark": C.NUM_VALUES_PER_LANDMARK,
            "inputSize": C.LANDMARK_INPUT_SIZE,
            "size": C.HEATMAP_SIZE,
            "kernelSize": C.HEATMAP_KERNEL_SIZE,
            "minConfidenceToRefine": C.HEATMAP_MIN_CONFIDENCE_TO_REFINE,
        },
        "request": {**_js_layout(REQUEST_FIELDS), "borders": list(BORDERS)},
        "result": _js_layout(RESULT_FIELDS),
        "maxNumPoses": RESULT_POSES,
        "landmarkNames": list(C.LANDMARK_NAMES),
        "connections": [list(pair) for pair in C.POSE_CONNECTIONS],
        "visibilityThreshold": C.VISIBILITY_THRESHOLD,
        "presenceThreshold": C.PRESENCE_THRESHOLD,
        "backends": list(BACKENDS),
        "ortBuilds": {name: dict(files) for name, files in ORT_BUILDS.items()},
        "defaults": dict(DEFAULTS),
        "segmentationSmoothing": {
            "combineWithPreviousRatio": C.SEGMENTATION_COMBINE_WITH_PREVIOUS_RATIO,
            "coefficients": list(C.SEGMENTATION_UNCERTAINTY_COEFFICIENTS),
        },
    }


def render_js() -> str:
    """Text of dist/contract.js: the contract as a frozen ES module constant."""
    body = json.dumps(js_contract(), indent=2)
    return (
        "// Generated by the site build from py/blazepose/contract.py: do not edit.\n"
        "const freeze = (value) => {\n"
        '  if (value && typeof value === "object") {\n'
        "    for (const item of Object.values(value)) freeze(item);\n"
        "    Object.freeze(value);\n"
        "  }\n"
        "  return value;\n"
        "};\n"
        f"export const CONTRACT = freeze({body});\n"
    )

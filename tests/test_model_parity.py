"""Parity of the converted ONNX models with the TFLite originals run by ai-edge-litert.

Inputs: seeded random images, crops of the shared photos and a few video frames. Each ONNX
model gets the uint8 RGBA image; TFLite gets the same pixels normalised as MediaPipe does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from blazepose_tools.model_build import (
    DETECTOR_OUTPUTS,
    LANDMARK_OUTPUTS,
    build_models,
    build_onnx,
    model_specs,
    read_source,
)
from support.converter_faults import inject
from support.paths import MODELS, ROOT

litert = pytest.importorskip("ai_edge_litert.interpreter")
Image = pytest.importorskip("PIL.Image")

NODE_MODULES = ROOT / "node_modules"
VIDEO = "pose2sim_single_cam01.mp4"
VIDEO_FRAMES = (0, 60)

# Worst |ONNX - TFLite| allowed, per output component (units of the raw model output).
LANDMARK_TOLERANCE = {
    "landmark_xy": 1e-2,  # crop pixels (0..256)
    "landmark_z": 2e-2,  # same scale as x, but larger values (worst seen 9e-3)
    "visibility_presence": 3e-3,  # logits
    "world_landmarks": 1e-3,  # metres
    "pose_flag": 5e-4,  # probability; 5e-4 near p = 0.5 is a logit error of 2e-3
    "heatmap": 5e-3,  # logits
    "segmentation": 1e-3,  # relative to the largest |logit| of the image (they reach 1e3)
}
DETECTOR_TOLERANCE = {
    "boxes": 1e-3 * 224,  # 1e-3 of the 224-px input, in the raw 224-px units
    "scores": 5e-3,  # logits
}


def _rgba(rgb: np.ndarray) -> np.ndarray:
    alpha = np.full(rgb.shape[:2] + (1,), 255, np.uint8)
    return np.concatenate([rgb, alpha], axis=2)[None]


def _square(image: Image.Image, size: int, box: tuple[float, float, float] | None) -> np.ndarray:
    """A square crop (centre x, centre y, side as fractions of width/height/min side),
    or the whole image letterboxed with black when `box` is None, resized to `size`."""
    w, h = image.size
    if box is None:
        side = max(w, h)
        canvas = Image.new("RGB", (side, side))
        canvas.paste(image, ((side - w) // 2, (side - h) // 2))
        return np.asarray(canvas.resize((size, size), Image.BILINEAR))
    cx, cy, frac = box
    side = frac * min(w, h)
    rect = (cx * w - side / 2, cy * h - side / 2, cx * w + side / 2, cy * h + side / 2)
    return np.asarray(image.resize((size, size), Image.BILINEAR, box=rect))


def _video_frames(media: Path) -> list[Image.Image]:
    av = pytest.importorskip("av")
    frames = []
    with av.open(str(media / "video" / VIDEO)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i in VIDEO_FRAMES:
                frames.append(frame.to_image())
            if i >= max(VIDEO_FRAMES):
                break
    return frames


def parity_inputs(media: Path, size: int) -> list[tuple[str, np.ndarray]]:
    """(label, HxWx3 uint8) inputs: random, photo crops, video-frame crops."""
    rng = np.random.default_rng(20240601)
    cases = [(f"random{i}", rng.integers(0, 256, (size, size, 3), np.uint8)) for i in range(2)]
    for path in sorted((media / "images").iterdir()):
        image = Image.open(path).convert("RGB")
        cases.append((f"{path.stem}/letterbox", _square(image, size, None)))
        cases.append((f"{path.stem}/centre", _square(image, size, (0.5, 0.5, 0.8))))
    for i, frame in enumerate(_video_frames(media)):
        cases.append(
            (f"{VIDEO}#{VIDEO_FRAMES[i]}", _square(frame.convert("RGB"), size, (0.5, 0.55, 0.9)))
        )
    return cases


class TfliteReference:
    """Runs a TFLite model on float input normalised like MediaPipe's ImageToTensor."""

    def __init__(self, data: bytes, scale: float, offset: float):
        self.interpreter = litert.Interpreter(model_content=data, num_threads=2)
        self.interpreter.allocate_tensors()
        self.scale, self.offset = scale, offset

    def __call__(self, rgb: np.ndarray) -> dict[str, np.ndarray]:
        it = self.interpreter
        x = rgb[None].astype(np.float32) * np.float32(self.scale) + np.float32(self.offset)
        it.set_tensor(it.get_input_details()[0]["index"], x)
        it.invoke()
        return {d["name"]: it.get_tensor(d["index"]).copy() for d in it.get_output_details()}


def onnx_session(model: bytes | Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    source = str(model) if isinstance(model, Path) else model
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def run_onnx(session: ort.InferenceSession, rgb: np.ndarray) -> dict[str, np.ndarray]:
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, {"rgba": _rgba(rgb)}), strict=True))


def landmark_errors(ref: dict, got: dict) -> dict[str, float]:
    """Worst absolute errors per landmark-model output component (ref keyed by TFLite name)."""
    ref = {LANDMARK_OUTPUTS[k]: v for k, v in ref.items()}
    lm_ref, lm_got = ref["landmarks"].reshape(39, 5), got["landmarks"].reshape(39, 5)
    diff = np.abs(lm_ref - lm_got)
    errors = {
        "landmark_xy": float(diff[:, :2].max()),
        "landmark_z": float(diff[:, 2].max()),
        "visibility_presence": float(diff[:, 3:].max()),
    }
    for name in ("world_landmarks", "pose_flag", "heatmap"):
        errors[name] = float(np.abs(ref[name] - got[name]).max())
    if "segmentation" in got:
        seg_diff = np.abs(ref["segmentation"] - got["segmentation"]).max()
        errors["segmentation"] = float(seg_diff / max(1.0, np.abs(ref["segmentation"]).max()))
    return errors


def detector_errors(ref: dict, got: dict) -> dict[str, float]:
    ref = {DETECTOR_OUTPUTS[k]: v for k, v in ref.items()}
    return {name: float(np.abs(ref[name] - got[name]).max()) for name in ("boxes", "scores")}


def over_tolerance(errors: dict[str, float], tolerance: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in errors.items() if not v <= tolerance[k]}


@pytest.fixture(scope="session")
def manifest() -> dict:
    return build_models(NODE_MODULES, MODELS)  # incremental: reuses up-to-date files


SPECS = {spec.filename: spec for spec in model_specs()}
REFERENCES: dict[str, TfliteReference] = {}


def reference_for(source: str) -> TfliteReference:
    if source not in REFERENCES:
        spec = next(s for s in SPECS.values() if s.source == source)
        data = read_source(NODE_MODULES, source)
        REFERENCES[source] = TfliteReference(data, spec.input_spec.scale, spec.input_spec.offset)
    return REFERENCES[source]


def worst_errors(session, source: str, images, detector: bool) -> dict[str, tuple[float, str]]:
    reference = reference_for(source)
    worst: dict[str, tuple[float, str]] = {}
    for label, rgb in images:
        got = run_onnx(session, rgb)
        errors = (detector_errors if detector else landmark_errors)(reference(rgb), got)
        for k, v in errors.items():
            if k not in worst or v > worst[k][0]:
                worst[k] = (v, label)
    return worst


@pytest.mark.slow
@pytest.mark.parametrize("filename", list(SPECS))
def test_onnx_matches_tflite(filename: str, manifest: dict, media_dir: Path):
    spec = SPECS[filename]
    assert filename in manifest["models"]
    detector = spec.outputs is DETECTOR_OUTPUTS
    size = 224 if detector else 256
    session = onnx_session(MODELS / filename)
    worst = worst_errors(session, spec.source, parity_inputs(media_dir, size), detector)
    print(f"\n{filename}: " + ", ".join(f"{k} {v:.2e} ({at})" for k, (v, at) in worst.items()))
    tolerance = DETECTOR_TOLERANCE if detector else LANDMARK_TOLERANCE
    assert set(worst) == set(tolerance) - ({"segmentation"} if spec.drop_outputs else set())
    assert not over_tolerance({k: v for k, (v, _) in worst.items()}, tolerance)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("filename", "fault"),
    [
        ("pose_landmark_lite.onnx", "resize-asymmetric"),
        ("pose_landmark_lite.onnx", "same-pad-at-start"),
        ("pose_detection.onnx", "resize-asymmetric"),
    ],
    ids=["lite-resize-asymmetric", "lite-same-pad-at-start", "detector-resize-asymmetric"],
)
def test_parity_check_catches_converter_mistakes(filename, fault, media_dir: Path, monkeypatch):
    """The parity check must fail when a padding or resize flag is converted wrongly."""
    spec = SPECS[filename]
    detector = spec.outputs is DETECTOR_OUTPUTS
    inject(monkeypatch, fault)
    model = build_onnx(read_source(NODE_MODULES, spec.source), spec)
    session = onnx_session(model.SerializeToString())
    images = [c for c in parity_inputs(media_dir, 224 if detector else 256) if "/" in c[0]][:2]
    worst = worst_errors(session, spec.source, images, detector)
    tolerance = DETECTOR_TOLERANCE if detector else LANDMARK_TOLERANCE
    failures = over_tolerance({k: v for k, (v, _) in worst.items()}, tolerance)
    print(f"\n{filename} with {fault}: over tolerance {failures}")
    assert failures

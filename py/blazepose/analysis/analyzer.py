"""Per-frame movement analysis: the one entry point the page (web/app.py) and the CLI call,
so both give the same angles and counts on the same frames.

    analyzer = Analyzer("squat")                      # or Analyzer(classifier=counter), ...
    frame = analyzer.update(tracker.pose, image_w, image_h, time_ms)
    frame.angles, frame.count, frame.events           # frame.to_dict() / frame.to_json()
    analyzer.reps()                                    # the CLI's top-level "reps"

Each frame: joint angles (joint_angles.py); the preset counter (rep_counter.py) or, without
a preset, the classifier counter (pose_classifier.ClassifierCounter); the classifier's
smoothed scores whenever there is one; and the user's function, if any, called with a
PoseView of every frame that has a pose; its exception is caught and reported, never raised.
"""

from __future__ import annotations

import json
import math
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .joint_angles import joint_angles
from .pose_classifier import ClassifierCounter
from .rep_counter import EXERCISES, RepCounter, RepEvent

ANGLE_DECIMALS = 2  # in to_dict(): 0.01 degree, far below the landmarks' own noise


@dataclass(frozen=True)
class PoseView:
    """What a user function receives (one frame with a pose)."""

    landmarks: Sequence[Sequence[float]]  # 33 x (x, y, z, visibility, presence), 0..1
    world_landmarks: Sequence[Sequence[float]]  # 33 x (x, y, z) metres, hip-centred, y down
    angles: dict  # {"image": {name: deg | None}, "world": {...}}
    time_ms: float
    image_w: int
    image_h: int
    count: int  # reps so far (the active counter's)


@dataclass(frozen=True)
class PoseLandmarks:
    """A pose given as plain lists (e.g. a frame of the CLI's JSON), for Analyzer.update."""

    landmarks: Sequence[Sequence[float]]
    world_landmarks: Sequence[Sequence[float]] | None = None


@dataclass
class FrameAnalysis:
    time_ms: float
    present: bool  # a pose in this frame
    angles: dict  # {"image": {name: degrees | None}, "world": {...}}
    exercise: str | None  # the active counter's name (preset or classifier), None without
    state: str | None  # the active counter's state (rep_counter.STATES or classifier's)
    count: int  # reps so far
    signal: float | None = None  # the preset's filtered signal in use (rep_counter), if any
    diagnostics: dict | None = None  # the preset counter's state in words (rep_diagnostics)
    events: list[RepEvent] = field(default_factory=list)  # reps completed in this frame
    classifier: dict | None = None  # {"scores": {class: smoothed}, "state", "count"}
    user_output: Any = None  # the user function's return value (JSON-able form)
    user_error: str | None = None  # its exception, if it raised

    def to_dict(self) -> dict:
        return {
            "time_ms": round(self.time_ms, 3),
            "present": self.present,
            "angles": rounded_angles(self.angles),
            "exercise": self.exercise,
            "state": self.state,
            "count": self.count,
            "signal": None if self.signal is None else round(self.signal, ANGLE_DECIMALS),
            "diagnostics": self.diagnostics,
            "events": [e.to_dict() for e in self.events],
            "classifier": self.classifier,
            "user_output": self.user_output,
            "user_error": self.user_error,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False)


def rounded_angles(angles: Mapping[str, Mapping[str, float | None]]) -> dict:
    return {
        space: {k: None if v is None else round(v, ANGLE_DECIMALS) for k, v in values.items()}
        for space, values in angles.items()
    }


def jsonable(value: Any, depth: int = 0) -> Any:
    """A user function's return value as JSON: numbers, strings, bools, None, lists and
    dicts of them; NaN/inf -> None; anything else -> its str()."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth < 8 and isinstance(value, list | tuple):
        return [jsonable(v, depth + 1) for v in value]
    if depth < 8 and isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    return str(value)


def describe_error(error: BaseException) -> str:
    """`Type: message (line N)`, N = the line of the innermost frame."""
    text = f"{type(error).__name__}: {error}"
    frames = traceback.extract_tb(error.__traceback__)
    return f"{text} (line {frames[-1].lineno})" if len(frames) > 1 else text


class Analyzer:
    """Angles, rep counting, classification and a user function, frame by frame."""

    def __init__(
        self,
        exercise: str | None = None,
        classifier: ClassifierCounter | None = None,
        user_function: Callable[[PoseView], Any] | None = None,
    ) -> None:
        self.counter = RepCounter(exercise) if exercise else None
        self.classifier = classifier
        self.user_function = user_function
        self.events: list[RepEvent] = []

    @property
    def exercise(self) -> str | None:
        """The active counter's name: the preset's, else the classifier's."""
        if self.counter is not None:
            return self.counter.exercise.name
        return self.classifier.name if self.classifier is not None else None

    @property
    def count(self) -> int:
        if self.counter is not None:
            return self.counter.count
        return self.classifier.count if self.classifier is not None else 0

    def reset(self) -> None:
        """Counts back to 0 (e.g. a new video); the setup stays."""
        if self.counter is not None:
            self.counter.reset()
        if self.classifier is not None:
            self.classifier.reset()
        self.events = []

    def update(self, pose: Any, image_w: int, image_h: int, time_ms: float) -> FrameAnalysis:
        """One frame: `pose` is the tracker's PoseResult (anything with .landmarks and
        .world_landmarks) or None when there is no pose."""
        landmarks = pose.landmarks if pose is not None else None
        world = pose.world_landmarks if pose is not None else None
        angles = joint_angles(landmarks, world, image_w, image_h)
        events: list[RepEvent] = []
        if self.counter is not None:
            present = pose is not None
            events = self.counter.update(angles if present else None, time_ms, landmarks, world)
        scores = None
        if self.classifier is not None:
            cls_events = self.classifier.update(
                landmarks, image_w, image_h, time_ms, angles["world"]
            )
            if self.counter is None:
                events = cls_events
            c = self.classifier
            scores = {
                "scores": {k: round(v, 3) for k, v in c.scores.items()},
                "state": c.state,
                "count": c.count,
            }
        self.events += events
        frame = FrameAnalysis(
            time_ms=time_ms,
            present=pose is not None,
            angles=angles,
            exercise=self.exercise,
            state=self.counter.state if self.counter is not None else scores and scores["state"],
            count=self.count,
            signal=self.counter.signal if self.counter is not None else None,
            diagnostics=self.counter.diagnostics() if self.counter is not None else None,
            events=events,
            classifier=scores,
        )
        if self.user_function is not None and pose is not None:
            view = PoseView(landmarks, world, angles, time_ms, image_w, image_h, frame.count)
            try:
                frame.user_output = jsonable(self.user_function(view))
            except Exception as error:  # shown on the page; tracking goes on
                frame.user_error = describe_error(error)
        return frame

    def reps(self) -> dict:
        """`{"exercise", "count", "events": [{"start_ms", "end_ms", "range_deg"}],
        "diagnostics"}`; diagnostics (a preset only, else None): the counter's state at the
        last frame (rep_diagnostics.describe) and its summary over all frames."""
        counter = self.counter
        diagnostics = None if counter is None else counter.diagnostics() | counter.summary()
        return {
            "exercise": self.exercise,
            "count": self.count,
            "events": [
                {k: v for k, v in e.to_dict().items() if k in ("start_ms", "end_ms", "range_deg")}
                for e in self.events
            ],
            "diagnostics": diagnostics,
        }


def analyze_frames(
    frames: Iterable[Mapping[str, Any]], image_w: int, image_h: int, analyzer: Analyzer
) -> list[FrameAnalysis]:
    """Replays frames of the CLI's JSON ({"time_ms", "landmarks", "world_landmarks"},
    landmarks None without a pose) through `analyzer`."""
    out = []
    for f in frames:
        lms = f.get("landmarks")
        pose = PoseLandmarks(lms, f.get("world_landmarks")) if lms else None
        out.append(analyzer.update(pose, image_w, image_h, float(f["time_ms"])))
    return out


__all__ = [
    "EXERCISES",
    "Analyzer",
    "FrameAnalysis",
    "PoseLandmarks",
    "PoseView",
    "analyze_frames",
    "jsonable",
]

"""Movement analysis of tracked poses: joint angles, rep counting (presets or a recorded
classifier), the user's per-frame function, and the recording schema. Its only tie to tracking
is blazepose.constants (landmark indices and names)."""

from .analyzer import (
    EXERCISES,
    Analyzer,
    FrameAnalysis,
    PoseLandmarks,
    PoseView,
    analyze_frames,
    describe_error,
    jsonable,
)

__all__ = [
    "EXERCISES",
    "Analyzer",
    "FrameAnalysis",
    "PoseLandmarks",
    "PoseView",
    "analyze_frames",
    "describe_error",
    "jsonable",
]

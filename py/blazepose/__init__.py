"""BlazePose detector->tracker pipeline (standard library only), and the movement analysis of
its poses (blazepose.analysis). The public names:

    from blazepose import PoseTracker, TrackerOptions, Analyzer
    tracker = PoseTracker(TrackerOptions(smooth_landmarks=True))
    request = tracker.begin_frame(width, height, time_ms)   # a CropRequest, or None
    while request:                                           # crop, run the model it names
        request = tracker.submit(outputs)                    # (blazepose_tools.driver)
    tracker.pose                                             # a PoseResult, or None
    Analyzer("squat").update(tracker.pose, width, height, time_ms)

blazepose_tools.driver runs that loop with ONNX Runtime in CPython; the page runs it in
Pyodide (web/engine/app.py). Stages (detection.py, crop_transform.py, ...) and the facts shared
with JS (contract.py, constants.py) stay importable as modules.
"""

from .analysis import EXERCISES, Analyzer, FrameAnalysis, PoseLandmarks, analyze_frames
from .tracker import CropRequest, PoseResult, PoseTracker, TrackerOptions

__all__ = [
    "EXERCISES",
    "Analyzer",
    "CropRequest",
    "FrameAnalysis",
    "PoseLandmarks",
    "PoseResult",
    "PoseTracker",
    "TrackerOptions",
    "analyze_frames",
]

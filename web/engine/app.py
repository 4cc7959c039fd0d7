"""The page's one bridge between JS and the `blazepose` tracker (the only module that imports
`js` or `pyodide`).

JS opens a session per tracker and drives it with the loop of blazepose_tools.driver: the
tracker's crop request is written to `request`, JS cuts that crop and runs the model, writes
the outputs into the preallocated arrays by name (through `getBuffer`, cheaper than converting
JS arrays every frame; the landmark model's heatmap already applied, as `refined_xy`: see
`contract.PAGE_OUTPUTS`) and calls `submit`; the finished frame's pose is in `result`. The
layouts of `request` and `result` are `blazepose.contract`'s, generated into contract.js.

Each session also runs `blazepose.analysis.Analyzer` (the CLI's) on every finished frame:
`analyze` returns the frame's angles, rep count, new reps, classifier scores and the user
function's output or error as one compact JSON string; `set_analysis` chooses the exercise,
the classifier samples (CSV text) and the user's Python. With numPoses > 1 every person has
an analyzer of their own (blazepose.analysis.people); `analyze` gives the chosen person's
(`select_person`, default the first) plus everyone's count and each pose's angles.
"""

import json
import sys
from array import array

import js
from pyodide.ffi import create_proxy, to_js

# Start-up marks (ms from navigation start, see startup-marks.js): Pyodide is up and runs
# this file; then blazepose is imported (already, when Pyodide booted from the build's
# memory snapshot: see pyodide-boot.mjs).
STARTUP_MARKS = {"pyodideBooted": js.performance.now()}


def _snapshot_is_current() -> bool:
    """True when the snapshot's blazepose modules were made from the very sources PyScript
    unpacked from python.zip; otherwise (a stale or mismatched snapshot) they are dropped and
    imported from the files."""
    snapshot = sys.modules.get("blazepose")
    expected = getattr(snapshot, "SNAPSHOT_SOURCES", None)
    if expected is None:
        return False
    import hashlib
    import os

    folder = os.path.dirname(snapshot.__file__)
    found = {}
    for parent, _, names in os.walk(folder):  # subpackages (blazepose.analysis) included
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(parent, name)
                with open(path, "rb") as source:
                    found[os.path.relpath(path, folder)] = hashlib.sha256(source.read()).hexdigest()
    if found == expected:
        return True
    for name in [n for n in sys.modules if n == "blazepose" or n.startswith("blazepose.")]:
        del sys.modules[name]
    return False


FROM_SNAPSHOT = _snapshot_is_current()

try:
    from blazepose import contract
    from blazepose.analysis import EXERCISES, Analyzer, analyze_frames, describe_error
    from blazepose.analysis.joint_angles import ANGLE_NAMES
    from blazepose.analysis.people import PeopleAnalyzer
    from blazepose.analysis.pose_classifier import ClassifierCounter, load_samples_csv
    from blazepose.analysis.recording import csv_row, to_csv
    from blazepose.analysis.rep_signals import FALLBACKS
    from blazepose.crop_transform import canvas_transform
    from blazepose.tracker import CropRequest, PoseTracker, TrackerOptions
except ImportError as error:  # shown on the loading screen instead of a silent hang
    js.globalThis.blazeposePyFailed(f"The blazepose package could not be imported: {error}")
    raise
STARTUP_MARKS["blazeposeImported"] = js.performance.now()

REQUEST_LENGTH = contract.layout_length(contract.REQUEST_FIELDS)
RESULT_LENGTH = contract.layout_length(contract.RESULT_FIELDS)
MAX_NUM_POSES = contract.RESULT_POSES
PAGE_OUTPUTS = contract.PAGE_OUTPUTS[contract.DETECTOR] + contract.PAGE_OUTPUTS[contract.LANDMARK]
CLASSIFIER = "classifier"  # the exercise that counts with the recorded classifier
USER_FUNCTION = "on_pose"


def tracker_options(options: dict) -> TrackerOptions:
    defaults = contract.DEFAULTS
    return TrackerOptions(
        smooth_landmarks=bool(options.get("smoothing", defaults["smoothing"])),
        enable_segmentation=bool(options.get("segmentation", defaults["segmentation"])),
        min_detection_confidence=float(
            options.get("minDetectionConfidence", defaults["minDetectionConfidence"])
        ),
        min_tracking_confidence=float(
            options.get("minTrackingConfidence", defaults["minTrackingConfidence"])
        ),
        num_poses=int(options.get("numPoses", defaults["numPoses"])),
    )


def _plain(options) -> dict:
    if options is None or isinstance(options, dict):
        return dict(options or {})
    return options.to_py() if hasattr(options, "to_py") else {}


def _up_down(samples) -> tuple[str, str]:
    """The two classes of the samples: the one whose name ends in "down" is counted."""
    names = sorted({s.class_name for s in samples})
    if len(names) != 2:
        found = ", ".join(names) or "none"
        raise ValueError(f"The classifier needs samples of two classes, up and down (got {found}).")
    down = next((n for n in names if n.endswith("down")), names[1])
    return names[0] if down == names[1] else names[1], down


def compile_user_function(code: str):
    """The user's `on_pose(pose)`; raises what compiling or running the code raised."""
    namespace = {"__name__": "user_code"}
    exec(compile(code, "<your code>", "exec"), namespace)
    function = namespace.get(USER_FUNCTION)
    if not callable(function):
        raise NameError(f"define a function {USER_FUNCTION}(pose)")
    return function


class AnalysisSetup:
    """What the analyzer runs: an exercise (a preset, CLASSIFIER or None), the classifier's
    samples and the user's function."""

    def __init__(self) -> None:
        self.exercise = None
        self.samples = []
        self.user_function = None

    def change(self, changes: dict) -> dict:
        """Applies {exercise?, samples? (CSV text), code?}; returns {part: error message}."""
        errors = {}
        if "exercise" in changes:
            exercise = changes["exercise"] or None
            if exercise in (None, CLASSIFIER, *EXERCISES):
                self.exercise = exercise
            else:
                errors["exercise"] = f"Unknown exercise {exercise!r}."
        if "samples" in changes:
            try:
                self.samples = load_samples_csv(changes["samples"] or "")
            except ValueError as error:
                errors["samples"] = f"Classifier samples: {error}"
        if "code" in changes:
            self.user_function = None
            if (changes["code"] or "").strip():
                try:
                    self.user_function = compile_user_function(changes["code"])
                except SyntaxError as error:
                    errors["code"] = f"SyntaxError: {error.msg} (line {error.lineno})"
                except Exception as error:  # the user's code: shown, never raised
                    errors["code"] = describe_error(error)
        return errors

    def analyzer(self) -> Analyzer:
        """A new analyzer (counts at 0); ValueError when the classifier lacks samples."""
        classifier = None
        if self.exercise == CLASSIFIER:
            up, down = _up_down(self.samples)
            classifier = ClassifierCounter(self.samples, up, down)
        preset = self.exercise if self.exercise in EXERCISES else None
        return Analyzer(preset, classifier, self.user_function)


def _output_array(name: str) -> array:
    """Zeros for what the page hands over as `name`: the models' outputs as they come
    (float32), the page's refined x, y in float64 (tracker-session.js writes them so)."""
    code = "d" if name == contract.REFINED_XY else "f"
    return array(code, bytes(array(code).itemsize * contract.OUTPUT_SIZES[name]))


class Session:
    """One tracker and the arrays it shares with JS, and the analyzer of its poses."""

    def __init__(self, options) -> None:
        self.tracker = PoseTracker(tracker_options(_plain(options)))
        self.arrays = {name: _output_array(name) for name in PAGE_OUTPUTS}
        self.arrays["request"] = array("d", bytes(8 * REQUEST_LENGTH))
        self.arrays["ahead"] = array("d", bytes(8 * REQUEST_LENGTH * (MAX_NUM_POSES - 1)))
        self.arrays["result"] = array("d", bytes(8 * RESULT_LENGTH * MAX_NUM_POSES))
        self.kind = None  # model kind of the pending request
        self.frame = (1, 1, 0.0)  # image_w, image_h, time_ms of the current frame
        self.setup = AnalysisSetup()
        self.analyzer = Analyzer()
        self.people = PeopleAnalyzer(self.analyzer_like_setup)
        self.selected = None  # the person whose analysis `analyze` gives; None: the first
        self.runs = 0  # landmark-model runs so far this frame
        self.run_of = {}  # person id -> the landmark run that gave this frame's pose

    def analyzer_like_setup(self) -> Analyzer:
        analyzer = self.setup.analyzer()
        analyzer.user_function = self.setup.user_function
        return analyzer

    def configure(self, options) -> None:
        """New options start a new track (like MediaPipe's setOptions)."""
        self.tracker = PoseTracker(tracker_options(_plain(options)))
        self.people.reset()
        self.kind = None

    def reset(self) -> None:
        self.tracker.reset()
        self.analyzer.reset()
        self.people.reset()
        self.kind = None

    def select_person(self, person) -> None:
        """Whose analysis `analyze` gives with several people: an id, or None for the first."""
        self.selected = None if person is None else int(person)

    def buffer(self, name: str) -> array:
        return self.arrays[name]

    def begin(self, width: int, height: int, time_ms: float) -> bool:
        """Starts a frame; True with its first crop request in `request`."""
        self.frame = (int(width), int(height), float(time_ms))
        self.runs = 0
        self.run_of = {}
        return self._ask(self.tracker.begin_frame(int(width), int(height), float(time_ms)))

    def submit(self) -> bool:
        """Hands the pending request's outputs to the tracker; True with the next request in
        `request`, False when the frame is done and `result` holds it."""
        outputs = {name: self.arrays[name] for name in contract.PAGE_OUTPUTS[self.kind]}
        before = {pose.id for pose in self.tracker.poses}
        request = self.tracker.submit(outputs)
        if self.kind == contract.LANDMARK:
            for pose in self.tracker.poses:
                if pose.id not in before:
                    self.run_of[pose.id] = self.runs
            self.runs += 1
        if request is None:
            self._write_result()
            return False
        return self._ask(request)

    def requests_ahead(self) -> int:
        """Writes the landmark crops the frame asks for after the pending one into `ahead`,
        one request layout after another (PoseTracker.requests_ahead); returns how many."""
        ahead = self.tracker.requests_ahead()
        for slot, request in enumerate(ahead):
            at = slot * REQUEST_LENGTH
            self.arrays["ahead"][at : at + REQUEST_LENGTH] = _request_values(request)
        return len(ahead)

    def analyze(self) -> str:
        """The finished frame's analysis (blazepose.analysis.FrameAnalysis.to_json); with
        several people the chosen person's, plus "id" (theirs, or None), "people" (everyone
        seen: [{id, count, present}]) and "pose_angles" (each pose's angles, in pose order)."""
        if self.tracker.options.num_poses == 1:
            return self.analyzer.update(self.tracker.pose, *self.frame).to_json()
        poses = self.tracker.poses
        analyses = self.people.update(poses, *self.frame)
        ids = [pose.id for pose in poses]
        if poses:
            chosen = ids.index(self.selected) if self.selected in ids else 0
            main = analyses[chosen].to_dict() | {"id": ids[chosen]}
        else:
            main = self.analyzer.update(None, *self.frame).to_dict() | {"id": None}
        main["people"] = [
            {"id": person, "count": analyzer.count, "present": person in ids}
            for person, analyzer in sorted(self.people.by_id.items())
        ]
        main["pose_angles"] = [a.to_dict()["angles"] for a in analyses]
        return json.dumps(main, separators=(",", ":"), allow_nan=False)

    def set_analysis(self, changes_json: str) -> str:
        """Applies JSON {exercise?, samples?, code?}; a new exercise or new samples for the
        classifier start counting at 0. Returns JSON {exercise, samples, classes, errors}."""
        changes = json.loads(changes_json)
        errors = self.setup.change(changes)
        classifier = self.setup.exercise == CLASSIFIER
        if "exercise" in changes or ("samples" in changes and classifier):
            try:
                self.analyzer = self.setup.analyzer()
            except ValueError as error:
                errors["exercise"] = str(error)
                self.setup.exercise = None
                self.analyzer = self.setup.analyzer()
            self.people.reset()
        self.analyzer.user_function = self.setup.user_function
        for analyzer in self.people.by_id.values():
            analyzer.user_function = self.setup.user_function
        classes = sorted({s.class_name for s in self.setup.samples})
        return json.dumps(
            {
                "exercise": self.setup.exercise,
                "samples": len(self.setup.samples),
                "classes": classes,
                "errors": errors,
            }
        )

    def analyze_recording(self, recording_json: str) -> str:
        """Replays a recording in the CLI's JSON schema through a new analyzer set up like
        this session's: JSON {"frames": [FrameAnalysis.to_dict()], "reps": Analyzer.reps()}."""
        recording = json.loads(recording_json)
        analyzer = self.setup.analyzer()
        frames = analyze_frames(
            recording["frames"], recording["width"], recording["height"], analyzer
        )
        reps = analyzer.reps()
        return json.dumps({"frames": [f.to_dict() for f in frames], "reps": reps})

    def _ask(self, request: CropRequest) -> bool:
        self.kind = request.kind
        self.arrays["request"][:] = _request_values(request)
        return True

    def _write_result(self) -> None:
        """Every pose of the frame, by id; `found` 0 after the last."""
        result = self.arrays["result"]
        poses = self.tracker.poses
        for slot, pose in enumerate(poses):
            rect = pose.rect
            values = [1.0, pose.pose_score]
            values += [rect.x_center, rect.y_center, rect.width, rect.height, rect.rotation]
            # The mask is drawn back with the crop->image canvas matrix of the landmark crop.
            mask = pose.mask_transform
            values += canvas_transform(mask) if mask is not None else (0.0,) * 6
            for landmark in pose.landmarks:
                values.extend(landmark)
            for landmark in pose.world_landmarks:
                values.extend(landmark)
            values += [pose.id, self.run_of.get(pose.id, 0)]
            at = slot * RESULT_LENGTH
            result[at : at + RESULT_LENGTH] = array("d", values)
        if len(poses) < MAX_NUM_POSES:
            result[len(poses) * RESULT_LENGTH] = 0.0


def _request_values(request: CropRequest) -> array:
    """A crop request in the contract's request layout."""
    values = [
        contract.KINDS.index(request.kind),
        request.size,
        contract.BORDERS.index(request.border),
        *canvas_transform(request.crop_to_image),
    ]
    return array("d", values)


def _proxied(session: Session) -> object:
    methods = {
        "configure": session.configure,
        "reset": session.reset,
        "begin": session.begin,
        "submit": session.submit,
        "requests_ahead": session.requests_ahead,
        "buffer": session.buffer,
        "analyze": session.analyze,
        "select_person": session.select_person,
        "set_analysis": session.set_analysis,
        "analyze_recording": session.analyze_recording,
    }
    proxies = {name: create_proxy(fn) for name, fn in methods.items()}

    def close() -> None:
        for proxy in proxies.values():
            proxy.destroy()

    proxies["close"] = create_proxy(close)
    return to_js(proxies, dict_converter=js.Object.fromEntries)


def open_session(options=None) -> object:
    return _proxied(Session(options))


def analysis_info() -> str:
    """JSON: the angle names, the presets (their signal, thresholds, reasoning and fallback
    signal) and the exercise name that counts with the recorded classifier."""
    exercises = {
        name: {
            "angles": list(e.angles),
            "space": e.space,
            "up": e.up,
            "down": e.down,
            "why": e.why,
            "fallback": FALLBACKS[e.fallback].label if e.fallback in FALLBACKS else None,
        }
        for name, e in EXERCISES.items()
    }
    info = {"angles": list(ANGLE_NAMES), "exercises": exercises, "classifier": CLASSIFIER}
    return json.dumps(info)


def recording_csv(frames_json: str) -> str:
    """A page recording's frames ([{time_ms, landmarks, world_landmarks, angles, count}]:
    csv_row's arguments by name) as the CLI's CSV (blazepose.analysis.recording)."""
    frames = json.loads(frames_json)
    return to_csv(csv_row(**{**f, "angles": f["angles"] or {}}) for f in frames)


try:
    functions = {
        "open": open_session,
        "analysisInfo": analysis_info,
        "recordingCsv": recording_csv,
    }
    api = to_js(
        {name: create_proxy(fn) for name, fn in functions.items()}
        | {"startupMarks": STARTUP_MARKS, "fromSnapshot": FROM_SNAPSHOT},
        dict_converter=js.Object.fromEntries,
    )
except Exception as error:  # reported on the page's loading screen
    js.globalThis.blazeposePyFailed(f"{type(error).__name__}: {error}")
else:
    js.globalThis.blazeposePyReady(api)


def diagnostics() -> str:
    """JSON for the soak test and the bad-input tests: Python's object count (after a full
    collection), live tracker sessions and trackers, and Pyodide's WASM memory in bytes."""
    import gc

    from pyodide_js import _module

    gc.collect()
    objects = gc.get_objects()
    return json.dumps(
        {
            "objects": len(objects),
            "sessions": sum(isinstance(o, Session) for o in objects),
            "trackers": sum(isinstance(o, PoseTracker) for o in objects),
            "wasmBytes": _module.HEAPU8.length,
        }
    )


js.globalThis.blazeposePyDiagnostics = create_proxy(diagnostics)

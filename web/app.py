"""The page's one bridge between JS and the `blazepose` tracker (the only module that imports
`js` or `pyodide`).

JS opens a session per tracker and drives it with the loop of blazepose_tools.driver: the
tracker's crop request is written to `request`, JS cuts that crop and runs the model, writes
the outputs into the preallocated arrays by name (through `getBuffer`, cheaper than converting
JS arrays every frame) and calls `submit`; the finished frame's pose is in `result`. The
layouts of `request` and `result` are `blazepose.contract`'s, generated into contract.js.
"""

from array import array

import js
from pyodide.ffi import create_proxy, to_js

try:
    from blazepose import contract
    from blazepose.crop_transform import canvas_transform
    from blazepose.tracker import CropRequest, PoseTracker, TrackerOptions
except ImportError as error:  # shown on the loading screen instead of a silent hang
    js.globalThis.blazeposePyFailed(f"The blazepose package could not be imported: {error}")
    raise

REQUEST_LENGTH = contract.layout_length(contract.REQUEST_FIELDS)
RESULT_LENGTH = contract.layout_length(contract.RESULT_FIELDS)
PYTHON_OUTPUTS = contract.OUTPUTS[contract.DETECTOR] + contract.OUTPUTS[contract.LANDMARK]


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
    )


def _plain(options) -> dict:
    if options is None or isinstance(options, dict):
        return dict(options or {})
    return options.to_py() if hasattr(options, "to_py") else {}


class Session:
    """One tracker and the arrays it shares with JS."""

    def __init__(self, options) -> None:
        self.tracker = PoseTracker(tracker_options(_plain(options)))
        self.arrays = {
            name: array("f", bytes(4 * contract.OUTPUT_SIZES[name])) for name in PYTHON_OUTPUTS
        }
        self.arrays["request"] = array("d", bytes(8 * REQUEST_LENGTH))
        self.arrays["result"] = array("d", bytes(8 * RESULT_LENGTH))
        self.kind = None  # model kind of the pending request

    def configure(self, options) -> None:
        """New options start a new track (like MediaPipe's setOptions)."""
        self.tracker = PoseTracker(tracker_options(_plain(options)))
        self.kind = None

    def reset(self) -> None:
        self.tracker.reset()
        self.kind = None

    def buffer(self, name: str) -> array:
        return self.arrays[name]

    def begin(self, width: int, height: int, time_ms: float) -> bool:
        """Starts a frame; True with its first crop request in `request`."""
        return self._ask(self.tracker.begin_frame(int(width), int(height), float(time_ms)))

    def submit(self) -> bool:
        """Hands the pending request's outputs to the tracker; True with the next request in
        `request`, False when the frame is done and `result` holds it."""
        outputs = {name: self.arrays[name] for name in contract.OUTPUTS[self.kind]}
        request = self.tracker.submit(outputs)
        if request is None:
            self._write_result()
            return False
        return self._ask(request)

    def _ask(self, request: CropRequest) -> bool:
        self.kind = request.kind
        values = [
            contract.KINDS.index(request.kind),
            request.size,
            contract.BORDERS.index(request.border),
            *canvas_transform(request.crop_to_image),
        ]
        self.arrays["request"][:] = array("d", values)
        return True

    def _write_result(self) -> None:
        result = self.arrays["result"]
        pose = self.tracker.pose
        if pose is None:
            result[0] = 0.0
            return
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
        result[:] = array("d", values)


def _proxied(session: Session) -> object:
    methods = {
        "configure": session.configure,
        "reset": session.reset,
        "begin": session.begin,
        "submit": session.submit,
        "buffer": session.buffer,
    }
    proxies = {name: create_proxy(fn) for name, fn in methods.items()}

    def close() -> None:
        for proxy in proxies.values():
            proxy.destroy()

    proxies["close"] = create_proxy(close)
    return to_js(proxies, dict_converter=js.Object.fromEntries)


def open_session(options=None) -> object:
    return _proxied(Session(options))


try:
    api = to_js({"open": create_proxy(open_session)}, dict_converter=js.Object.fromEntries)
except Exception as error:  # reported on the page's loading screen
    js.globalThis.blazeposePyFailed(f"{type(error).__name__}: {error}")
else:
    js.globalThis.blazeposePyReady(api)

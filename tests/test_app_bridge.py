"""web/app.py, the page's bridge, in real Pyodide (npm pyodide under Node): JS drives a
session through the tracker's crop requests using only the generated contract.js, and gets
the same pose as the CPython tracker fed the same model outputs."""

import json

import pytest
from blazepose import contract
from blazepose.crop_transform import canvas_transform
from blazepose.tracker import PoseTracker, TrackerOptions
from support.paths import ROOT
from support.pyodide import prelude, run_node
from test_tracker import H, W, detector_outputs, landmark_outputs

pytestmark = pytest.mark.slow

# The JS side is written against contract.js alone, like the page's driver.
RUNNER = """
import { CONTRACT } from "__CONTRACT__";
const inputs = JSON.parse(fs.readFileSync("__INPUTS__", "utf8"));
const api = await new Promise((resolve, reject) => {
  globalThis.blazeposePyReady = resolve;
  globalThis.blazeposePyFailed = (message) => reject(new Error(message));
  py.runPython(fs.readFileSync("__APP__", "utf8"));
});
const session = api.open(inputs.options);
const view = (name, type) => session.buffer(name).getBuffer(type).data;
const field = (layout, data, name) => {
  const [offset, length] = layout.fields[name];
  return Array.from(data.subarray(offset, offset + length));
};
const frames = [];
for (const [index, outputs] of inputs.frames.entries()) {
  const requests = [];
  let pending = session.begin(inputs.width, inputs.height, 100 + 33 * index);
  while (pending) {
    const r = view("request", "f64");
    const kind = CONTRACT.kinds[field(CONTRACT.request, r, "kind")[0]];
    requests.push({
      kind,
      size: field(CONTRACT.request, r, "size")[0],
      border: CONTRACT.borders[field(CONTRACT.request, r, "border")[0]],
      matrix: field(CONTRACT.request, r, "matrix"),
    });
    for (const name of CONTRACT.outputs[kind]) view(name, "f32").set(outputs[kind][name]);
    pending = session.submit();
  }
  const result = view("result", "f64");
  const pose = {};
  for (const name of Object.keys(CONTRACT.result.fields)) {
    pose[name] = field(CONTRACT.result, result, name);
  }
  frames.push({ requests, pose });
}
session.close();
console.log(JSON.stringify(frames));
"""


def f32(values):
    """What a float32 buffer holds for these values (JS writes the outputs as float32)."""
    import array

    return list(array.array("f", values))


def test_bridge_drives_the_tracker_like_cpython(tmp_path):
    detector = {k: f32(v) for k, v in detector_outputs().items()}
    lost = {k: f32(v) for k, v in detector_outputs(score_logit=-1.0).items()}
    steps = [  # (detector outputs, landmark outputs) per frame
        (detector, landmark_outputs()),
        (detector, landmark_outputs(aux_shift=40.0, shift=8.0)),
        (detector, landmark_outputs(0.1)),  # pose lost
        (lost, landmark_outputs()),  # nobody detected
    ]
    frames = [{"detector": d, "landmark": {k: f32(v) for k, v in lm.items()}} for d, lm in steps]
    options = {"smoothing": True, "segmentation": True, "minTrackingConfidence": 0.5}
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps({"width": W, "height": H, "options": options, "frames": frames}))
    contract_js = tmp_path / "contract.mjs"
    contract_js.write_text(contract.render_js())
    runner = (
        RUNNER.replace("__CONTRACT__", str(contract_js))
        .replace("__INPUTS__", str(inputs))
        .replace("__APP__", str(ROOT / "web" / "engine" / "app.py"))
    )
    got = run_node(tmp_path, prelude(tmp_path) + runner, 300)

    tracker = PoseTracker(TrackerOptions(enable_segmentation=True))
    assert [len(f["requests"]) for f in got] == [2, 1, 1, 1]
    for index, (frame, js_frame) in enumerate(zip(frames, got, strict=True)):
        request = tracker.begin_frame(W, H, 100 + 33 * index)
        for js_request in js_frame["requests"]:
            assert js_request["kind"] == request.kind
            assert js_request["size"] == request.size
            assert js_request["border"] == request.border
            expected = canvas_transform(request.crop_to_image)
            assert js_request["matrix"] == pytest.approx(expected, abs=1e-9)
            request = tracker.submit(frame[request.kind])
        assert request is None
        pose = tracker.pose
        js_pose = js_frame["pose"]
        assert js_pose["found"] == [1.0 if pose else 0.0]
        if pose is None:
            continue
        assert js_pose["poseScore"] == pytest.approx([pose.pose_score], abs=1e-6)
        rect = pose.rect
        roi = [rect.x_center, rect.y_center, rect.width, rect.height, rect.rotation]
        assert js_pose["roi"] == pytest.approx(roi, abs=1e-9)
        assert js_pose["maskMatrix"] == pytest.approx(canvas_transform(pose.mask_transform))
        flat = [v for lm in pose.landmarks for v in lm]
        assert js_pose["landmarks"] == pytest.approx(flat, abs=1e-9)
        world = [v for lm in pose.world_landmarks for v in lm]
        assert js_pose["worldLandmarks"] == pytest.approx(world, abs=1e-9)

"""web/engine/app.py, the page's bridge, in real Pyodide (npm pyodide under Node): JS drives a
session through the tracker's crop requests using only the generated contract.js, and gets
the same pose as the CPython tracker fed the same model outputs."""

import json

import pytest
from blazepose.crop_transform import canvas_transform
from blazepose.tracker import PoseTracker, TrackerOptions
from blazepose_tools.web_in_node import stage_module
from support.paths import ROOT
from support.pyodide import prelude, run_node
from test_multi_pose_tracker import LEFT, RIGHT, detections
from test_tracker import H, W, detector_outputs, landmark_outputs

pytestmark = pytest.mark.slow

# The JS side is written against contract.js alone, like the page's driver.
RUNNER = """
import { CONTRACT } from "__CONTRACT__";
import { refineLandmarks } from "__REFINE__";
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
  const runs = { detector: 0, landmark: 0 };
  let pending = session.begin(inputs.width, inputs.height, 100 + 33 * index);
  while (pending) {
    const decode = (r) => ({
      kind: CONTRACT.kinds[field(CONTRACT.request, r, "kind")[0]],
      size: field(CONTRACT.request, r, "size")[0],
      border: CONTRACT.borders[field(CONTRACT.request, r, "border")[0]],
      matrix: field(CONTRACT.request, r, "matrix"),
    });
    const request = decode(view("request", "f64"));
    const kind = request.kind;
    // The landmark crops the frame asks for after this one (the page cuts them all at once).
    const count = session.requests_ahead();
    const ahead = view("ahead", "f64");
    const length = CONTRACT.request.length;
    request.ahead = [];
    for (let at = 0; at < count * length; at += length)
      request.ahead.push(decode(ahead.subarray(at, at + length)));
    requests.push(request);
    // One set of outputs for every run of a kind, or a list of them, one per run.
    const given = outputs[kind];
    const out = Array.isArray(given) ? given[runs[kind]++] : given;
    // As tracker-session.js hands them: the landmark model's heatmap already applied.
    for (const name of CONTRACT.pageOutputs[kind]) {
      if (name === CONTRACT.heatmapRefinement.output)
        refineLandmarks(out.landmarks, out.heatmap, view(name, "f64"));
      else view(name, "f32").set(out[name]);
    }
    pending = session.submit();
  }
  const result = view("result", "f64");
  const poses = [];
  const slotLength = CONTRACT.result.length;
  for (let at = 0; at < CONTRACT.maxNumPoses * slotLength; at += slotLength) {
    const slot = result.subarray(at, at + slotLength);
    const pose = {};
    for (const name of Object.keys(CONTRACT.result.fields)) {
      pose[name] = field(CONTRACT.result, slot, name);
    }
    poses.push(pose);
    if (pose.found[0] === 0) break;
  }
  frames.push({ requests, pose: poses[0], poses, analysis: JSON.parse(session.analyze()) });
}
session.close();
console.log(JSON.stringify(frames));
"""


def f32(values):
    """What a float32 buffer holds for these values (JS writes the outputs as float32)."""
    import array

    return list(array.array("f", values))


def run_bridge(tmp_path, options: dict, frames: list) -> list:
    """The frames' model outputs through app.py in Pyodide: per frame its requests, its
    result slots and its analysis."""
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps({"width": W, "height": H, "options": options, "frames": frames}))
    refine = stage_module(tmp_path, "heatmap-refine.js")  # beside contract.js, which it imports
    runner = (
        RUNNER.replace("__CONTRACT__", str(tmp_path / "contract.js"))
        .replace("__REFINE__", str(refine))
        .replace("__INPUTS__", str(inputs))
        .replace("__APP__", str(ROOT / "web" / "engine" / "app.py"))
    )
    return run_node(tmp_path, prelude(tmp_path) + runner, 300)


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
    got = run_bridge(tmp_path, options, frames)

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
    assert got[0]["analysis"].get("people") is None  # one person: the analysis as before


def test_bridge_gives_every_person_with_id_run_and_own_analysis(tmp_path):
    """numPoses 2: both people in the result, by id, with the landmark run that gave each;
    a person lost leaves the other's id alone; each is analysed apart."""
    two = {k: f32(v) for k, v in detections(LEFT, RIGHT).items()}
    found, lost = ({k: f32(v) for k, v in landmark_outputs(flag).items()} for flag in (0.9, 0.1))
    frames = [
        {"detector": two, "landmark": [found, found]},
        {"detector": two, "landmark": [found, found]},
        {"detector": two, "landmark": [lost, found]},  # the first person (id 0) is gone
    ]
    got = run_bridge(tmp_path, {"numPoses": 2, "segmentation": True}, frames)

    tracker = PoseTracker(TrackerOptions(num_poses=2, enable_segmentation=True))
    for index, (frame, js_frame) in enumerate(zip(frames, got, strict=True)):
        request = tracker.begin_frame(W, H, 100 + 33 * index)
        runs = 0
        while request is not None:
            outputs = frame[request.kind]
            if request.kind == "landmark":
                outputs, runs = outputs[runs], runs + 1
            request = tracker.submit(outputs)
        poses = tracker.poses
        slots = js_frame["poses"]
        assert len(slots) == len(poses) + 1 and slots[-1]["found"] == [0.0]
        for pose, slot in zip(poses, slots, strict=False):
            assert slot["id"] == [pose.id]
            flat = [v for lm in pose.landmarks for v in lm]
            assert slot["landmarks"] == pytest.approx(flat, abs=1e-9)
        analysis = js_frame["analysis"]
        assert analysis["id"] == poses[0].id and len(analysis["pose_angles"]) == len(poses)
    assert [[s["id"][0] for s in f["poses"][:-1]] for f in got] == [[0, 1], [0, 1], [1]]
    # A pending landmark crop tells the ones after it: exactly the requests that follow.
    for js_frame in got:
        requests = js_frame["requests"]
        for at, request in enumerate(requests):
            later = requests[at + 1 :] if request["kind"] == "landmark" else []
            assert [r["matrix"] for r in request["ahead"]] == [r["matrix"] for r in later]
            assert all(r["kind"] == "landmark" for r in request["ahead"])
    firsts = [next(r for r in f["requests"] if r["kind"] == "landmark") for f in got]
    assert [len(first["ahead"]) for first in firsts] == [1, 1, 1]
    # Tracked people are cropped in id order: id 1 is the second run, until id 0 is gone.
    assert [[s["run"][0] for s in f["poses"][:-1]] for f in got] == [[0, 1], [0, 1], [1]]
    people = got[-1]["analysis"]["people"]
    assert people == [
        {"id": 0, "count": 0, "present": False},
        {"id": 1, "count": 0, "present": True},
    ]

"""The stage modules run unchanged in Pyodide (npm pyodide under Node) and give the same
numbers as CPython. Pyodide's newer Python also takes code paths CPython 3.11 does not
(``math.sumprod`` in heatmap refinement)."""

import json

import pytest
from support.pyodide import prelude, run_node

pytestmark = pytest.mark.slow

# Runs in both interpreters: a synthetic frame through every stage, deterministic inputs.
SCRIPT = r"""
import json, math, random
from blazepose.anchors import pose_detector_anchors
from blazepose.detection import decode_detections
from blazepose.non_max_suppression import weighted_non_max_suppression
from blazepose.letterbox import remove_detection_letterbox
from blazepose.alignment_rect import detection_to_roi, landmarks_to_roi
from blazepose.crop_transform import canvas_transform, detector_letterbox, roi_crop_transform
from blazepose.landmark_decode import decode_landmarks, decode_world_landmarks, split_landmarks
from blazepose.heatmap_refine import refine_landmarks_from_heatmap
from blazepose.landmark_projection import project_landmarks, project_world_landmarks
from blazepose.landmark_smoothing import PoseLandmarkFiltering
from blazepose.segmentation_smoothing import mask_transform, smooth_mask_value

def run():
    rng = random.Random(7)
    anchors = pose_detector_anchors()
    boxes = [(rng.random() - 0.5) * 40 for _ in range(2254 * 12)]
    scores = [rng.random() * 8 - 7 for _ in range(2254)]
    crop_to_image, padding = detector_letterbox(640, 480)
    dets = decode_detections(boxes, scores, anchors)
    dets = remove_detection_letterbox(weighted_non_max_suppression(dets), padding)
    rect = detection_to_roi(dets[0], 640, 480)
    filtering = PoseLandmarkFiltering()
    frames = []
    for i in range(3):
        raw = [rng.random() * 256 if j % 5 < 2 else rng.random() * 4 - 2 for j in range(195)]
        heatmap = [rng.random() * 6 - 5 for _ in range(64 * 64 * 39)]
        world = [rng.random() - 0.5 for _ in range(117)]
        lms = refine_landmarks_from_heatmap(decode_landmarks(raw), heatmap)
        pose, aux = (project_landmarks(part, rect) for part in split_landmarks(lms))
        world = project_world_landmarks(decode_world_landmarks(world), rect)
        pose, aux, world = filtering.apply(pose, aux, world, 640, 480, 1000 + i * 33.3)
        frames.append([pose, aux, world])
        rect = landmarks_to_roi(aux, 640, 480)
    return {
        "detections": [[d.score, list(d.box), d.keypoints] for d in dets],
        "frames": frames,
        "rect": [rect.x_center, rect.y_center, rect.width, rect.height, rect.rotation],
        "canvas": canvas_transform(roi_crop_transform(rect, 640, 480, 256)),
        "mask": mask_transform(rect, 640, 480, 256, 256),
        "blend": smooth_mask_value(0.4, 0.9),
    }
"""

RUNNER = """
py.FS.writeFile("/stages.py", fs.readFileSync("{script}"));
const out = py.runPython(`
import json, math, sys
namespace = {{}}
exec(open("/stages.py").read(), namespace)
json.dumps({{"version": sys.version_info[:2], "sumprod": hasattr(math, "sumprod"),
            "result": namespace["run"]()}})
`);
console.log(out);
"""


def _normalise(value):
    return json.loads(json.dumps(value))


def test_stages_in_pyodide_match_cpython(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(SCRIPT)
    pyodide = run_node(tmp_path, prelude(tmp_path) + RUNNER.format(script=script), 300)
    assert pyodide["version"][0] == 3 and pyodide["version"][1] >= 12
    assert pyodide["sumprod"]

    namespace: dict = {}
    exec(SCRIPT, namespace)
    expected = _normalise(namespace["run"]())
    got = pyodide["result"]
    assert len(got["detections"]) == len(expected["detections"]) > 0

    def close(a, b):
        if isinstance(a, dict):
            assert a.keys() == b.keys()
            for key in a:
                close(a[key], b[key])
        elif isinstance(a, list):
            assert len(a) == len(b)
            for x, y in zip(a, b, strict=True):
                close(x, y)
        else:
            assert a == pytest.approx(b, rel=1e-9, abs=1e-12)

    close(got, expected)

"""blazepose_tools.person_cost: the tracker's own time per frame for 1, 2, ... people, replayed
from recorded model outputs, in CPython and in Pyodide (the page's interpreter). Here the
outputs are test_multi_pose_tracker's hand-built ones (two people on a 448 x 224 frame)."""

from __future__ import annotations

import pytest
from blazepose_tools import pyodide_node
from blazepose_tools.person_cost import in_pyodide, replay
from test_multi_pose_tracker import LEFT, RIGHT, detections
from test_tracker import H, W, landmark_outputs


def recorded() -> dict:
    return {
        "width": W,
        "height": H,
        "detector": detections(LEFT, RIGHT),
        "crops": [landmark_outputs(), landmark_outputs()],
    }


def test_replay_times_each_number_of_people() -> None:
    for analysis, heatmap in ((False, False), (True, False), (False, True)):
        best = replay(recorded(), repeats=3, frames=2, analysis=analysis, heatmap=heatmap)
        assert sorted(best) == [1, 2] and all(0.0 < ms < 1000.0 for ms in best.values())


def test_replay_refuses_a_recording_that_loses_people() -> None:
    lost = recorded() | {"crops": [landmark_outputs(0.1), landmark_outputs()]}
    with pytest.raises(RuntimeError, match="people tracked"):
        replay(lost, repeats=1, frames=1)


@pytest.mark.slow
def test_replay_in_pyodide(tmp_path) -> None:
    if not pyodide_node.available():
        pytest.skip("node or npm pyodide not installed")
    found = in_pyodide(recorded(), 2, 2, tmp_path)
    assert found["version"][:2] >= [3, 12]
    for key in ("heatmap", "tracker", "analysis"):
        assert sorted(found[key]) == ["1", "2"]
        assert all(0.0 < ms < 1000.0 for ms in found[key].values())

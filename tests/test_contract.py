"""The contract is defined once (blazepose.contract) and everything else takes it from there:
the generated contract.js, the model manifest, and no copied literal in the page's code."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from blazepose import constants as C
from blazepose import contract
from support.paths import ROOT, WEB


def test_layouts_are_contiguous_and_sized() -> None:
    for fields in (contract.REQUEST_FIELDS, contract.RESULT_FIELDS):
        at = 0
        for offset, length in fields.values():
            assert offset == at and length > 0
            at += length
        assert contract.layout_length(fields) == at
    assert contract.RESULT_FIELDS["landmarks"][1] == 33 * 5
    assert contract.RESULT_FIELDS["world_landmarks"][1] == 33 * 3


def test_model_files() -> None:
    assert contract.landmark_file("lite", False) == "pose_landmark_lite_landmarks_only.onnx"
    assert contract.landmark_file("heavy", True) == "pose_landmark_heavy.onnx"
    with pytest.raises(ValueError, match="lite"):
        contract.landmark_file("huge", False)
    manifest = ROOT / "models" / "manifest.json"
    if manifest.exists():  # written by the model build from the same names
        assert set(json.loads(manifest.read_text())["models"]) == set(contract.model_files())


def test_contract_js_is_the_contract(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not installed")
    module = tmp_path / "contract.mjs"
    module.write_text(contract.render_js())
    script = (
        f'import {{ CONTRACT }} from "{module}";\n'
        "console.log(JSON.stringify({frozen: Object.isFrozen(CONTRACT.result.fields),"
        " contract: CONTRACT}));\n"
    )
    runner = tmp_path / "run.mjs"
    runner.write_text(script)
    proc = subprocess.run([node, str(runner)], capture_output=True, text=True, check=True)
    out = json.loads(proc.stdout)
    assert out["frozen"]
    assert out["contract"] == json.loads(json.dumps(contract.js_contract()))
    assert out["contract"]["connections"] == [list(p) for p in C.POSE_CONNECTIONS]


def test_site_serves_the_generated_contract() -> None:
    built = ROOT / "dist" / "contract.js"
    if not built.exists():
        pytest.skip("dist/ not built")
    assert built.read_text() == contract.render_js()


# Values that must reach the page only through contract.js (or blazepose.contract in app.py):
# anywhere in the text, or (names that are also ordinary words) as a quoted string.
COPIED_TEXT = [
    *contract.model_files(),
    "pose_landmark_",
    "_landmarks_only",
    str(C.SEGMENTATION_UNCERTAINTY_COEFFICIENTS[0]),
]
COPIED_STRINGS = [
    *contract.OUTPUTS[contract.DETECTOR],
    *contract.OUTPUTS[contract.LANDMARK],
    *C.LANDMARK_NAMES[11:],  # body landmarks ("nose" may well name the landmark in an example)
]


@pytest.mark.parametrize(
    "path",
    sorted(p for p in WEB.rglob("*") if p.suffix in (".js", ".mjs", ".html", ".py")),
    ids=str,
)
def test_page_code_copies_no_contract_value(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [v for v in COPIED_TEXT if v in text]
    found += [v for v in COPIED_STRINGS if re.search(rf"[\"'`]{re.escape(v)}[\"'`]", text)]
    assert not found, f"{path.name} copies contract values {found}: import them instead"

"""The declared engine API (web/engine/pose-landmarker.d.ts) says what the module does: its
option names are the contract's defaults and the module's create-only options, its models and
backends the contract's, its result, landmark, timing, analysis and runtime fields those the
JS builds, its methods and exports the module's; a TypeScript consumer of the docs' example
type-checks against it with the pinned compiler, each misuse in it refused (tests/typescript).
tests/browser/test_page.py checks a real result's keys."""

from __future__ import annotations

import re
import subprocess

from blazepose import contract
from support.dts import DTS, declared, union
from support.paths import ROOT, WEB

ENGINE = WEB / "engine"
JS = (ENGINE / "pose-landmarker.js").read_text(encoding="utf-8")


def object_keys(text: str) -> set[str]:
    """Keys of an object literal's text (`key: value`, `key,` and `...(c ? { key: v } : {})`)."""
    return set(re.findall(r"(?:^|[{,(])\s*(\w+)(?=\s*[:,}])", text, re.M))


def block_after(source: str, start: str, end: str = "\n    };") -> str:
    at = source.index(start)
    return source[at + len(start) : source.index(end, at)]


def js_array(source: str, name: str) -> set[str]:
    match = re.search(rf"const {name} = \[([^\]]*)\]", source)
    assert match, name
    return set(re.findall(r'"(\w+)"', match[1]))


def test_options_are_the_contract_defaults_and_the_create_only_options() -> None:
    assert declared("PoseLandmarkerSettings") == set(contract.DEFAULTS)
    assert declared("PoseLandmarkerOptions") == js_array(JS, "CREATE_ONLY")
    assert union("PoseModel") == set(contract.MODELS)
    assert union("PoseBackend") == set(contract.BACKENDS)


def test_result_fields_are_what_the_module_returns() -> None:
    returned = block_after(JS, "    return {\n      landmarks:", "\n    };")
    assert declared("PoseLandmarkerResult") == {"landmarks"} | object_keys(returned)


def test_landmark_timing_analysis_and_runtime_fields() -> None:
    session = (ENGINE / "tracker-session.js").read_text(encoding="utf-8")
    driver = (ENGINE / "frame-driver.js").read_text(encoding="utf-8")
    running = (ENGINE / "running-models.js").read_text(encoding="utf-8")
    assert declared("NormalizedLandmark") == js_array(session, "LANDMARK_KEYS")
    # World landmarks carry the image landmarks' visibility and presence.
    assert declared("WorldLandmark") == js_array(session, "WORLD_KEYS") | {"visibility", "presence"}
    timings = re.search(r"const timings = \{([^}]*)\}", driver)
    assert timings and declared("PoseTimings") == object_keys(timings[1])
    analysis = object_keys(block_after(session, "  analyze() {\n", "\n    };"))
    # angles and (several people) each pose's poseAngles: the result's own `angles`.
    assert declared("PoseAnalysis") == analysis - {"a", "angles", "poseAngles"}
    rep = re.search(r"const repEvent = \(e\) => \(\{(.*?)\}\);", session, re.S)
    assert rep and declared("RepEvent") == object_keys(rep[1])
    runtime = object_keys(block_after(running, "  get runtime() {\n", "\n    };"))
    assert declared("PoseRuntime") == runtime - {"models"}
    assert declared("PoseRoi") == set(
        re.findall(r"\w+", re.search(r"const \[([^\]]*)\] = result\.roi", session)[1])
    )


def test_methods_and_exports_are_the_module_s() -> None:
    body = JS[JS.index("export class PoseLandmarker {") :]
    public = set(re.findall(r"^  (?:static async |async |get )?([a-z]\w*)(?: =|\()", body, re.M))
    assert declared("PoseLandmarker") == public - {"constructor"}
    exported = set(re.findall(r"^export (?:async )?(?:class|function) (\w+)", JS, re.M))
    exported |= {
        n.strip() for m in re.findall(r"^export \{([^}]*)\}", JS, re.M) for n in m.split(",")
    }
    in_dts = set(re.findall(r"^export (?:declare )?(?:class|function) (\w+)", DTS, re.M))
    assert in_dts == exported


def test_a_typescript_consumer_type_checks_and_its_misuses_are_refused() -> None:
    """`tsc --noEmit` (package.json's pinned typescript) on tests/typescript/: the docs'
    example compiles, and every `@ts-expect-error` misuse (a model or backend that does not
    exist, an unknown option, a missing frame time, landmarks as arrays, writing `options`)
    is an error, or tsc reports the directive unused."""
    tsc = ROOT / "node_modules" / ".bin" / "tsc"
    assert tsc.exists(), "typescript is a devDependency: run `python3 build.py setup`"
    done = subprocess.run(
        [str(tsc), "--noEmit", "-p", str(ROOT / "tests" / "typescript")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    consumer = (ROOT / "tests" / "typescript" / "engine-consumer.ts").read_text(encoding="utf-8")
    assert consumer.count("@ts-expect-error") >= 6

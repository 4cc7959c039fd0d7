"""Light checks of the benchmark's helpers: task bundles, statistics, frame sizes, NetLog."""

from __future__ import annotations

import json
import math
import sys
import zipfile
from pathlib import Path

import pytest
from support.paths import BENCH

sys.path.insert(0, str(BENCH))

import firefox_session  # noqa: E402
import frames  # noqa: E402
import netlog  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402
import stats  # noqa: E402
import task_bundle  # noqa: E402

POSE_DIR = BENCH.parent / "node_modules" / "@mediapipe" / "pose"


@pytest.fixture(scope="module")
def lite_bundle(tmp_path_factory) -> Path:
    if not (POSE_DIR / "pose_landmark_lite.tflite").exists():
        pytest.skip("npm @mediapipe/pose not installed")
    out = tmp_path_factory.mktemp("task") / "pose_landmarker_lite.task"
    return task_bundle.build_task(POSE_DIR, "lite", out)


def test_bundle_holds_the_two_models_uncompressed(lite_bundle: Path) -> None:
    with zipfile.ZipFile(lite_bundle) as bundle:
        infos = bundle.infolist()
    assert [i.filename for i in infos] == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
    assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)


def test_bundle_models_carry_input_normalisation(lite_bundle: Path) -> None:
    with zipfile.ZipFile(lite_bundle) as bundle:
        detector = bundle.read("pose_detector.tflite")
        landmarks = bundle.read("pose_landmarks_detector.tflite")
    assert task_bundle.read_normalization(detector) == ([127.5], [127.5])
    assert task_bundle.read_normalization(landmarks) == ([0.0], [255.0])
    assert task_bundle.input_tensor_name(detector) == "input_1"


def test_legacy_files_have_no_normalisation_metadata() -> None:
    path = POSE_DIR / "pose_landmark_lite.tflite"
    if not path.exists():
        pytest.skip("npm @mediapipe/pose not installed")
    assert task_bundle.read_normalization(path.read_bytes()) is None


def test_metadata_does_not_change_inference(lite_bundle: Path) -> None:
    np = pytest.importorskip("numpy")
    litert = pytest.importorskip("ai_edge_litert.interpreter")
    original = (POSE_DIR / "pose_landmark_lite.tflite").read_bytes()
    with zipfile.ZipFile(lite_bundle) as bundle:
        annotated = bundle.read("pose_landmarks_detector.tflite")
    image = np.random.default_rng(0).random((1, 256, 256, 3), dtype=np.float32)
    outputs = []
    for model in (original, annotated):
        interpreter = litert.Interpreter(model_content=model)
        interpreter.allocate_tensors()
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], image)
        interpreter.invoke()
        outputs.append(
            [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]
        )
    for before, after in zip(*outputs, strict=True):
        np.testing.assert_array_equal(before, after)


def test_percentiles_match_linear_interpolation() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0, 10.0]
    assert stats.median(values) == 3.5
    assert stats.percentile(values, 90) == pytest.approx(7.5)
    assert stats.percentile([7.0], 90) == 7.0
    assert math.isnan(stats.median([]))


def test_fps_and_outside_share() -> None:
    assert stats.fps(30, 1500.0) == 20.0
    assert stats.outside_share([8.0, 9.0], [10.0, 10.0]) == pytest.approx(0.15)
    assert math.isnan(stats.ratio(3.0, 0.0))


def test_scaled_size_keeps_aspect_and_never_upscales() -> None:
    assert frames.scaled_size(1080, 1920, 1280) == (720, 1280)
    assert frames.scaled_size(640, 400, 1280) == (640, 400)
    assert frames.scaled_size(1768, 994, 1280) == (1280, 720)


def test_netlog_finds_non_local_urls(tmp_path: Path) -> None:
    log = {
        "constants": {"timeTickOffset": "1000"},
        "events": [
            {"time": "5", "params": {"url": "http://127.0.0.1:8000/index.html"}},
            {"time": "7", "params": {"url": "https://play.google.com/log?format=json"}},
            {"time": "9", "params": {"other": 1}},
        ],
    }
    path = tmp_path / "netlog.json"
    # Chromium leaves the file unterminated when it does not shut down cleanly.
    path.write_text(json.dumps(log)[:-2])
    urls = netlog.requested_urls(path)
    assert urls[0] == (1005.0, "http://127.0.0.1:8000/index.html")
    assert netlog.non_local(urls) == [(1007.0, "https://play.google.com/log?format=json")]


def _row(browser: str, contender: str, model: str = "full", **values) -> dict:
    return {"browser": browser, "contender": contender, "model": model, **values}


def test_ratios_are_ours_over_tasks_vision_cpu_of_the_same_browser() -> None:
    rows = [
        _row("webnn", "ours-auto", fps=30.0),
        _row("webnn", "ours-wasm-t1", fps=12.0),
        _row("webnn", "ours-webnn", fps=32.0),
        _row("webnn", "tasks_vision_cpu", fps=15.0),
        _row("webnn", "mediapipe_pose", fps=1.0),
        _row("debian", "ours-auto", fps=10.0),
        _row("debian", "ours-webnn", unavailable="not available: webnn: no navigator.ml"),
        _row("debian", "tasks_vision_cpu", fps=20.0),
    ]
    table = report.ratios(rows)
    webnn = table["webnn"]["full"]
    assert webnn["auto"] == 2.0
    assert (webnn["best"], webnn["best_contender"]) == (32.0 / 15.0, "ours-webnn")
    assert set(webnn["ours"]) == {"ours-auto", "ours-wasm-t1", "ours-webnn"}
    debian = table["debian"]["full"]
    assert debian["auto"] == 0.5
    assert "best" not in debian  # no explicit backend row was timed


def test_no_ratio_without_tasks_vision_cpu_in_that_browser() -> None:
    rows = [_row("webnn", "ours-auto", fps=30.0), _row("debian", "tasks_vision_cpu", fps=20.0)]
    assert report.ratios(rows) == {}


def test_targets_follow_issue_thresholds() -> None:
    rows = [
        _row("webnn", "ours-auto", fps=30.0, outside_inference=0.12, pck=0.995),
        _row("webnn", "tasks_vision_cpu", fps=16.0),
        _row("webnn", "ours-auto", "lite", fps=30.0, outside_inference=0.2, pck=0.98),
        _row("webnn", "tasks_vision_cpu", "lite", fps=19.0),
        _row("debian", "ours-auto", fps=8.0, outside_inference=0.1, pck=1.0),
        _row("debian", "tasks_vision_cpu", fps=16.0),
    ]
    checks = {c["target"]: c["met"] for c in report.targets(rows, report.ratios(rows))}
    assert checks == {
        "webnn full ours-auto: FPS / tasks_vision_cpu": False,  # 1.875x < 2.0x
        "webnn full ours-auto: non-inference share": True,
        "webnn full ours-auto: PCK@0.2": True,
        "webnn lite ours-auto: FPS / tasks_vision_cpu": True,  # 1.58x >= 1.5x
        "webnn lite ours-auto: non-inference share": False,
        "webnn lite ours-auto: PCK@0.2": False,
        # Debian's Chromium (WASM only): 1.2x tasks-vision (issue 16).
        "debian full ours-auto: FPS / tasks_vision_cpu": False,  # 0.5x
        "debian full ours-auto: non-inference share": True,
        "debian full ours-auto: PCK@0.2": True,
    }


def test_auto_beside_the_explicit_row_of_the_backend_it_chose() -> None:
    rows = [
        _row("webnn", "ours-auto", fps=20.0, backend={"name": "webnn"}),
        _row("webnn", "ours-webnn", fps=40.0),
        _row("webnn", "ours-wasm-t2", fps=19.5, backend={"name": "wasm", "threads": 2}),
        _row("webnn", "tasks_vision_cpu", fps=16.0),
        _row("debian", "ours-auto", fps=15.0, backend={"name": "wasm", "threads": 2}),
        _row("debian", "ours-wasm-t2", fps=15.5),
        _row("debian", "tasks_vision_cpu", fps=10.0),
    ]
    table = report.ratios(rows)
    assert table["webnn"]["full"]["chosen_contender"] == "ours-webnn"
    assert table["webnn"]["full"]["auto_vs_chosen"] == 0.5
    assert table["debian"]["full"]["chosen_contender"] == "ours-wasm-t2"
    checks = {c["target"]: c["met"] for c in report.targets(rows, table)}
    assert checks["webnn full ours-auto: FPS / ours-webnn (the backend it chose)"] is False
    assert checks["debian full ours-auto: FPS / ours-wasm-t2 (the backend it chose)"] is True
    assert checks["debian full ours-auto: FPS / tasks_vision_cpu"] is True  # 1.5x


def test_targets_judge_the_fastest_row_without_auto() -> None:
    rows = [
        _row("webnn", "ours-wasm-t1", fps=10.0),
        _row("webnn", "ours-webnn", fps=40.0, pck=1.0),
        _row("webnn", "tasks_vision_cpu", fps=16.0),
    ]
    checks = {c["target"]: c["met"] for c in report.targets(rows, report.ratios(rows))}
    assert checks == {
        "webnn full ours-webnn: FPS / tasks_vision_cpu": True,
        "webnn full ours-webnn: PCK@0.2": True,
    }


def test_frame_time_stats_count_worst_and_slow_frames() -> None:
    found = report.frame_time_stats([20.0, 150.0, 30.0, 100.0, 2100.0])
    assert found["worst_ms"] == 2100.0
    assert found["over_100ms"] == 2  # 100 ms itself is not over
    assert found["median_ms"] == 100.0


def test_backend_report_accepts_string_and_object() -> None:
    assert report.backend_of("wasm") == {"name": "wasm"}
    value = {"name": "webnn", "threads": None, "deviceType": "cpu", "extra": 1}
    assert report.backend_of(value) == {"name": "webnn", "deviceType": "cpu"}
    assert report.backend_of(None) is None
    assert report.backend_text({"name": "wasm", "threads": 2}) == "wasm ×2"
    assert report.backend_text({"name": "webnn", "deviceType": "cpu"}) == "webnn cpu"


def _raw_run(browser: str, contender: str, ms: list[float], **extra) -> dict:
    frames = [{"index": i, "ms": m, "landmarks": None, "timings": None} for i, m in enumerate(ms)]
    clip = {"frames": frames, "loopMs": sum(ms), "width": 640, "height": 480, "info": {}}
    clip["info"] = extra.pop("info", {})
    return {
        "browser": browser,
        "contender": contender,
        "model": "full",
        "clips": {"clip": clip},
        "blocked": [],
        "blocked_count": 0,
        "cold": {"firstPoseMs": 2500.0},
        **extra,
    }


def test_document_has_one_table_per_browser(tmp_path: Path) -> None:
    auto_info = {
        "backend": {"name": "webnn", "deviceType": "cpu"},
        "backendChoice": {
            "chosen": "webnn",
            "candidates": [{"backend": "webnn", "ms": 14.0}, {"backend": "wasm", "threads": 1}],
            "reason": "fastest warm-up",
        },
    }
    runs = [
        _raw_run("webnn", "ours-auto", [20.0, 30.0, 250.0], info=auto_info),
        _raw_run("webnn", "tasks_vision_cpu", [100.0, 200.0, 300.0], info={"delegate": "CPU"}),
        {
            **_raw_run("webnn", "ours-webgpu", []),
            "clips": {},
            "unavailable": "not available: webgpu: fallback adapter (google swiftshader)",
        },
    ]
    browsers = [
        {"name": "debian", "label": "Debian Chromium", "unavailable": "not installed"},
        {"name": "webnn", "label": "Chromium 153 (WebNN)", "probe": {"webnn": {"available": 1}}},
    ]
    results = report.summarise(runs, {}, tmp_path, browsers)
    results["machine"] = {"cpu": "CPU X", "cores": 2, "gpu": "none", "date_utc": "2026-12-02"}
    text = report.document(results)
    assert "## Debian Chromium (debian)\n\nNot available: not installed" in text
    assert "## Chromium 153 (WebNN) (webnn)" in text
    assert "Machine: CPU X, 2 cores, GPU: none" in text
    assert "chrome://flags/#web-machine-learning-neural-network" in text
    lines = text.splitlines()
    auto = next(line for line in lines if line.startswith("| full | ours-auto |"))
    cells = [c.strip() for c in auto.strip("|").split("|")]
    assert cells[2] == "auto → webnn cpu"
    assert cells[5:9] == ["250", "1/3", "10.0", "2.00×"]  # worst, > 100 ms, FPS, ratio
    webgpu = next(line for line in lines if line.startswith("| full | ours-webgpu |"))
    assert "not available: webgpu: fallback adapter" in webgpu
    assert any("auto chose webnn: fastest warm-up" in line for line in lines)


def test_contenders_expand_per_backend_and_thread_count() -> None:
    assert run.thread_counts("auto", 2) == [1, 2]
    assert run.thread_counts("auto", 8) == [1, 2, 4]
    assert run.thread_counts("1,3", 2) == [1, 3]
    rows = run.expand_contenders(["ours", "tasks_vision_cpu", "mediapipe_pose"], [1, 2])
    names = [c.name for c in rows]
    assert names == [
        "ours-auto",
        "ours-wasm-t1",
        "ours-wasm-t2",
        "ours-webnn",
        "ours-webgpu",
        "tasks_vision_cpu",
        "mediapipe_pose",
    ]
    wasm2 = rows[2]
    assert wasm2.page == "index.html?source=none&backend=wasm&threads=2&"
    assert rows[0].page == "index.html?source=none&backend=auto&"
    assert run.expand_contenders(["ours-wasm-t4"], [1])[0].threads == 4
    with pytest.raises(ValueError, match="unknown contender"):
        run.expand_contenders(["ours-cuda"], [1])


def test_webgl_contenders_run_only_in_their_browsers() -> None:
    rows = run.expand_contenders(["ours-auto", "tasks_vision_gpu", "mediapipe_pose"], [1])
    assert [c.name for c in run.browser_rows(rows, "webnn", ["debian"])] == ["ours-auto"]
    assert len(run.browser_rows(rows, "debian", ["debian"])) == 3


def test_rows_the_browser_cannot_run_say_why() -> None:
    probe = {
        "webnn": {"available": False, "reason": "no navigator.ml"},
        "webgpu": {"available": True},
    }
    assert run.unavailable_reason(run.ours("webnn"), probe) == (
        "not available: webnn: no navigator.ml"
    )
    assert run.unavailable_reason(run.ours("webgpu"), probe) is None
    assert run.unavailable_reason(run.ours("wasm", 1), {}) is None
    assert "not probed" in run.unavailable_reason(run.ours("webgpu"), {"error": "x"})
    error = "RuntimeError: Error: BENCH_UNAVAILABLE: WebNN is not available here\n    at init"
    assert run.page_unavailable(error) == "not available: WebNN is not available here"
    assert run.page_unavailable("RuntimeError: TypeError: x is undefined") is None


def test_probe_line_names_what_the_browser_offers() -> None:
    probe = {
        "webnn": {"available": True, "deviceTypes": ["cpu"]},
        "webgpu": {"available": False, "reason": "fallback adapter (google swiftshader)"},
        "webgl": {"renderer": "ANGLE (SwiftShader)"},
    }
    line = report.probe_line(probe)
    assert line.startswith("WebNN: yes (cpu); WebGPU: no (fallback adapter")
    assert "WebGL: ANGLE (SwiftShader)" in line


def test_timing_medians_skip_missing_stages() -> None:
    frames = [
        {"timings": {"inference": 10.0, "total": 12.0}},
        {"timings": {"inference": 14.0, "total": 20.0, "draw": 1.0}},
        {"timings": None},
    ]
    assert report.timing_medians(frames) == {"draw": 1.0, "inference": 12.0, "total": 16.0}


def test_only_loopback_data_and_blob_urls_count_as_local() -> None:
    assert run.is_local("http://127.0.0.1:8000/index.html")
    assert run.is_local("data:text/plain,hi")
    assert run.is_local("blob:http://127.0.0.1:8000/1234")
    assert not run.is_local("http://127.0.0.1.example.com/log")
    assert not run.is_local("https://play.google.com/log?format=json")


class _NoLaunch:
    """Stands in for Playwright: the binary is there but does not start."""

    class chromium:  # noqa: N801 (mirrors playwright's attribute)
        @staticmethod
        def launch(**_):
            raise RuntimeError("Browser closed: error while loading shared libraries")


def test_missing_or_broken_browser_is_a_result(tmp_path: Path, monkeypatch) -> None:
    args = run.parse_args(["--stage", str(tmp_path / "site")])
    rows = run.expand_contenders(["ours"], [1])

    def missing(name):
        raise run.browsers.BrowserUnavailable("npm package @sparticuz/chromium not installed")

    monkeypatch.setattr(run, "get_build", missing)
    info, runs = run.run_browser(None, "webnn", rows, ["full"], [], [], args, "", lambda m: None)
    assert (info["unavailable"], runs) == ("npm package @sparticuz/chromium not installed", [])

    build = run.browsers.BrowserBuild("webnn", "Chromium 153", Path("/bin/false"), ("--x",))
    monkeypatch.setattr(run, "get_build", lambda name: build)
    info, runs = run.run_browser(
        _NoLaunch(), "webnn", rows, ["full"], [], [], args, "", lambda m: None
    )
    assert runs == []
    assert info["unavailable"].startswith("does not start: RuntimeError: Browser closed")
    assert info["label"] == "Chromium 153"


class _Session:
    """What firefox_session.Browser needs of a BiDi session; answers every script with 3."""

    version = "153.0"

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def command(self, method: str, params: dict) -> dict:
        self.calls.append((method, params))
        if method == "script.evaluate":
            return {"type": "success", "result": {"value": json.dumps({"value": 3})}}
        if method == "browser.createUserContext":
            return {"userContext": "uc1"}
        return {"context": "tab1"}


def test_firefox_session_calls_functions_and_routes_events() -> None:
    """Playwright's evaluate(function, arg) and evaluate(expression), and request, console and
    error events reaching the page and context they belong to, as run.py uses them."""
    session = _Session()
    browser = firefox_session.Browser(session)  # type: ignore[arg-type]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    assert page.evaluate("([a, b]) => a + b", [1, 2]) == 3
    assert "(([a, b]) => a + b)([1, 2])" in session.calls[-1][1]["expression"]
    assert page.evaluate("window.benchError || null") == 3
    assert "await (window.benchError || null)})" in session.calls[-1][1]["expression"]
    requests, console, errors = [], [], []
    context.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", errors.append)
    for method, params in [
        ("network.beforeRequestSent", {"context": "tab1", "request": {"url": "http://a/"}}),
        (
            "log.entryAdded",
            {"type": "console", "level": "warn", "text": "w", "source": {"context": "tab1"}},
        ),
        ("log.entryAdded", {"type": "javascript", "text": "boom", "source": {"context": "tab1"}}),
        ("network.beforeRequestSent", {"context": "other", "request": {"url": "http://b/"}}),
    ]:
        session.on_event({"type": "event", "method": method, "params": params})
    assert (requests, console, errors) == (["http://a/"], ["warn: w"], ["boom"])
    context.close()
    assert session.calls[-1] == ("browser.removeUserContext", {"userContext": "uc1"})


def test_several_people_count_person_frames_and_leave_pck_out(tmp_path: Path) -> None:
    """--num-poses N: each frame's people are summed per clip; the one-person reference
    scores no PCK (the first pose may be anyone's); older raw files count a pose as one."""
    ours = _raw_run("debian", "ours-auto", [50.0, 60.0, 70.0], num_poses=2)
    for frame, people in zip(ours["clips"]["clip"]["frames"], (2, 1, 0), strict=True):
        frame["people"] = people
        frame["landmarks"] = [[0.5, 0.5, 0.0, 1.0]] * 33 if people else None
    (tmp_path / "full").mkdir()
    reference = {
        "frames": [{"index": i, "landmarks": [[0.1, 0.1, 0.0, 1.0]] * 33} for i in range(3)]
    }
    (tmp_path / "full" / "clip.json").write_text(json.dumps(reference))
    old = _raw_run("debian", "tasks_vision_cpu", [40.0, 40.0, 40.0])
    old["clips"]["clip"]["frames"][0]["landmarks"] = [[0.1, 0.1, 0.0, 1.0]] * 33
    results = report.summarise([ours, old], {}, tmp_path)
    several, single = results["results"]
    assert several["person_frames"] == 3 and several["clips"]["clip"]["person_frames"] == 3
    assert several["pck"] is None and several["num_poses"] == 2
    assert single["person_frames"] == 1 and single["num_poses"] == 1
    assert single["pck"] is not None  # the reference was read: only numPoses > 1 skips it
    results["machine"] = {"cpu": "CPU X", "cores": 2, "gpu": "none", "date_utc": "2026-12-06"}
    text = report.document(results)
    assert "- ours-auto/full numPoses 2, poses found: clip 3 in 3 frames" in text
    assert "tasks_vision_cpu/full numPoses" not in text


def test_num_poses_leaves_the_one_person_peer_out() -> None:
    args = run.parse_args(["--num-poses", "2"])
    assert args.num_poses == 2
    assert "mediapipe_pose" not in run.MULTI_PERSON and "tasks_vision_cpu" in run.MULTI_PERSON
    with pytest.raises(SystemExit):
        run.parse_args(["--num-poses", "5"])

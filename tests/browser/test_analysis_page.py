"""The page's movement analysis (issue 11) in headless Chromium: joint angles in the pose
events, rep counting by the page's Python giving the CLI's counts on the same frames, the
classifier recorded in the page, session export, and the live Python editor.

The page runs blazepose.analysis.Analyzer in Pyodide; every check of counts compares with the
same Analyzer run here in CPython on the page's own landmarks (or on the same synthetic
frames), so "the page and the CLI give the same counts on the same frames" is tested, not
assumed."""

from __future__ import annotations

import csv
import io
import json
import os
import statistics
import sys
from pathlib import Path

import pytest
from blazepose.analysis import EXERCISES, Analyzer, analyze_frames
from blazepose.analysis.joint_angles import ANGLE_NAMES, joint_angles
from blazepose.analysis.pose_classifier import ClassifierCounter, load_samples_csv
from blazepose.analysis.recording import csv_header
from blazepose_tools.media_input import iter_video
from PIL import Image
from playwright.sync_api import Browser, Page
from support.page import COLLECT_POSES, open_page, process_image_js, serve_folder, wait_ready
from support.paths import ROOT

sys.path.insert(0, str(ROOT / "tests"))
from support.synthetic_poses import exercise_sequence  # noqa: E402
from test_real_exercise_clips import TRUTH, count_reps, load_clip, window  # noqa: E402
from test_rep_adaptive import DECLINE, LOW_FRONT  # noqa: E402

SAMPLE = ROOT / "static" / "sample" / "sample.mp4"
SCREENSHOT = ROOT / "docs" / "screenshot.png"
# Collects `blazepose:rep` details into window.__reps.
COLLECT_REPS = """() => { window.__reps = [];
    window.addEventListener('blazepose:rep', (e) => window.__reps.push(e.detail)); }"""


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample clip (360x640, 100 frames) as PNG files 000.png..099.png."""
    folder = tmp_path_factory.mktemp("sample")
    for frame in iter_video(SAMPLE):
        Image.fromarray(frame.image).save(folder / f"{frame.index:03d}.png")
    return folder


@pytest.fixture(scope="module")
def page(browser: Browser, site_url: str, sample_folder: Path):
    context = browser.new_context(accept_downloads=True)
    page, log = open_page(context, site_url + "index.html?source=none&model=lite&backend=wasm")
    serve_folder(context, "clip-frames", sample_folder)
    wait_ready(page)
    yield page
    assert log.external() == [] and log.errors == []
    context.close()


class Clock:
    """Increasing frame times across a test (the tracker wants them increasing)."""

    def __init__(self) -> None:
        self.t = 0.0

    def frame(self, page: Page, index: int, step_ms: float = 33.333) -> dict:
        self.t += step_ms
        return process_image_js(page, f"clip-frames/{index:03d}.png", self.t)


def cli_frames(details: list[dict]) -> list[dict]:
    """Page details as the CLI's JSON frames."""
    return [
        {
            "time_ms": d["timeMs"],
            "landmarks": d["landmarks"],
            "world_landmarks": d["worldLandmarks"],
        }
        for d in details
    ]


def download(page: Page, button: str) -> str:
    page.evaluate("document.getElementById('classifier').open = true")
    with page.expect_download() as info:
        page.click(button)
    return Path(info.value.path()).read_text()


def test_angles_in_pose_detail(page: Page) -> None:
    """detail.angles: image and world angles of every name, CPython's joint_angles of the
    same landmarks (to the 0.01 degree the page rounds to); null without a pose."""
    clock = Clock()
    page.evaluate("window.blazepose.setAnalysis({exercise: 'squat', code: ''})")
    page.evaluate("window.blazepose.reset()")
    details = [clock.frame(page, index) for index in range(40, 64)]
    # The analysis cost with a preset (angles, counter, JSON, the JS<->Python call): the
    # issue's budget is 1 ms a frame.
    costs = [d["timings"]["analysis"] for d in details]
    median = statistics.median(costs)
    print(f"analysis ms/frame (squat): median {median:.3f}, max {max(costs):.3f}")
    assert median <= 1.0
    detail = details[-1]
    diagnostics = detail["analysis"]["diagnostics"]
    assert diagnostics["signal"] == "world left_knee + right_knee (mean)"
    assert diagnostics["reason"] and diagnostics["mode"] in ("preset", "adaptive")
    page.wait_for_function("document.getElementById('rep-why')?.textContent.length > 0")
    angles = detail["angles"]
    assert set(angles) == {"image", "world"}
    assert all(set(angles[space]) == set(ANGLE_NAMES) for space in angles)
    expected = joint_angles(detail["landmarks"], detail["worldLandmarks"], 360, 640)
    known = 0
    for space in ("image", "world"):
        for name in ANGLE_NAMES:
            ours, theirs = angles[space][name], expected[space][name]
            assert (ours is None) == (theirs is None), (space, name)
            if ours is not None:
                known += 1
                assert ours == pytest.approx(theirs, abs=0.006) and 0 <= ours <= 180
    assert known >= 16  # the athlete is in full view
    assert detail["timings"]["analysis"] >= 0 and page.text_content("#stat-analysis").endswith("ms")
    empty = page.evaluate("window.blazepose.processFrame(new ImageData(64, 48), 1e6)")
    assert empty["landmarks"] is None and empty["angles"] is None


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_preset_counts_match_cpython(page: Page, exercise: str) -> None:
    """Synthetic reps with noise, dropouts, partial reps, pauses and leaving, replayed by the
    page's Python (analyzeRecording: the analyzer of the page's frames, with a fresh count):
    the true count, and exactly CPython's events."""
    seq = exercise_sequence(exercise, reps=6, seed=3)
    recording = {"width": seq.image_w, "height": seq.image_h, "frames": seq.cli_frames()}
    status = page.evaluate(f"window.blazepose.setAnalysis({{exercise: '{exercise}', code: ''}})")
    assert status["exercise"] == exercise and status["errors"] == {}
    ours = page.evaluate("(r) => window.blazepose.analyzeRecording(r)", recording)
    analyzer = Analyzer(exercise)
    analyze_frames(recording["frames"], seq.image_w, seq.image_h, analyzer)
    assert ours["reps"]["count"] == seq.truth
    assert ours["reps"] == json.loads(json.dumps(analyzer.reps()))
    assert [f["count"] for f in ours["frames"]][-1] == seq.truth


@pytest.mark.parametrize(
    ("exercise", "spec", "hidden"),
    [("push_up", LOW_FRONT, ()), ("sit_up", DECLINE, ()), ("push_up", None, (13, 14))],
    ids=["push_up_low_front", "sit_up_decline", "push_up_elbows_hidden"],
)
def test_unseen_views_count_like_cpython(
    page: Page, exercise: str, spec: dict | None, hidden: tuple[int, ...]
) -> None:
    """The views the presets were not tuned on (thresholds adapted to the range, the fallback
    signal where the elbows are hidden): the page's Python counts them like CPython."""
    seq = exercise_sequence(exercise, reps=6, seed=5, spec=spec, hidden=hidden)
    recording = {"width": seq.image_w, "height": seq.image_h, "frames": seq.cli_frames()}
    page.evaluate(f"window.blazepose.setAnalysis({{exercise: '{exercise}', code: ''}})")
    ours = page.evaluate("(r) => window.blazepose.analyzeRecording(r)", recording)
    analyzer = Analyzer(exercise)
    analyze_frames(recording["frames"], seq.image_w, seq.image_h, analyzer)
    assert ours["reps"]["count"] == seq.truth == 6
    assert ours["reps"] == json.loads(json.dumps(analyzer.reps()))
    assert ours["reps"]["diagnostics"]["fallback"] == bool(hidden)


def test_real_clips_count_like_cpython(page: Page) -> None:
    """The real exercise clips' landmarks (tests/fixtures/exercise) replayed by the page's
    Python give exactly the reps CPython's Analyzer gives (the hand counts themselves are
    tests/test_real_exercise_clips.py's)."""
    for entry in TRUTH:
        clip = load_clip(entry["file"])
        recording = {"width": clip["width"], "height": clip["height"]}
        recording["frames"] = window(clip, entry)
        page.evaluate(
            "(e) => window.blazepose.setAnalysis({exercise: e, code: ''})", entry["exercise"]
        )
        ours = page.evaluate("(r) => window.blazepose.analyzeRecording(r)", recording)
        expected = json.loads(json.dumps(count_reps(clip, entry).reps()))
        print(f"{entry['file']}: page {ours['reps']['count']}, hand count {entry['reps']}")
        assert ours["reps"] == expected, entry["file"]


def test_classifier_recorded_in_page_counts_live(page: Page, sample_folder: Path) -> None:
    """Samples recorded with the page's buttons ("hold up", "hold down", countdown), the
    classifier picked in the exercise menu, the clip fed frame by frame: `blazepose:rep`
    events equal to CPython's Analyzer on the page's landmarks, the big count, the session
    recording downloaded as the CLI's JSON and as CSV, and the analysis cost."""
    clock = Clock()
    page.evaluate("window.blazepose.setAnalysis({exercise: null, code: ''})")
    page.click("#classifier summary")
    page.click("#samples-clear")
    # Frame 0: arms down ("up"); frame 54: right arm out, leaning ("down").
    for name, index in (("up", 0), ("down", 54)):
        page.evaluate("window.blazepose.reset()")
        page.click(f"#capture-{name}")
        assert "Get ready" in page.text_content("#sample-status")
        clock.frame(page, index, 1000)
        assert page.text_content("#sample-status") == f"Hold {name} in 3…"
        for _ in range(3):
            clock.frame(page, index, 1000)  # the 3 s countdown; the hold starts at 3 s
        for _ in range(12):
            clock.frame(page, index, 250)  # the 3 s hold, a sample every 250 ms
        assert page.text_content("#sample-status") == f"Recorded 12 {name} samples."
    assert page.text_content("#sample-counts") == "up: 12 · down: 12"
    samples_csv = download(page, "#samples-export")
    assert len(samples_csv.splitlines()) == 24

    page.select_option("#exercise", "classifier")
    page.wait_for_function("document.getElementById('rep-count').textContent === '0'")
    page.evaluate("window.blazepose.reset()")
    page.click("#record")
    page.evaluate(COLLECT_POSES)
    page.evaluate(COLLECT_REPS)
    for index in range(len(list(sample_folder.glob("*.png")))):
        clock.frame(page, index)
    page.click("#record")
    details = page.evaluate("window.__poses")
    reps = page.evaluate("window.__reps")

    counter = ClassifierCounter(load_samples_csv(samples_csv), "up", "down")
    analyzer = Analyzer(classifier=counter)
    analyze_frames(cli_frames(details), 360, 640, analyzer)
    keys = {"exercise": "exercise", "count": "count", "start_ms": "startMs",
            "end_ms": "endMs", "range_deg": "rangeDeg"}  # fmt: skip
    expected = [{keys[k]: v for k, v in e.to_dict().items()} for e in analyzer.events]
    print(f"classifier reps: page {reps}, CPython {expected}")
    assert len(reps) == analyzer.count == 1
    assert reps == expected
    assert page.text_content("#rep-count") == "1"
    assert page.text_content("#rep-last").startswith("rep 1: ")
    assert details[-1]["analysis"]["classifier"]["count"] == 1

    # The recording, as the CLI writes it.
    session = json.loads(download(page, "#download-json"))
    assert (session["model"], session["width"], session["height"]) == ("lite", 360, 640)
    assert len(session["frames"]) == len(details)
    first = session["frames"][0]
    assert set(first) == {"index", "time_ms", "landmarks", "world_landmarks", "angles"}
    assert first["angles"] == details[0]["angles"] and len(first["landmarks"][0]) == 5
    assert session["reps"] == {
        "exercise": "my recording",
        "count": 1,
        "events": [{"start_ms": r["startMs"], "end_ms": r["endMs"], "range_deg": r["rangeDeg"]}
                   for r in reps],
    }  # fmt: skip
    rows = list(csv.reader(io.StringIO(download(page, "#download-csv"))))
    header, body = rows[0], rows[1:]
    assert len(body) == len(details)
    assert len(header) == 1 + 33 * 4 + 33 * 3 + 2 * len(ANGLE_NAMES) + 1
    assert header == csv_header()
    assert body[0][-1] == "0" and body[-1][-1] == "1"
    column = header.index(f"world_{ANGLE_NAMES[0]}")
    assert float(body[5][column]) == details[5]["angles"]["world"][ANGLE_NAMES[0]]

    # The analysis cost with the classifier: angles, k-NN over 24 samples (each compared with
    # the pose and its mirror image), smoothing, JSON and the JS<->Python call. The preset
    # path's <= 1 ms is checked in test_angles_in_pose_detail.
    costs = [d["timings"]["analysis"] for d in details]
    median = statistics.median(costs)
    print(f"analysis ms/frame (classifier, 24 samples): median {median:.3f}, max {max(costs):.3f}")
    assert median <= 2.5


def test_python_editor_output_and_errors(page: Page) -> None:
    """The user's on_pose runs every frame: its output shown, its numbers plotted; a
    SyntaxError or an exception is shown and tracking goes on."""
    clock = Clock()
    page.evaluate("window.blazepose.reset()")
    assert "def on_pose(pose)" in page.input_value("#python-code")  # the first example
    page.click("#python-run")
    assert page.text_content("#python-status") == "running on every frame"
    for index in (0, 1, 2):
        detail = clock.frame(page, index)
    assert detail["analysis"]["error"] is None
    assert "knee cm" in page.text_content("#python-output")
    assert set(detail["analysis"]["output"]) >= {"left knee cm", "right knee cm"}

    page.select_option("#python-example", "arm_raise_timer.py")
    page.wait_for_function("document.getElementById('python-code').value.includes('best')")
    page.click("#python-run")
    detail = clock.frame(page, 3)
    assert detail["analysis"]["output"] == {"arms up s": 0.0, "best s": 0.0}
    assert "arms up s: 0" in page.text_content("#python-output")

    page.fill("#python-code", "def on_pose(pose)\n    return 1\n")
    page.click("#python-run")
    page.wait_for_selector("#python-error:not([hidden])")
    assert page.text_content("#python-error") == "SyntaxError: expected ':' (line 1)"
    assert page.text_content("#python-status") == "stopped"

    page.fill("#python-code", "def on_pose(pose):\n    x = 1\n    return x / 0\n")
    page.click("#python-run")
    detail = clock.frame(page, 4)
    assert detail["landmarks"] is not None  # tracking goes on
    assert detail["analysis"]["error"] == "ZeroDivisionError: division by zero (line 3)"
    assert page.text_content("#python-error") == detail["analysis"]["error"]

    page.fill("#python-code", "def on_pose(pose):\n    return pose.angles['world']\n")
    page.click("#python-run")
    detail = clock.frame(page, 5)
    assert detail["analysis"]["error"] is None and page.is_hidden("#python-error")
    output, angles = detail["analysis"]["output"], detail["angles"]["world"]
    assert output.keys() == angles.keys()  # full precision there, 0.01 degree in detail.angles
    assert all(v is None or round(v, 2) == angles[k] for k, v in output.items())
    page.click("#python-stop")
    assert clock.frame(page, 6)["analysis"]["output"] is None


def test_classifier_samples_csv_round_trip(page: Page, tmp_path: Path) -> None:
    """Import CSV -> stored in localStorage (survives a reload) -> export gives the same text;
    a malformed file is reported and changes nothing."""
    seq = exercise_sequence("squat", reps=1, seed=0, events=False)
    poses = [p for _, p in seq.frames if p is not None]
    values = [[f"{v:.6f}" for lm in p.landmarks for v in lm[:3]] for p in poses[:10]]
    lines = [",".join([f"s{i}", "up" if i % 2 else "down", *v]) for i, v in enumerate(values)]
    text = "\n".join(lines) + "\n"
    assert len(load_samples_csv(text)) == 10
    (tmp_path / "samples.csv").write_text(text)
    page.set_input_files("#samples-file", str(tmp_path / "samples.csv"))
    page.wait_for_function(
        "document.getElementById('sample-counts').textContent === 'up: 5 · down: 5'"
    )
    assert download(page, "#samples-export") == text

    (tmp_path / "bad.csv").write_text("a,up,1,2,3\n")
    page.set_input_files("#samples-file", str(tmp_path / "bad.csv"))
    page.wait_for_function("document.getElementById('analysis-message').textContent !== ''")
    assert "line 1" in page.text_content("#analysis-message")
    assert page.text_content("#sample-counts") == "up: 5 · down: 5"

    again = page.context.new_page()
    again.goto(page.url)
    wait_ready(again)
    assert again.text_content("#sample-counts") == "up: 5 · down: 5"
    assert download(again, "#samples-export") == text
    again.close()


@pytest.mark.skipif(not os.environ.get("BLAZEPOSE_SCREENSHOT"), reason="BLAZEPOSE_SCREENSHOT unset")
def test_screenshot(browser: Browser, site_url: str, sample_folder: Path) -> None:
    """docs/screenshot.png: the page tracking the sample clip live, counting the right arm's
    raise with a classifier recorded on the clip itself, the knee-over-toe example running."""
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    page, log = open_page(context, site_url + "index.html?model=lite")
    serve_folder(context, "clip-frames", sample_folder)
    wait_ready(page)
    samples = page.evaluate(
        """async () => { const rows = [];
            for (const [cls, first] of [['up', 0], ['down', 44]])
              for (let i = first; i < first + 24; i += 2) {
                const url = `clip-frames/${String(i).padStart(3, '0')}.png`;
                const blob = await (await fetch(url)).blob();
                const bitmap = await createImageBitmap(blob);
                const r = await window.blazepose.processFrame(bitmap, 1e7 + rows.length * 40);
                const values = r.landmarks.flatMap((p) => p.slice(0, 3).map((v) => v.toFixed(6)));
                rows.push([`${cls}${i}`, cls, ...values]);
              }
            return rows.map((r) => r.join(',')).join('\\n') + '\\n'; }"""
    )
    (sample_folder / "samples.csv").write_text(samples)
    page.set_input_files("#samples-file", str(sample_folder / "samples.csv"))
    page.wait_for_function(
        "document.getElementById('sample-counts').textContent === 'up: 12 · down: 12'"
    )
    page.goto(page.url)  # live again (processFrame stopped the clip), samples kept
    wait_ready(page)
    page.select_option("#exercise", "classifier")
    page.click("#python-run")
    page.wait_for_function(
        "Number(document.getElementById('rep-count').textContent) >= 1", timeout=120000
    )
    page.wait_for_timeout(1500)
    page.screenshot(path=SCREENSHOT)
    assert log.external() == [] and log.errors == []
    context.close()

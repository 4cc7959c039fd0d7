"""Bad input on the demo page: broken videos, a 1x1 and an 8000x6000 image, a camera that
disappears, camera access revoked, a tab hidden and shown again, and a storm of setOptions
calls. Each gives a clear message or carries on, never a stuck page or a Python traceback,
and the page tracks the next good input.

The bad videos are made from the committed sample clip with ffmpeg at test time. The hidden
tab is simulated (document.visibilityState overridden, `visibilitychange` dispatched: headless
Chromium counts every tab as visible) for HIDDEN_S seconds instead of a minute: what the page
does on hiding and showing does not depend on how long it was hidden.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from blazepose import contract
from PIL import Image
from playwright.sync_api import Browser, Page
from support.page import on_person, open_page, wait_for_poses, wait_ready
from support.paths import ROOT

SAMPLE = ROOT / "static" / "sample" / "sample.mp4"  # h264, moov before mdat
CONFIDENCES = ("minDetectionConfidence", "minTrackingConfidence")
HIDDEN_S = 5
STORM_CALLS = 20
STORM_SECONDS = 5
# Starts window.__poses afresh (one listener for the page's lifetime, however often called).
COLLECT_POSES = """() => { window.__poses = [];
    if (!window.__collecting) { window.__collecting = true;
        addEventListener('blazepose:pose', (e) => window.__poses.push(e.detail)); } }"""


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def bad_media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Broken videos and extreme images, by name."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    folder = tmp_path_factory.mktemp("bad_media")
    data = SAMPLE.read_bytes()
    mdat = data.index(b"mdat")
    rng = random.Random(12)
    files = {}
    # Header boxes overwritten with noise: nothing can parse it.
    corrupt = bytearray(data)
    corrupt[8 : mdat - 8] = rng.randbytes(mdat - 16)
    files["corrupt"] = folder / "corrupt.mp4"
    files["corrupt"].write_bytes(bytes(corrupt))
    # Cut in its header: the index of the frames is missing.
    files["truncated"] = folder / "truncated.mp4"
    files["truncated"].write_bytes(data[: mdat // 2])
    # A valid header whose frame data is noise: not one frame decodes.
    noise = bytearray(data)
    noise[mdat + 8 :] = rng.randbytes(len(data) - mdat - 8)
    files["no_frames"] = folder / "no_frames.mp4"
    files["no_frames"].write_bytes(bytes(noise))
    # Sound only.
    files["audio_only"] = folder / "audio_only.mp4"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac",
           str(files["audio_only"]))  # fmt: skip
    # MPEG-4 Part 2 video: a valid file in a codec Chromium does not decode.
    files["unsupported_codec"] = folder / "mpeg4_part2.mp4"
    ffmpeg("-i", str(SAMPLE), "-t", "1", "-c:v", "mpeg4", "-an", str(files["unsupported_codec"]))
    tiny = folder / "tiny.png"
    Image.new("RGB", (1, 1), (128, 128, 128)).save(tiny)
    files["tiny"] = tiny
    return files


@pytest.fixture(scope="module")
def huge_image(media_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A person photo scaled up to 8000x6000 (48 megapixels)."""
    path = tmp_path_factory.mktemp("huge") / "huge.jpg"
    with Image.open(media_dir / "images" / "opencv_messi5.jpg") as image:
        image.convert("RGB").resize((8000, 6000), Image.BILINEAR).save(path, quality=80)
    return path


@pytest.fixture(scope="module")
def camera_page(camera_browser: Browser, site_url: str):
    """The page tracking the fake camera (the pose2sim athlete), lite model; a confidence in
    the URL that is no number from 0 to 1 is left at its default."""
    context = camera_browser.new_context()
    url = "index.html?source=camera&model=lite&minTrackingConfidence=abc&minDetectionConfidence=7"
    page, log = open_page(context, site_url + url)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.evaluate(COLLECT_POSES)
    wait_ready(page)
    wait_for_poses(page, 3, 60)
    # A first visit is busy for a while after its first pose (auto times the backends, the
    # service worker installs): on 2 cores that can hold a video's error event past the
    # test's waits, so the tests start once both are done.
    page.wait_for_function(SETTLED, timeout=180_000)
    yield page, log, console
    context.close()


SETTLED = """() => { const offline = window.blazeposeOffline?.state ?? "";
    return window.blazepose.runtime?.choice?.provisional !== true
        && !["waiting", "registering"].includes(offline); }"""


def no_python_errors(log, console: list[str]) -> None:
    assert not [m for m in console + log.errors if "Traceback" in m]
    assert log.errors == [] and log.external() == []


def message(page: Page) -> str:
    page.wait_for_selector("#message:not([hidden])", timeout=30000)
    return page.text_content("#message")


def diagnostics(page: Page) -> dict:
    return json.loads(page.evaluate("window.blazeposePyDiagnostics()"))


def tracks_again(page: Page) -> None:
    """The camera tracks again: new poses of the athlete."""
    page.evaluate(COLLECT_POSES)
    poses = wait_for_poses(page, 3, 60)
    assert all(on_person(p["landmarks"]) for p in poses[1:] if p["landmarks"])


BAD_VIDEOS = {
    "corrupt": "not a video this browser can read",
    "truncated": "not a video this browser can read",
    "no_frames": "cannot be tracked",
    "audio_only": "it has no picture",
    "unsupported_codec": "codec is not supported",
}


@pytest.mark.parametrize("name", list(BAD_VIDEOS))
def test_bad_video_message(camera_page, bad_media: dict[str, Path], name: str) -> None:
    page, log, console = camera_page
    page.select_option("#source", "camera")
    page.set_input_files("#file", str(bad_media[name]))
    text = message(page)
    print(f"{name}: {text}")
    assert bad_media[name].name in text and BAD_VIDEOS[name] in text, text
    assert page.evaluate("document.getElementById('video').paused")
    page.select_option("#source", "camera")
    tracks_again(page)
    no_python_errors(log, console)


def test_tiny_and_huge_images(
    camera_page, bad_media: dict[str, Path], huge_image: Path, media_dir: Path
) -> None:
    """A 1x1 image: a clear "no pose"; an 8000x6000 photo: the pose of the same photo at its
    own size (the crop and the drawing scale)."""
    page, log, console = camera_page
    page.evaluate(COLLECT_POSES)
    photo = media_dir / "images" / "opencv_messi5.jpg"
    with Image.open(photo) as image:
        width = image.width
    page.set_input_files("#file", str(photo))
    page.wait_for_function(f"window.__poses.some(p => p.imageWidth === {width})", timeout=60000)
    original = page.evaluate(f"window.__poses.find(p => p.imageWidth === {width})")
    assert original["landmarks"]
    page.evaluate(COLLECT_POSES)
    page.set_input_files("#file", str(bad_media["tiny"]))
    text = message(page)
    assert "No pose found" in text and "1×1" in text and "too small" in text, text
    assert page.evaluate("window.__poses.at(-1).imageWidth") == 1

    page.evaluate(COLLECT_POSES)
    page.set_input_files("#file", str(huge_image))
    page.wait_for_function("window.__poses.some(p => p.imageWidth === 8000)", timeout=90000)
    huge = page.evaluate("window.__poses.find(p => p.imageWidth === 8000)")
    assert huge["imageHeight"] == 6000 and huge["landmarks"], "no pose in the 8000x6000 image"
    # The same pose as in the photo at its own size (in normalised coordinates: the crop
    # scales with the image).
    error = max(
        abs(a - b)
        for p, q in zip(huge["landmarks"], original["landmarks"], strict=True)
        for a, b in zip(p[:2], q[:2], strict=True)
    )
    assert error < 0.05, error
    assert page.evaluate("document.getElementById('frame').width") == 8000
    assert page.is_hidden("#message") or "No pose" not in page.text_content("#message")
    page.select_option("#source", "camera")
    tracks_again(page)
    no_python_errors(log, console)


def test_camera_disappears_and_comes_back(camera_page) -> None:
    page, log, console = camera_page
    page.select_option("#source", "camera")
    tracks_again(page)
    # The device goes away: its track ends (what Chromium does when a camera is unplugged).
    page.evaluate("""() => { const track = document.getElementById('video').srcObject
        .getVideoTracks()[0]; track.stop(); track.dispatchEvent(new Event('ended')); }""")
    text = message(page)
    assert "camera stopped" in text and "Choose Camera" in text, text
    assert page.input_value("#source") == "none"
    page.wait_for_timeout(500)  # a frame already being tracked when the camera ended
    page.evaluate(COLLECT_POSES)
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__poses.length") == 0  # stopped, not stuck in a loop
    page.select_option("#source", "camera")  # the way back
    tracks_again(page)
    assert page.is_hidden("#message")
    no_python_errors(log, console)


def test_camera_permission_revoked(camera_page) -> None:
    """Camera access withdrawn while the camera runs: Chromium ends the track (as in the
    unplug test), and asking again is refused with NotAllowedError, which the fake-UI browser
    of the camera tests never does on its own: getUserMedia is made to refuse the way
    Chromium does for a denied permission."""
    page, log, console = camera_page
    page.select_option("#source", "camera")
    tracks_again(page)
    page.evaluate("""() => { const track = document.getElementById('video').srcObject
        .getVideoTracks()[0]; track.stop(); track.dispatchEvent(new Event('ended')); }""")
    assert "camera stopped" in message(page)
    page.evaluate("""() => { navigator.mediaDevices.getUserMedia = () => Promise.reject(
            new DOMException('Permission denied', 'NotAllowedError')); }""")
    page.select_option("#source", "camera")
    page.wait_for_function(
        "document.getElementById('message').textContent.includes('permission denied')",
        timeout=30000,
    )
    assert "Allow camera access" in page.text_content("#message")
    page.evaluate("() => { delete navigator.mediaDevices.getUserMedia; }")
    page.select_option("#source", "camera")
    tracks_again(page)
    no_python_errors(log, console)


def test_hidden_tab_resumes_fresh(camera_page) -> None:
    """Hidden: no frame is tracked. Shown again: tracking restarts from a new detection on a
    frame presented after the page came back, without a burst of old frames."""
    page, log, console = camera_page
    # Never lost once found: every frame but the first is tracked from the one before.
    page.evaluate("window.blazepose.setOptions({minTrackingConfidence: 0})")
    page.select_option("#source", "camera")
    tracks_again(page)
    page.evaluate(COLLECT_POSES)
    steady = wait_for_poses(page, 5, 60)
    detections = [p["timings"]["detection"] for p in steady]
    assert 0 in detections, detections  # tracked from the frame before, not re-detected
    page.evaluate("""() => {
        window.__visibility = 'hidden';
        Object.defineProperty(document, 'visibilityState',
            { configurable: true, get: () => window.__visibility });
        document.dispatchEvent(new Event('visibilitychange'));
        window.__hiddenAt = performance.now(); window.__poses = []; }""")
    page.wait_for_timeout(500)  # a frame being tracked when the page hid may still finish
    page.evaluate("window.__poses = []")
    page.wait_for_timeout(HIDDEN_S * 1000)
    assert page.evaluate("window.__poses.length") == 0
    shown_at = page.evaluate("""() => { window.__visibility = 'visible';
        document.dispatchEvent(new Event('visibilitychange')); return performance.now(); }""")
    poses = wait_for_poses(page, 4, 60)
    first = poses[0]
    assert first["timeMs"] > shown_at
    assert first["timings"]["detection"] > 0  # the old pose was forgotten
    assert on_person(first["landmarks"])
    gaps = [b["timeMs"] - a["timeMs"] for a, b in zip(poses, poses[1:], strict=False)]
    assert min(gaps) > 5, gaps  # one frame at a time, no backlog flushed at once
    page.evaluate("window.blazepose.setOptions({minTrackingConfidence: 0.5})")
    no_python_errors(log, console)


def test_confidence_outside_0_1_is_refused(camera_page) -> None:
    """setOptions refuses a confidence outside 0..1 (or NaN) by name and keeps the options in
    force; the URL's bad values (the fixture's) were left at the defaults."""
    page, log, console = camera_page
    defaults = {key: contract.DEFAULTS[key] for key in CONFIDENCES}
    options = page.evaluate("window.blazepose.options")
    assert {key: options[key] for key in CONFIDENCES} == defaults
    messages = page.evaluate(
        """async () => {
            const bad = [{minDetectionConfidence: 1.5}, {minTrackingConfidence: -0.1},
                         {minTrackingConfidence: Number('abc')}];
            const out = [];
            for (const changes of bad) {
                out.push(await window.blazepose.setOptions(changes).then(
                    () => 'accepted', (e) => e.message));
            }
            return out;
        }"""
    )
    assert messages == [
        "setOptions: minDetectionConfidence must be a number from 0 to 1",
        "setOptions: minTrackingConfidence must be a number from 0 to 1",
        "setOptions: minTrackingConfidence must be a number from 0 to 1",
    ]
    options = page.evaluate("window.blazepose.options")
    assert {key: options[key] for key in CONFIDENCES} == defaults
    assert (
        page.evaluate("window.blazepose.setOptions({minTrackingConfidence: 0.7})")[
            "minTrackingConfidence"
        ]
        == 0.7
    )
    page.evaluate(
        "(value) => window.blazepose.setOptions({minTrackingConfidence: value})",
        defaults["minTrackingConfidence"],
    )
    no_python_errors(log, console)


def test_set_options_storm(camera_page) -> None:
    """20 random option changes within 5 s while the camera is tracked: the last options are
    in force, no ONNX Runtime session or Python tracker is left over, tracking goes on."""
    page, log, console = camera_page
    page.select_option("#source", "camera")
    tracks_again(page)
    before = diagnostics(page)
    sessions_before = page.evaluate("import('./models.js').then((m) => m.openSessions())")
    rng = random.Random(2026)
    choices = {
        "model": ["lite", "full"],
        # WebGPU runs on SwiftShader here: seconds per session; test_page switches to it.
        "backend": ["wasm", "auto"],
        "segmentation": [True, False],
        "smoothing": [True, False],
    }
    calls = []
    for _ in range(STORM_CALLS):
        keys = rng.sample(sorted(choices), rng.randint(1, 3))
        calls.append({k: rng.choice(choices[k]) for k in keys})
    results = page.evaluate(
        """async ([calls, gapMs]) => {
            const pending = [];
            for (const changes of calls) {
                pending.push(window.blazepose.setOptions(changes).then(
                    () => 'ok', (e) => e.message));
                await new Promise((r) => setTimeout(r, gapMs));
            }
            return Promise.all(pending);
        }""",
        [calls, STORM_SECONDS * 1000 / STORM_CALLS],
    )
    assert results == ["ok"] * STORM_CALLS, results
    expected = {}
    for changes in calls:
        expected.update(changes)
    options = page.evaluate("window.blazepose.options")
    for key in ("model", "segmentation", "smoothing"):
        assert options[key] == expected[key]
    if expected["backend"] != "auto":
        assert options["backend"] == expected["backend"]
    sessions = page.evaluate("import('./models.js').then((m) => m.openSessions())")
    assert sessions == sessions_before == 2
    after = diagnostics(page)
    assert (after["sessions"], after["trackers"]) == (before["sessions"], before["trackers"])
    page.evaluate(COLLECT_POSES)
    poses = wait_for_poses(page, 2, 120)
    assert poses[-1]["model"] == expected["model"]
    assert page.text_content("#stat-model").startswith(expected["model"])
    no_python_errors(log, console)

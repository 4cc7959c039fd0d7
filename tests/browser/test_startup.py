"""Start-up: the marks of each step exist and come in order (no timing asserts), Python boots
from the build's Pyodide snapshot, and `auto`'s measured backend choice is remembered for the
next visit and measured again when what it depended on changes."""

from __future__ import annotations

from playwright.sync_api import Browser, Page
from support.page import open_page, wait_ready
from test_backends import TIMED

# Steps that must come one after the other (each pair: earlier, later).
ORDER = [
    ("pythonStart", "pyodideBooted"),
    ("fetch.pyodideWasm", "pyodideBooted"),
    ("fetch.snapshot", "pyodideBooted"),
    ("pyodideBooted", "blazeposeImported"),
    ("blazeposeImported", "pythonReady"),
    ("pythonReady", "ready"),
    ("ortLoaded", "ortInit"),
    ("fetch.detector", "ortInit"),
    ("ortInit", "sessions"),
    ("fetch.landmark", "sessions"),
    ("sessions", "backendChosen"),
    ("backendChosen", "ready"),
    ("ready", "firstFrame"),
    ("firstFrame", "firstPose"),
    ("firstPose", "firstDraw"),
]
STORAGE_KEY = "blazepose.backendChoice.pose_landmark_lite_landmarks_only.onnx"
STALE_ORT = """(key) => {
  const saved = JSON.parse(localStorage.getItem(key));
  saved.ortVersion = "0.0.0";
  localStorage.setItem(key, JSON.stringify(saved));
}"""
SAVED_VERSION = "(key) => JSON.parse(localStorage.getItem(key) ?? 'null')?.ortVersion ?? null"


def startup_of(page: Page) -> dict:
    return page.evaluate("() => JSON.parse(JSON.stringify(window.blazepose.startup))")


def test_startup_marks_exist_in_order(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page, log = open_page(context, site_url + "index.html?source=sample&model=lite&backend=wasm")
    wait_ready(page)
    page.wait_for_function("window.blazepose.startup.marks?.firstDraw > 0", timeout=120_000)
    startup = startup_of(page)
    marks = startup["marks"]
    for earlier, later in ORDER:
        assert earlier in marks and later in marks, (earlier, later, marks)
        assert 0 < marks[earlier] <= marks[later], (earlier, later, marks)
    assert startup["pythonFromSnapshot"] is True  # the build's snapshot was used
    assert startup["firstFrameTimings"]["inference"] > 0
    # (ORT's WASM is fetched in ORT's proxy worker: not in the page's Resource Timing.)
    assert set(startup["cached"]) >= {"pyodideWasm", "detector", "landmark"}
    assert log.external() == [] and log.errors == []
    context.close()


def auto_choice(context, url: str, init_script: str | None = None) -> dict:
    """auto's choice on a visit: remembered, or (first visit) timed once a pose is tracked."""
    page = context.new_page()
    if init_script:
        page.add_init_script(init_script)
    page.goto(url)
    info = wait_ready(page, timeout_s=120)
    choice = info["backendChoice"]
    if not choice.get("remembered"):
        choice = page.wait_for_function(TIMED, timeout=180_000).json_value()
    page.close()
    return choice


def test_backend_choice_remembered_and_invalidated(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    url = site_url + "index.html?source=sample&model=lite"
    first = auto_choice(context, url)
    assert not first.get("remembered")
    assert len(first["candidates"]) > 1  # Debian's Chromium on >= 2 cores: WASM thread counts
    assert all("ms" in c for c in first["candidates"])
    timed = [c for c in first["candidates"] if c.get("ms")]
    fastest = min(timed, key=lambda c: c["ms"])

    # Second visit: the fastest of the first visit's timing, not timed again.
    second = auto_choice(context, url)
    assert second["remembered"] is True
    assert second["chosen"] == {"name": fastest["backend"], "threads": fastest["threads"]}
    assert second["reason"].startswith("remembered")

    # Another ONNX Runtime than the one measured: forgotten, measured again, remembered anew.
    page = context.new_page()
    page.goto(site_url + "static/icon.svg")  # same origin, nothing started
    page.evaluate(STALE_ORT, STORAGE_KEY)
    third = auto_choice(context, url)
    assert not third.get("remembered")
    assert page.evaluate(SAVED_VERSION, STORAGE_KEY) not in (None, "0.0.0")

    # Another core count: another set of facts, so it is measured again.
    more_cores = "Object.defineProperty(navigator, 'hardwareConcurrency', {get: () => 8})"
    fourth = auto_choice(context, url, more_cores)
    assert not fourth.get("remembered")
    assert [c["threads"] for c in fourth["candidates"]] == [1, 2, 4]
    context.close()

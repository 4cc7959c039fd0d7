"""Backend choice: `auto` starts on its first guess, times what the browser has once a pose is
tracked and runs the fastest; a backend the browser lacks falls back with a message; WebNN (in
the WebNN-capable Chromium) tracks like the CPython runner."""

from __future__ import annotations

from playwright.sync_api import Browser, Page
from support.page import agreement_with_cpython, open_page, wait_ready

TIMED = """() => { const c = window.blazepose.runtime?.choice;
    return c && !c.provisional && c.candidates.some((r) => r.ms !== null) ? c : null; }"""


def check_choice(info: dict, page: Page) -> dict:
    """auto's first visit: it starts on its first guess untimed, times every candidate once a
    pose is tracked, and runs the fastest (or keeps the guess when within 10 % of it)."""
    first = info["backendChoice"]
    assert first["requested"] == "auto" and first["provisional"] is True
    assert all(c["ms"] is None for c in first["candidates"])
    assert first["reason"].startswith("first visit")
    choice = page.wait_for_function(TIMED, timeout=180_000).json_value()
    timed = [c for c in choice["candidates"] if "error" not in c]
    assert timed and all(c["ms"] > 0 for c in timed)
    fastest = min(timed, key=lambda c: c["ms"])
    running = page.evaluate("window.blazepose.runtime")
    running["threads"] = running["threads"] or 1  # WebNN/WebGPU report none
    assert choice["chosen"] == {"name": running["backend"], "threads": running["threads"]}
    if choice["chosen"] != {"name": fastest["backend"], "threads": fastest["threads"]}:
        assert "kept" in choice["reason"], choice  # the guess stays: within 10 % of the fastest
        kept = next(
            c
            for c in timed
            if c["backend"] == running["backend"] and c["threads"] == running["threads"]
        )
        assert fastest["ms"] > 0.9 * kept["ms"], choice
    check_nothing_of_the_timing_left(page, running)
    page.wait_for_function(
        "(name) => document.querySelector('#stat-backend').textContent === name",
        arg=f"{running['backend']} (auto)",
    )
    assert "ms" in page.text_content("#stat-choice")
    return choice


LEFT_OVER = """async () => ({
    timingWorkers: (await import('./backend-timing.js')).timingWorkers(),
    runtimes: (await import('./ort-runtime.js')).loadedRuntimes(),
    sessions: (await import('./models.js')).openSessions(),
})"""


def check_nothing_of_the_timing_left(page: Page, running: dict) -> None:
    """Once auto has chosen, the timing's worker is gone with its ORT instances; the page
    holds the two sessions of the running backend and no ORT instance made for timing."""
    left = page.evaluate(LEFT_OVER)
    assert left["timingWorkers"] == 0, left
    assert left["sessions"] == 2, left
    assert not any("timing" in key for key in left["runtimes"]), left
    build = "wasm" if running["backend"] == "wasm" else ("jspi", "asyncify")
    running_key = f"/{running['threads']}/"
    assert any(k.startswith(build) and running_key in k for k in left["runtimes"]), left
    # Playwright hears of a terminated worker a moment later.
    for _ in range(100):
        urls = [w.url for w in page.workers]
        if not any("backend-timing-worker" in u for u in urls):
            break
        page.wait_for_timeout(100)
    assert not any("backend-timing-worker" in u for u in urls), urls
    print("workers after the choice:", urls)


def test_auto_times_wasm_threads_and_keeps_the_fastest(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page, log = open_page(context, site_url + "index.html?source=sample&model=lite")
    info = wait_ready(page)
    choice = check_choice(info, page)
    # Debian's Chromium has no WebNN and only a software WebGPU adapter: WASM thread counts.
    cores = page.evaluate("navigator.hardwareConcurrency")
    expected = [n for n in (1, 2, 4) if n == 1 or n <= min(4, cores)]
    assert [(c["backend"], c["threads"]) for c in choice["candidates"]] == [
        ("wasm", n) for n in expected
    ]
    detail = page.evaluate("window.blazepose.processFrame(new ImageData(64, 48), 0)")
    assert detail["backend"]["name"] == "wasm"
    assert detail["backend"]["threads"] == choice["chosen"]["threads"]
    assert page.evaluate("window.blazepose.startup.backend.provisional") is True
    assert log.external() == [] and log.errors == []
    context.close()


def test_auto_without_isolation_has_one_thread(browser: Browser, plain_site_url: str) -> None:
    context = browser.new_context()
    page, log = open_page(context, plain_site_url + "index.html?source=none&model=lite")
    info = wait_ready(page)
    assert info["backendChoice"]["candidates"][0] == {"backend": "wasm", "threads": 1, "ms": None}
    assert info["backend"] == "wasm" and info["threads"] == 1
    assert log.external() == [] and log.errors == []
    context.close()


def test_missing_backend_falls_back_with_a_message(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page, log = open_page(context, site_url + "index.html?source=none&model=lite&backend=webnn")
    info = wait_ready(page)
    assert info["backend"] == "wasm"
    assert "WebNN backend not available" in info["backendChoice"]["unavailable"]
    message = page.text_content("#message")
    assert "WebNN backend not available" in message and "fastest available" in message
    assert log.external() == []
    context.close()


def test_webnn_auto_choice_and_parity(webnn_browser: Browser, site_url: str, parity_frames):
    context = webnn_browser.new_context()
    page, log = open_page(context, site_url + "index.html?source=sample&model=full")
    info = wait_ready(page, timeout_s=180)
    assert info["backend"] == "webnn"  # the first guess where WebNN is present
    choice = check_choice(info, page)
    webnn = [c for c in choice["candidates"] if c["backend"] == "webnn"]
    assert webnn and webnn[0]["ms"] > 0, choice  # this browser has WebNN: it was timed
    print("auto in the WebNN Chromium:", choice["candidates"])

    # WebNN tracks the clip like the CPython runner (onnxruntime) on the same pixels.
    options = page.evaluate("window.blazepose.setOptions({backend: 'webnn', smoothing: true})")
    assert options["backend"] == "webnn"
    agreement = agreement_with_cpython(page, parity_frames, "webnn")
    assert agreement.frame_agreement == 1.0
    assert agreement.pck >= 0.99
    assert log.external() == [] and log.errors == []
    context.close()

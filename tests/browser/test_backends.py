"""Backend choice: `auto` times what the browser has and keeps the fastest; a backend the
browser lacks falls back with a message; WebNN (in the WebNN-capable Chromium) tracks like the
CPython runner."""

from __future__ import annotations

from playwright.sync_api import Browser, Page
from test_page import agreement_with_cpython, open_page, wait_ready


def check_choice(info: dict, page: Page) -> dict:
    """The measured choice: every candidate timed, the fastest chosen and shown."""
    choice = info["backendChoice"]
    assert choice["requested"] == "auto"
    timed = [c for c in choice["candidates"] if "error" not in c]
    assert timed and all(c["ms"] > 0 for c in timed)
    fastest = min(timed, key=lambda c: c["ms"])
    assert choice["chosen"] == {"name": fastest["backend"], "threads": fastest["threads"]}
    assert info["backend"] == fastest["backend"]
    assert page.text_content("#stat-backend") == f"{fastest['backend']} (auto)"
    assert "ms" in page.text_content("#stat-choice")
    return choice


def test_auto_times_wasm_threads_and_keeps_the_fastest(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page, log = open_page(context, site_url + "index.html?source=none&model=lite")
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
    assert page.evaluate("window.blazepose.startup.backend.chosen") == choice["chosen"]
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
    page, log = open_page(context, site_url + "index.html?source=none&model=full")
    info = wait_ready(page, timeout_s=180)
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

"""A later visit reuses the WASM code the browser compiled before (Chromium's code cache), seen
in Chromium's trace as `v8.wasm.moduleCacheHit` with the file's URL:
- with the service worker (what every visit after the first has): Pyodide's and ONNX Runtime's
  modules, from the third visit on (the second is the first the worker answers: it compiles
  from the worker's cache and leaves the code there);
- without it (service workers blocked): Pyodide's, from the HTTP cache. ONNX Runtime fetches
  its WASM in its proxy worker, and Chromium 156 showed no hit for it there from the HTTP
  cache in any visit (it does from the service worker's cache).
The code cache needs a real profile (off-the-record contexts keep none), so each test uses a
persistent context in a fresh folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import BrowserType, Page

CATEGORIES = "v8.wasm,disabled-by-default-devtools.timeline"
WASM = {
    "pyodide": "vendor/pyodide/pyodide.asm.wasm",
    "ort": "vendor/ort/ort-wasm-simd-threaded.wasm",
}
VISITS = 4
# Chromium writes a module's code cache once enough of it has tiered up and compilation has
# gone quiet for about 2 s: each visit stays this long after its first pose.
SETTLE_MS = 12_000


def traced_visit(page: Page, url: str) -> set[str]:
    """Loads `url` to its first pose; the WASM files whose compiled code came from a cache."""
    cdp = page.context.new_cdp_session(page)
    events: list[dict] = []
    done: list[bool] = []
    cdp.on("Tracing.dataCollected", lambda e: events.extend(e["value"]))
    cdp.on("Tracing.tracingComplete", lambda _: done.append(True))
    cdp.send("Tracing.start", {"categories": CATEGORIES, "transferMode": "ReportEvents"})
    page.goto(url)
    page.wait_for_function("window.blazepose?.startup?.marks?.firstPose > 0", timeout=150_000)
    cdp.send("Tracing.end")
    for _ in range(200):
        if done:
            break
        page.wait_for_timeout(50)
    return {
        name
        for e in events
        if e.get("name") == "v8.wasm.moduleCacheHit"
        for name, path in WASM.items()
        if str((e.get("args") or {}).get("url", "")).endswith(path)
    }


@pytest.mark.parametrize(
    ("service_workers", "expected"), [("block", {"pyodide"}), ("allow", {"pyodide", "ort"})]
)
def test_later_visits_reuse_compiled_wasm(
    browser_type: BrowserType,
    browser_type_launch_args: dict,
    site_url: str,
    tmp_path: Path,
    service_workers: str,
    expected: set[str],
) -> None:
    context = browser_type.launch_persistent_context(
        tmp_path / "profile",
        executable_path=browser_type_launch_args["executable_path"],
        args=browser_type_launch_args["args"],
        service_workers=service_workers,
    )
    url = site_url + "index.html?source=sample&model=lite&backend=wasm"
    hits: list[set[str]] = []
    try:
        for _ in range(VISITS):
            page = context.new_page()
            hits.append(traced_visit(page, url))
            page.wait_for_timeout(SETTLE_MS)
            page.close()
    finally:
        context.close()
    print(f"code-cache hits per visit ({service_workers} service workers):", hits)
    assert hits[0] == set(), hits  # a first visit has nothing to reuse
    assert set().union(*hits[1:]) == expected, hits
    if service_workers == "allow":
        assert hits[-1] == expected, hits  # and on every visit once the code is cached

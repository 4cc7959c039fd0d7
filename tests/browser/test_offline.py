"""The service worker (web/service-worker.js, registered by web/offline.js): a second visit
tracks the sample clip with the server gone and the network cut; on a host without headers
(`build.py serve --no-isolation`) the second load is cross-origin isolated with WASM threads
and the Content-Security-Policy; a new build on the server replaces the old one whole; a model
whose bytes do not match the manifest is refused with the checksum message, never cached."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import onnx
import pytest
from blazepose.contract import landmark_file
from blazepose_tools.offline_build import SERVICE_WORKER
from blazepose_tools.site_build import finish_site
from blazepose_tools.static_server import serve_in_background
from playwright.sync_api import Browser, BrowserContext, Error, Page
from support.page import on_person, wait_ready
from support.paths import ROOT

LITE = landmark_file("lite", segmentation=False)
FULL = landmark_file("full", segmentation=False)
COLLECT = """window.__poses = [];
    window.addEventListener('blazepose:pose', (e) => window.__poses.push(e.detail));"""
EXTRAS = (".br", ".gz")


class Site:
    """A server for a folder, which a test can stop."""

    def __init__(self, directory: Path, isolate: bool = True) -> None:
        self.directory = directory
        self.server, self.url = serve_in_background(directory, isolate=isolate)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site_copy(dist_dir: Path, tmp_path: Path) -> Path:
    """dist/ as hard links (cheap); files a test changes are replaced, never written into."""
    copy = tmp_path / "site"
    shutil.copytree(dist_dir, copy, copy_function=os.link)
    return copy


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    context.add_init_script(COLLECT)
    yield context
    context.close()


def tracked(page: Page, count: int, timeout_s: float = 90) -> list[dict]:
    page.wait_for_function(
        f"window.__poses.filter(p => p.landmarks).length >= {count}", timeout=timeout_s * 1000
    )
    return [p for p in page.evaluate("window.__poses") if p["landmarks"]]


def offline_state(page: Page, timeout_s: float = 120) -> dict:
    """window.blazeposeOffline once this build's files are cached (across reloads)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            state = page.evaluate("window.blazeposeOffline && {...window.blazeposeOffline}")
        except Error:  # a reload replaced the page while asking
            state = None
        if state and state["state"] == "ready":
            return state
        assert not (state and state["state"].startswith("failed")), state
        time.sleep(0.5)
    raise AssertionError(f"offline files not cached within {timeout_s} s: {state}")


def cache_names(page: Page) -> list[str]:
    return page.evaluate("caches.keys()")


def cached_paths(page: Page) -> list[str]:
    return page.evaluate(
        """async (name) => (await (await caches.open(name)).keys())
            .map((r) => new URL(r.url).pathname)""",
        cache_names(page)[0],
    )


def replace_file(site: Path, name: str, data: bytes) -> None:
    """A new file under `name` (the hard link to dist/ is dropped, dist/ stays as it is)."""
    target = site / name
    for suffix in EXTRAS:
        (site / f"{name}{suffix}").unlink(missing_ok=True)
    target.unlink()
    target.write_bytes(data)


def rebuild(site: Path) -> None:
    """What `build.py dist` does after its inputs changed: the service worker, headers and
    compressed copies for the files now in `site`."""
    (site / SERVICE_WORKER).unlink()
    for suffix in EXTRAS:
        (site / f"{SERVICE_WORKER}{suffix}").unlink(missing_ok=True)
    files = [
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and p.suffix not in EXTRAS and p.name != "_headers"
    ]
    finish_site(
        site, files, (ROOT / "web" / "offline" / SERVICE_WORKER).read_text(encoding="utf-8")
    )


def new_model_build(site: Path, name: str) -> str:
    """The same model with other bytes (a metadata entry), and its manifest entry; returns
    its SHA-256."""
    model = onnx.load(str(site / "models" / name))
    onnx.helper.set_model_props(model, {"build": "2"})
    data = model.SerializeToString()
    replace_file(site, f"models/{name}", data)
    manifest = json.loads((site / "models" / "manifest.json").read_text())
    sha = hashlib.sha256(data).hexdigest()
    manifest["models"][name].update(bytes=len(data), sha256=sha)
    replace_file(site, "models/manifest.json", json.dumps(manifest, indent=2).encode())
    rebuild(site)
    return sha


def test_second_visit_tracks_offline(context: BrowserContext, site_copy: Path) -> None:
    site = Site(site_copy)
    page = context.new_page()
    page.goto(site.url + "index.html?model=lite")
    tracked(page, 1)
    first = offline_state(page)
    assert first["isolation"] is None
    site.stop()
    context.set_offline(True)
    page.reload()
    poses = tracked(page, 8)
    assert all(on_person(p["landmarks"]) for p in poses[1:])
    assert page.evaluate("crossOriginIsolated")
    assert page.is_hidden("#message")
    assert offline_state(page)["version"] == first["version"]


def test_host_without_headers_gets_isolation_from_the_second_load(
    context: BrowserContext, site_copy: Path
) -> None:
    site = Site(site_copy, isolate=False)
    page = context.new_page()
    url = site.url + "index.html?model=lite&backend=wasm&threads=2"
    response = page.goto(url)
    assert response.header_value("Cross-Origin-Embedder-Policy") is None
    info = wait_ready(page)
    assert not page.evaluate("crossOriginIsolated") and info["threads"] == 1
    note = page.text_content("#isolation-note")
    assert "no COOP/COEP headers" in note and "next load" in note, note
    tracked(page, 1)
    offline_state(page)

    response = page.reload()
    headers = json.loads(
        (site_copy / SERVICE_WORKER).read_text().split("const BUILD = ", 1)[1].split(";\n")[0]
    )["headers"]
    for name, value in headers.items():
        assert response.header_value(name) == value, name
    info = wait_ready(page)
    assert page.evaluate("crossOriginIsolated")
    assert info["backend"] == "wasm" and info["threads"] == 2
    assert page.query_selector("#isolation-note") is None
    tracked(page, 3)
    # The policy came with it: an injected inline script is refused.
    violation = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener('securitypolicyviolation',
                (e) => resolve(e.effectiveDirective), {once: true});
            const s = document.createElement('script');
            s.textContent = 'window.__injected = true';
            document.head.append(s);
            setTimeout(() => resolve(window.__injected ? 'ran' : 'none'), 2000);
        })"""
    )
    assert violation == "script-src-elem"
    site.stop()


def test_new_build_replaces_the_old_one_whole(context: BrowserContext, site_copy: Path) -> None:
    site = Site(site_copy)
    page = context.new_page()
    page.goto(site.url + "index.html?model=lite")
    tracked(page, 1)
    old = offline_state(page)
    assert cache_names(page) == [f"blazepose-{old['version']}"]

    sha = new_model_build(site_copy, LITE)
    page.reload()  # the old build's page; its worker finds the new one, which reloads it
    deadline = time.monotonic() + 180
    new = old
    while new["version"] == old["version"] and time.monotonic() < deadline:
        time.sleep(1)
        new = offline_state(page)
    assert new["version"] != old["version"]
    page.evaluate(COLLECT)
    tracked(page, 3)
    assert page.is_hidden("#message")
    assert cache_names(page) == [f"blazepose-{new['version']}"]
    served = page.evaluate(
        """async (url) => {
            const bytes = await (await fetch(url)).arrayBuffer();
            const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
            return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
        }""",
        f"models/{LITE}",
    )
    assert served == sha
    manifest = page.evaluate("fetch('models/manifest.json').then((r) => r.json())")
    assert manifest["models"][LITE]["sha256"] == sha
    site.stop()


def test_model_not_matching_the_manifest_is_refused_and_not_cached(
    context: BrowserContext, site_copy: Path
) -> None:
    site = Site(site_copy)
    page = context.new_page()
    page.goto(site.url + "index.html?model=lite")
    tracked(page, 1)
    offline_state(page)
    # The server's copy of another model goes bad (its manifest entry stays).
    replace_file(site_copy, f"models/{FULL}", b"not the model the manifest names")
    page.goto(site.url + "index.html?model=full&source=none")
    page.wait_for_selector(".loading-error", timeout=60000)
    text = page.text_content(".loading-error")
    assert FULL in text and "failed its checksum" in text, text
    paths = cached_paths(page)
    assert not [p for p in paths if p.endswith(FULL)]
    assert [p for p in paths if p.endswith(LITE)]
    site.stop()

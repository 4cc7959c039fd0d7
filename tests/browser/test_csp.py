"""The Content-Security-Policy the site is served with (site_headers, dist/_headers): the
page and the example pages work under it with no violation, on WASM, WebGPU and WebNN."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from blazepose_tools.site_headers import CSP, HEADERS_FILE, read_headers_file
from playwright.sync_api import Browser, BrowserContext, Page
from support.page import wait_ready

# Every violation the page's document sees, and its poses.
WATCH = """window.__violations = []; window.__poses = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(
        `${e.effectiveDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
    window.addEventListener('blazepose:pose', (e) => window.__poses.push(!!e.detail.landmarks));"""


def watched(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    context.add_init_script(WATCH)
    yield context
    context.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    yield from watched(browser)


def open_watched(context: BrowserContext, url: str, dist: Path) -> tuple[Page, list[str]]:
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            m.type == "error" and "Content Security Policy" in m.text and errors.append(m.text)
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(url)
    policy = read_headers_file(dist / HEADERS_FILE)[CSP]
    assert response.header_value(CSP) == policy, "the page came without the policy"
    return page, errors


def tracks(page: Page, count: int = 3, timeout_s: float = 90) -> None:
    page.wait_for_function(
        f"window.__poses.filter(Boolean).length >= {count}", timeout=timeout_s * 1000
    )


def test_policy_is_strict(dist_dir: Path) -> None:
    policy = read_headers_file(dist_dir / HEADERS_FILE)[CSP]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert "'unsafe-inline'" not in policy
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert "http" not in policy  # no other origin


@pytest.mark.parametrize("backend", ["wasm", "webgpu"])
def test_page_tracks_under_the_policy(
    context: BrowserContext, site_url: str, dist_dir: Path, backend: str
) -> None:
    url = site_url + f"index.html?model=lite&backend={backend}"
    page, errors = open_watched(context, url, dist_dir)
    info = wait_ready(page)
    assert info["backend"] == backend
    tracks(page)
    assert page.evaluate("window.__violations") == []
    assert errors == [], errors


@pytest.mark.parametrize(
    ("example", "done"),
    [
        ("docs-example.html", "document.getElementById('nose').textContent.startsWith('x')"),
        ("view-example.html", "document.getElementById('nose').textContent.startsWith('x')"),
        ("embed-example.html", "document.getElementById('nose').textContent.startsWith('x')"),
    ],
)
def test_example_pages_work_under_the_policy(
    context: BrowserContext, site_url: str, dist_dir: Path, example: str, done: str
) -> None:
    page, errors = open_watched(context, site_url + example, dist_dir)
    page.wait_for_function(done, timeout=120000)
    assert page.evaluate("window.__violations") == []
    for frame in page.frames[1:]:
        assert frame.evaluate("window.__violations") == []
    assert errors == [], errors


def test_webnn_tracks_under_the_policy(
    webnn_browser: Browser, site_url: str, dist_dir: Path
) -> None:
    for context in watched(webnn_browser):
        url = site_url + "index.html?model=lite&backend=webnn"
        page, errors = open_watched(context, url, dist_dir)
        info = wait_ready(page)
        assert info["backend"] == "webnn"
        tracks(page)
        assert page.evaluate("window.__violations") == []
        assert errors == [], errors

"""The camera stream is never sent anywhere: with the fake camera tracked on every backend
(WASM and WebGPU in Debian's Chromium, WebNN in the WebNN Chromium) and through the embedded
engine (<blazepose-view> in a page, and the demo page embedded in an iframe), every request of
the page and its workers goes to the site on 127.0.0.1, only to read files (GET), and no
WebSocket, WebRTC connection or beacon is opened.

Requests are recorded by routing them in the browser context (which also sees the page's
workers); a request that routing cannot see (a worker started inside a worker) would meet the
dead proxy of the offline flags and fail, which the console-error check catches.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from blazepose_tools.browsers import FOREGROUND_FLAGS, BrowserUnavailable, webnn_chromium
from playwright.sync_api import Browser, BrowserContext, Playwright, Route
from support.page import COLLECT_POSES, on_person, wait_for_poses, wait_ready
from support.paths import ROOT

LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# Counts what could carry frames out other than a request: peer connections, sockets,
# beacons (a beacon is a POST too, but it is counted where it is made).
WATCH_CHANNELS = """(() => {
  const seen = (window.__channels = { rtc: 0, websocket: 0, beacon: 0 });
  const count = (name, Original) => new Proxy(Original, {
    construct(target, args) { seen[name]++; return new target(...args); } });
  if (window.RTCPeerConnection) window.RTCPeerConnection = count('rtc', RTCPeerConnection);
  window.WebSocket = count('websocket', WebSocket);
  const beacon = navigator.sendBeacon?.bind(navigator);
  if (beacon) navigator.sendBeacon = (...args) => { seen.beacon++; return beacon(...args); };
})();"""


class Traffic:
    """Every request a browser context makes (page and workers), and the page's errors."""

    def __init__(self, context: BrowserContext) -> None:
        self.requests: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.sockets: list[str] = []
        context.add_init_script(WATCH_CHANNELS)
        context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        request = route.request
        self.requests.append((request.method, request.url))
        if urlsplit(request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            route.abort()

    def watch(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("websocket", lambda ws: self.sockets.append(ws.url))

    def check(self, page, site_url: str) -> None:
        origin = site_url.rstrip("/")
        outside = [u for _, u in self.requests if not u.startswith((origin, "data:", "blob:"))]
        assert outside == []
        assert {m for m, _ in self.requests} == {"GET"}  # files read, nothing sent
        assert self.sockets == []
        for frame in page.frames:
            assert frame.evaluate("window.__channels") == {"rtc": 0, "websocket": 0, "beacon": 0}
        assert self.errors == []


def camera_args(clip: Path) -> list[str]:
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    ]


@pytest.fixture(scope="module")
def webnn_camera_browser(playwright: Playwright, camera_clip: Path) -> Iterator[Browser]:
    try:
        build = webnn_chromium(ROOT)
    except BrowserUnavailable as error:
        pytest.fail(f"WebNN Chromium unavailable (python3 build.py setup prepares it): {error}")
    browser = playwright.chromium.launch(
        executable_path=str(build.executable),
        args=[*build.flags, *FOREGROUND_FLAGS, *camera_args(clip=camera_clip)],
    )
    yield browser
    browser.close()


def track_camera(browser: Browser, site_url: str, backend: str) -> None:
    context = browser.new_context()
    traffic = Traffic(context)
    page = context.new_page()
    traffic.watch(page)
    page.goto(f"{site_url}index.html?source=camera&model=lite&backend={backend}")
    page.evaluate(COLLECT_POSES)
    info = wait_ready(page, timeout_s=180)
    assert info["backend"] == backend, page.text_content("#message")
    poses = wait_for_poses(page, 3, 120)
    assert all(p["backend"]["name"] == backend for p in poses)
    assert on_person([p for p in poses if p["landmarks"]][-1]["landmarks"])
    traffic.check(page, site_url)
    context.close()


@pytest.mark.parametrize("backend", ["wasm", "webgpu"])
def test_camera_stays_local(camera_browser: Browser, site_url: str, backend: str) -> None:
    track_camera(camera_browser, site_url, backend)


def test_camera_stays_local_webnn(webnn_camera_browser: Browser, site_url: str) -> None:
    track_camera(webnn_camera_browser, site_url, "webnn")


def with_camera_source(context: BrowserContext, page_name: str, before: str) -> None:
    """Serves the site's `page_name` with its sample source switched to the camera."""

    def patch(route: Route) -> None:
        response = route.fetch()
        body = response.text()
        assert before in body
        route.fulfill(response=response, body=body.replace(before, 'source="camera"'))

    context.route(f"**/{page_name}", patch)


@pytest.mark.parametrize(
    ("page_name", "before"),
    [("view-example.html", 'source="sample"'), ("embed-example.html", 'source="sample"')],
    ids=["blazepose-view", "iframe-embed"],
)
def test_embedded_engine_camera_stays_local(
    camera_browser: Browser, site_url: str, page_name: str, before: str
) -> None:
    context = camera_browser.new_context()
    traffic = Traffic(context)
    with_camera_source(context, page_name, before)
    page = context.new_page()
    traffic.watch(page)
    page.goto(site_url + page_name)
    page.wait_for_function(
        "document.getElementById('nose').textContent.startsWith('x ')", timeout=120000
    )
    traffic.check(page, site_url)
    context.close()

"""Transferred bytes to the first pose, per model, as a static host sends them.

Usage: ``python3 bench/bytes.py [--models lite,full,heavy] [--encodings br,gzip,identity]
[--backend auto] [--name bytes]`` (after ``python3 build.py dist``).

Each (model, encoding) is a cold first visit (a fresh browser context: empty HTTP cache, no
service worker) of ``index.html?model=M`` in headless Debian Chromium, served from dist/ by
blazepose_tools.static_server, which counts every byte it writes (status lines and headers
included), whatever asked for it (the page, its workers, ORT's threads). The server offers
only the encoding under test: br (the .br copies, as Cloudflare/Netlify send them), gzip
(GitHub Pages), identity (no compression). Also measured: what the service worker's install
fetches after the first pose (revalidations of files the HTTP cache holds), and a second
visit (a reload: everything from the service worker's cache).

Writes bench/results/<name>.json and <name>.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import threading
import time
from pathlib import Path

from paths import BENCH, DIST, use_checkout

use_checkout()

import machine  # noqa: E402
from blazepose_tools.browsers import DEBIAN_CHROMIUM, FOREGROUND_FLAGS, OFFLINE_FLAGS  # noqa: E402
from blazepose_tools.static_server import _Handler, _Server, headers_for  # noqa: E402

ENCODINGS = ("br", "gzip", "identity")
MODELS = ("lite", "full", "heavy")
MB = 1e6
FIRST_POSE_JS = "window.__firstPose !== undefined"
WATCH_JS = """window.addEventListener('blazepose:pose', (e) => {
    if (e.detail.landmarks && window.__firstPose === undefined)
        window.__firstPose = performance.now(); });"""


class Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bytes = 0
        self.by_path: dict[str, int] = {}

    def add(self, path: str, n: int) -> None:
        with self.lock:
            self.bytes += n
            self.by_path[path] = self.by_path.get(path, 0) + n

    def take(self) -> tuple[int, dict[str, int]]:
        with self.lock:
            return self.bytes, dict(self.by_path)


class _CountingWriter:
    def __init__(self, raw, handler: _Handler, counter: Counter) -> None:
        self.raw, self.handler, self.counter = raw, handler, counter

    def write(self, data: bytes) -> int:
        path = getattr(self.handler, "path", "?").split("?")[0]
        self.counter.add(path, len(data))
        return self.raw.write(data)

    def __getattr__(self, name: str):  # closed, flush, ...: the socket writer's
        return getattr(self.raw, name)


def counting_server(directory: Path, encoding: str, counter: Counter) -> tuple[_Server, str]:
    class Handler(_Handler):
        site_headers = headers_for(directory, True)

        def setup(self) -> None:
            super().setup()
            self.wfile = _CountingWriter(self.wfile, self, counter)

        def send_head(self):  # type: ignore[override]
            del self.headers["Accept-Encoding"]
            if encoding != "identity":
                self.headers["Accept-Encoding"] = encoding
            return super().send_head()

    server = _Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def measure(browser, model: str, encoding: str, backend: str) -> dict:
    counter = Counter()
    server, url = counting_server(DIST, encoding, counter)
    context = browser.new_context()
    context.add_init_script(WATCH_JS)
    page = context.new_page()
    try:
        started = time.monotonic()
        page.goto(f"{url}index.html?model={model}&backend={backend}")
        page.wait_for_function(FIRST_POSE_JS, timeout=240_000)
        first_bytes, by_path = counter.take()
        first_ms = page.evaluate("window.__firstPose")
        # The service worker registers after the first pose and caches what the page used.
        page.wait_for_function(
            "window.blazeposeOffline?.state === 'ready'", timeout=240_000, polling=500
        )
        installed, _ = counter.take()
        page.reload()
        page.wait_for_function(FIRST_POSE_JS, timeout=240_000)
        second, _ = counter.take()
        return {
            "model": model,
            "encoding": encoding,
            "backend": backend,
            "first_pose_bytes": first_bytes,
            "first_pose_ms": round(first_ms),
            "wall_s": round(time.monotonic() - started, 1),
            "service_worker_install_bytes": installed - first_bytes,
            "second_visit_bytes": second - installed,
            "largest": dict(sorted(by_path.items(), key=lambda kv: -kv[1])[:8]),
        }
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def dist_summary() -> dict:
    files = [p for p in DIST.rglob("*") if p.is_file()]
    originals = [p for p in files if p.suffix not in (".br", ".gz")]
    return {
        "files": len(originals),
        "bytes": sum(p.stat().st_size for p in originals),
        "source_maps": sum(1 for p in originals if p.suffix == ".map"),
        "br_copies": sum(1 for p in files if p.suffix == ".br"),
    }


def write_report(name: str, rows: list[dict], info: dict) -> None:
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps({"machine": info, "rows": rows}, indent=2))
    lines = [
        "# Transferred bytes to the first pose (cold first visit)",
        "",
        f"Measured with `python3 bench/bytes.py` on {machine.label(info)}; headless Debian "
        f"Chromium {info.get('chromium', '?')}. Bytes are what the server wrote (headers "
        "included) until the page's first `blazepose:pose` with landmarks; MB = 10^6 bytes.",
        "",
        "| model | encoding | to first pose | first pose at | SW install after | 2nd visit |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        install = r["service_worker_install_bytes"] / MB
        lines.append(
            f"| {r['model']} | {r['encoding']} | {r['first_pose_bytes'] / MB:.2f} MB "
            f"| {r['first_pose_ms'] / 1000:.1f} s | {install:.2f} MB "
            f"| {r['second_visit_bytes'] / MB:.3f} MB |"
        )
    lines += ["", "Largest transfers to the first pose (first row of each model):", ""]
    seen = set()
    for r in rows:
        if r["model"] in seen:
            continue
        seen.add(r["model"])
        parts = ", ".join(f"{p} {b / MB:.2f}" for p, b in r["largest"].items())
        lines.append(f"- {r['model']} ({r['encoding']}): {parts}")
    summary = info["dist"]
    lines += [
        "",
        f"dist/: {summary['files']} files, {summary['bytes'] / MB:.1f} MB uncompressed, "
        f"{summary['source_maps']} source maps, {summary['br_copies']} .br copies.",
        "",
    ]
    (out / f"{name}.md").write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--encodings", default=",".join(ENCODINGS))
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--name", default="bytes")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(DEBIAN_CHROMIUM),
            args=[*OFFLINE_FLAGS, "--disable-gpu", *FOREGROUND_FLAGS],
        )
        info = {**machine.describe(browser.version), "dist": dist_summary()}
        for model in args.models.split(","):
            for encoding in args.encodings.split(","):
                row = measure(browser, model, encoding, args.backend)
                print(json.dumps({k: v for k, v in row.items() if k != "largest"}), flush=True)
                rows.append(row)
        browser.close()
    write_report(args.name, rows, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A static file server for dist/: correct MIME types and cross-origin isolation headers.

ONNX Runtime Web needs SharedArrayBuffer for WASM threads, which Chromium only grants to
cross-origin isolated pages (COOP same-origin + COEP require-corp). Pyodide hangs when
``.wasm`` is not served as ``application/wasm``.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

MIME_TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".onnx": "application/octet-stream",
    ".data": "application/octet-stream",
    ".tflite": "application/octet-stream",
    ".task": "application/octet-stream",
    ".binarypb": "application/octet-stream",
    ".py": "text/plain; charset=utf-8",
    ".zip": "application/zip",
    ".tar": "application/x-tar",
    ".whl": "application/zip",
    ".y4m": "video/x-yuv4mpeg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".svg": "image/svg+xml",
}

ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    isolate = True

    def end_headers(self) -> None:
        if self.isolate:
            for name, value in ISOLATION_HEADERS.items():
                self.send_header(name, value)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(
    directory: Path, host: str = "127.0.0.1", port: int = 0, isolate: bool = True
) -> http.server.ThreadingHTTPServer:
    """A server for ``directory``; port 0 picks a free port (see ``server.server_address``)."""
    handler = type("Handler", (_Handler,), {"isolate": isolate})
    return _Server((host, port), functools.partial(handler, directory=str(directory)))


def serve_in_background(
    directory: Path, host: str = "127.0.0.1", port: int = 0, isolate: bool = True
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start serving in a daemon thread; returns the server and its base URL."""
    server = make_server(directory, host, port, isolate)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bound_host, bound_port = server.server_address[:2]
    return server, f"http://{bound_host}:{bound_port}/"

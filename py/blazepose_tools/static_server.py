"""A static file server for dist/ that behaves like a good static host: correct MIME types,
precompressed .br/.gz copies sent with Content-Encoding, byte ranges (206 Partial Content,
which Safari's media stack needs to play a video), and the site's headers.

The headers come from dist/_headers (written by site_build: cross-origin isolation and the
Content-Security-Policy). ONNX Runtime Web needs SharedArrayBuffer for WASM threads, which
Chromium only grants to cross-origin isolated pages (COOP same-origin + COEP require-corp).
With ``isolate=False`` the server sends none of them, standing for a host that cannot set
headers (GitHub Pages); the site's service worker adds them from the second load on.
Pyodide hangs when ``.wasm`` is not served as ``application/wasm``.
"""

from __future__ import annotations

import email.utils
import functools
import http.server
import os
import re
import threading
from pathlib import Path
from typing import BinaryIO

from blazepose_tools.site_headers import HEADERS_FILE, ISOLATION_HEADERS, read_headers_file

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
# Accept-Encoding token -> suffix of the precompressed copy, in order of preference.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def accepted_encodings(header: str | None) -> set[str]:
    """The codings an Accept-Encoding header allows (q=0 excludes one)."""
    accepted = set()
    for part in (header or "").split(","):
        name, _, params = part.partition(";")
        params = params.strip()
        try:
            q = float(params.removeprefix("q=")) if params.startswith("q=") else 1.0
        except ValueError:
            continue
        if name.strip() and q > 0:
            accepted.add(name.strip().lower())
    return accepted


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class Unsatisfiable(ValueError):
    """A Range header that no byte of the file satisfies (answered with 416)."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) byte positions, inclusive, that a Range header asks of a file of
    `size` bytes; None where the whole file is to be sent (no header, another unit, several
    ranges, or bad syntax: RFC 9110 lets a server ignore those). Raises Unsatisfiable."""
    match = _RANGE.fullmatch((header or "").strip().replace(" ", ""))
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":  # bytes=-n: the last n bytes
        if int(last) == 0 or size == 0:
            raise Unsatisfiable(header)
        return max(size - int(last), 0), size - 1
    if last and int(last) < int(first):
        return None  # invalid, hence ignored
    if int(first) >= size:
        raise Unsatisfiable(header)
    return int(first), min(int(last), size - 1) if last else size - 1


class _Slice:
    """The `length` bytes of an open file from its current position (what copyfile reads)."""

    def __init__(self, file: BinaryIO, length: int) -> None:
        self.file, self.left = file, length

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.file.read(size)
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.file.close()


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    site_headers: dict[str, str] = {}

    def send_head(self):  # type: ignore[override]
        path = self.translate_path(self.path)
        index = os.path.join(path, "index.html")
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/") and os.path.isfile(index):
            path = index
        if not os.path.isfile(path):
            return super().send_head()  # listings, redirects and 404 as before
        modified = email.utils.formatdate(os.stat(path).st_mtime, usegmt=True)
        wants_range = "Range" in self.headers and self.headers.get("If-Range", modified) == modified
        accepted = accepted_encodings(self.headers.get("Accept-Encoding"))
        encoding, served = None, path
        for name, suffix in ENCODINGS:
            if wants_range:
                break  # byte ranges are of the identity file, as static hosts serve them
            if name in accepted and os.path.isfile(path + suffix):
                encoding, served = name, path + suffix
                break
        try:
            f = open(served, "rb")  # noqa: SIM115 (closed by the caller, as in the base class)
        except OSError:
            self.send_error(404, "File not found")
            return None
        size = os.fstat(f.fileno()).st_size
        if self.headers.get("If-Modified-Since") == modified and not self.headers.get(
            "If-None-Match"
        ):
            f.close()
            self.send_response(304)
            self.end_headers()
            return None
        try:
            byte_range = parse_range(self.headers.get("Range"), size) if wants_range else None
        except Unsatisfiable:
            f.close()
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        self.send_response(206 if byte_range else 200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Last-Modified", modified)
        self.send_header("Vary", "Accept-Encoding")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        if byte_range:
            first, last = byte_range
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            self.send_header("Content-Length", str(last - first + 1))
            self.end_headers()
            f.seek(first)
            return _Slice(f, last - first + 1)  # type: ignore[return-value]
        self.send_header("Content-Length", str(size))
        self.end_headers()
        return f

    def end_headers(self) -> None:
        for name, value in self.site_headers.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def headers_for(directory: Path, isolate: bool) -> dict[str, str]:
    """What a site in `directory` is served with: its _headers file (or just cross-origin
    isolation where it has none); nothing with `isolate` False, like a host without headers."""
    if not isolate:
        return {}
    headers_file = Path(directory) / HEADERS_FILE
    return read_headers_file(headers_file) if headers_file.is_file() else dict(ISOLATION_HEADERS)


def make_server(
    directory: Path, host: str = "127.0.0.1", port: int = 0, isolate: bool = True
) -> http.server.ThreadingHTTPServer:
    """A server for ``directory``; port 0 picks a free port (see ``server.server_address``)."""
    handler = type("Handler", (_Handler,), {"site_headers": headers_for(directory, isolate)})
    return _Server((host, port), functools.partial(handler, directory=str(directory)))


def serve_in_background(
    directory: Path, host: str = "127.0.0.1", port: int = 0, isolate: bool = True
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start serving in a daemon thread; returns the server and its base URL."""
    server = make_server(directory, host, port, isolate)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bound_host, bound_port = server.server_address[:2]
    return server, f"http://{bound_host}:{bound_port}/"

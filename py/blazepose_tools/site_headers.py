"""The HTTP headers the site wants on every response: cross-origin isolation and a
Content-Security-Policy. One definition, written into dist/_headers by site_build (the file
format Netlify and Cloudflare Pages read), sent from there by static_server, and baked into
the service worker, which adds them itself on hosts that cannot set headers.

Why each relaxation of the policy is needed (found by experiment, see docs/SECURITY.md):
- script-src 'wasm-unsafe-eval': compiling WebAssembly (Pyodide, ONNX Runtime) at all.
- script-src 'unsafe-eval': Pyodide evaluates JavaScript generated at run time (its FFI
  and Emscripten's dynamic linking of the Python stdlib's extension modules).
Inline <script> and <style> blocks of the site's own pages are allowed by their SHA-256,
computed from the built pages, so the policy needs no 'unsafe-inline'.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}
CSP = "Content-Security-Policy"
HEADERS_FILE = "_headers"

# Directive -> sources. Nothing from another origin. (frame-ancestors is left open on
# purpose: embed.js puts the page into an iframe of any site that wants it.)
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'wasm-unsafe-eval'", "'unsafe-eval'"],
    "worker-src": ["'self'"],
    "connect-src": ["'self'", "data:", "blob:"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "data:", "blob:"],
    "style-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


class _InlineBlocks(HTMLParser):
    """The text of every inline <script> (no src) and <style> element, by tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: dict[str, list[str]] = {"script": [], "style": []}
        self._tag: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style" or (tag == "script" and not any(name == "src" for name, _ in attrs)):
            self._tag, self._text = tag, []

    def handle_data(self, data: str) -> None:
        if self._tag:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._tag:
            self.blocks[tag].append("".join(self._text))
            self._tag = None


def _source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def inline_hashes(html: str) -> dict[str, list[str]]:
    """CSP sources ('sha256-...') of a page's inline blocks: {"script": [...], "style": [...]}."""
    parser = _InlineBlocks()
    parser.feed(html)
    return {tag: [_source(text) for text in texts] for tag, texts in parser.blocks.items()}


def content_security_policy(
    script_hashes: Iterable[str] = (), style_hashes: Iterable[str] = ()
) -> str:
    directives = {
        **POLICY,
        "script-src": [*POLICY["script-src"], *sorted(set(script_hashes))],
        "style-src": [*POLICY["style-src"], *sorted(set(style_hashes))],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def site_headers(dist: Path) -> dict[str, str]:
    """The headers for the built site in `dist` (its pages' inline blocks allowed by hash)."""
    found: dict[str, list[str]] = {"script": [], "style": []}
    for page in sorted(Path(dist).glob("*.html")):
        for tag, hashes in inline_hashes(page.read_text("utf-8")).items():
            found[tag] += hashes
    return {**ISOLATION_HEADERS, CSP: content_security_policy(found["script"], found["style"])}


def render_headers_file(headers: dict[str, str]) -> str:
    """The `_headers` file: the same headers for every path."""
    return "/*\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items())


def read_headers_file(path: Path) -> dict[str, str]:
    """The headers of a `_headers` file written by render_headers_file."""
    headers = {}
    for line in Path(path).read_text("utf-8").splitlines()[1:]:
        name, sep, value = line.strip().partition(": ")
        if not sep:
            raise ValueError(f"{path}: not a header line: {line!r}")
        headers[name] = value
    return headers

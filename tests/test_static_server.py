"""static_server: precompressed copies by Accept-Encoding, byte ranges (206/416, always of the
identity file), the site's headers (isolation and Content-Security-Policy from _headers), none
of them with isolate=False; site_headers: the policy and the hashes of the pages' inline
blocks."""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from blazepose_tools.site_headers import (
    CSP,
    HEADERS_FILE,
    ISOLATION_HEADERS,
    content_security_policy,
    inline_hashes,
    read_headers_file,
    render_headers_file,
    site_headers,
)
from blazepose_tools.static_server import (
    Unsatisfiable,
    accepted_encodings,
    parse_range,
    serve_in_background,
)

SCRIPT = b"export const answer = 42; // " + b"padding " * 200
PAGE = """<!doctype html><html><head><style>body { margin: 0 }</style>
<script src="app.js"></script><script type="module">import "./app.js";
</script></head><body><script>console.log("&amp; stays as written")</script></body></html>"""


def sha_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "app.js").write_bytes(SCRIPT)
    (tmp_path / "app.js.br").write_bytes(brotli.compress(SCRIPT))
    (tmp_path / "app.js.gz").write_bytes(gzip.compress(SCRIPT))
    (tmp_path / "plain.wasm").write_bytes(b"\0asm" + bytes(100))
    (tmp_path / "index.html").write_text(PAGE)
    (tmp_path / HEADERS_FILE).write_text(render_headers_file(site_headers(tmp_path)))
    return tmp_path


def get(url: str, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


@pytest.fixture
def server(site: Path) -> Iterator[str]:
    httpd, url = serve_in_background(site)
    yield url
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
        ("br;q=0, gzip;q=0.5", "gzip", gzip.decompress),
        ("", None, bytes),
        ("identity", None, bytes),
    ],
)
def test_precompressed_copy_by_accept_encoding(server: str, accept, encoding, decode) -> None:
    response = get(server, "/app.js", {"Accept-Encoding": accept} if accept else {})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == encoding
    assert response.getheader("Content-Type") == "text/javascript"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert int(response.getheader("Content-Length")) == len(response.body)
    assert decode(response.body) == SCRIPT
    if encoding:
        assert len(response.body) < len(SCRIPT)


def test_files_without_copies_and_missing_files(server: str) -> None:
    wasm = get(server, "/plain.wasm", {"Accept-Encoding": "br"})
    assert wasm.status == 200 and wasm.getheader("Content-Encoding") is None
    assert wasm.getheader("Content-Type") == "application/wasm"
    assert get(server, "/nothing.js", {"Accept-Encoding": "br"}).status == 404
    index = get(server, "/", {"Accept-Encoding": "br"})
    assert index.status == 200 and index.body.decode() == PAGE


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-1", 0, 1),  # what Safari asks first
        ("bytes=10-19", 10, 19),
        ("bytes=1000-", 1000, len(SCRIPT) - 1),
        ("bytes=-7", len(SCRIPT) - 7, len(SCRIPT) - 1),
        ("bytes=5-999999", 5, len(SCRIPT) - 1),  # the end is clamped to the file
        ("bytes=-999999", 0, len(SCRIPT) - 1),
    ],
)
def test_range_answers_206_from_the_identity_file(server: str, header, first, last) -> None:
    # Asked with Accept-Encoding br: a range is still of the uncompressed file.
    response = get(server, "/app.js", {"Range": header, "Accept-Encoding": "gzip, br"})
    assert response.status == 206
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Content-Range") == f"bytes {first}-{last}/{len(SCRIPT)}"
    assert response.getheader("Accept-Ranges") == "bytes"
    assert response.getheader("Content-Type") == "text/javascript"
    assert int(response.getheader("Content-Length")) == last - first + 1
    assert response.body == SCRIPT[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=99999-", "bytes=-0", f"bytes={len(SCRIPT)}-"])
def test_unsatisfiable_range_answers_416(server: str, header: str) -> None:
    response = get(server, "/app.js", {"Range": header})
    assert response.status == 416
    assert response.getheader("Content-Range") == f"bytes */{len(SCRIPT)}"
    assert response.body == b""


@pytest.mark.parametrize(
    "header", ["bytes=0-1,5-9", "bytes=9-5", "items=0-1", "bytes=", "bytes=a-b", "bytes=-"]
)
def test_ranges_not_served_give_the_whole_file(server: str, header: str) -> None:
    # Several ranges, other units and bad syntax may be ignored (RFC 9110): a 200 of it all.
    response = get(server, "/app.js", {"Range": header})
    assert response.status == 200 and response.body == SCRIPT
    assert response.getheader("Content-Range") is None


def test_every_file_response_accepts_ranges(server: str) -> None:
    for path, accept in (("/app.js", "br"), ("/app.js", ""), ("/plain.wasm", ""), ("/", "")):
        response = get(server, path, {"Accept-Encoding": accept})
        assert response.status == 200
        assert response.getheader("Accept-Ranges") == "bytes", path
    assert get(server, "/plain.wasm", {"Range": "bytes=0-3"}).body == b"\0asm"


def test_if_range_only_for_the_current_file(server: str) -> None:
    modified = get(server, "/app.js").getheader("Last-Modified")
    same = get(server, "/app.js", {"Range": "bytes=0-3", "If-Range": modified})
    assert same.status == 206 and same.body == SCRIPT[:4]
    stale = get(server, "/app.js", {"Range": "bytes=0-3", "If-Range": '"an-old-etag"'})
    assert stale.status == 200 and stale.body == SCRIPT


def test_head_of_a_range(server: str) -> None:
    host, port = server.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("HEAD", "/app.js", headers={"Range": "bytes=2-5"})
    response = connection.getresponse()
    assert response.status == 206 and response.read() == b""
    assert response.getheader("Content-Length") == "4"
    connection.close()


def test_range_parsing() -> None:
    assert parse_range(None, 10) is None
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=9-", 10) == (9, 9)
    assert parse_range("bytes=-1", 10) == (9, 9)
    assert parse_range("bytes = 2 - 3", 10) == (2, 3)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=10-", 10)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=-5", 0)


def test_revalidation_answers_304(server: str) -> None:
    first = get(server, "/app.js", {"Accept-Encoding": "br"})
    again = get(
        server,
        "/app.js",
        {"Accept-Encoding": "br", "If-Modified-Since": first.getheader("Last-Modified")},
    )
    assert again.status == 304 and again.body == b""


def test_site_headers_on_every_response(server: str, site: Path) -> None:
    expected = read_headers_file(site / HEADERS_FILE)
    assert expected == site_headers(site)
    for path in ("/", "/app.js", "/plain.wasm", "/nothing.js"):
        response = get(server, path, {"Accept-Encoding": "br"})
        for name, value in expected.items():
            assert response.getheader(name) == value, (path, name)


def test_no_site_headers_without_isolation(site: Path) -> None:
    httpd, url = serve_in_background(site, isolate=False)
    try:
        response = get(url, "/index.html")
        for name in [*ISOLATION_HEADERS, CSP]:
            assert response.getheader(name) is None
        assert brotli.decompress(get(url, "/app.js", {"Accept-Encoding": "br"}).body) == SCRIPT
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_folder_without_headers_file_is_still_isolated(site: Path) -> None:
    (site / HEADERS_FILE).unlink()
    httpd, url = serve_in_background(site)
    try:
        response = get(url, "/index.html")
        assert {n: response.getheader(n) for n in ISOLATION_HEADERS} == ISOLATION_HEADERS
        assert response.getheader(CSP) is None
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_policy_allows_inline_blocks_by_hash_only() -> None:
    hashes = inline_hashes(PAGE)
    assert hashes == {
        "script": [
            sha_source('import "./app.js";\n'),
            sha_source('console.log("&amp; stays as written")'),
        ],
        "style": [sha_source("body { margin: 0 }")],
    }
    header = content_security_policy(hashes["script"], hashes["style"])
    policy = dict(d.split(" ", 1) for d in header.split("; "))
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["script-src"].split() == [
        "'self'",
        "'wasm-unsafe-eval'",
        "'unsafe-eval'",
        *sorted(hashes["script"]),
    ]
    assert policy["style-src"].split() == ["'self'", *hashes["style"]]
    assert "'unsafe-inline'" not in header
    # No other origin anywhere: only keywords, hashes and the data:/blob: schemes.
    sources = {s for value in policy.values() for s in value.split()}
    assert all(s.startswith("'") or s in ("data:", "blob:") for s in sources), sources


def test_accept_encoding_parsing() -> None:
    assert accepted_encodings("gzip, br;q=0.8, zstd;q=0") == {"gzip", "br"}
    assert accepted_encodings(None) == set()
    assert accepted_encodings("br;q=abc, gzip") == {"gzip"}


def test_headers_file_round_trip_and_bad_lines(tmp_path: Path) -> None:
    headers = {"A-Header": "one; two", CSP: "default-src 'self'"}
    path = tmp_path / HEADERS_FILE
    path.write_text(render_headers_file(headers))
    assert read_headers_file(path) == headers
    path.write_text("/*\n  nonsense\n")
    with pytest.raises(ValueError, match="not a header line"):
        read_headers_file(path)

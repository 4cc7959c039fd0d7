"""Precompressed copies of the site's files (x.br and x.gz next to x), as static hosts keep
them: a server sends one with Content-Encoding when the browser accepts it, and nothing has
to compress while serving. Brotli comes from the pinned `brotli` package (the `build` extra),
gzip from the standard library.

Only worthwhile copies are kept: compressible types, at least MIN_BYTES, and at least
MIN_SAVING smaller. A copy is redone only when its original changed (the copies carry the
original's modification time).
"""

from __future__ import annotations

import gzip
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli

SUFFIXES = {".br": "br", ".gz": "gzip"}
COMPRESSIBLE = {
    ".html", ".js", ".mjs", ".css", ".json", ".wasm", ".onnx", ".py", ".svg", ".txt", ".md", ".bin",
}  # fmt: skip
MIN_BYTES = 1024
MIN_SAVING = 0.05
BROTLI_QUALITY = 11  # the most; slow (~1 MB/s) but done once per changed file
# Above LARGE_BYTES (the heavy model, ORT's WebGPU build) quality 9: 15x faster, ~10 % larger.
LARGE_BYTES = 16 << 20
BROTLI_QUALITY_LARGE = 9
GZIP_LEVEL = 6  # 9 is 5-10x slower on the models for ~1 % less


def compressible(path: Path) -> bool:
    return path.suffix in COMPRESSIBLE and path.stat().st_size >= MIN_BYTES


def _compress(data: bytes, suffix: str) -> bytes:
    if suffix == ".br":
        large = len(data) > LARGE_BYTES
        return brotli.compress(data, quality=BROTLI_QUALITY_LARGE if large else BROTLI_QUALITY)
    return gzip.compress(data, GZIP_LEVEL, mtime=0)


def _refresh(path: Path) -> list[Path]:
    """Writes (or keeps) the worthwhile copies of one file; returns them."""
    stat = path.stat()
    kept = []
    data = None
    for suffix in SUFFIXES:
        copy = path.with_name(path.name + suffix)
        if copy.exists() and copy.stat().st_mtime_ns == stat.st_mtime_ns:
            kept.append(copy)
            continue
        data = path.read_bytes() if data is None else data
        packed = _compress(data, suffix)
        if len(packed) > len(data) * (1 - MIN_SAVING):
            copy.unlink(missing_ok=True)
            continue
        tmp = copy.with_name(f"{copy.name}.{os.getpid()}.tmp")
        tmp.write_bytes(packed)
        os.utime(tmp, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        tmp.replace(copy)
        kept.append(copy)
    return kept


def precompress(files: list[Path]) -> set[Path]:
    """Brings the .br/.gz copies of `files` up to date; returns every copy that exists."""
    todo = [f for f in files if compressible(f)]
    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        return {copy for copies in pool.map(_refresh, todo) for copy in copies}

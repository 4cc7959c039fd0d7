"""Files too large for static hosts, split into parts at build time.

Cloudflare Pages and Workers serve at most 25 MiB per file (GitHub Pages 100 MiB). The site
build splits every file above PART_BYTES into `NAME.part0`, `NAME.part1`, ... and lists them
in `split-files.json` (site path -> its parts, in order); web/engine/downloads.js fetches the parts
of such a file in parallel and joins them. Which files are split depends on the build (the
heavy models, the Pyodide snapshot, the asyncify ONNX Runtime WASM today), so the list is a
build output, not a constant.
"""

from __future__ import annotations

import json
from pathlib import Path

PART_BYTES = 24 << 20  # under the 25 MiB cap with room for the compressed copies' overhead
LIST_FILE = "split-files.json"


def part_names(path: str, size: int, part_bytes: int = PART_BYTES) -> list[str]:
    """The parts of a file of `size` bytes at site path `path` ([] if it fits whole)."""
    if size <= part_bytes:
        return []
    count = -(-size // part_bytes)
    return [f"{path}.part{i}" for i in range(count)]


def split_large(dist: Path, site: list[str], part_bytes: int = PART_BYTES) -> dict[str, list[str]]:
    """Splits the files of `site` (paths in `dist`) above `part_bytes`: writes their parts
    (unchanged parts are not rewritten) and the list file. Returns {path: parts}; the whole
    files stay on disk for the caller to drop from the site."""
    split: dict[str, list[str]] = {}
    for rel in site:
        path = dist / rel
        parts = part_names(rel, path.stat().st_size, part_bytes)
        if not parts:
            continue
        data = path.read_bytes()
        for i, part in enumerate(parts):
            chunk = data[i * part_bytes : (i + 1) * part_bytes]
            target = dist / part
            if not (target.exists() and target.read_bytes() == chunk):
                target.write_bytes(chunk)
        split[rel] = parts
    text = json.dumps(split, indent=1, sort_keys=True) + "\n"
    target = dist / LIST_FILE
    if not (target.exists() and target.read_text() == text):
        target.write_text(text)
    return split


def site_after_split(site: list[str], split: dict[str, list[str]]) -> list[str]:
    """The site's files once split: parts in place of the whole files, and the list file."""
    kept = [rel for rel in site if rel not in split]
    return sorted({*kept, *(p for parts in split.values() for p in parts), LIST_FILE})

"""The service worker of the built site (web/offline/service-worker.js with its build facts
filled in).

The worker needs to know, for the build it belongs to:
- version: a digest of every file's SHA-256, so a new build is a new worker (browsers compare
  the worker's bytes on each visit) with a cache of its own: no mix of old and new files;
- files: path -> SHA-256 of every file it may cache (it caches only bytes that match);
- precache: the files fetched at install (the page, Python, PyScript, ORT's JS); the ORT
  WASM build and the models are cached when the page first uses them;
- headers: the site's headers (site_headers), added to its responses, so a host that cannot
  send COOP/COEP gets cross-origin isolation from the second load on.
"""

from __future__ import annotations

import hashlib
import json
from fnmatch import fnmatch
from pathlib import Path

SERVICE_WORKER = "service-worker.js"
# The line of web/offline/service-worker.js that the build replaces.
TEMPLATE_LINE = "const BUILD = "
ON_USE = ("models/*.onnx*", "vendor/ort/*.wasm*")  # cached when used, not at install


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_facts(dist: Path, files: list[str], headers: dict[str, str]) -> dict:
    """The facts the worker embeds for the site files `files` (paths inside `dist`)."""
    hashes = {name: sha256_file(Path(dist) / name) for name in sorted(files)}
    version = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:16]
    precache = [n for n in hashes if not any(fnmatch(n, pattern) for pattern in ON_USE)]
    return {"version": version, "files": hashes, "precache": precache, "headers": headers}


def render_service_worker(template: str, facts: dict) -> str:
    """The worker's source with its `const BUILD = ...;` line holding `facts`."""
    lines = template.splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.startswith(TEMPLATE_LINE)]
    if len(at) != 1:
        raise ValueError(f"{SERVICE_WORKER} needs exactly one line starting {TEMPLATE_LINE!r}")
    lines[at[0]] = f"{TEMPLATE_LINE}{json.dumps(facts, sort_keys=True)};\n"
    return "".join(lines)

"""Read Chromium's NetLog (``--log-net-log``): every URL the browser process asked for.

Request routing in Playwright does not see everything (a worker started inside a worker,
the browser's own background calls); the NetLog does, so the benchmark cross-checks it.
"""

from __future__ import annotations

import json
from pathlib import Path

LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "chrome:", "about:")


def _load(path: Path) -> dict:
    text = path.read_text(errors="replace").rstrip()
    # A log cut short by a crash lacks the closing brackets of "events": [ ... ]}.
    for suffix in ("", "]}", "}]}", "]}"):
        try:
            return json.loads(text.rstrip(",") + suffix)
        except json.JSONDecodeError:
            continue
    return {"constants": {}, "events": []}


def requested_urls(path: Path) -> list[tuple[float, str]]:
    """(unix time in ms, url) for every URL request the log saw, in order."""
    log = _load(path)
    offset = float(log.get("constants", {}).get("timeTickOffset", 0))
    found = []
    for event in log.get("events", []):
        url = (event.get("params") or {}).get("url")
        if isinstance(url, str):
            found.append((float(event.get("time", 0)) + offset, url))
    return found


def non_local(urls: list[tuple[float, str]]) -> list[tuple[float, str]]:
    return [(t, u) for t, u in urls if not u.startswith(LOCAL_PREFIXES)]

"""Debian's Firefox ESR, headless and offline, driven over WebDriver BiDi: Firefox's own remote
agent (no geckodriver), a websocket (the `websocket-client` package). The browser tests
(tests/browser/engines.py) and the benchmark (bench/firefox_session.py) both start it here.

Nothing leaves the machine: a dead proxy for all but loopback, no update, telemetry or
safe-browsing calls. A missing binary raises `BrowserUnavailable`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from blazepose_tools.browsers import BrowserUnavailable

FIREFOX = Path("/usr/bin/firefox-esr")
XVFB = Path("/usr/bin/Xvfb")
PREFS: dict[str, object] = {
    "network.proxy.type": 1,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": 9,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": 9,
    "network.proxy.no_proxies_on": "127.0.0.1,localhost",
    "app.update.disabledForTesting": True,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.server": "http://127.0.0.1:9/",
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "extensions.update.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "media.autoplay.default": 0,
    "remote.prefs.recommended": True,
}


class Bidi:
    """One BiDi session: `command(method, params)` answers; events go to `on_event`."""

    def __init__(self, socket: Any, capabilities: dict) -> None:
        self._socket = socket
        self._ids = itertools.count(1)
        self.capabilities = capabilities
        self.on_event: Callable[[dict], None] = lambda event: None

    @property
    def version(self) -> str:
        return str(self.capabilities.get("browserVersion", "?"))

    def command(self, method: str, params: dict) -> dict:
        command_id = next(self._ids)
        self._socket.send(json.dumps({"id": command_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv())
            if message.get("type") == "event":
                self.on_event(message)
            elif message.get("id") == command_id:
                if message.get("type") == "error":
                    raise RuntimeError(f"{method}: {message['error']}: {message.get('message')}")
                return message["result"]


@contextlib.contextmanager
def firefox(
    prefs: dict[str, object] | None = None,
    start_timeout_s: float = 60,
    timeout_s: float = 60,
    display: str | None = None,
) -> Iterator[Bidi]:
    """Headless Firefox (or with a window on X `display`) with a fresh profile (PREFS plus
    `prefs`); its BiDi agent on a free port. `timeout_s`: how long one command may take (an
    awaited script included)."""
    if not FIREFOX.exists():
        raise BrowserUnavailable(f"Firefox not installed ({FIREFOX}: apt-get install firefox-esr)")
    import websocket

    with tempfile.TemporaryDirectory(prefix="firefox-profile-") as profile:
        lines = (
            f"user_pref({json.dumps(k)}, {json.dumps(v)});"
            for k, v in {**PREFS, **(prefs or {})}.items()
        )
        Path(profile, "user.js").write_text("\n".join(lines) + "\n")
        process = subprocess.Popen(
            [
                str(FIREFOX),
                *([] if display else ["--headless"]),
                "--no-remote",
                "--profile",
                profile,
            ]
            + ["--remote-debugging-port", "0", "--remote-allow-hosts", "127.0.0.1", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "DISPLAY": display} if display else None,
        )
        socket = None
        try:
            address = _read_until(
                process, r"WebDriver BiDi listening on (ws://\S+)", start_timeout_s
            )
            # Keep reading its output: a full pipe would block Firefox (it logs as it quits).
            threading.Thread(target=process.stderr.read, daemon=True).start()  # type: ignore[union-attr]
            socket = websocket.create_connection(
                address + "/session", timeout=timeout_s, suppress_origin=True
            )
            socket.send(
                json.dumps({"id": 0, "method": "session.new", "params": {"capabilities": {}}})
            )
            answer = json.loads(socket.recv())
            if answer.get("type") == "error":
                raise BrowserUnavailable(f"Firefox refused a BiDi session: {answer}")
            yield Bidi(socket, answer["result"].get("capabilities", {}))
        finally:
            if socket is not None:
                with contextlib.suppress(Exception):  # Firefox may drop the socket at once
                    socket.send(json.dumps({"id": -1, "method": "browser.close", "params": {}}))
                    socket.recv()
                socket.close()
            end(process, grace_s=3)  # a page with ORT workers can take long to quit


@contextlib.contextmanager
def virtual_display() -> Iterator[str]:
    """A private Xvfb display (":N"), for a Firefox with a window: headless Firefox has no
    WebGL here, a windowed one has Mesa's llvmpipe (MediaPipe's tasks-vision needs WebGL even
    with its CPU delegate)."""
    if not XVFB.exists():
        raise BrowserUnavailable(f"Xvfb not installed ({XVFB}: apt-get install xvfb)")
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        [str(XVFB), "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as display_pipe:
            display = display_pipe.readline().strip()
        if not display:
            raise BrowserUnavailable("Xvfb did not start")
        yield f":{display}"
    finally:
        xvfb.terminate()
        xvfb.wait()


def _read_until(process: subprocess.Popen, pattern: str, timeout_s: float) -> str:
    """The first group of `pattern` in the process's stderr (read line by line)."""
    deadline = time.monotonic() + timeout_s
    seen = []
    assert process.stderr is not None
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match.group(1)
    raise BrowserUnavailable(f"{pattern!r} not printed; output: {''.join(seen)[-2000:]}")


def end(process: subprocess.Popen, grace_s: float = 10) -> None:
    """Waits for `process`, then terminates, then kills it."""
    try:
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

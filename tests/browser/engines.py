"""The other browser engines, driven without Playwright's patched builds: Debian's Firefox ESR
over WebDriver BiDi (its own remote agent, no geckodriver), and WebKitGTK (Safari's engine)
through WebKitWebDriver and Selenium, in a private Xvfb display.

Both give an `EnginePage`: `goto(url)`, `evaluate(expression)` (awaited, JSON round trip) and
`wait_for(expression, timeout_s)`. A missing binary raises `EngineUnavailable` (tests skip).
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

FIREFOX = Path("/usr/bin/firefox-esr")
WEBKIT_DRIVER = Path("/usr/bin/WebKitWebDriver")
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
XVFB = Path("/usr/bin/Xvfb")

# Firefox prefs: nothing leaves the machine (a dead proxy for all but loopback, no update,
# telemetry or safe-browsing calls), autoplay allowed, optionally a fake camera.
FIREFOX_PREFS: dict[str, object] = {
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
CAMERA_PREFS: dict[str, object] = {
    "media.navigator.streams.fake": True,
    "media.navigator.permission.disabled": True,
}
# A touch screen, as far as Firefox lets it be set: touch events and maxTouchPoints.
TOUCH_PREFS: dict[str, object] = {
    "dom.w3c_touch_events.enabled": 1,
    "dom.maxtouchpoints.testing.value": 5,
}


class EngineUnavailable(RuntimeError):
    """The engine's binaries are not installed (or it did not start)."""


class EnginePage(Protocol):
    name: str

    def goto(self, url: str) -> None: ...

    def evaluate(self, expression: str) -> Any: ...

    def set_files(self, selector: str, path: Path) -> None: ...

    def set_viewport(self, width: int, height: int) -> None: ...

    def screenshot(self) -> bytes: ...

    def tap(self, x: float, y: float) -> None: ...

    def version(self) -> str: ...


# Wraps an expression so that both drivers get back a JSON string (or an error's text).
def _json_script(expression: str) -> str:
    return (
        f"Promise.resolve().then(async () => JSON.stringify({{value: await ({expression})}}))"
        ".catch((e) => JSON.stringify({error: String(e && e.stack || e)}))"
    )


def _decode(text: str) -> Any:
    result = json.loads(text)
    if "error" in result:
        raise RuntimeError(result["error"])
    return result.get("value")


def wait_for(page: EnginePage, expression: str, timeout_s: float, poll_s: float = 0.5) -> Any:
    """Polls `expression` until it is truthy; returns its value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page.name}: not true within {timeout_s} s: {expression}")
        time.sleep(poll_s)


class FirefoxPage:
    """One tab of a headless Firefox, over WebDriver BiDi."""

    name = "firefox"

    def __init__(self, socket: Any, capabilities: dict) -> None:
        self._socket = socket
        self.capabilities = capabilities
        self._ids = itertools.count(1)
        tree = self.command("browsingContext.getTree", {})
        self.context = tree["contexts"][0]["context"]

    def command(self, method: str, params: dict) -> dict:
        command_id = next(self._ids)
        self._socket.send(json.dumps({"id": command_id, "method": method, "params": params}))
        while True:  # events (none subscribed) and other answers are skipped
            message = json.loads(self._socket.recv())
            if message.get("id") == command_id:
                if message.get("type") == "error":
                    raise RuntimeError(f"{method}: {message['error']}: {message.get('message')}")
                return message["result"]

    def goto(self, url: str) -> None:
        self.command(
            "browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"}
        )

    def evaluate(self, expression: str) -> Any:
        result = self.command(
            "script.evaluate",
            {
                "expression": _json_script(expression),
                "target": {"context": self.context},
                "awaitPromise": True,
            },
        )
        if result["type"] == "exception":
            raise RuntimeError(result["exceptionDetails"]["text"])
        return _decode(result["result"]["value"])

    def set_files(self, selector: str, path: Path) -> None:
        """What picking `path` in the file input does (input.setFiles: input and change)."""
        nodes = self.command(
            "browsingContext.locateNodes",
            {"context": self.context, "locator": {"type": "css", "value": selector}},
        )["nodes"]
        self.command(
            "input.setFiles",
            {"context": self.context, "element": nodes[0], "files": [str(path)]},
        )

    def set_viewport(self, width: int, height: int) -> None:
        self.command(
            "browsingContext.setViewport",
            {"context": self.context, "viewport": {"width": width, "height": height}},
        )

    def tap(self, x: float, y: float) -> None:
        """A finger's tap at viewport point (x, y) (touch pointer actions)."""
        finger = {"type": "pointer", "id": "finger", "parameters": {"pointerType": "touch"}}
        finger["actions"] = [
            {"type": "pointerMove", "x": round(x), "y": round(y)},
            {"type": "pointerDown", "button": 0},
            {"type": "pointerUp", "button": 0},
        ]
        self.command("input.performActions", {"context": self.context, "actions": [finger]})

    def screenshot(self) -> bytes:
        data = self.command("browsingContext.captureScreenshot", {"context": self.context})
        return base64.b64decode(data["data"])

    def version(self) -> str:
        return f"Firefox {self.capabilities.get('browserVersion', '?')}"


@contextlib.contextmanager
def firefox(
    fake_camera: bool = False, touch: bool = False, start_timeout_s: float = 60
) -> Iterator[FirefoxPage]:
    """Debian's firefox-esr, headless, fresh profile; its BiDi agent on a free port."""
    if not FIREFOX.exists():
        raise EngineUnavailable(f"Firefox not installed ({FIREFOX}: apt-get install firefox-esr)")
    import websocket

    prefs = {
        **FIREFOX_PREFS,
        **(CAMERA_PREFS if fake_camera else {}),
        **(TOUCH_PREFS if touch else {}),
    }
    with tempfile.TemporaryDirectory(prefix="firefox-profile-") as profile:
        lines = (f"user_pref({json.dumps(k)}, {json.dumps(v)});" for k, v in prefs.items())
        Path(profile, "user.js").write_text("\n".join(lines) + "\n")
        process = subprocess.Popen(
            [str(FIREFOX), "--headless", "--no-remote", "--profile", profile]
            + ["--remote-debugging-port", "0", "--remote-allow-hosts", "127.0.0.1", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        socket = None
        try:
            address = _read_until(
                process, r"WebDriver BiDi listening on (ws://\S+)", start_timeout_s
            )
            # Keep reading its output: a full pipe would block Firefox (it logs as it quits).
            threading.Thread(target=process.stderr.read, daemon=True).start()  # type: ignore[union-attr]
            socket = websocket.create_connection(
                address + "/session", timeout=60, suppress_origin=True
            )
            socket.send(
                json.dumps({"id": 0, "method": "session.new", "params": {"capabilities": {}}})
            )
            answer = json.loads(socket.recv())
            if answer.get("type") == "error":
                raise EngineUnavailable(f"Firefox refused a BiDi session: {answer}")
            yield FirefoxPage(socket, answer["result"].get("capabilities", {}))
        finally:
            if socket is not None:
                with contextlib.suppress(Exception):  # Firefox may drop the socket at once
                    socket.send(json.dumps({"id": -1, "method": "browser.close", "params": {}}))
                    socket.recv()
                socket.close()
            _end(process, grace_s=3)  # a page with ORT workers can take long to quit


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
    raise EngineUnavailable(f"{pattern!r} not printed; output: {''.join(seen)[-2000:]}")


def _end(process: subprocess.Popen, grace_s: float = 10) -> None:
    try:
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class WebKitPage:
    """The MiniBrowser window of WebKitGTK, through WebKitWebDriver (Selenium)."""

    name = "webkit"

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        driver.set_script_timeout(60)  # a hung page fails the test, not the run

    def goto(self, url: str) -> None:
        self.driver.get(url)

    def evaluate(self, expression: str) -> Any:
        script = (
            f"const done = arguments[arguments.length - 1]; {_json_script(expression)}.then(done);"
        )
        return _decode(self.driver.execute_async_script(script))

    def set_files(self, selector: str, path: Path) -> None:
        """WebDriver's Element Send Keys on a file input: what picking `path` does."""
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, selector).send_keys(str(path))

    def set_viewport(self, width: int, height: int) -> None:
        """Resizes the window until its viewport (innerWidth x innerHeight) is the size asked."""
        for _ in range(3):
            inner = self.evaluate("[innerWidth, innerHeight]")
            if inner == [width, height]:
                return
            outer = self.driver.get_window_size()
            self.driver.set_window_size(
                outer["width"] + width - inner[0], outer["height"] + height - inner[1]
            )

    def tap(self, x: float, y: float) -> None:
        """A finger's tap at viewport point (x, y) (touch pointer actions)."""
        from selenium.webdriver.common.actions import interaction
        from selenium.webdriver.common.actions.action_builder import ActionBuilder
        from selenium.webdriver.common.actions.pointer_input import PointerInput

        actions = ActionBuilder(
            self.driver, mouse=PointerInput(interaction.POINTER_TOUCH, "finger")
        )
        actions.pointer_action.move_to_location(round(x), round(y)).pointer_down().pointer_up()
        actions.perform()

    def screenshot(self) -> bytes:
        return self.driver.get_screenshot_as_png()

    def version(self) -> str:
        return f"WebKitGTK {self.driver.capabilities.get('browserVersion', '?')}"


@contextlib.contextmanager
def webkit(fake_camera: bool = False, touch: bool = False) -> Iterator[WebKitPage]:
    """WebKitGTK's MiniBrowser in automation mode, on a private Xvfb display; `fake_camera`:
    its mock capture devices ("Mock video device 1", 640x480). `touch` changes nothing: WebKitGTK
    has no touch-screen emulation (its driver still sends touch pointer actions)."""
    for needed, package in (
        (WEBKIT_DRIVER, "webkit2gtk-driver"),
        (MINIBROWSER, "webkit2gtk-driver"),
        (XVFB, "xvfb"),
    ):
        if not needed.exists():
            raise EngineUnavailable(
                f"WebKitGTK not installed ({needed}: apt-get install {package})"
            )
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

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
            raise EngineUnavailable("Xvfb did not start")
        options = Options()
        options.binary_location = str(MINIBROWSER)
        options.add_argument("--automation")
        if fake_camera:
            options.add_argument("--enable-media-stream=true")
            options.add_argument("--enable-mock-capture-devices=true")
        service = Service(
            executable_path=str(WEBKIT_DRIVER), env={**os.environ, "DISPLAY": f":{display}"}
        )
        driver = webdriver.WebKitGTK(options=options, service=service)
        try:
            yield WebKitPage(driver)
        finally:
            driver.quit()
    finally:
        xvfb.terminate()
        xvfb.wait()

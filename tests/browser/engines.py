"""The other browser engines, driven without Playwright's patched builds: Debian's Firefox ESR
over WebDriver BiDi (its own remote agent, no geckodriver; blazepose_tools.firefox_bidi starts
it), and WebKitGTK (Safari's engine) through WebKitWebDriver and Selenium, in a private Xvfb
display.

Both give an `EnginePage`: `goto(url)`, `evaluate(expression)` (awaited, JSON round trip) and
`wait_for(expression, timeout_s)`. A missing binary raises `EngineUnavailable` (tests skip).

WebKitGTK's compositor thread renders with Mesa's software GL here (no GPU) and, rarely, dies
in it (a general protection fault in swrast_dri.so, seen once in CI, 2026-12-07); the page
process goes with it and WebKitWebDriver deletes the session. `relaunching` starts a new
browser when that happens and `again_after_a_crash` runs the test once more in it: a second
crash, a hang, or any failed assertion still fails the test.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from blazepose_tools import firefox_bidi, webkit_driver
from blazepose_tools.browsers import BrowserUnavailable

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


class EngineCrashed(RuntimeError):
    """The browser's page process died and its session with it; a new browser is open."""


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

    def __init__(self, session: firefox_bidi.Bidi) -> None:
        self.command = session.command
        self.session = session
        tree = self.command("browsingContext.getTree", {})
        self.context = tree["contexts"][0]["context"]

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
        return f"Firefox {self.session.version}"


@contextlib.contextmanager
def firefox(fake_camera: bool = False, touch: bool = False) -> Iterator[FirefoxPage]:
    """Debian's firefox-esr (blazepose_tools.firefox_bidi), headless, fresh profile."""
    prefs = {**(CAMERA_PREFS if fake_camera else {}), **(TOUCH_PREFS if touch else {})}
    try:
        with firefox_bidi.firefox(prefs) as session:
            yield FirefoxPage(session)
    except BrowserUnavailable as error:
        raise EngineUnavailable(str(error)) from error


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
    arguments = ("--enable-media-stream=true", "--enable-mock-capture-devices=true")
    try:
        with webkit_driver.webkit(arguments if fake_camera else ()) as driver:
            yield WebKitPage(driver)
    except BrowserUnavailable as error:
        raise EngineUnavailable(str(error)) from error


def _session_gone(error: Exception) -> bool:
    """WebKitWebDriver's answer once the page process has died (Selenium's exception)."""
    return type(error).__name__ == "InvalidSessionIdException"


class RelaunchingPage:
    """An `EnginePage` that opens a new browser when its page process dies: the call that met
    the dead session raises `EngineCrashed`, the next call goes to the new browser."""

    def __init__(self, launch: Callable[[], AbstractContextManager[EnginePage]]) -> None:
        self._launch = launch
        self._stack = contextlib.ExitStack()
        self._page = self._stack.enter_context(launch())
        self.name = self._page.name
        self.crashes = 0

    def _relaunch(self, error: Exception) -> EngineCrashed:
        self.crashes += 1
        with contextlib.suppress(Exception):  # the old driver may not answer its quit
            self._stack.close()
        self._stack = contextlib.ExitStack()
        self._page = self._stack.enter_context(self._launch())
        return EngineCrashed(f"{self.name}: the page process died ({error}); browser relaunched")

    def __getattr__(self, attribute: str) -> Any:
        method = getattr(self._page, attribute)

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except Exception as error:
                if not _session_gone(error):
                    raise
                raise self._relaunch(error) from error

        return call

    def close(self) -> None:
        self._stack.close()


@contextlib.contextmanager
def relaunching(
    launch: Callable[[], AbstractContextManager[EnginePage]],
) -> Iterator[RelaunchingPage]:
    page = RelaunchingPage(launch)
    try:
        yield page
    finally:
        page.close()


def again_after_a_crash(test: Callable[..., None]) -> Callable[..., None]:
    """Runs `test` a second time (in the relaunched browser) if its browser crashed; once."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            test(*args, **kwargs)
        except EngineCrashed as crash:
            print(f"{crash}: the test runs again")
            test(*args, **kwargs)

    return run

"""WebKitGTK (Safari's engine) in the benchmark: the Playwright calls bench/run.py makes, over
WebKitWebDriver (Selenium; blazepose_tools.webkit_driver), one MiniBrowser per context.

Classic WebDriver has less than Playwright or BiDi, and the rows say so:
- no script before the page's own: the init scripts run once `get` returns (the load event);
  a `DOMContentLoaded` listener of theirs is called at once. Our adapter then starts a moment
  later than in the other browsers (first pose counts from navigation start all the same).
- no request events and no console: requests are not watched (nothing here leaves the
  machine: it has no network), console and page errors are not collected.
A context is a fresh MiniBrowser (automation sessions keep no cache between them): a cold
load; the warm load is a second page (tab) of the same browser.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from blazepose_tools import webkit_driver
from blazepose_tools.firefox_bidi import virtual_display
from firefox_session import _FUNCTION, _json_script

COMMAND_TIMEOUT_S = 1800
WATCHED = False  # run.py: requests are not watched in this browser


class Page:
    def __init__(self, context: Context, handle: str) -> None:
        self._context, self.handle = context, handle

    def on(self, event: str, listener: Callable) -> None:
        """No console or page errors over classic WebDriver."""

    def goto(self, url: str, wait_until: str = "load") -> None:
        driver = self._context.driver
        driver.switch_to.window(self.handle)
        driver.get(url)
        for script in self._context.init_scripts:
            driver.execute_script(
                "const addEventListener = (type, listener) => type === 'DOMContentLoaded'"
                " ? listener() : window.addEventListener(type, listener);\n" + script
            )

    def evaluate(self, expression: str, arg: Any = None) -> Any:
        if _FUNCTION.match(expression):
            expression = f"({expression})({json.dumps(arg)})"
        driver = self._context.driver
        driver.switch_to.window(self.handle)
        script = (
            f"const done = arguments[arguments.length - 1]; {_json_script(expression)}.then(done);"
        )
        answer = json.loads(driver.execute_async_script(script))
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer.get("value")

    def wait_for_function(self, expression: str, timeout: float = 30000) -> Any:
        deadline = time.monotonic() + timeout / 1000
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"not true within {timeout / 1000:.0f} s: {expression}")
            time.sleep(0.05)

    def close(self) -> None:
        driver = self._context.driver
        if len(driver.window_handles) > 1:
            driver.switch_to.window(self.handle)
            driver.close()
            driver.switch_to.window(driver.window_handles[0])
        else:  # the last window ends the session: leave it blank instead
            driver.get("about:blank")


class Context:
    def __init__(self, browser: Browser, viewport: dict | None) -> None:
        self._stack = contextlib.ExitStack()
        self.driver = self._stack.enter_context(webkit_driver.webkit(display=browser.display))
        self.driver.set_script_timeout(COMMAND_TIMEOUT_S)
        if viewport:
            self.driver.set_window_size(viewport["width"], viewport["height"])
        browser.version = self.driver.capabilities.get("browserVersion", browser.version)
        self.init_scripts: list[str] = []
        self._pages = 0

    def on(self, event: str, listener: Callable) -> None:
        """No request events over classic WebDriver."""

    def route(self, pattern: str, handler: Callable) -> None:
        """No request routing over classic WebDriver."""

    def add_init_script(self, script: str) -> None:
        self.init_scripts.append(script)

    def new_page(self) -> Page:
        if self._pages:
            self.driver.switch_to.new_window("tab")
        self._pages += 1
        return Page(self, self.driver.current_window_handle)

    def close(self) -> None:
        self._stack.close()


class Browser:
    def __init__(self, display: str) -> None:
        self.display = display
        self.version = "?"

    def new_context(self, viewport: dict | None = None) -> Context:
        return Context(self, viewport)

    def close(self) -> None:
        """Each context closes its own MiniBrowser."""


def label(version: str) -> str:
    return f"WebKitGTK {version} (MiniBrowser, Xvfb window)"


@contextlib.contextmanager
def launch() -> Iterator[Browser]:
    """One Xvfb display; each context starts a MiniBrowser on it."""
    with virtual_display() as display:
        browser = Browser(display)
        browser.new_context().close()  # fails here if WebKitGTK is missing; learns the version
        yield browser

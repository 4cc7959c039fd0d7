"""Firefox in the benchmark: the few Playwright calls bench/run.py makes (new_context, request
watching, add_init_script, new_page, goto, evaluate, wait_for_function, console and page
errors), over WebDriver BiDi with Debian's firefox-esr (blazepose_tools.firefox_bidi).

A Playwright context is a BiDi user context: its own cookies, storage and HTTP cache, so the
cold load of a row is a cold cache, and its warm reload a second page in the same context.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

from blazepose_tools import firefox_bidi

# A step of a page may await a whole clip (heavy model: minutes on a busy 2-core machine).
COMMAND_TIMEOUT_S = 1800
WATCHED = True  # run.py: every request of a row is seen (network.beforeRequestSent)
_FUNCTION = re.compile(r"^\s*(async\s+)?(\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>")


def _json_script(expression: str) -> str:
    return (
        f"Promise.resolve().then(async () => JSON.stringify({{value: await ({expression})}}))"
        ".catch((e) => JSON.stringify({error: String(e && e.stack || e)}))"
    )


class Page:
    def __init__(self, browser: Browser, context: str) -> None:
        self._browser, self.context = browser, context
        self._listeners: dict[str, list[Callable]] = {"console": [], "pageerror": []}

    def on(self, event: str, listener: Callable) -> None:
        self._listeners[event].append(listener)

    def emit(self, event: str, value: object) -> None:
        for listener in self._listeners.get(event, []):
            listener(value)

    def goto(self, url: str, wait_until: str = "load") -> None:
        wait = "none" if wait_until == "commit" else "complete"
        self._browser.command(
            "browsingContext.navigate", {"context": self.context, "url": url, "wait": wait}
        )

    def evaluate(self, expression: str, arg: Any = None) -> Any:
        """Playwright's page.evaluate: an expression, or a function called with `arg`."""
        if _FUNCTION.match(expression):
            expression = f"({expression})({json.dumps(arg)})"
        result = self._browser.command(
            "script.evaluate",
            {
                "expression": _json_script(expression),
                "target": {"context": self.context},
                "awaitPromise": True,
            },
        )
        if result["type"] == "exception":
            raise RuntimeError(result["exceptionDetails"]["text"])
        answer = json.loads(result["result"]["value"])
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
        with contextlib.suppress(RuntimeError):  # already gone with its user context
            self._browser.command("browsingContext.close", {"context": self.context})
        self._browser.pages.pop(self.context, None)


class Context:
    def __init__(self, browser: Browser, viewport: dict | None) -> None:
        self._browser, self._viewport = browser, viewport
        self.user_context = browser.command("browser.createUserContext", {})["userContext"]
        self.request_listeners: list[Callable] = []
        self._pages: list[Page] = []

    def on(self, event: str, listener: Callable) -> None:
        if event != "request":
            raise ValueError(f"only request events here, not {event}")
        self.request_listeners.append(listener)

    def route(self, pattern: str, handler: Callable) -> None:
        """Watches instead of routing: `handler` sees every request (its continue_ and abort
        do nothing); the profile's dead proxy is what stops a request leaving 127.0.0.1."""
        if pattern != "**/*":
            raise ValueError(f"only every request here, not {pattern}")

        def watch(request: SimpleNamespace) -> None:
            handler(SimpleNamespace(request=request, continue_=lambda: None, abort=lambda: None))

        self.request_listeners.append(watch)

    def add_init_script(self, script: str) -> None:
        self._browser.command(
            "script.addPreloadScript",
            {"functionDeclaration": f"() => {{ {script} }}", "userContexts": [self.user_context]},
        )

    def new_page(self) -> Page:
        context = self._browser.command(
            "browsingContext.create", {"type": "tab", "userContext": self.user_context}
        )["context"]
        if self._viewport:
            self._browser.command(
                "browsingContext.setViewport", {"context": context, "viewport": self._viewport}
            )
        page = Page(self._browser, context)
        self._browser.pages[context] = (page, self)
        self._pages.append(page)
        return page

    def close(self) -> None:
        for page in self._pages:
            page.close()
        self._browser.command("browser.removeUserContext", {"userContext": self.user_context})


class Browser:
    """What run.py uses of a Playwright Browser; events reach their page or context."""

    def __init__(self, session: firefox_bidi.Bidi) -> None:
        self.command = session.command
        self.version = session.version
        self.pages: dict[str, tuple[Page, Context]] = {}
        session.on_event = self._event
        self.command(
            "session.subscribe", {"events": ["log.entryAdded", "network.beforeRequestSent"]}
        )

    def new_context(self, viewport: dict | None = None) -> Context:
        return Context(self, viewport)

    def _event(self, message: dict) -> None:
        params = message.get("params", {})
        context = params.get("context") or params.get("source", {}).get("context")
        page, owner = self.pages.get(context, (None, None))
        if page is None:
            return
        if message["method"] == "network.beforeRequestSent":
            request = SimpleNamespace(url=params["request"]["url"])
            for listener in owner.request_listeners:
                listener(request)
        elif params.get("type") == "javascript":
            page.emit("pageerror", params.get("text", ""))
        else:
            page.emit("console", SimpleNamespace(type=params.get("level"), text=params.get("text")))

    def close(self) -> None:
        """Closed by `launch`'s context manager."""


@contextlib.contextmanager
def launch() -> Iterator[Browser]:
    """Firefox with a window on a private Xvfb display: WebGL (llvmpipe) for tasks-vision."""
    with (
        firefox_bidi.virtual_display() as display,
        firefox_bidi.firefox(timeout_s=COMMAND_TIMEOUT_S, display=display) as session,
    ):
        yield Browser(session)


def label(version: str) -> str:
    return f"Firefox ESR {version} (Xvfb window)"

"""WebKitGTK (Safari's engine): its MiniBrowser in automation mode, driven by WebKitWebDriver
through Selenium, with a window on a private Xvfb display. The browser tests
(tests/browser/engines.py) and the benchmark (bench/webkit_session.py) both start it here.
A missing package raises `BrowserUnavailable`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from blazepose_tools.browsers import BrowserUnavailable
from blazepose_tools.firefox_bidi import XVFB, virtual_display

WEBKIT_DRIVER = Path("/usr/bin/WebKitWebDriver")
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")


@contextlib.contextmanager
def webkit(arguments: tuple[str, ...] = (), display: str | None = None) -> Iterator[Any]:
    """A Selenium WebKitGTK driver; MiniBrowser gets `arguments` after `--automation`. Its own
    Xvfb display unless `display` is given."""
    for needed, package in (
        (WEBKIT_DRIVER, "webkit2gtk-driver"),
        (MINIBROWSER, "webkit2gtk-driver"),
        (XVFB, "xvfb"),
    ):
        if not needed.exists():
            raise BrowserUnavailable(
                f"WebKitGTK not installed ({needed}: apt-get install {package})"
            )
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    with contextlib.ExitStack() as stack:
        if display is None:
            display = stack.enter_context(virtual_display())
        options = Options()
        options.binary_location = str(MINIBROWSER)
        options.add_argument("--automation")
        for argument in arguments:
            options.add_argument(argument)
        service = Service(
            executable_path=str(WEBKIT_DRIVER), env={**os.environ, "DISPLAY": display}
        )
        driver = webdriver.WebKitGTK(options=options, service=service)
        try:
            yield driver
        finally:
            driver.quit()

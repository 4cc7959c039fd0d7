"""The browsers the tests and the benchmark drive, and how to start them offline.

Two Chromiums (facts: shared/notes/browser-stack.md):
- Debian's `chromium` package (/usr/bin/chromium): WASM and WebGPU (SwiftShader here); built
  without any WebNN backend.
- The Chromium inside the npm package `@sparticuz/chromium` (pinned in package.json): a complete
  binary stored Brotli-compressed in the package; with WebNN enabled it runs WebNN graphs on
  the CPU through its TFLite/XNNPACK backend. Its GPU process needs the SwiftShader libraries
  of the same package next to the binary, or WebNN reports "disabled due to some unresolvable
  issues". `prepare_webnn_chromium` unpacks both (with Node's zlib, which has Brotli).

Standard library only: build.py runs this before the virtual environment exists.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
WEBNN_PACKAGE = Path("node_modules") / "@sparticuz" / "chromium"
WEBNN_CACHE = Path(".cache") / "webnn-chromium"
DEAD = "http://127.0.0.1:9/"
# No calls home, and a dead proxy for whatever request routing cannot see (workers started
# inside workers): nothing leaves 127.0.0.1.
OFFLINE_FLAGS = (
    "--no-sandbox",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f"--component-updater=url-source={DEAD}",
    f"--gaia-url={DEAD}",
    f"--google-apis-url={DEAD}",
    f"--lso-url={DEAD}",
    "--proxy-server=http://127.0.0.1:9",
    # Chromium's own background queries (form-field autofill hints on pages with inputs,
    # optimisation hints, metrics pings); they would die at the dead proxy anyway.
    "--disable-features=AutofillServerCommunication,OptimizationHints,"
    "OptimizationGuideModelDownloading,MediaRouter,NetworkTimeServiceQuerying",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
)
# Headless tabs count as hidden: keep timers and video frames running.
FOREGROUND_FLAGS = (
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    "--autoplay-policy=no-user-gesture-required",
)
WEBNN_FLAGS = ("--enable-features=WebMachineLearningNeuralNetwork",)


@dataclass(frozen=True)
class BrowserBuild:
    """A Chromium binary and the flags that make it usable here."""

    name: str  # "debian" or "webnn"
    label: str  # for tables: "Chromium 156 (Debian)"
    executable: Path
    flags: tuple[str, ...] = field(default=())


class BrowserUnavailable(Exception):
    """The browser is missing or broken; the message says which and how to get it."""


def debian_chromium() -> BrowserBuild:
    if not DEBIAN_CHROMIUM.exists():
        raise BrowserUnavailable(
            f"Debian chromium not installed ({DEBIAN_CHROMIUM}): apt-get install chromium"
        )
    return BrowserBuild("debian", "Debian Chromium", DEBIAN_CHROMIUM, OFFLINE_FLAGS)


def _package_version(package: Path) -> str:
    try:
        return json.loads((package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError) as error:
        raise BrowserUnavailable(
            f"npm package @sparticuz/chromium not installed ({package}): run npm ci"
        ) from error


def _brotli_decompress(source: Path, target: Path) -> None:
    node = shutil.which("node")
    if node is None:
        raise BrowserUnavailable("node is needed to unpack the WebNN Chromium (Brotli)")
    script = (
        "const z = require('zlib'), f = require('fs');"
        "f.writeFileSync(process.argv[2], z.brotliDecompressSync(f.readFileSync(process.argv[1])));"
    )
    proc = subprocess.run(
        [node, "-e", script, str(source), str(target)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise BrowserUnavailable(f"could not unpack {source}: {proc.stderr.strip()[-300:]}")


def prepare_webnn_chromium(root: Path) -> Path:
    """Unpacks the pinned @sparticuz/chromium (binary + SwiftShader) into .cache/ once per
    version; returns the executable. Raises BrowserUnavailable with the reason."""
    package = root / WEBNN_PACKAGE
    version = _package_version(package)
    target = root / WEBNN_CACHE / version
    executable = target / "chromium"
    stamp = target / ".unpacked"
    if stamp.exists() and executable.exists():
        return executable
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in ("chromium.br", "swiftshader.tar.br"):
        if not (package / "bin" / name).exists():
            raise BrowserUnavailable(f"{package / 'bin' / name} is missing: reinstall with npm ci")
    _brotli_decompress(package / "bin" / "chromium.br", executable)
    executable.chmod(0o755)
    archive = target / "swiftshader.tar"
    _brotli_decompress(package / "bin" / "swiftshader.tar.br", archive)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()
    stamp.write_text(version)
    return executable


def webnn_chromium(root: Path) -> BrowserBuild:
    """The unpacked WebNN-capable Chromium, checked to start; BrowserUnavailable if not."""
    executable = prepare_webnn_chromium(root)
    try:
        proc = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BrowserUnavailable(f"WebNN Chromium does not start: {error}") from error
    if proc.returncode != 0:
        raise BrowserUnavailable(
            f"WebNN Chromium does not start: {(proc.stderr or proc.stdout).strip()[-300:]}"
        )
    label = proc.stdout.strip() or "Chromium"
    return BrowserBuild(
        "webnn", f"{label} (@sparticuz/chromium, WebNN)", executable, OFFLINE_FLAGS + WEBNN_FLAGS
    )

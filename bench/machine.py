"""A label for where the numbers were measured: absolute timings only mean something with it."""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import subprocess
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def core_count() -> int:
    """Cores this process may run on (the affinity mask, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def gpu() -> str:
    """The GPU the OS shows (what the browsers see is in each browser's probe)."""
    if shutil.which("nvidia-smi"):
        try:
            proc = subprocess.run(
                ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                capture_output=True,
                text=True,
                timeout=20,
            )
            names = ", ".join(n.strip() for n in proc.stdout.splitlines() if n.strip())
            if names:
                return names
        except (OSError, subprocess.TimeoutExpired):
            pass
    render_nodes = sorted(Path("/dev/dri").glob("renderD*")) if Path("/dev/dri").exists() else []
    if render_nodes:
        return f"render node {render_nodes[0].name}"
    return "none"


def describe(chromium_version: str | None = None) -> dict:
    """The machine; with one browser's version for tools that run one (main_thread, ort_levers).
    The benchmark labels each browser's table with its own version instead."""
    info = {
        "cpu": cpu_model(),
        "cores": core_count(),
        "gpu": gpu(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
    }
    if chromium_version:
        info["chromium"] = chromium_version
    return info


def label(info: dict) -> str:
    text = f"{info['cpu']}, {info['cores']} cores, GPU: {info['gpu']}"
    if info.get("chromium"):  # results written before one table per browser
        text += f", Chromium {info['chromium']}"
    load = info.get("load_average_1m")
    return f"{text}, {info['date_utc']} UTC" + (f", load {load}" if load is not None else "")

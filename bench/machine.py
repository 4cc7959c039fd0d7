"""A label for where the numbers were measured: absolute timings only mean something with it."""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def describe(chromium_version: str) -> dict:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cores": cores,
        "gpu": "none (WebGL via SwiftShader)",
        "os": f"{platform.system()} {platform.release()}",
        "chromium": chromium_version,
        "python": platform.python_version(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
    }


def label(info: dict) -> str:
    text = f"{info['cpu']}, {info['cores']} cores, {info['gpu']}, Chromium {info['chromium']}"
    load = info.get("load_average_1m")
    return f"{text}, {info['date_utc']} UTC" + (f", load {load}" if load is not None else "")

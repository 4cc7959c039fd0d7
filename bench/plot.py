"""The benchmark figure: per browser, FPS per model and contender, and cold time to first pose."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from machine import label  # noqa: E402

DEFAULT_BROWSER = "debian"


def _panel(ax_fps, ax_first, rows: list[dict], title: str, colors: dict) -> None:
    models = [m for m in ("lite", "full", "heavy") if any(r["model"] == m for r in rows)]
    contenders = list(dict.fromkeys(r["contender"] for r in rows))
    width = 0.8 / max(1, len(contenders))
    for i, name in enumerate(contenders):
        xs, fps, cold = [], [], []
        for j, model in enumerate(models):
            row = next((r for r in rows if r["model"] == model and r["contender"] == name), None)
            if row is None:
                continue
            xs.append(j + (i - (len(contenders) - 1) / 2) * width)
            fps.append(row["fps"])
            cold.append((row.get("cold_first_pose_ms") or 0) / 1000)
        bars = ax_fps.bar(xs, fps, width, label=name, color=colors[name])
        ax_fps.bar_label(bars, labels=[f"{v:.2g}" for v in fps], fontsize=6)
        ax_first.bar(xs, cold, width, color=colors[name])
    for ax in (ax_fps, ax_first):
        ax.set_xticks(range(len(models)), models)
        ax.grid(axis="y", alpha=0.3)
    ax_fps.set_yscale("log")
    ax_fps.set_ylabel("FPS, log scale (higher is better)")
    ax_fps.set_title(f"{title}: frames fed back to back", fontsize=9)
    ax_fps.legend(fontsize=6, ncol=2)
    ax_first.set_ylabel("seconds from navigation (lower is better)")
    ax_first.set_title(f"{title}: cold time to first pose", fontsize=9)


def write(results: dict, path: Path) -> Path:
    timed = [r for r in results["results"] if r.get("fps")]
    browsers = [
        b
        for b in results.get("browsers") or [{"name": DEFAULT_BROWSER, "label": DEFAULT_BROWSER}]
        if any(r.get("browser", DEFAULT_BROWSER) == b["name"] for r in timed)
    ]
    fig, axes = plt.subplots(
        max(1, len(browsers)), 2, figsize=(13, 4.6 * max(1, len(browsers))), squeeze=False
    )
    # One colour per contender in every browser's panel.
    names = list(dict.fromkeys(r["contender"] for r in timed))
    palette = plt.get_cmap("tab10").colors
    colors = {name: palette[i % len(palette)] for i, name in enumerate(names)}
    for (ax_fps, ax_first), browser in zip(axes, browsers, strict=False):
        rows = [r for r in timed if r.get("browser", DEFAULT_BROWSER) == browser["name"]]
        _panel(ax_fps, ax_first, rows, browser.get("label") or browser["name"], colors)
    machine = results.get("machine")
    if machine:
        fig.suptitle(f"Measured on {label(machine)}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

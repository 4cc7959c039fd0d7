"""The benchmark figure: FPS per model and contender, and time to first pose."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from machine import label  # noqa: E402


def write(results: dict, path: Path) -> Path:
    rows = [r for r in results["results"] if r.get("fps")]
    models = [m for m in ("lite", "full", "heavy") if any(r["model"] == m for r in rows)]
    contenders = list(dict.fromkeys(r["contender"] for r in rows))
    fig, (ax_fps, ax_first) = plt.subplots(1, 2, figsize=(12, 4.8))
    width = 0.8 / max(1, len(contenders))
    for i, name in enumerate(contenders):
        xs, fps, cold, warm = [], [], [], []
        for j, model in enumerate(models):
            row = next((r for r in rows if r["model"] == model and r["contender"] == name), None)
            if row is None:
                continue
            xs.append(j + (i - (len(contenders) - 1) / 2) * width)
            fps.append(row["fps"])
            cold.append((row.get("cold_first_pose_ms") or 0) / 1000)
            warm.append((row.get("warm_first_pose_ms") or 0) / 1000)
        bars = ax_fps.bar(xs, fps, width, label=name)
        ax_fps.bar_label(bars, labels=[f"{v:.2g}" for v in fps], fontsize=7)
        color = bars.patches[0].get_facecolor()
        ax_first.bar([x - width / 4 for x in xs], cold, width / 2, color=color)
        ax_first.bar(
            [x + width / 4 for x in xs], warm, width / 2, color=color, alpha=0.45, hatch="//"
        )
    for ax in (ax_fps, ax_first):
        ax.set_xticks(range(len(models)), models)
        ax.grid(axis="y", alpha=0.3)
    ax_fps.set_yscale("log")
    ax_fps.set_ylabel("frames per second, log scale (higher is better)")
    ax_fps.set_title("Throughput, frames fed back to back")
    ax_first.set_ylabel("seconds from navigation (lower is better)")
    ax_first.set_title("Time to first pose: cold (solid), warm (hatched)")
    ax_first.axhline(6.0, color="grey", linestyle="--", linewidth=1)
    ax_first.annotate("6 s target", (len(models) - 0.5, 6.0), ha="right", va="bottom", fontsize=7)
    fig.legend(*ax_fps.get_legend_handles_labels(), loc="lower center", ncol=4, fontsize=8)
    machine = results.get("machine")
    if machine:
        fig.suptitle(f"Measured on {label(machine)}", fontsize=9)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

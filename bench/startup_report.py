"""Summaries and the Markdown report of the start-up benchmark (bench/startup.py)."""

from __future__ import annotations

import math
import re

from stats import median

REFERENCE = "tasks_vision_cpu"
VISITS = ("cold", "warm", "offline")
# Our page's marks in start-up order (web/engine/startup-marks.js), with the table's column names.
OUR_STEPS = (
    ("fetch.pyodideWasm", "pyodide.asm.wasm fetched"),
    ("fetch.stdlib", "stdlib zip fetched"),
    ("pyodideBooted", "Pyodide booted"),
    ("blazeposeImported", "blazepose imported"),
    ("pythonReady", "Python ready"),
    ("fetch.ortWasm", "ORT wasm fetched"),
    ("fetch.landmark", "landmark model fetched"),
    ("ortLoaded", "ORT loaded"),
    ("ortInit", "ORT init + 1st session"),
    ("sessions", "sessions"),
    ("backendChosen", "backend chosen"),
    ("ready", "ready"),
    ("firstFrame", "first frame tracked"),
    ("firstDraw", "first draw"),
)
# tasks-vision has no marks of its own: its downloads (Resource Timing) and create().
TV_STEPS = (
    ("fetch.wasm", "vision wasm fetched"),
    ("fetch.task", ".task fetched"),
    ("ready", "ready"),
)
TV_FILES = {
    "fetch.wasm": re.compile(r"vision_wasm[^/]*\.wasm$"),
    "fetch.task": re.compile(r"\.task$"),
}


def _round(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value)


def visit_marks(contender: str, visit: dict) -> dict:
    """Step name -> ms from navigation start for one visit, first pose included."""
    marks: dict = {"firstPose": visit.get("firstPoseMs")}
    if contender == REFERENCE:
        for entry in visit.get("resources", []):
            for name, pattern in TV_FILES.items():
                if pattern.search(entry["name"]) and name not in marks:
                    marks[name] = entry["end"]
        marks["ready"] = visit["initStartMs"] + visit["initMs"]
    else:
        marks.update((visit.get("startup") or {}).get("marks") or {})
    return marks


def _chosen(visit: dict) -> str | None:
    backend = (visit.get("startup") or {}).get("backend") or {}
    chosen = backend.get("chosen")
    if not chosen:
        return None
    name = chosen.get("name")
    label = f"{name} x{chosen.get('threads')}" if name == "wasm" else name
    return f"{label} (remembered)" if backend.get("remembered") else label


def summarise(raw: dict) -> dict:
    """Per browser, model, contender and visit: medians of the first pose and of every step,
    the same-run ratio to tasks-vision (median over repeats of ours / theirs of that repeat)."""
    groups: dict = {}
    for record in raw["records"]:
        if "error" in record:
            continue
        key = (record["browser"], record["model"], record["contender"])
        for kind in VISITS:
            if kind in record:
                groups.setdefault(key, {}).setdefault(kind, []).append(record)
    rows = []
    for (browser, model, contender), visits in sorted(groups.items()):
        for kind, records in visits.items():
            marks = [visit_marks(contender, r[kind]) for r in records]
            names = dict.fromkeys(n for m in marks for n in m)
            steps = {
                n: _round(median([m[n] for m in marks if isinstance(m.get(n), (int, float))]))
                for n in names
            }
            ratios = []
            for record in records:
                ref = groups.get((browser, model, REFERENCE), {}).get(kind, [])
                same = [r for r in ref if r["repeat"] == record["repeat"]]
                theirs = same[0][kind].get("firstPoseMs") if same else None
                ours = record[kind].get("firstPoseMs")
                if theirs and ours:
                    ratios.append(ours / theirs)
            chosen = sorted({c for c in (_chosen(r[kind]) for r in records) if c})
            rows.append(
                {
                    "browser": browser,
                    "model": model,
                    "contender": contender,
                    "visit": kind,
                    "n": len(records),
                    "first_pose_ms": steps.get("firstPose"),
                    "first_pose_all_ms": [round(m["firstPose"] or math.nan) for m in marks],
                    "ratio_to_tasks_vision": round(median(ratios), 2) if ratios else None,
                    "steps_ms": steps,
                    "chosen": chosen,
                }
            )
    failures = [
        {k: r.get(k) for k in ("browser", "model", "contender", "repeat", "error")}
        for r in raw["records"]
        if "error" in r
    ]
    return {
        "rows": rows,
        "failures": failures,
        "browsers": raw["browsers"],
        "config": raw["config"],
        "machine": raw["machine"],
    }


def _cell(value) -> str:
    return "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def document(summary: dict) -> str:
    config = summary["config"]
    lines = [
        "# Start-up: time to first pose",
        "",
        f"Measured {config.get('measured_utc', '?')} UTC by `bench/startup.py` on "
        f"{summary['machine'].get('cpu', '?')} ({summary['machine'].get('cores', '?')} cores), "
        f"load average {config.get('load_average_1m_before')} before, "
        f"{config.get('load_average_1m_after')} after; {config['repeats']} repeats per row, "
        "contenders interleaved. Times are ms from navigation start, medians. "
        "Cold: fresh browser profile; warm: second visit in the same profile (HTTP cache, "
        "code cache, localStorage, service worker); offline: third visit with the profile "
        "offline (service worker). Each visit stays a few seconds after its first pose. "
        "Ratio: median over repeats of ours / tasks-vision CPU's first pose in the same repeat.",
        "",
    ]
    listed = [i["name"] for i in summary["browsers"]]
    unlisted = dict.fromkeys(r["browser"] for r in summary["rows"] if r["browser"] not in listed)
    for info in [*summary["browsers"], *({"name": n} for n in unlisted)]:
        name = info["name"]
        lines += [f"## {info.get('label', name)}", ""]
        if "unavailable" in info:
            lines += [f"Not available: {info['unavailable']}", ""]
            continue
        rows = [r for r in summary["rows"] if r["browser"] == name]
        lines += [
            "| model | contender | visit | first pose ms | × tasks-vision | runs (ms) | backend |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            lines.append(
                f"| {r['model']} | {r['contender']} | {r['visit']} | {_cell(r['first_pose_ms'])} "
                f"| {_cell(r['ratio_to_tasks_vision']) if r['contender'] != REFERENCE else ''} "
                f"| {', '.join(map(str, r['first_pose_all_ms']))} | {', '.join(r['chosen'])} |"
            )
        lines.append("")
        for contender, steps in (("ours", OUR_STEPS), (REFERENCE, TV_STEPS)):
            mine = [r for r in rows if (r["contender"] == REFERENCE) == (contender == REFERENCE)]
            if not mine:
                continue
            head = ["model", "contender", "visit", *(label for _, label in steps), "first pose"]
            lines += [
                f"Steps, {contender} (ms from navigation start, medians):",
                "",
                "| " + " | ".join(head) + " |",
                "|" + "---|" * len(head),
            ]
            for r in mine:
                cells = [_cell(r["steps_ms"].get(key)) for key, _ in steps]
                lines.append(
                    f"| {r['model']} | {r['contender']} | {r['visit']} | "
                    + " | ".join(cells)
                    + f" | {_cell(r['first_pose_ms'])} |"
                )
            lines.append("")
    if summary["failures"]:
        lines += ["## Failures", ""]
        for f in summary["failures"]:
            lines.append(
                f"- {f['browser']} {f['model']} {f['contender']} repeat {f['repeat']}: {f['error']}"
            )
        lines.append("")
    return "\n".join(lines)

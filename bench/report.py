"""Turn raw per-frame results into the numbers the benchmark reports, and print them.

One table per browser: the same run, the same browser, every contender; ratios compare our
rows with tasks-vision CPU of that browser only.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from blazepose_tools.pck import Agreement
from stats import fps, median, outside_share, percentile, ratio

OURS_PREFIX = "ours"
AUTO = "ours-auto"
REFERENCE = "tasks_vision_cpu"  # what the FPS ratios divide by
MODEL_ORDER = ["lite", "full", "heavy"]
SLOW_FRAME_MS = 100.0  # frames over this count as stalls (a 10 FPS hiccup)
DEFAULT_BROWSER = "debian"  # raw results from before one session per browser

# Where users have WebNN (facts: shared/notes/browser-stack.md, late 2026).
WEBNN_IN_BROWSERS = (
    "Google Chrome and Microsoft Edge: only behind "
    "`chrome://flags/#web-machine-learning-neural-network` (late 2026); the origin trial was "
    "postponed, so by default users have no WebNN.",
    "Debian's `chromium` package: none. It is built without a WebNN backend; "
    "`navigator.ml` appears only with `--enable-features=WebMachineLearningNeuralNetwork` and "
    "`createContext()` then throws NotSupportedError.",
    "`@sparticuz/chromium` 153 (npm; this benchmark's WebNN browser, feature enabled by flag): "
    "WebNN on the CPU through XNNPACK; its `gpu`/`npu` device types run on the CPU too.",
)


def is_ours(name: str) -> bool:
    return name == OURS_PREFIX or name.startswith(OURS_PREFIX + "-")


def load_reference(reference_dir: Path, model: str, clip: str) -> dict | None:
    path = reference_dir / model / f"{clip}.json"
    return json.loads(path.read_text()) if path.exists() else None


def agreement(
    frames: list[dict], reference: dict | None, width: int, height: int
) -> Agreement | None:
    if reference is None:
        return None
    by_index = {f["index"]: f for f in reference["frames"]}
    score = Agreement()
    for frame in frames:
        ref = by_index.get(frame["index"])
        if ref is None:
            continue
        score.add_frame(
            frame["index"], frame["landmarks"], ref["landmarks"], None, None, width, height
        )
    return score


def _inference_ms(frame: dict) -> float | None:
    timings = frame.get("timings") or {}
    value = timings.get("inference")
    return float(value) if isinstance(value, (int, float)) else None


def frame_time_stats(ms: list[float]) -> dict:
    """Median, p90, worst frame and the count of frames over SLOW_FRAME_MS."""
    return {
        "median_ms": median(ms),
        "p90_ms": percentile(ms, 90),
        "worst_ms": max(ms) if ms else math.nan,
        "over_100ms": sum(m > SLOW_FRAME_MS for m in ms),
    }


def clip_summary(data: dict, reference: dict | None) -> tuple[dict, Agreement | None]:
    frames = data["frames"]
    ms = [f["ms"] for f in frames]
    inference = [_inference_ms(f) for f in frames]
    score = agreement(frames, reference, data["width"], data["height"])
    summary = {
        "frames": len(frames),
        **frame_time_stats(ms),
        "fps": fps(len(frames), data["loopMs"]),
        "frames_with_pose": sum(f["landmarks"] is not None for f in frames),
        # Poses reported over the clip (several a frame with numPoses > 1).
        "person_frames": sum(f.get("people", f["landmarks"] is not None) for f in frames),
        "outside_inference": outside_share(inference, ms) if None not in inference else None,
        "pck": score.pck if score else None,
        "pose_frame_agreement": score.frame_agreement if score else None,
        "mean_px": score.mean_px if score else None,
    }
    return summary, score


def backend_of(value) -> dict | None:
    """The page's backend report: a string (older pages) or {name, threads, deviceType}."""
    if value is None:
        return None
    if isinstance(value, str):
        return {"name": value}
    if isinstance(value, dict) and value.get("name"):
        return {k: value[k] for k in ("name", "threads", "deviceType") if value.get(k) is not None}
    return None


def backend_text(backend: dict | None) -> str:
    if not backend or not backend.get("name"):
        return ""
    text = backend["name"]
    if backend.get("deviceType"):
        text += f" {backend['deviceType']}"
    if backend.get("threads") and backend["name"] == "wasm":  # WASM threads; others ignore it
        text += f" ×{backend['threads']}"
    return text


def summarise_run(run: dict, reference_dir: Path) -> dict:
    out = {
        "browser": run.get("browser", DEFAULT_BROWSER),
        "contender": run["contender"],
        "model": run["model"],
        "blocked_requests": run["blocked"],
        "blocked_count": run["blocked_count"],
        "netlog_nonlocal": run.get("netlog_nonlocal", []),
    }
    if "error" in run:
        out["error"] = run["error"]
    if "unavailable" in run:
        out["unavailable"] = run["unavailable"]
    for phase in ("cold", "warm"):
        first = run.get(phase) or {}
        out[f"{phase}_first_pose_ms"] = first.get("firstPoseMs")
        if first.get("startup"):
            out[f"{phase}_startup_ms"] = first["startup"]
    out["clips"] = {}
    all_ms: list[float] = []
    all_inference: list[float | None] = []
    loop_ms = 0.0
    correct = total = 0
    # The reference is one person's: with numPoses > 1 the first pose may be another's.
    several = run.get("num_poses", 1) > 1
    for clip, data in run["clips"].items():
        reference = None if several else load_reference(reference_dir, run["model"], clip)
        summary, score = clip_summary(data, reference)
        out["clips"][clip] = summary
        all_ms += [f["ms"] for f in data["frames"]]
        all_inference += [_inference_ms(f) for f in data["frames"]]
        loop_ms += data["loopMs"]
        if score:
            correct += score.correct
            total += score.scored + score.missed
        out["info"] = data.get("info", {})
    info = out.get("info") or (run.get("cold") or {}).get("info") or {}
    backend = backend_of(info.get("backend"))
    if backend:
        out["backend"] = backend
    if info.get("backendChoice"):
        out["backend_choice"] = info["backendChoice"]
    out["num_poses"] = run.get("num_poses", 1)
    out["person_frames"] = sum(c["person_frames"] for c in out["clips"].values())
    if all_ms:
        out.update(frame_time_stats(all_ms))
        out["fps"] = fps(len(all_ms), loop_ms)
        has_inference = None not in all_inference
        out["outside_inference"] = outside_share(all_inference, all_ms) if has_inference else None
        out["pck"] = correct / total if total else None
        out["timings_median_ms"] = timing_medians(
            [f for data in run["clips"].values() for f in data["frames"]]
        )
    return out


def timing_medians(frames: list[dict]) -> dict:
    """Median of each stage time a contender reports per frame (ours: crop, inference, ...)."""
    reported = [f.get("timings") or {} for f in frames]
    keys = sorted({k for t in reported for k, v in t.items() if _number(v)})
    return {k: median([t[k] for t in reported if _number(t.get(k))]) for k in keys}


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def ratios(rows: list[dict]) -> dict:
    """Per browser and model: each of our rows' FPS over tasks-vision CPU's in that browser;
    ``auto`` (ours-auto) and ``best`` (our fastest explicit backend) picked out."""
    result: dict = {}
    for browser in dict.fromkeys(r.get("browser", DEFAULT_BROWSER) for r in rows):
        in_browser = [r for r in rows if r.get("browser", DEFAULT_BROWSER) == browser]
        per_model: dict = {}
        for model in sorted({r["model"] for r in in_browser}, key=MODEL_ORDER.index):
            timed = {r["contender"]: r for r in in_browser if r["model"] == model and r.get("fps")}
            if REFERENCE not in timed:
                continue
            reference_fps = timed[REFERENCE]["fps"]
            ours = {n: ratio(r["fps"], reference_fps) for n, r in timed.items() if is_ours(n)}
            if not ours:
                continue
            entry: dict = {"reference": REFERENCE, "reference_fps": reference_fps, "ours": ours}
            if AUTO in ours:
                entry["auto"] = ours[AUTO]
            explicit = {n: v for n, v in ours.items() if n != AUTO}
            chosen = explicit_row_of(timed.get(AUTO))
            if chosen in timed:  # auto beside the explicit row of the backend it chose
                entry["auto_vs_chosen"] = ratio(timed[AUTO]["fps"], timed[chosen]["fps"])
                entry["chosen_contender"] = chosen
            if explicit:
                best = max(explicit, key=explicit.get)
                entry["best"], entry["best_contender"] = explicit[best], best
            per_model[model] = entry
        if per_model:
            result[browser] = per_model
    return result


def explicit_row_of(auto_row: dict | None) -> str | None:
    """The contender that names by hand the backend ours-auto ran (ours-webnn, ours-wasm-t2)."""
    backend = (auto_row or {}).get("backend") or {}
    if backend.get("name") == "wasm":
        return f"ours-wasm-t{backend.get('threads') or 1}"
    return f"ours-{backend['name']}" if backend.get("name") else None


# Targets of issues 8 and 16 (informational: the benchmark never fails on them).
TARGET_FPS_RATIO = {  # browser -> model -> x tasks-vision CPU's FPS
    "webnn": {"lite": 1.5, "full": 2.0, "heavy": 1.5},
    "debian": {"lite": 1.2, "full": 1.2, "heavy": 1.2},
}
TARGET_AUTO_VS_CHOSEN = 0.95  # auto within 5 % of the explicit row of the backend it chose
TARGET_OUTSIDE_INFERENCE = 0.15
TARGET_PCK = 0.99


def headline_row(rows: list[dict], browser: str, model: str) -> dict | None:
    """The row targets judge: ours-auto, else our fastest row of that browser and model."""
    ours = [
        r
        for r in rows
        if r.get("browser", DEFAULT_BROWSER) == browser and r["model"] == model
        if is_ours(r["contender"]) and r.get("fps")
    ]
    auto = [r for r in ours if r["contender"] == AUTO]
    return auto[0] if auto else max(ours, key=lambda r: r["fps"], default=None)


def targets(rows: list[dict], ratio_table: dict) -> list[dict]:
    checks = []
    for browser in dict.fromkeys(r.get("browser", DEFAULT_BROWSER) for r in rows):
        models = sorted(
            {r["model"] for r in rows if r.get("browser", DEFAULT_BROWSER) == browser},
            key=MODEL_ORDER.index,
        )
        for model in models:
            row = headline_row(rows, browser, model)
            if row is None:
                continue
            name = f"{browser} {model} {row['contender']}"
            goal = TARGET_FPS_RATIO.get(browser, {}).get(model)
            entry = ratio_table.get(browser, {}).get(model, {})
            if goal is not None and row["contender"] in entry.get("ours", {}):
                value = entry["ours"][row["contender"]]
                checks.append(_check(f"{name}: FPS / {REFERENCE}", value, goal, ">="))
            if row["contender"] == AUTO and "auto_vs_chosen" in entry:
                value = entry["auto_vs_chosen"]
                what = f"{name}: FPS / {entry['chosen_contender']} (the backend it chose)"
                checks.append(_check(what, value, TARGET_AUTO_VS_CHOSEN, ">="))
            if row.get("outside_inference") is not None:
                value = row["outside_inference"]
                checks.append(
                    _check(f"{name}: non-inference share", value, TARGET_OUTSIDE_INFERENCE, "<=")
                )
            if row.get("pck") is not None:
                checks.append(_check(f"{name}: PCK@0.2", row["pck"], TARGET_PCK, ">="))
    return checks


def _check(name: str, value: float, target: float, op: str) -> dict:
    met = value >= target if op == ">=" else value <= target
    return {"target": name, "value": value, "goal": f"{op} {target}", "met": bool(met)}


def summarise(
    runs: list[dict], manifests: dict, reference_dir: Path, browsers: list[dict] | None = None
) -> dict:
    rows = [summarise_run(run, reference_dir) for run in runs]
    ratio_table = ratios(rows)
    if browsers is None:  # raw results from before one session per browser
        browsers = [{"name": DEFAULT_BROWSER, "label": "Debian Chromium"}]
    return {
        "frames": {
            clip: {k: m[k] for k in ("width", "height", "fps")} for clip, m in manifests.items()
        },
        "browsers": browsers,
        "results": rows,
        "ratios": ratio_table,
        "targets": targets(rows, ratio_table),
    }


def _fmt(value, scale: float = 1.0, digits: int = 1, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value * scale:.{digits}f}{suffix}"


def probe_line(probe: dict | None) -> str:
    """What the browser offered, in one line."""
    if not probe:
        return "not probed"
    if probe.get("error"):
        return f"probe failed: {probe['error'][:200]}"
    parts = []
    for api in ("webnn", "webgpu"):
        offer = probe.get(api) or {}
        name = "WebNN" if api == "webnn" else "WebGPU"
        if offer.get("available"):
            detail = ", ".join(offer.get("deviceTypes") or []) or " ".join(
                v for v in (offer.get("info") or {}).values() if v
            )
            parts.append(f"{name}: yes ({detail})" if detail else f"{name}: yes")
        else:
            parts.append(f"{name}: no ({offer.get('reason', '?')})")
    webgl = probe.get("webgl") or {}
    parts.append(f"WebGL: {webgl.get('renderer') or 'none'}")
    if probe.get("hardwareConcurrency"):
        parts.append(f"navigator.hardwareConcurrency {probe['hardwareConcurrency']}")
    return "; ".join(parts)


def ran_on(row: dict) -> str:
    """The backend column: what the row asked for and what the page reports it ran on."""
    if row.get("unavailable"):
        return row["unavailable"]
    info = row.get("info") or {}
    if not is_ours(row["contender"]):
        return str(info.get("delegate") or info.get("package") or "").replace("|", "/")
    ran = backend_text(row.get("backend"))
    if row["contender"] == AUTO:
        return f"auto → {ran}" if ran else "auto"
    return ran


HEADER = (
    "model",
    "contender",
    "backend",
    "median ms",
    "p90 ms",
    "worst ms",
    "> 100 ms",
    "FPS",
    f"÷ {REFERENCE}",
    "cold 1st pose s",
    "non-infer %",
    "PCK@0.2 %",
    "blocked",
)


def table(results: dict, browser: str) -> str:
    rows = [r for r in results["results"] if r.get("browser", DEFAULT_BROWSER) == browser]
    ratio_table = results.get("ratios", {}).get(browser, {})
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in rows:
        per_ours = ratio_table.get(r["model"], {}).get("ours", {})
        timed = sum(c["frames"] for c in r["clips"].values())
        slow = f"{r['over_100ms']}/{timed}" if r.get("fps") else "-"
        cells = (
            r["model"],
            r["contender"] + (" (FAILED)" if "error" in r else ""),
            ran_on(r),
            _fmt(r.get("median_ms")),
            _fmt(r.get("p90_ms")),
            _fmt(r.get("worst_ms"), digits=0),
            slow,
            _fmt(r.get("fps")),
            _fmt(per_ours.get(r["contender"]), digits=2, suffix="×"),
            _fmt(r.get("cold_first_pose_ms"), 1e-3, 2),
            _fmt(r.get("outside_inference"), 100),
            _fmt(r.get("pck"), 100, 2),
            str(r["blocked_count"]) if not r.get("unavailable") else "-",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def browser_notes(results: dict, browser: dict) -> list[str]:
    name = browser["name"]
    rows = [r for r in results["results"] if r.get("browser", DEFAULT_BROWSER) == name]
    lines = []
    for model, entry in results.get("ratios", {}).get(name, {}).items():
        parts = []
        if "auto" in entry:
            parts.append(f"auto {entry['auto']:.2f}×")
        if "best" in entry:
            parts.append(f"best {entry['best']:.2f}× ({entry['best_contender']})")
        if "auto_vs_chosen" in entry:
            parts.append(f"auto ÷ {entry['chosen_contender']} {entry['auto_vs_chosen']:.2f}×")
        lines.append(f"- {model}: ours ÷ {REFERENCE} FPS: " + ", ".join(parts))
    for check in results.get("targets", []):
        if not check["target"].startswith(f"{name} "):
            continue
        verdict = "met" if check["met"] else "NOT met"
        target = check["target"].removeprefix(f"{name} ")
        lines.append(f"- target {target}: {check['value']:.3g} ({check['goal']}): {verdict}")
    for r in rows:
        choice = r.get("backend_choice") if r["contender"] == AUTO else None
        if choice:
            candidates = ", ".join(
                backend_text({"name": c.get("backend"), "threads": c.get("threads")})
                + (f" {c['ms']:.1f} ms" if _number(c.get("ms")) else "")
                for c in choice.get("candidates", [])
            )
            chosen = choice.get("chosen")
            chosen = backend_text(backend_of(chosen)) if isinstance(chosen, dict) else chosen
            lines.append(
                f"- {r['model']} auto chose {chosen}: {choice.get('reason', '')}"
                + (f" (candidates: {candidates})" if candidates else "")
            )
    for r in rows:
        if r.get("error"):
            lines.append(f"- {r['contender']}/{r['model']} FAILED: {r['error'][:300]}")
        if r.get("timings_median_ms"):
            stages = ", ".join(f"{k} {v:.1f}" for k, v in r["timings_median_ms"].items())
            lines.append(f"- {r['contender']}/{r['model']} median stage ms: {stages}")
        if r.get("num_poses", 1) > 1 and r.get("clips"):
            found = ", ".join(
                f"{clip} {c['person_frames']} in {c['frames']} frames"
                for clip, c in r["clips"].items()
            )
            lines.append(
                f"- {r['contender']}/{r['model']} numPoses {r['num_poses']}, poses found: {found}"
            )
        if r.get("cold_startup_ms"):
            marks = ", ".join(f"{k} {v}" for k, v in r["cold_startup_ms"].items() if _number(v))
            lines.append(f"- {r['contender']}/{r['model']} cold start-up marks (ms): {marks}")
        if r["blocked_requests"]:
            blocked = ", ".join(r["blocked_requests"][:5])
            lines.append(f"- blocked for {r['contender']}/{r['model']}: {blocked}")
    session = browser.get("netlog_nonlocal")
    if session is None:  # Firefox, WebKitGTK: no NetLog
        if browser.get("requests_watched"):
            lines.append("- no NetLog in this browser: the blocked column counts watched requests")
        else:
            lines.append(
                "- requests not watched here (classic WebDriver): a blocked 0 means unknown"
            )
        return lines
    lines.append(f"- non-local URLs in Chromium's NetLog (whole session): {len(session)}")
    lines += [f"  - {u}" for u in session[:10]]
    return lines


def document(results: dict) -> str:
    """bench.md: WebNN availability, then one table per browser with its notes."""
    from machine import label

    machine = results.get("machine")
    where = label(machine) if machine else "unknown machine"
    lines = [
        "# Benchmark results",
        "",
        f"Written by bench/run.py. Machine: {where}.",
        "",
        "Same run, same browser: compare rows within one table; absolute times depend on the "
        "machine and its load. FPS: frames back to back / loop time; worst: the slowest timed "
        f"frame; > 100 ms: frames over {SLOW_FRAME_MS:.0f} ms / timed frames; "
        f"÷ {REFERENCE}: FPS over tasks-vision CPU's in the same browser; cold 1st pose: "
        "seconds from navigation start in a fresh context; non-infer: 1 − Σ inference / Σ frame "
        "time (only where the contender reports inference time; MediaPipe's graphs do not); "
        "PCK@0.2 against the MediaPipe reference; blocked: requests aborted for leaving "
        "127.0.0.1.",
        "",
        "## WebNN in the browsers users have",
        "",
        *(f"- {fact}" for fact in WEBNN_IN_BROWSERS),
    ]
    for browser in results.get("browsers", []):
        title = browser.get("label") or browser["name"]
        lines += ["", f"## {title} ({browser['name']})", ""]
        if browser.get("unavailable"):
            lines.append(f"Not available: {browser['unavailable']}")
            continue
        lines += [
            f"Machine: {where}.",
            "",
            f"Browser offers: {probe_line(browser.get('probe'))}.",
            "",
            table(results, browser["name"]),
            "",
            *browser_notes(results, browser),
        ]
    return "\n".join(lines) + "\n"

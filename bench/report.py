"""Turn raw per-frame results into the numbers the benchmark reports, and print them."""

from __future__ import annotations

import json
import math
from pathlib import Path

from blazepose_tools.pck import Agreement
from stats import fps, median, outside_share, percentile, ratio

OURS = "ours"
MEDIAPIPE = ("mediapipe_pose", "tasks_vision_cpu", "tasks_vision_gpu")
MODEL_ORDER = ["lite", "full", "heavy"]


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


def clip_summary(data: dict, reference: dict | None) -> tuple[dict, Agreement | None]:
    frames = data["frames"]
    ms = [f["ms"] for f in frames]
    inference = [_inference_ms(f) for f in frames]
    score = agreement(frames, reference, data["width"], data["height"])
    summary = {
        "frames": len(frames),
        "median_ms": median(ms),
        "p90_ms": percentile(ms, 90),
        "fps": fps(len(frames), data["loopMs"]),
        "frames_with_pose": sum(f["landmarks"] is not None for f in frames),
        "outside_inference": outside_share(inference, ms) if None not in inference else None,
        "pck": score.pck if score else None,
        "pose_frame_agreement": score.frame_agreement if score else None,
        "mean_px": score.mean_px if score else None,
    }
    return summary, score


def summarise_run(run: dict, reference_dir: Path) -> dict:
    out = {
        "contender": run["contender"],
        "model": run["model"],
        "blocked_requests": run["blocked"],
        "blocked_count": run["blocked_count"],
        "netlog_nonlocal": run.get("netlog_nonlocal", []),
    }
    if "error" in run:
        out["error"] = run["error"]
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
    for clip, data in run["clips"].items():
        reference = load_reference(reference_dir, run["model"], clip)
        summary, score = clip_summary(data, reference)
        out["clips"][clip] = summary
        all_ms += [f["ms"] for f in data["frames"]]
        all_inference += [_inference_ms(f) for f in data["frames"]]
        loop_ms += data["loopMs"]
        if score:
            correct += score.correct
            total += score.scored + score.missed
        out["info"] = data.get("info", {})
    if all_ms:
        out["median_ms"] = median(all_ms)
        out["p90_ms"] = percentile(all_ms, 90)
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


# Targets of issue 5, checked on every run (informational: the benchmark never fails on them).
TARGET_FPS_RATIO = 1.5  # full model vs the fastest MediaPipe web build
TARGET_OUTSIDE_INFERENCE = 0.10
TARGET_COLD_FIRST_POSE_MS = 6000.0
TARGET_PCK = 0.99


def targets(rows: list[dict], ratio_table: dict) -> list[dict]:
    checks = []
    full = ratio_table.get("full", {})
    if "vs_fastest_mediapipe" in full:
        value = full["vs_fastest_mediapipe"]
        checks.append(_check("full FPS / fastest MediaPipe", value, TARGET_FPS_RATIO, ">="))
    for row in rows:
        if row["contender"] != OURS:
            continue
        model = row["model"]
        if row.get("outside_inference") is not None:
            value = row["outside_inference"]
            checks.append(
                _check(f"{model}: non-inference share", value, TARGET_OUTSIDE_INFERENCE, "<=")
            )
        if row.get("cold_first_pose_ms") is not None:
            value = row["cold_first_pose_ms"]
            checks.append(
                _check(f"{model}: cold first pose ms", value, TARGET_COLD_FIRST_POSE_MS, "<=")
            )
        if row.get("pck") is not None:
            checks.append(_check(f"{model}: PCK@0.2", row["pck"], TARGET_PCK, ">="))
    return checks


def _check(name: str, value: float, target: float, op: str) -> dict:
    met = value >= target if op == ">=" else value <= target
    return {"target": name, "value": value, "goal": f"{op} {target}", "met": bool(met)}


def ratios(rows: list[dict]) -> dict:
    """Per model: our FPS over each MediaPipe build's FPS (and over the fastest of them)."""
    result: dict = {}
    for model in sorted({r["model"] for r in rows}, key=MODEL_ORDER.index):
        by_name = {r["contender"]: r for r in rows if r["model"] == model and r.get("fps")}
        if OURS not in by_name:
            continue
        peers = {n: by_name[n]["fps"] for n in MEDIAPIPE if n in by_name}
        entry = {f"vs_{n}": ratio(by_name[OURS]["fps"], v) for n, v in peers.items()}
        if peers:
            fastest = max(peers, key=peers.get)
            entry["fastest_mediapipe"] = fastest
            entry["vs_fastest_mediapipe"] = ratio(by_name[OURS]["fps"], peers[fastest])
        result[model] = entry
    return result


def summarise(runs: list[dict], manifests: dict, reference_dir: Path) -> dict:
    rows = [summarise_run(run, reference_dir) for run in runs]
    ratio_table = ratios(rows)
    return {
        "frames": {
            clip: {k: m[k] for k in ("width", "height", "fps")} for clip, m in manifests.items()
        },
        "results": rows,
        "ratios": ratio_table,
        "targets": targets(rows, ratio_table),
    }


def _fmt(value, scale: float = 1.0, digits: int = 1, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value * scale:.{digits}f}{suffix}"


def table(results: dict) -> str:
    header = (
        "model",
        "contender",
        "median ms",
        "p90 ms",
        "FPS",
        "cold 1st pose s",
        "warm 1st pose s",
        "non-infer %",
        "PCK@0.2 %",
        "blocked",
    )
    lines = [" | ".join(header), " | ".join("---" for _ in header)]
    for r in results["results"]:
        cells = (
            r["model"],
            r["contender"] + (" (FAILED)" if "error" in r else ""),
            _fmt(r.get("median_ms")),
            _fmt(r.get("p90_ms")),
            _fmt(r.get("fps")),
            _fmt(r.get("cold_first_pose_ms"), 1e-3, 2),
            _fmt(r.get("warm_first_pose_ms"), 1e-3, 2),
            _fmt(r.get("outside_inference"), 100),
            _fmt(r.get("pck"), 100, 2),
            str(r["blocked_count"]),
        )
        lines.append(" | ".join(cells))
    lines.append("")
    lines.append(
        "- FPS: frames back to back / loop time; first pose: seconds from navigation start; "
        "non-infer: 1 - sum(inference) / sum(frame time), only where a contender reports its "
        "inference time (MediaPipe's graphs do not); PCK@0.2 against the MediaPipe reference; "
        "blocked: requests aborted for leaving 127.0.0.1"
    )
    for model, entry in results.get("ratios", {}).items():
        parts = [
            f"{k[3:]} {v:.2f}x"
            for k, v in entry.items()
            if k.startswith("vs_") and isinstance(v, float)
        ]
        lines.append(f"- ours/{model} FPS ratio: " + ", ".join(parts))
    for check in results.get("targets", []):
        verdict = "met" if check["met"] else "NOT met"
        lines.append(
            f"- target {check['target']}: {check['value']:.3g} ({check['goal']}): {verdict}"
        )
    for r in results["results"]:
        if r.get("cold_startup_ms"):
            marks = ", ".join(f"{k} {v}" for k, v in r["cold_startup_ms"].items())
            lines.append(f"- {r['contender']}/{r['model']} cold start-up marks (page, ms): {marks}")
        if r.get("timings_median_ms"):
            stages = ", ".join(f"{k} {v:.1f}" for k, v in r["timings_median_ms"].items())
            lines.append(f"- {r['contender']}/{r['model']} median stage ms: {stages}")
    machine = results.get("machine")
    if machine:
        from machine import label

        lines.append(f"- measured on: {label(machine)}")
    for r in results["results"]:
        if r["blocked_requests"]:
            lines.append(
                f"- blocked for {r['contender']}/{r['model']}: "
                + ", ".join(r["blocked_requests"][:5])
            )
    session = results.get("netlog_nonlocal_session", [])
    lines.append(f"- non-local URLs in Chromium's NetLog (whole session): {len(session)}")
    lines += [f"  - {u}" for u in session[:10]]
    return "\n".join(lines)

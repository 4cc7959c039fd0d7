"""Soak: the demo page tracks a looping fake camera (a person clip) for minutes and records,
per interval: tracked frames per second, the share of frames with a pose, the page's JS heap,
the WASM memory of Pyodide and of ONNX Runtime, and Python's object count.

    python3 build.py soak [--minutes 10] [--model lite] [--backend auto] [--interval 60]

writes bench/results/soak.json and soak.md. tests/browser/test_soak.py runs the same for 60 s.

How each figure is taken (Debian Chromium, headless, fake camera from a .y4m file):
- JS heap: V8's used heap of the page after a forced full GC (CDP HeapProfiler.collectGarbage,
  then Runtime.getHeapUsage `usedSize`); ArrayBuffer and WASM memory are not in it.
  performance.memory.usedJSHeapSize (--enable-precise-memory-info) is recorded too; in
  Chromium it also counts ArrayBuffer backing stores, so it moves with the WASM memories.
- WASM memory: every WebAssembly.Memory made in the page and in ORT's workers is recorded by
  a few lines of instrumentation the soak adds itself (an init script in the page; prepended
  to ORT's module script when a worker loads it, through request routing): the site is
  unchanged and ORT runs in its proxy worker as users get it. Pyodide's is the page memory
  Pyodide reports (app.py `diagnostics`: `pyodide._module.HEAPU8.length`); ORT's is the sum
  of the memories of the ORT module instances (page and workers; a pthread pool shares one).
- Python objects: len(gc.get_objects()) after gc.collect(), plus the live tracker sessions.
- FPS and pose share: from the page's `blazepose:pose` events in the interval.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from paths import BENCH, MEDIA, ROOT, use_checkout

use_checkout()

import machine  # noqa: E402
from blazepose_tools import browsers  # noqa: E402
from blazepose_tools.static_server import serve_in_background  # noqa: E402

RESULTS = BENCH / "results"
PERSON_CLIP = "video/pose2sim_single_cam01.mp4"  # one athlete, in frame throughout
MEMORY_FLAGS = ("--enable-precise-memory-info",)
# Targets of the 10-minute soak, against the first sample (minute 1, after the warm-up).
MEMORY_TOLERANCE = 0.10
FPS_TOLERANCE = 0.15
MIN_POSE_SHARE = 0.99

# Records every WebAssembly memory this realm makes (created in JS, or exported by an
# instance), with the script that made it. Idempotent: the page and ORT's module both run it.
WASM_MEMORY_PROBE = """(() => {
  if (globalThis.__wasmMemories) return;
  const found = (globalThis.__wasmMemories = []);
  const W = WebAssembly;
  const origin = () => (new Error().stack.match(/https?:[^\\s)]+/g) || []).slice(-1)[0] || "?";
  const keep = (memory, where) => {
    if (memory instanceof W.Memory && !found.some((m) => m.memory === memory))
      found.push({ memory, where });
  };
  W.Memory = new Proxy(W.Memory, {
    construct(target, args) {
      const memory = new target(...args);
      keep(memory, origin());
      return memory;
    },
  });
  const exported = (result) => {
    const instance = result.instance ?? result;
    for (const value of Object.values(instance.exports ?? {})) keep(value, origin());
    return result;
  };
  for (const name of ["instantiate", "instantiateStreaming"]) {
    const original = W[name];
    W[name] = (...args) => original.apply(W, args).then(exported);
  }
})();
"""
# Per memory: bytes and the script that made it.
WASM_MEMORIES = """() => (globalThis.__wasmMemories || []).map(
    ({ memory, where }) => ({ bytes: memory.buffer.byteLength, where }))"""
COUNT_FRAMES = """() => { window.__soak = { frames: 0, poses: 0 };
    window.addEventListener('blazepose:pose', (e) => {
        window.__soak.frames++; if (e.detail.landmarks) window.__soak.poses++; }); }"""
PAGE_SAMPLE = """async () => ({
    frames: window.__soak.frames, poses: window.__soak.poses,
    perfHeap: performance.memory ? performance.memory.usedJSHeapSize : null,
    python: JSON.parse(window.blazeposePyDiagnostics()),
    ortSessions: (await import('./models.js')).openSessions?.() ?? null,
})"""


def camera_clip(media_dir: Path, out: Path) -> Path:
    """The person clip as a .y4m for Chromium's fake camera (270x480, 30 fps, loops)."""
    if not out.exists():
        subprocess.run(
            [
                "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-i", str(media_dir / PERSON_CLIP),
                "-vf", "setpts=2*PTS,scale=270:480", "-r", "30", "-pix_fmt", "yuv420p",
                str(out),
            ],
            check=True,
        )  # fmt: skip
    return out


def camera_flags(clip: Path) -> list[str]:
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    ]


def instrument(context) -> None:
    """Adds the WASM memory probe to the page and to ORT's module scripts (page and workers)."""
    context.add_init_script(WASM_MEMORY_PROBE)

    def prepend(route) -> None:
        response = route.fetch()
        body = WASM_MEMORY_PROBE + "\n" + response.text()
        route.fulfill(response=response, body=body)

    context.route("**/vendor/ort/*.mjs*", prepend)


def ort_bytes(memories: list[dict]) -> int:
    return sum(m["bytes"] for m in memories if "/vendor/ort/" in m["where"])


def take_sample(page, cdp, started: float) -> dict:
    """One reading of everything (after a full garbage collection)."""
    cdp.send("HeapProfiler.collectGarbage")
    heap = cdp.send("Runtime.getHeapUsage")
    sample = page.evaluate(PAGE_SAMPLE)
    page_memories = page.evaluate(WASM_MEMORIES)
    ort = ort_bytes(page_memories)
    workers = 0
    # ORT's proxy workers (its pthread workers share their memory and may be blocked in
    # Atomics.wait, where an evaluate would never return).
    for worker in (w for w in page.workers if "instance=" in w.url):
        try:
            ort += ort_bytes(worker.evaluate(WASM_MEMORIES))
            workers += 1
        except Exception:  # a worker that ended between the listing and the call
            continue
    python = sample.pop("python")
    return {
        "t_s": round(time.monotonic() - started, 1),
        "load1m": round(os.getloadavg()[0], 1),  # the machine's: FPS follows it
        **sample,
        "jsHeap": heap["usedSize"],
        "pyodideWasm": python["wasmBytes"],
        "ortWasm": ort,
        "workers": workers,
        "pythonObjects": python["objects"],
        "trackerSessions": python["sessions"],
    }


def intervals(samples: list[dict]) -> list[dict]:
    """Per interval: its end time, FPS and pose share, and the readings at its end."""
    rows = []
    for before, after in zip(samples, samples[1:], strict=False):
        frames = after["frames"] - before["frames"]
        seconds = after["t_s"] - before["t_s"]
        rows.append(
            {
                **{k: v for k, v in after.items() if k not in ("frames", "poses")},
                "fps": round(frames / seconds, 2) if seconds else 0.0,
                "frames": frames,
                "poseShare": round((after["poses"] - before["poses"]) / frames, 4) if frames else 0,
            }
        )
    return rows


def soak(
    browser,
    site_url: str,
    seconds: float,
    interval_s: float,
    model: str = "lite",
    backend: str = "auto",
    warm_up_s: float = 10,
    log: Callable[[str], None] = print,
) -> dict:
    """Tracks the fake camera for `seconds` after `warm_up_s` of tracking; returns the
    readings (one at the start and one per interval) and per-interval rows."""
    context = browser.new_context()
    instrument(context)
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site_url}index.html?source=camera&model={model}&backend={backend}")
    page.wait_for_function("window.blazepose !== undefined", timeout=90000)
    info = page.evaluate("window.blazepose.ready.then((r) => r)")
    page.evaluate(COUNT_FRAMES)
    page.wait_for_function("window.__soak.frames > 0", timeout=60000)
    # auto's first visit times its backends after the first pose (extra sessions meanwhile).
    page.wait_for_function("window.blazepose.runtime?.choice?.provisional !== true", timeout=180000)
    page.wait_for_timeout(warm_up_s * 1000)
    cdp = context.new_cdp_session(page)
    started = time.monotonic()
    samples = [take_sample(page, cdp, started)]
    log(f"soak: start {samples[0]}")
    while samples[-1]["t_s"] < seconds - 0.5:
        next_at = started + len(samples) * interval_s
        page.wait_for_timeout(max(0.0, next_at - time.monotonic()) * 1000)
        samples.append(take_sample(page, cdp, started))
        log(f"soak: {samples[-1]}")
    context.close()
    return {
        "model": model,
        "backend": info["backend"],
        "threads": info["threads"],
        "seconds": seconds,
        "interval_s": interval_s,
        "warm_up_s": warm_up_s,
        "samples": samples,
        "rows": intervals(samples),
        "errors": errors,
    }


def drift(rows: list[dict], key: str) -> float:
    """The largest relative difference of `key` from the first row's."""
    base = rows[0][key]
    return max(abs(r[key] - base) / base for r in rows) if base else 0.0


def verdict(result: dict) -> dict:
    """The targets: memory within ±10 % of the first interval, FPS within ±15 %, a pose on
    at least 99 % of frames, no console errors."""
    rows = result["rows"]
    memory = {k: round(drift(rows, k), 4) for k in ("jsHeap", "pyodideWasm", "ortWasm")}
    fps = round(drift(rows, "fps"), 4)
    share = round(min(r["poseShare"] for r in rows), 4)
    return {
        "memoryDrift": memory,
        "fpsDrift": fps,
        "minPoseShare": share,
        "pythonObjectsDrift": round(drift(rows, "pythonObjects"), 4),
        "memoryMet": all(v <= MEMORY_TOLERANCE for v in memory.values()),
        "fpsMet": fps <= FPS_TOLERANCE,
        "poseShareMet": share >= MIN_POSE_SHARE,
        "noErrors": not result["errors"],
    }


MIB = 1 << 20


def markdown(result: dict, check: dict, where: str) -> str:
    unit = "minute" if result["interval_s"] == 60 else f"{result['interval_s']:g} s"
    lines = [
        f"# Soak: {result['seconds'] / 60:g} minutes of a looping fake camera",
        "",
        f"Measured on {where}. Model {result['model']}, backend {result['backend']} "
        f"({result['threads']} WASM thread(s)), after {result['warm_up_s']:g} s of tracking; "
        "`python3 build.py soak` (bench/soak.py says how each figure is taken).",
        "",
        f"| {unit} | FPS | pose share | JS heap (MiB) | Pyodide WASM (MiB) | ORT WASM (MiB) "
        "| Python objects | tracker sessions | load (1 min) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, r in enumerate(result["rows"], 1):
        lines.append(
            f"| {i} | {r['fps']:.1f} | {100 * r['poseShare']:.1f} % | {r['jsHeap'] / MIB:.1f} "
            f"| {r['pyodideWasm'] / MIB:.0f} | {r['ortWasm'] / MIB:.0f} "
            f"| {r['pythonObjects']} | {r['trackerSessions']} | {r['load1m']} |"
        )
    drift_text = ", ".join(f"{k} {100 * v:.1f} %" for k, v in check["memoryDrift"].items())
    lines += [
        "",
        f"Largest drift from the first {unit}: {drift_text} (target ±10 %: "
        f"{'met' if check['memoryMet'] else 'not met'}); FPS {100 * check['fpsDrift']:.1f} % "
        f"(target ±15 %: {'met' if check['fpsMet'] else 'not met'}); Python objects "
        f"{100 * check['pythonObjectsDrift']:.2f} %. Lowest pose share "
        f"{100 * check['minPoseShare']:.1f} % (target ≥ 99 %: "
        f"{'met' if check['poseShareMet'] else 'not met'}). Console errors: "
        f"{len(result['errors'])}.",
        "",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--interval", type=float, default=60, help="seconds between readings")
    parser.add_argument("--model", default="lite")
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--warm-up", type=float, default=10, help="seconds before the first")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    args = parse_args(argv)
    shared = MEDIA
    build = browsers.debian_chromium()
    server, site_url = serve_in_background(ROOT / "dist", isolate=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        clip = camera_clip(shared, Path(tmp) / "camera.y4m")
        flags = [
            *build.flags,
            "--disable-gpu",
            *browsers.FOREGROUND_FLAGS,
            *MEMORY_FLAGS,
            *camera_flags(clip),
        ]
        browser = pw.chromium.launch(executable_path=str(build.executable), args=flags)
        where = machine.label(machine.describe(browser.version))
        result = soak(
            browser,
            site_url,
            args.minutes * 60,
            args.interval,
            args.model,
            args.backend,
            args.warm_up,
        )
        browser.close()
    server.shutdown()
    check = verdict(result)
    result.update(machine=where, verdict=check)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "soak.json").write_text(json.dumps(result, indent=1) + "\n")
    (args.out / "soak.md").write_text(markdown(result, check, where))
    print(markdown(result, check, where))
    return 0 if all(v for k, v in check.items() if k.endswith("Met")) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

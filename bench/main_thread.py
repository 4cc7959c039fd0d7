"""Main-thread responsiveness of the page while it tracks the sample clip live.

    .venv/bin/python bench/main_thread.py [--dist dist] [--seconds 8] [--runs 2] [--label NAME]

Serves ``--dist`` (COOP/COEP on) on 127.0.0.1, opens ``index.html`` (sample clip, default
model and backend) in headless Debian Chromium, waits for the first pose, lets it settle for a
second, then for ``--seconds`` records in the page:
- the intervals between ``requestAnimationFrame`` callbacks (how smoothly the main thread
  paints: 16.7 ms at 60 Hz when nothing blocks it), long tasks (> 50 ms), and task latency
  (how long a message posted to the page every ~5 ms waits: the finest view of blocking);
- every ``blazepose:pose`` event's timings (crop, inference, python, draw, total) and the
  tracked frames per second;
- hand-off costs a worker design would add, measured in the same page: a video frame as an
  ``ImageBitmap`` transferred to a worker and acknowledged, and a 256x256 RGBA crop copied to a
  worker and back (what ORT's proxy worker pays per inference input and output, roughly).
Prints a Markdown table row set and writes the raw numbers as JSON next to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from paths import ROOT, use_checkout

use_checkout()

import machine  # noqa: E402
from blazepose_tools.browsers import FOREGROUND_FLAGS, debian_chromium  # noqa: E402
from blazepose_tools.static_server import serve_in_background  # noqa: E402

RECORD = """async (ms) => {
  const frames = [];
  const poses = [];
  const longTasks = [];
  const onPose = (e) => poses.push({t: performance.now(), found: !!e.detail.landmarks,
                                    timings: e.detail.timings});
  window.addEventListener('blazepose:pose', onPose);
  let observer = null;
  try {
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    observer.observe({type: 'longtask'});
  } catch {}
  const start = performance.now();
  // Task latency: a message posted to this page every ~5 ms, and how long it waited.
  const pings = [];
  const channel = new MessageChannel();
  const pinging = (async () => {
    while (performance.now() - start < ms) {
      const sent = performance.now();
      await new Promise((r) => { channel.port2.onmessage = r; channel.port1.postMessage(0); });
      pings.push(performance.now() - sent);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  await new Promise((resolve) => {
    const tick = (t) => {
      frames.push(t);
      if (t - start < ms) requestAnimationFrame(tick); else resolve();
    };
    requestAnimationFrame(tick);
  });
  await pinging;
  window.removeEventListener('blazepose:pose', onPose);
  observer?.disconnect();
  const intervals = frames.slice(1).map((t, i) => t - frames[i]);
  return {intervals, pings, poses, longTasks, elapsed: performance.now() - start};
}"""

# Hand-off costs of a worker design, measured with a trivial echo worker in the same page.
HANDOFF = """async (n) => {
  const source = `onmessage = (e) => postMessage(e.data.echo ? e.data : 1,
                                         e.data.echo ? [e.data.echo.buffer] : [])`;
  const worker = new Worker(URL.createObjectURL(new Blob([source], {type: 'text/javascript'})));
  const ask = (message, transfer) => new Promise((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage(message, transfer);
  });
  const video = document.querySelector('video');
  const bitmap = [];
  const crop = [];
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    const frame = await createImageBitmap(video);
    await ask({frame}, [frame]);
    bitmap.push(performance.now() - t);
    const rgba = new Uint8Array(256 * 256 * 4);
    t = performance.now();
    await ask({echo: rgba.slice()}, []);
    crop.push(performance.now() - t);
    await new Promise((r) => requestAnimationFrame(r));
  }
  worker.terminate();
  return {bitmap, crop};
}"""


def summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(values),
        "median": round(statistics.median(values), 2),
        "p95": round(p95, 2),
        "max": round(ordered[-1], 2),
    }


def measure(browser, base_url: str, seconds: float) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    page = context.new_page()
    page.goto(base_url + "index.html?source=sample")
    page.wait_for_function("window.blazepose !== undefined", timeout=90000)
    page.evaluate("window.blazepose.ready")
    page.evaluate(
        """() => new Promise((resolve) => window.addEventListener('blazepose:pose',
            (e) => e.detail.landmarks && resolve(), {once: false}))"""
    )
    page.wait_for_timeout(1000)
    raw = page.evaluate(RECORD, seconds * 1000)
    handoff = page.evaluate(HANDOFF, 30)
    startup = page.evaluate("window.blazepose.startup")
    options = page.evaluate("window.blazepose.options")
    context.close()
    found = [p for p in raw["poses"] if p["found"]]
    timings = {
        key: summary([p["timings"][key] for p in raw["poses"] if key in p["timings"]])
        for key in ("crop", "inference", "python", "draw", "total")
    }
    return {
        "raf": summary(raw["intervals"]),
        "task_latency": summary(raw["pings"]),
        "raf_over_33ms": sum(1 for v in raw["intervals"] if v > 33.4),
        "long_tasks": summary(raw["longTasks"]),
        "tracked_fps": round(len(raw["poses"]) * 1000 / raw["elapsed"], 1),
        "pose_frames": f"{len(found)}/{len(raw['poses'])}",
        "timings": timings,
        "handoff_bitmap_to_worker": summary(handoff["bitmap"]),
        "handoff_crop_roundtrip": summary(handoff["crop"]),
        "startup": startup,
        "options": {k: options.get(k) for k in ("model", "backend", "threads", "proxy")},
        "raw_raf_intervals": [round(v, 2) for v in raw["intervals"]],
    }


def table(label: str, runs: list[dict]) -> str:
    rows = []
    for i, r in enumerate(runs, 1):
        raf, t, lat = r["raf"], r["timings"], r["task_latency"]
        rows.append(
            f"| {label} #{i} | {raf['median']} | {raf['p95']} | {raf['max']} | "
            f"{r['raf_over_33ms']} | {lat['median']} / {lat['p95']} / {lat['max']} | "
            f"{r['long_tasks'].get('n', 0)} | {r['tracked_fps']} | "
            f"{t['python'].get('median')} / {t['python'].get('p95')} | "
            f"{t['crop'].get('median')} / {t['crop'].get('p95')} | "
            f"{t['inference'].get('median')} / {t['inference'].get('p95')} | "
            f"{t['total'].get('median')} / {t['total'].get('p95')} | "
            f"{r['handoff_bitmap_to_worker'].get('median')} | "
            f"{r['handoff_crop_roundtrip'].get('median')} |"
        )
    return "\n".join(rows)


HEADER = (
    "| run | rAF median | rAF p95 | rAF max | rAF > 33 ms | task latency med/p95/max | "
    "long tasks | tracked fps | "
    "python med/p95 | crop med/p95 | inference med/p95 | frame total med/p95 | "
    "bitmap→worker | crop round trip |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--label", default="page")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "main_thread")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    server, base_url = serve_in_background(args.dist)
    runs = []
    try:
        with sync_playwright() as pw:
            # The browser tests' flags (tests/browser/conftest.py): offline, and a headless
            # tab that keeps its timers and video frames running.
            chromium = debian_chromium()
            flags = [*chromium.flags, "--disable-gpu", *FOREGROUND_FLAGS]
            browser = pw.chromium.launch(executable_path=str(chromium.executable), args=flags)
            info = {**machine.describe(), "chromium": browser.version}
            for _ in range(args.runs):
                runs.append(measure(browser, base_url, args.seconds))
            browser.close()
    finally:
        server.shutdown()
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    result = {"label": args.label, "machine": info, "seconds": args.seconds, "runs": runs}
    (args.out / f"{args.label}-{stamp}.json").write_text(json.dumps(result, indent=1))
    print(machine.label(info))
    print(HEADER)
    print(table(args.label, runs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

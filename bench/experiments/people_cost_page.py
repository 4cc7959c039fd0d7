"""What does each extra tracked person (numPoses, issue 21) cost in the page itself?

A research experiment: serves dist/ (`python3 build.py dist` first) and the shared images, then
in headless Debian Chromium drives the page (`window.blazepose`, no live source) on one frame
made of three copies of the astronaut photo side by side (the middle one mirrored), with
numPoses 1, 2 and 3 in turn (interleaved rounds), once each tracker follows that many
people. Prints per numPoses the median of the page's own per-frame timings (Python = the
tracker, its analysis and the JS<->Python hand-over; inference; crop; total) and the
difference per extra person.

Usage: ``.venv/bin/python bench/experiments/people_cost_page.py [--frames 15] [--rounds 3]
[--methods]`` (``--methods`` also times each TrackerSession call per frame).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: paths.py

from paths import MEDIA, ROOT, use_checkout  # noqa: E402

use_checkout()

from blazepose_tools.browsers import FOREGROUND_FLAGS, debian_chromium  # noqa: E402
from blazepose_tools.static_server import serve_in_background  # noqa: E402

OUT = ROOT / "build" / "people_cost_page"
IMAGES = MEDIA / "images"
STAGES = ("python", "inference", "crop", "total")
# With --methods: TrackerSession's calls, each timed across the frame (ms summed per frame).
METHODS = ("begin", "request", "requestsAhead", "setOutputs", "submit", "results", "analyze")
TIME_METHODS = """async (names) => {
    const m = await import('/site/tracker-session.js');
    window.__methodMs = {};
    for (const name of names) {
        const call = m.TrackerSession.prototype[name];
        m.TrackerSession.prototype[name] = function (...args) {
            const t = performance.now();
            try { return call.apply(this, args); } finally {
                window.__methodMs[name] = (window.__methodMs[name] ?? 0) + performance.now() - t;
            }
        };
    }
}"""

TRACK = """async ({t, copies}) => {
    if (!window.__people) {
        const blob = await (await fetch('/images/skimage_astronaut.png')).blob();
        window.__people = await createImageBitmap(blob);
    }
    const photo = window.__people;
    const canvas = new OffscreenCanvas(copies * photo.width, photo.height);
    const ctx = canvas.getContext('2d');
    for (let i = 0; i < copies; i++) {
        const x = i % 2 ? (i + 1) * photo.width : i * photo.width;
        ctx.setTransform(i % 2 ? -1 : 1, 0, 0, 1, x, 0);
        ctx.drawImage(photo, 0, 0);
    }
    window.__methodMs = {};
    const detail = await window.blazepose.processFrame(canvas.transferToImageBitmap(), t);
    return {people: detail.poses.length, timings: {...detail.timings, ...window.__methodMs}};
}"""


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=15, help="timed frames per round and count")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--model", default="full")
    p.add_argument("--images", type=Path, default=IMAGES)
    p.add_argument("--methods", action="store_true", help="also time TrackerSession's calls")
    args = p.parse_args(argv)
    stages = STAGES + (METHODS if args.methods else ())
    from playwright.sync_api import sync_playwright

    site = OUT / "site"
    site.mkdir(parents=True, exist_ok=True)
    for name, target in {"site": ROOT / "dist", "images": args.images}.items():
        link = site / name
        if link.is_symlink():
            link.unlink()
        link.symlink_to(target)
    server, base = serve_in_background(site)
    build = debian_chromium()
    counts = (1, 2, 3)
    samples: dict[int, dict[str, list[float]]] = {n: {s: [] for s in stages} for n in counts}
    t = 0.0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(build.executable), args=[*build.flags, *FOREGROUND_FLAGS]
        )
        page = browser.new_page()
        page.goto(base + "site/index.html?source=none")
        page.wait_for_function("window.blazepose !== undefined", timeout=120_000)
        ready = page.evaluate("window.blazepose.ready")
        print(f"page ready: backend {ready.get('backend')}", flush=True)
        if args.methods:
            page.evaluate(TIME_METHODS, list(METHODS))
        for _ in range(args.rounds):
            for n in counts:
                page.evaluate(
                    f"window.blazepose.setOptions({{model: '{args.model}', numPoses: {n}}})"
                )
                page.evaluate("window.blazepose.reset()")
                for _warm in range(20):  # until the tracker follows n people
                    t += 33.0
                    if page.evaluate(TRACK, {"t": t, "copies": 3})["people"] == n:
                        break
                else:
                    raise RuntimeError(f"numPoses {n}: never {n} people")
                for _frame in range(args.frames):
                    t += 33.0
                    out = page.evaluate(TRACK, {"t": t, "copies": 3})
                    if out["people"] != n:
                        continue
                    for stage in stages:
                        samples[n][stage].append(out["timings"].get(stage, 0.0))
        browser.close()
    server.shutdown()
    medians = {n: {s: statistics.median(v[s]) for s in stages} for n, v in samples.items()}
    print(f"{build.label}, model {args.model}, 1536x512 frame, median ms per frame:")
    for n in counts:
        line = ", ".join(f"{s} {medians[n][s]:.2f}" for s in stages)
        print(f"  {n} tracked ({len(samples[n]['total'])} frames): {line}")
    for n in counts[1:]:
        line = ", ".join(f"{s} {medians[n][s] - medians[n - 1][s]:+.2f}" for s in stages)
        print(f"  person {n}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

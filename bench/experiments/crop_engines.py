"""How long the page's crop (web/engine/cropper.js) takes per engine, and which canvas path is
fastest where: Debian's Chromium (Playwright) and Firefox ESR (WebDriver BiDi), same frame,
same matrices, variants interleaved round by round in one page (ratios count on a shared
machine, not absolute times).

A research experiment, not part of the product or of the benchmark. Usage (after
``build.py dist`` and one ``build.py bench`` run, whose frames it borrows):
``.venv/bin/python bench/experiments/crop_engines.py [--rounds 8] [--runs 10]``; prints a
markdown table and writes ``build/crop_engines.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: paths.py

from paths import ROOT, use_checkout  # noqa: E402

use_checkout()

from blazepose_tools import browsers  # noqa: E402
from blazepose_tools.static_server import serve_in_background  # noqa: E402

FRAME = ROOT / "build" / "bench" / "site" / "_bench" / "frames" / "pose2sim_single_cam01"

# Variants, each one call per run: the landmark crop (256, rotated, edges replicated) and the
# detector crop (224, letterbox) from an ImageBitmap (bench, still images) or from the CPU
# canvas a video frame is first copied to (frame-driver.js), and that copy itself.
SCRIPT = """(async ([rounds, runs]) => {
  const { Cropper } = await import('./cropper.js');
  const bitmap = await createImageBitmap(await (await fetch('crop-frame.jpg')).blob());
  const w = bitmap.width, h = bitmap.height;
  const copy = document.createElement('canvas');
  copy.width = w; copy.height = h;
  const copyCtx = copy.getContext('2d', { willReadFrequently: true });
  copyCtx.drawImage(bitmap, 0, 0);
  const matrix = (size, scale, angle) => {
    const s = scale, c = Math.cos(angle) * s, n = Math.sin(angle) * s;
    return [c, n, -n, c, size / 2 - (c * w / 2 - n * h / 2), size / 2 - (n * w / 2 + c * h / 2)];
  };
  const landmark = [new Cropper(256), matrix(256, 256 / (0.55 * h), 0.17)];
  const detector = [new Cropper(224), matrix(224, 224 / Math.max(w, h), 0)];
  // The same crop into a canvas without willReadFrequently (GPU-backed where it can be).
  const gpu = Object.create(Cropper.prototype);
  gpu.size = 256; gpu.canvas = document.createElement('canvas');
  gpu.canvas.width = gpu.canvas.height = 256;
  gpu.ctx = gpu.canvas.getContext('2d', { alpha: false });
  const off = Object.create(Cropper.prototype);
  off.size = 256; off.canvas = new OffscreenCanvas(256, 256);
  off.ctx = off.canvas.getContext('2d', { willReadFrequently: true, alpha: false });
  const variants = {
    'landmark, bitmap, replicate': () => landmark[0].crop(bitmap, w, h, landmark[1], true),
    'landmark, bitmap, no border': () => landmark[0].crop(bitmap, w, h, landmark[1], false),
    'landmark, copied canvas, replicate': () => landmark[0].crop(copy, w, h, landmark[1], true),
    'landmark, bitmap, replicate, GPU canvas': () => gpu.crop(bitmap, w, h, landmark[1], true),
    'landmark, bitmap, replicate, OffscreenCanvas': () => off.crop(bitmap, w, h, landmark[1], true),
    'detector, bitmap': () => detector[0].crop(bitmap, w, h, detector[1], false),
    'video frame copy (drawImage to CPU canvas)': () => copyCtx.drawImage(bitmap, 0, 0, w, h),
  };
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const f of Object.values(variants)) f();  // warm
  for (let r = 0; r < rounds; r++) {
    for (const [name, f] of Object.entries(variants)) {
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const out = f();
        if (out && out[0] === undefined) throw new Error('no pixels');
        times[name].push(performance.now() - t);
      }
    }
  }
  return { size: [w, h], times, ua: navigator.userAgent };
})"""


def run_chromium(url: str, args: list) -> dict:
    from playwright.sync_api import sync_playwright

    build = browsers.debian_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(build.executable), args=[*build.flags, *browsers.FOREGROUND_FLAGS]
        )
        page = browser.new_page()
        page.goto(url)
        result = page.evaluate(SCRIPT, args)
        result["browser"] = f"Chromium {browser.version}"
        browser.close()
    return result


def run_firefox(url: str, args: list) -> dict:
    import firefox_session

    with firefox_session.launch() as browser:
        page = browser.new_context().new_page()
        page.goto(url)
        result = page.evaluate(SCRIPT, args)
        result["browser"] = f"Firefox {browser.version}"
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        for entry in (ROOT / "dist").iterdir():
            os.symlink(entry, Path(folder) / entry.name)
        shutil.copy(FRAME / "00000.jpg", Path(folder) / "crop-frame.jpg")
        Path(folder, "crop.html").write_text("<!doctype html><title>crop</title>")
        server, url = serve_in_background(Path(folder))
        page = url + "crop.html"  # an empty page of the site: cropper.js in its origin
        results = [run(page, [args.rounds, args.runs]) for run in (run_chromium, run_firefox)]
        server.shutdown()
    load = os.getloadavg()[0]
    names = list(results[0]["times"])
    print(f"frame {results[0]['size']}, load {load:.1f}; median ms per call\n")
    print("| variant | " + " | ".join(r["browser"] for r in results) + " | ratio |")
    print("|---|" + "---|" * (len(results) + 1))
    for name in names:
        medians = [statistics.median(r["times"][name]) for r in results]
        cells = " | ".join(f"{m:.2f}" for m in medians)
        print(f"| {name} | {cells} | {medians[1] / medians[0]:.1f}× |")
    out = ROOT / "build" / "crop_engines.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"load": load, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

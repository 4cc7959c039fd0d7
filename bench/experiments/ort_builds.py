"""Which onnxruntime-web build to ship: WASM-EP inference speed of each build on our models.

A research experiment, not part of the product: the site ships one ORT build, and it must run
WebNN and WebGPU as well as WASM (ort.wasm.min.mjs cannot run WebNN). This times the WASM EP of
the candidate builds (and the WASM-only build, for reference) on the same model in one page,
round by round, in headless Chromium; the ratio to the first build is what counts on a shared
machine. Usage: ``.venv/bin/python bench/experiments/ort_builds.py [--models a.onnx,b.onnx]
[--builds ort.wasm.min.mjs,ort.webgpu.min.mjs,ort.min.mjs] [--rounds 10] [--runs 5]
[--threads 1]``; prints a markdown table (median ms per run and ratio to the first build).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

EXPERIMENTS = Path(__file__).resolve().parent
sys.path.insert(0, str(EXPERIMENTS.parent))  # bench/: paths.py

from paths import ROOT, use_checkout  # noqa: E402

use_checkout()

from blazepose_tools import browsers  # noqa: E402
from blazepose_tools.static_server import serve_in_background  # noqa: E402

ORT_DIST = ROOT / "node_modules" / "onnxruntime-web" / "dist"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default="pose_landmark_full_landmarks_only.onnx,pose_detection.onnx")
    p.add_argument("--builds", default="ort.wasm.min.mjs,ort.webgpu.min.mjs,ort.min.mjs")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "ort").symlink_to(ORT_DIST)
        (site / "models").symlink_to(ROOT / "models")
        (site / "index.html").write_text((EXPERIMENTS / "pages" / "ort_builds.html").read_text())
        server, base = serve_in_background(site)
        build = browsers.debian_chromium()
        rows = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=str(build.executable), args=list(build.flags)
                )
                for model in args.models.split(","):
                    page = browser.new_page()
                    page.goto(
                        f"{base}index.html?builds={args.builds}&model={model}"
                        f"&rounds={args.rounds}&runs={args.runs}&threads={args.threads}"
                    )
                    page.wait_for_function("window.result", timeout=900_000)
                    result = page.evaluate("window.result")
                    page.close()
                    first = None
                    for name in args.builds.split(","):
                        ms = statistics.median(result["times"][name])
                        first = first or ms
                        rows.append((model, name, ms, ms / first, result["create"][name]))
                browser.close()
        finally:
            server.shutdown()
    print(f"{build.label}, {args.threads} thread(s), load {os.getloadavg()[0]:.1f}")
    print("| model | build | median ms per run | × first build | session creation ms |")
    print("|---|---|---|---|---|")
    for model, name, ms, ratio, create in rows:
        print(f"| {model} | {name} | {ms:.1f} | {ratio:.2f} | {create:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

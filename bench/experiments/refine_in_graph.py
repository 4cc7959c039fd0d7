"""Does the heatmap refinement in the landmark graph cost inference time? (issue 16)

A research experiment, not part of the product: serves two builds' landmark models side by
side, ``old`` (raw landmarks + the 64x64x39 heatmap fetched; the page refined in Python) and
``new`` (``refined_landmarks`` from the graph), with npm onnxruntime-web's dist, and times
``session.run`` (plus reading every fetched value) interleaved in one page per execution
provider. ORT's verbose log is scanned for WebNN's partitioning (a node it does not take
runs on WASM in a partition of its own).

Usage: ``.venv/bin/python bench/experiments/refine_in_graph.py OLD_MODELS NEW_MODELS
[--models lite,full] [--eps webnn,wasm] [--rounds 40]``; prints a markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

EXPERIMENTS = Path(__file__).resolve().parent
sys.path.insert(0, str(EXPERIMENTS.parent))  # bench/: its modules and paths.py

from paths import ROOT, use_checkout  # noqa: E402

use_checkout()

from blazepose_tools import browsers  # noqa: E402
from blazepose_tools.static_server import serve_in_background  # noqa: E402

FILES = {m: f"pose_landmark_{m}_landmarks_only.onnx" for m in ("lite", "full", "heavy")}
PARTITION_WORDS = ("partition", "fall back", "fallback", "not supported", "unsupported")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--models", default="lite,full")
    p.add_argument("--eps", default="webnn,wasm")
    p.add_argument("--rounds", type=int, default=40)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "ort").symlink_to(ROOT / "node_modules" / "onnxruntime-web" / "dist")
        (site / "old").symlink_to(args.old.resolve())
        (site / "new").symlink_to(args.new.resolve())
        (site / "index.html").write_text(
            (EXPERIMENTS / "pages" / "refine_in_graph.html").read_text()
        )
        server, base = serve_in_background(site)
        build = browsers.webnn_chromium(ROOT)
        rows = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(build.executable),
                args=[*build.flags, *browsers.FOREGROUND_FLAGS],
            )
            for ep in args.eps.split(","):
                for model in args.models.split(","):
                    page = browser.new_page()
                    logs: list[str] = []
                    page.on("console", lambda m, logs=logs: logs.append(m.text))
                    query = (
                        f"ep={ep}&file={FILES[model]}&rounds={args.rounds}&threads={args.threads}"
                    )
                    page.goto(f"{base}index.html?{query}")
                    page.wait_for_function("window.result !== undefined", timeout=600_000)
                    result = page.evaluate("window.result")
                    page.close()
                    notes = [
                        line[:300]
                        for line in logs
                        if any(w in line.lower() for w in PARTITION_WORDS) or "===" in line
                    ]
                    print(f"\n## {ep} {model}", *notes, sep="\n  ")
                    if "error" in result:
                        print("  ERROR", result["error"][:1000])
                        continue
                    old, new = (statistics.median(result["times"][k]) for k in ("old", "new"))
                    rows.append((ep, model, old, new, result["build"]))
            browser.close()
        server.shutdown()
    print(
        "\n| EP | model | old: raw + heatmap, median ms"
        " | new: refined in graph, median ms | new ÷ old |"
    )
    print("|---|---|---|---|---|")
    for ep, model, old, new, _ in rows:
        print(f"| {ep} | {model} | {old:.2f} | {new:.2f} | {new / old:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

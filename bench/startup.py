"""Start-up benchmark: time to first pose, cold / warm / offline, with each start-up step.

Usage (``python3 build.py bench --startup-only [options]`` or ``python3 bench/startup.py``):
    --browsers debian,webnn   --models lite,full,heavy   --repeats 3
    --contenders ours-auto,ours-wasm,tasks_vision_cpu   --offline   --name startup

Per browser, model and repeat, every contender runs once, interleaved (so a change of load
hits all alike), in a fresh browser profile (a persistent context in a new folder: an
off-the-record context keeps no compiled WASM code between visits); each visit stays
``--stay`` seconds after its first pose, as a user would, so the browser can write its code
cache:
- cold: the first visit (empty HTTP cache, no storage);
- warm: a second page in the same profile (HTTP cache, code cache, localStorage, our service
  worker: a second visit);
- offline (``--offline``, where the site has a service worker): the context goes offline
  (``context.set_offline``) and a third page loads.
Each visit records the first pose (``performance.now()`` at the first frame with a pose, i.e.
ms from navigation start, frames fetched one at a time as bench/pages/harness.js does), our
page's start-up marks (``window.blazepose.startup.marks``, see web/engine/startup-marks.js) and the
Resource Timing of the big downloads. Writes ``bench/results/<name>.json`` and ``<name>.md``
(per-step medians, same-run ratios to tasks-vision CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from paths import BENCH, ROOT, VIDEO, use_checkout

use_checkout()

import machine  # noqa: E402
import run  # noqa: E402
import startup_report  # noqa: E402
from blazepose_tools import browsers  # noqa: E402
from blazepose_tools.static_server import serve_in_background  # noqa: E402

CONTENDERS = {
    "ours-auto": run.ours("auto"),
    "ours-wasm": run.ours("wasm"),
    "tasks_vision_cpu": run.MEDIAPIPE["tasks_vision_cpu"],
}
DEFAULT_CONTENDERS = tuple(CONTENDERS)
# With --baseline: an older build of our site, served from _baseline/, as rows of the same run.
BASELINE = "_baseline"
for _backend in ("auto", "wasm"):
    CONTENDERS[f"baseline-{_backend}"] = run.Contender(
        f"baseline-{_backend}",
        f"{BASELINE}/index.html?source=none&backend={_backend}&",
        backend=_backend,
    )
VISITS = ("cold", "warm", "offline")
# Resource Timing of the downloads that matter for start-up (the page's own marks repeat ours).
RESOURCES_JS = """() => performance.getEntriesByType('resource')
  .filter((e) => /\\.(wasm|onnx|task|zip|tflite)$|\\/(pyodide\\.asm|ort\\.[a-z.]*min)\\.mjs$/
    .test(new URL(e.name).pathname))
  .map((e) => ({name: new URL(e.name).pathname, end: Math.round(e.responseEnd),
                start: Math.round(e.startTime), transfer: e.transferSize}))"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    p = argparse.ArgumentParser(prog="build.py bench --startup-only", description=__doc__)
    p.add_argument("--browsers", default=",".join(run.BROWSERS))
    p.add_argument("--models", default=",".join(run.MODELS))
    p.add_argument("--contenders", default=",".join(DEFAULT_CONTENDERS))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument(
        "--offline",
        action="store_true",
        help="also an offline third visit (needs the site's service worker)",
    )
    p.add_argument("--name", default="startup", help="results file stem (default startup)")
    p.add_argument(
        "--baseline",
        type=Path,
        help="an older dist/ to compare with in the same run (rows baseline-auto, baseline-wasm)",
    )
    p.add_argument("--ttfp-clip", default=run.DEFAULT_CLIPS[0])
    p.add_argument("--max-side", type=int, default=run.frame_files.DEFAULT_MAX_SIDE)
    p.add_argument("--media", type=Path, default=VIDEO)
    p.add_argument("--dist", type=Path, default=ROOT / "dist")
    p.add_argument("--stage", type=Path, default=ROOT / "build" / "bench" / "site")
    p.add_argument("--out", type=Path, default=BENCH / "results")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per visit")
    p.add_argument(
        "--stay",
        type=float,
        default=10.0,
        help="seconds each visit stays after its first pose, as a user would (default 10): "
        "the browser writes its WASM code cache once compilation has gone quiet",
    )
    p.add_argument("--from-raw", type=Path, help="only re-summarise a saved raw JSON")
    args = p.parse_args(argv)
    unknown = [c for c in args.contenders.split(",") if c not in CONTENDERS]
    if unknown:
        p.error(f"unknown contender {unknown[0]}; choose from {', '.join(CONTENDERS)}")
    if args.repeats < 1:
        p.error("--repeats must be at least 1")
    return args


# Our page's service worker (web/offline/offline.js) has cached the site, or failed, or is absent.
OFFLINE_SETTLED = """() => !window.blazeposeOffline || window.blazeposeOffline.state === 'ready'
  || window.blazeposeOffline.state.startsWith('failed')
  || window.blazeposeOffline.state === 'unsupported'"""


def visit(
    context,
    url: str,
    timeout_s: float,
    console: list[str],
    settle: bool = False,
    serve_bench=None,
    stay_s: float = 0,
) -> dict:
    """One page load to its first pose: the harness's result, marks and resource timing;
    with `settle`, the page then stays until its service worker has cached the site (a user
    who stays a while), so that the next visit can be offline."""
    page = context.new_page()
    if serve_bench:  # offline: the bench's own pages and frames still come, from disk
        page.route("**/_bench/**", serve_bench)
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"[:300]))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"[:300]))
    try:
        page.goto(url, wait_until="commit")
        result = run._wait_ready(page, timeout_s)
        result["resources"] = page.evaluate(RESOURCES_JS)
        result["serviceWorker"] = page.evaluate(
            "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"
        )
        if settle:
            page.wait_for_function(OFFLINE_SETTLED, timeout=timeout_s * 1000)
            result["offlineState"] = page.evaluate("() => window.blazeposeOffline?.state ?? null")
        if stay_s > 0:  # a user who stays a moment: the browser writes its code cache
            page.wait_for_timeout(stay_s * 1000)
        return result
    finally:
        page.close()


def bench_files(site: Path):
    """A route handler answering /_bench/ requests from the staged files (offline visits)."""

    def fulfil(route) -> None:
        path = site / urlsplit(route.request.url).path.lstrip("/")
        if path.is_file():
            route.fulfill(path=path)
        else:
            route.fulfill(status=404)

    return fulfil


def measure(launch, base_url: str, name: str, model: str, args, log) -> dict:
    """Cold, warm (and offline) visits of one contender in one fresh browser profile (a real
    profile: an off-the-record context keeps no compiled code between visits)."""
    contender = CONTENDERS[name]
    # No request routing (Playwright turns the HTTP cache off where it routes): the browser's
    # dead proxy stops what is not local, and the requests are watched instead.
    outside: list[str] = []
    profile = tempfile.mkdtemp(prefix="blazepose-bench-profile-")
    context = launch(profile)
    context.on("request", lambda r: None if run.is_local(r.url) else outside.append(r.url))
    context.add_init_script(run.READY_HOOK)
    if contender.ours:
        context.add_init_script(run.OURS_HOOK)
    url = f"{base_url}{contender.page}model={model}&ttfp_clip={args.ttfp_clip}"
    record: dict = {"contender": name, "model": model}
    console: list[str] = []
    try:
        for kind in VISITS:
            if kind == "offline":
                if not args.offline:
                    break
                context.set_offline(True)
            started = time.monotonic()
            settle = args.offline and kind == "cold" and contender.ours
            serve = bench_files(args.stage) if kind == "offline" else None
            try:
                record[kind] = visit(context, url, args.timeout, console, settle, serve, args.stay)
            except Exception as error:  # the cold visit failing fails the row
                if kind == "cold":
                    raise
                record[f"{kind}_error"] = f"{type(error).__name__}: {error}"[:1000]
                log(f"  {kind} FAILED: {record[f'{kind}_error'][:300]}")
                continue
            first = record[kind]["firstPoseMs"]
            log(f"  {kind}: first pose {first} ms ({time.monotonic() - started:.1f} s)")
    except Exception as error:  # one failed visit must not stop the run
        record["error"] = f"{type(error).__name__}: {error}"[:1000]
        log(f"  FAILED: {record['error'][:300]}")
    finally:
        record["blocked"] = sorted(set(outside))
        record["console"] = console[-10:]
        context.close()
        shutil.rmtree(profile, ignore_errors=True)
    return record


def run_browser(pw, browser_name: str, models, contenders, args, base_url, log, save):
    info: dict = {"name": browser_name}
    try:
        build = run.get_build(browser_name)
    except browsers.BrowserUnavailable as error:
        info["unavailable"] = str(error)
        log(f"browser {browser_name}: not available: {error}")
        return info, []
    flags = [*build.flags, *browsers.FOREGROUND_FLAGS, *run.BENCH_FLAGS]
    browser = pw.chromium.launch(executable_path=str(build.executable), args=flags)
    info.update(label=f"{build.label} {browser.version}", version=browser.version)
    browser.close()

    def launch(profile: str):
        return pw.chromium.launch_persistent_context(
            profile,
            executable_path=str(build.executable),
            args=flags,
            viewport={"width": 1280, "height": 800},
        )

    records = []
    for model in models:
        for repeat in range(args.repeats):
            for name in contenders:
                log(f"[{browser_name}] {name} / {model} / repeat {repeat + 1}")
                record = measure(launch, base_url, name, model, args, log)
                record.update(browser=browser_name, repeat=repeat)
                records.append(record)
                save(records)
    return info, records


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.from_raw:
        return finish(args, json.loads(args.from_raw.read_text()))
    models = [m for m in args.models.split(",") if m]
    contenders = [c for c in args.contenders.split(",") if c]
    stage_args = argparse.Namespace(
        stage=args.stage,
        dist=args.dist,
        media=args.media,
        max_side=args.max_side,
        ttfp_clip=args.ttfp_clip,
    )
    with_ours = any(CONTENDERS[c].ours for c in contenders)
    run.stage(stage_args, models, [], with_ours)
    if args.baseline:
        shutil.copytree(
            args.baseline, args.stage / BASELINE, ignore=shutil.ignore_patterns("_bench")
        )
    server, base_url = serve_in_background(args.stage)
    from playwright.sync_api import sync_playwright

    def log(message: str) -> None:
        print(message, flush=True)

    load_before = os.getloadavg()[0]
    started = time.monotonic()
    records: list[dict] = []
    infos: list[dict] = []
    raw_path = args.stage.parent / f"{args.name}_raw.json"

    def save(more: list[dict]) -> None:  # after every row: a stopped run keeps what it had
        raw["records"] = records + more
        raw_path.write_text(json.dumps(raw))

    raw = {
        "records": records,
        "browsers": infos,
        "config": {
            "models": models,
            "contenders": contenders,
            "repeats": args.repeats,
            "offline": args.offline,
            "ttfp_clip": args.ttfp_clip,
            "load_average_1m_before": round(load_before, 2),
            "measured_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        },
        "machine": machine.describe(),
    }
    try:
        with sync_playwright() as pw:
            for name in [b for b in args.browsers.split(",") if b]:
                info, browser_records = run_browser(
                    pw, name, models, contenders, args, base_url, log, save
                )
                infos.append(info)
                records += browser_records
    finally:
        server.shutdown()
    raw["records"] = records
    raw["config"]["wall_s"] = round(time.monotonic() - started, 1)
    raw["config"]["load_average_1m_after"] = round(os.getloadavg()[0], 2)
    raw_path.write_text(json.dumps(raw))
    return finish(args, raw)


def finish(args: argparse.Namespace, raw: dict) -> int:
    summary = startup_report.summarise(raw)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(summary, indent=1))
    text = startup_report.document(summary)
    (args.out / f"{args.name}.md").write_text(text)
    print(text)
    print(f"wrote {args.name}.json and {args.name}.md in {args.out}")
    return 0 if all("error" not in r for r in raw["records"]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Benchmark BlazePose Web against MediaPipe's web builds in one headless Chromium session.

Usage (via ``python3 build.py bench [options]`` or ``python3 bench/run.py [options]``):
    --models lite,full,heavy   --clips pose2sim_single_cam01,synth_messi_zoompan
    --contenders ours,mediapipe_pose,tasks_vision_cpu,tasks_vision_gpu   --frames N

Every contender is a page under ``/_bench/pages/`` (ours: ``dist/index.html`` plus an injected
adapter) with the same per-frame interface (``harness.js``). Frames come from JPEG files decoded
into ImageBitmaps before timing; each call gets ``timestamp = index * 1000 / fps``. Every request
that is not to 127.0.0.1 (or ``data:``/``blob:``) is aborted and reported.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "py"))

import frames as frame_files  # noqa: E402
import machine  # noqa: E402
import netlog  # noqa: E402
import plot  # noqa: E402
import report  # noqa: E402
import task_bundle  # noqa: E402
from blazepose_tools.static_server import serve_in_background  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DEAD = "http://127.0.0.1:9/"
# /work/shared/notes/browser-stack.md: stop Chromium's own calls home; the dead proxy catches
# what request routing cannot see (workers started inside workers).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f"--component-updater=url-source={DEAD}",
    f"--gaia-url={DEAD}",
    f"--google-apis-url={DEAD}",
    f"--lso-url={DEAD}",
    "--proxy-server=http://127.0.0.1:9",
    # No GPU here: WebGL (legacy MediaPipe graph, tasks-vision GPU delegate) runs on SwiftShader.
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--ignore-gpu-blocklist",
]
MODELS = ("lite", "full", "heavy")
# Contenders whose models run through WebGL: SwiftShader on a machine without a GPU.
WEBGL_CONTENDERS = ("mediapipe_pose", "tasks_vision_gpu")
CONTENDERS = ("ours", "mediapipe_pose", "tasks_vision_cpu", "tasks_vision_gpu")
DEFAULT_CLIPS = ("pose2sim_single_cam01", "synth_messi_zoompan")
PAGES = {
    "mediapipe_pose": "_bench/pages/mediapipe_pose.html?",
    "tasks_vision_cpu": "_bench/pages/tasks_vision.html?delegate=CPU&",
    "tasks_vision_gpu": "_bench/pages/tasks_vision.html?delegate=GPU&",
    "ours": "index.html?backend=wasm&source=none&",
}
LOCAL_SCHEMES = ("data", "blob")


def is_local(url: str) -> bool:
    """Only loopback, ``data:`` and ``blob:`` URLs may load."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == "127.0.0.1"


def parse_args(argv: list[str]) -> argparse.Namespace:
    if argv[:1] == ["--"]:  # `build.py bench -- --models lite` passes the separator through
        argv = argv[1:]
    p = argparse.ArgumentParser(prog="build.py bench", description=__doc__.splitlines()[0])
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--clips", default=",".join(DEFAULT_CLIPS))
    p.add_argument("--contenders", default=",".join(CONTENDERS))
    p.add_argument("--frames", type=int, default=60, help="timed frames per clip (default 60)")
    p.add_argument(
        "--warmup",
        type=int,
        default=25,
        help="untimed frames before each clip (past a new WASM instance's slow first phase)",
    )
    p.add_argument(
        "--slow-frames",
        type=int,
        default=5,
        help="timed frames per clip for the WebGL contenders, which run on SwiftShader (CPU) "
        "without a GPU: about 0.4 s (lite) to 15 s (heavy) per frame on 2 cores (default 5)",
    )
    p.add_argument(
        "--slow-clips", default=None, help="clips for the WebGL contenders (default: --ttfp-clip)"
    )
    p.add_argument("--from-raw", type=Path, help="only re-summarise a saved bench_raw.json")
    p.add_argument("--max-side", type=int, default=frame_files.DEFAULT_MAX_SIDE)
    p.add_argument("--ttfp-clip", default=DEFAULT_CLIPS[0], help="clip for time to first pose")
    p.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media" / "video")
    p.add_argument(
        "--reference", type=Path, default=ROOT.parent / "shared" / "reference" / "mediapipe"
    )
    p.add_argument("--dist", type=Path, default=ROOT / "dist")
    p.add_argument("--stage", type=Path, default=ROOT / "build" / "bench" / "site")
    p.add_argument("--out", type=Path, default=BENCH / "results")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds per page step")
    return p.parse_args(argv)


def _link(target: Path, link: Path) -> None:
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target.resolve(), target_is_directory=target.is_dir())


def stage(args: argparse.Namespace, models: list[str], clips: list[str], with_ours: bool) -> dict:
    """Lay out the served folder: our dist/ at the root, everything for the bench in _bench/."""
    site = args.stage
    bench_dir = site / "_bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if with_ours:
        for entry in args.dist.iterdir():
            if entry.name != "_bench":
                _link(entry, site / entry.name)
    shutil.copytree(BENCH / "pages", bench_dir / "pages", dirs_exist_ok=True)
    _link(ROOT / "node_modules" / "@mediapipe" / "pose", bench_dir / "mp" / "pose")
    _link(ROOT / "node_modules" / "@mediapipe" / "tasks-vision", bench_dir / "mp" / "tasks-vision")
    pose_dir = ROOT / "node_modules" / "@mediapipe" / "pose"
    for model in models:
        task = bench_dir / "tasks" / f"pose_landmarker_{model}.task"
        if not task.exists() or task.stat().st_mtime < (BENCH / "task_bundle.py").stat().st_mtime:
            task_bundle.build_task(pose_dir, model, task)
    manifests = {}
    for clip in sorted(set(clips) | {args.ttfp_clip}):
        source = args.media / f"{clip}.mp4"
        manifests[clip] = frame_files.extract(source, bench_dir / "frames" / clip, args.max_side)
    return manifests


class Blocker:
    """Routes every request of a browser context; aborts and records the non-local ones."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def __call__(self, route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


def _wait_ready(page, timeout_s: float) -> dict:
    page.wait_for_function(
        "() => window.benchError || (window.bench && window.benchResult !== undefined)",
        timeout=timeout_s * 1000,
    )
    error = page.evaluate("window.benchError || null")
    if error:
        raise RuntimeError(error)
    return page.evaluate("window.benchResult")


READY_HOOK = """
window.__benchWatch = setInterval(() => {
  if (window.bench && window.bench.ready) {
    clearInterval(window.__benchWatch);
    window.bench.ready.then((r) => { window.benchResult = r; },
                           (e) => { window.benchError = String(e && e.stack || e); });
  }
}, 5);
"""
OURS_HOOK = """
addEventListener('DOMContentLoaded', () => {
  import('/_bench/pages/ours.js').catch((e) => { window.benchError = String(e && e.stack || e); });
});
"""


def run_contender(
    browser, base_url: str, name: str, model: str, args, clips, frames: int, warmup: int, log
) -> dict:
    """Cold load (fresh context), warm reload (same context, HTTP cache), then timed clips."""
    blocker = Blocker()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", blocker)
    context.add_init_script(READY_HOOK)
    if name == "ours":
        context.add_init_script(OURS_HOOK)
    console: list[str] = []
    url = f"{base_url}{PAGES[name]}model={model}&ttfp_clip={args.ttfp_clip}"
    result: dict = {"contender": name, "model": model, "clips": {}}
    try:
        page = context.new_page()
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"[:300]))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"[:300]))
        page.goto(url, wait_until="commit")
        cold = _wait_ready(page, args.timeout)
        log(f"  cold first pose {cold['firstPoseMs']} ms")
        page.close()
        page = context.new_page()
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"[:300]))
        page.goto(url, wait_until="commit")
        warm = _wait_ready(page, args.timeout)
        log(f"  warm first pose {warm['firstPoseMs']} ms")
        result["cold"], result["warm"] = cold, warm
        # Generous: a SwiftShader heavy frame took up to 20 s on a loaded 2-core machine.
        clip_timeout_ms = (args.timeout + 30.0 * (frames + warmup)) * 1000
        for clip in clips:
            started = time.monotonic()
            data = page.evaluate(
                "([c, n, w, t]) => window.bench.runClip(c, n, w, t)",
                [clip, frames, warmup, clip_timeout_ms],
            )
            result["clips"][clip] = data
            log(f"  {clip}: {len(data['frames'])} frames in {time.monotonic() - started:.1f} s")
    except Exception as error:  # a contender failing must not stop the others
        result["error"] = f"{type(error).__name__}: {error}"[:2000]
        log(f"  FAILED: {result['error'][:300]}")
    finally:
        result["blocked"] = sorted(set(blocker.blocked))
        result["blocked_count"] = len(blocker.blocked)
        result["console"] = console[-20:]
        context.close()
    return result


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    models = [m for m in args.models.split(",") if m]
    clips = [c for c in args.clips.split(",") if c]
    contenders = [c for c in args.contenders.split(",") if c]
    for name in contenders:
        if name not in PAGES:
            print(f"unknown contender {name}; choose from {', '.join(PAGES)}", file=sys.stderr)
            return 2
    slow_clips = [c for c in (args.slow_clips or args.ttfp_clip).split(",") if c]
    if args.from_raw:
        return finish(args, json.loads(args.from_raw.read_text()))
    ours_ready = (args.dist / "index.html").exists()
    if "ours" in contenders and not ours_ready:
        print(f"note: {args.dist}/index.html missing: skipping contender 'ours'", file=sys.stderr)
        contenders.remove("ours")

    def log(message: str) -> None:
        print(message, flush=True)

    load_before = os.getloadavg()[0]
    manifests = stage(args, models, clips + slow_clips, ours_ready and "ours" in contenders)
    server, base_url = serve_in_background(args.stage)
    netlog_path = args.stage.parent / "netlog.json"
    from playwright.sync_api import sync_playwright

    runs = []
    started = time.monotonic()
    try:
        with sync_playwright() as pw:
            launch_args = [*CHROMIUM_ARGS, f"--log-net-log={netlog_path}"]
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=launch_args)
            chromium_version = browser.version
            for model in models:
                for name in contenders:
                    log(f"[{time.monotonic() - started:6.1f} s] {name} / {model}")
                    begin = time.time() * 1000
                    slow = name in WEBGL_CONTENDERS
                    run_clips = slow_clips if slow else clips
                    frames = args.slow_frames if slow else args.frames
                    # One warm-up frame is enough once the first-pose runs compiled the shaders.
                    warmup = min(1, args.warmup) if slow else args.warmup
                    run = run_contender(
                        browser, base_url, name, model, args, run_clips, frames, warmup, log
                    )
                    runs.append(run)
                    runs[-1]["window_ms"] = (begin, time.time() * 1000)
            browser.close()
    finally:
        server.shutdown()
    config = {
        "models": models,
        "clips": clips,
        "webgl_clips": slow_clips,
        "contenders": contenders,
        "frames": args.frames,
        "webgl_frames": args.slow_frames,
        "warmup": args.warmup,
        "max_side": args.max_side,
        "ttfp_clip": args.ttfp_clip,
        "chromium_args": CHROMIUM_ARGS,
        "wall_s": round(time.monotonic() - started, 1),
        "load_average_1m_before": round(load_before, 2),
    }
    raw = {
        "runs": runs,
        "manifests": manifests,
        "config": config,
        "machine": machine.describe(chromium_version),
    }
    outside = netlog.non_local(netlog.requested_urls(netlog_path))
    for run in runs:
        begin, end = run["window_ms"]
        run["netlog_nonlocal"] = sorted({u for t, u in outside if begin <= t <= end})
    raw["netlog_nonlocal_session"] = sorted({u for _, u in outside})
    raw_text = json.dumps(raw)
    (args.stage.parent / "bench_raw.json").write_text(raw_text)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    (args.stage.parent / "raw").mkdir(exist_ok=True)
    (args.stage.parent / "raw" / f"bench_raw_{stamp}.json").write_text(raw_text)
    return finish(args, raw)


def finish(args: argparse.Namespace, raw: dict) -> int:
    """Summarise, print the table, write bench.json and bench.png."""
    runs = raw["runs"]
    results = report.summarise(runs, raw["manifests"], args.reference)
    results["netlog_nonlocal_session"] = raw["netlog_nonlocal_session"]
    results["machine"] = raw["machine"]
    results["config"] = raw["config"]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(results, indent=1))
    plot.write(results, args.out / "bench.png")
    text = report.table(results)
    (args.out / "bench.md").write_text(
        f"# Benchmark results\n\nWritten by bench/run.py.\n\n{text}\n"
    )
    print(text)
    print(f"wrote bench.json, bench.md and bench.png in {args.out}")
    return 0 if all("error" not in r for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

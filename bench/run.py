"""Benchmark BlazePose Web against MediaPipe's web builds in headless Chromium, per browser.

Usage (via ``python3 build.py bench [options]`` or ``python3 bench/run.py [options]``):
    --browsers debian,webnn   --models lite,full,heavy
    --clips pose2sim_single_cam01,synth_messi_zoompan   --frames N
    --contenders ours,tasks_vision_cpu,mediapipe_pose,tasks_vision_gpu   --threads 1,2,4

Each browser (``blazepose_tools.browsers``: Debian's Chromium and the WebNN-capable Chromium of
the pinned npm ``@sparticuz/chromium``) is one headless session. A probe page first records what
the browser offers (WebNN context, WebGPU adapter, WebGL renderer); then every contender is a
page under ``/_bench/pages/`` (ours: ``dist/index.html`` plus an injected adapter) with the same
per-frame interface (``harness.js``). ``ours`` expands to one row per backend: ``auto``, ``wasm``
per thread count, ``webnn`` and ``webgpu`` (rows the browser cannot run say why). Frames come
from JPEG files decoded into ImageBitmaps before timing; each call gets
``timestamp = index * 1000 / fps``. Every request that is not to 127.0.0.1 (or
``data:``/``blob:``) is aborted and reported.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from paths import BENCH, REFERENCE, ROOT, VIDEO, use_checkout

use_checkout()

import firefox_session  # noqa: E402
import frames as frame_files  # noqa: E402
import machine  # noqa: E402
import netlog  # noqa: E402
import plot  # noqa: E402
import report  # noqa: E402
import task_bundle  # noqa: E402
import webkit_session  # noqa: E402
from blazepose_tools import browsers  # noqa: E402
from blazepose_tools.static_server import serve_in_background  # noqa: E402

# The bench's own flags on top of browsers.py's: WebGL (legacy MediaPipe graph, tasks-vision GPU
# delegate) may fall back to SwiftShader where there is no GPU, as it does here.
BENCH_FLAGS = ("--enable-unsafe-swiftshader", "--ignore-gpu-blocklist")
# Linux Chromium hands out WebGPU adapters only with this flag (--unsafe-webgpu).
UNSAFE_WEBGPU_FLAG = "--enable-unsafe-webgpu"
BROWSERS = ("debian", "webnn")
# Not Playwright: Firefox over WebDriver BiDi, WebKitGTK over WebKitWebDriver (bench/*_session.py).
SESSION_BROWSERS = {"firefox": firefox_session, "webkit": webkit_session}
MODELS = ("lite", "full", "heavy")
DEFAULT_CLIPS = ("pose2sim_single_cam01", "synth_messi_zoompan")
LOCAL_SCHEMES = ("data", "blob")
# Marker ours.js puts in front of "this backend is not in this browser" errors.
UNAVAILABLE_MARK = "BENCH_UNAVAILABLE: "


@dataclass(frozen=True)
class Contender:
    """One row of the tables: a page and, for ours, the backend it asks for."""

    name: str
    page: str  # path and query start, relative to the served root; ends with "?" or "&"
    backend: str | None = None  # ours only: auto, wasm, webnn, webgpu
    threads: int | None = None  # ours wasm only
    webgl: bool = False  # models run through WebGL (SwiftShader without a GPU): few frames
    needs: str | None = None  # browser capability the row needs: "webnn" or "webgpu"

    @property
    def ours(self) -> bool:
        return self.backend is not None


def ours(backend: str, threads: int | None = None) -> Contender:
    name = f"ours-{backend}" + (f"-t{threads}" if threads else "")
    page = f"index.html?source=none&backend={backend}&" + (f"threads={threads}&" if threads else "")
    needs = backend if backend in ("webnn", "webgpu") else None
    return Contender(name, page, backend=backend, threads=threads, needs=needs)


MEDIAPIPE = {
    "tasks_vision_cpu": Contender(
        "tasks_vision_cpu", "_bench/pages/tasks_vision.html?delegate=CPU&"
    ),
    "mediapipe_pose": Contender("mediapipe_pose", "_bench/pages/mediapipe_pose.html?", webgl=True),
    "tasks_vision_gpu": Contender(
        "tasks_vision_gpu", "_bench/pages/tasks_vision.html?delegate=GPU&", webgl=True
    ),
}
DEFAULT_CONTENDERS = ("ours", "tasks_vision_cpu", "mediapipe_pose", "tasks_vision_gpu")
# The peers with a numPoses of their own (the legacy mediapipe_pose tracks one person).
MULTI_PERSON = ("tasks_vision_cpu", "tasks_vision_gpu")


def thread_counts(spec: str, cores: int) -> list[int]:
    """``auto``: 1 and 2 threads, and 4 where the machine has at least 4 cores."""
    if spec == "auto":
        return [1, 2] + ([4] if cores >= 4 else [])
    return [int(t) for t in spec.split(",") if t]


def expand_contenders(names: list[str], threads: list[int]) -> list[Contender]:
    """``ours`` = every backend row; ``ours-wasm`` = wasm at each thread count; else one row."""
    rows: list[Contender] = []
    for name in names:
        if name == "ours":
            rows += [ours("auto"), *(ours("wasm", t) for t in threads)]
            rows += [ours("webnn"), ours("webgpu")]
        elif name == "ours-wasm":
            rows += [ours("wasm", t) for t in threads]
        elif name in ("ours-auto", "ours-webnn", "ours-webgpu"):
            rows.append(ours(name.removeprefix("ours-")))
        elif name.startswith("ours-wasm-t") and name.removeprefix("ours-wasm-t").isdigit():
            rows.append(ours("wasm", int(name.removeprefix("ours-wasm-t"))))
        elif name in MEDIAPIPE:
            rows.append(MEDIAPIPE[name])
        else:
            choices = "ours, ours-auto, ours-wasm, ours-wasm-tN, ours-webnn, ours-webgpu, "
            raise ValueError(
                f"unknown contender {name}; choose from {choices}{', '.join(MEDIAPIPE)}"
            )
    return list(dict.fromkeys(rows))


def browser_rows(contenders: list[Contender], browser: str, webgl_browsers: list[str]):
    """The rows a browser runs: the WebGL contenders only in ``webgl_browsers``."""
    return [c for c in contenders if not c.webgl or browser in webgl_browsers]


def unavailable_reason(contender: Contender, probe: dict) -> str | None:
    """Why the probed browser cannot run the row (None: run it)."""
    if contender.needs:
        offer = probe.get(contender.needs) or {}
        if not offer.get("available"):
            return f"not available: {contender.needs}: {offer.get('reason', 'not probed')}"
    return None


def page_unavailable(error: str) -> str | None:
    """The page's own "backend not in this browser" message, marked by ours.js."""
    if UNAVAILABLE_MARK not in error:
        return None
    return "not available: " + error.split(UNAVAILABLE_MARK, 1)[1].splitlines()[0].strip()


def is_local(url: str) -> bool:
    """Only loopback, ``data:`` and ``blob:`` URLs may load."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == "127.0.0.1"


def parse_args(argv: list[str]) -> argparse.Namespace:
    if argv[:1] == ["--"]:  # `build.py bench -- --models lite` passes the separator through
        argv = argv[1:]
    p = argparse.ArgumentParser(prog="build.py bench", description=__doc__.splitlines()[0])
    p.add_argument(
        "--browsers",
        default=",".join(BROWSERS),
        help="debian (/usr/bin/chromium), webnn (@sparticuz/chromium), firefox (Debian's "
        "firefox-esr, WebDriver BiDi), webkit (WebKitGTK, WebKitWebDriver); default debian,webnn",
    )
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--clips", default=",".join(DEFAULT_CLIPS))
    p.add_argument(
        "--contenders",
        default=",".join(DEFAULT_CONTENDERS),
        help="ours (= ours-auto, ours-wasm-tN, ours-webnn, ours-webgpu), any of those, "
        "tasks_vision_cpu, mediapipe_pose, tasks_vision_gpu",
    )
    p.add_argument(
        "--threads",
        default="auto",
        help="WASM thread counts of the ours-wasm rows (default auto: 1,2 and 4 on >= 4 cores)",
    )
    p.add_argument(
        "--webgl-browsers",
        default="debian",
        help="browsers that run the WebGL contenders mediapipe_pose and tasks_vision_gpu",
    )
    p.add_argument(
        "--unsafe-webgpu",
        action="store_true",
        help=f"launch with {UNSAFE_WEBGPU_FLAG} (Linux Chromium gives no WebGPU adapter without)",
    )
    p.add_argument(
        "--num-poses",
        type=int,
        default=1,
        choices=range(1, 5),
        help="people each contender tracks (ours' and tasks-vision's numPoses; default 1); "
        "the tables then count person-frames, and PCK is left out (its reference is one person)",
    )
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
    p.add_argument("--media", type=Path, default=VIDEO)
    p.add_argument("--reference", type=Path, default=REFERENCE)
    p.add_argument("--dist", type=Path, default=ROOT / "dist")
    p.add_argument("--stage", type=Path, default=ROOT / "build" / "bench" / "site")
    p.add_argument("--out", type=Path, default=BENCH / "results")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds per page step")
    return p.parse_args(argv)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def _link(target: Path, link: Path) -> None:
    _remove(link)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target.resolve(), target_is_directory=target.is_dir())


def stage(args: argparse.Namespace, models: list[str], clips: list[str], with_ours: bool) -> dict:
    """Lay out the served folder: a copy of our dist/ at the root, the bench's files in _bench/."""
    site = args.stage
    bench_dir = site / "_bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    for entry in site.iterdir():  # our previous snapshot (or links, from older runs)
        if entry.name != "_bench":
            _remove(entry)
    if with_ours:
        # A copy, not links: dist/ may be rebuilt while the bench runs (build.py dist, tests),
        # and every row must load the same build.
        for entry in args.dist.iterdir():
            if entry.name != "_bench":
                copy = shutil.copytree if entry.is_dir() else shutil.copy2
                copy(entry, site / entry.name)
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

    def watch(self, request) -> None:
        """A request listener: records the non-local ones (the dead proxy fails them)."""
        if not is_local(request.url):
            self.blocked.append(request.url)


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


def probe_browser(browser, base_url: str, timeout_s: float) -> dict:
    """What the browser offers: bench/pages/probe.js (WebNN, WebGPU adapter, WebGL renderer)."""
    blocker = Blocker()
    context = browser.new_context()
    context.route("**/*", blocker)
    try:
        page = context.new_page()
        page.goto(f"{base_url}_bench/pages/probe.html")
        page.wait_for_function("window.probeResult", timeout=timeout_s * 1000)
        return page.evaluate("window.probeResult")
    except Exception as error:  # then every row that needs a capability says why
        return {"error": f"{type(error).__name__}: {error}"[:500]}
    finally:
        context.close()


def run_contender(
    browser, base_url: str, contender: Contender, model: str, args, clips, frames, warmup, log
) -> dict:
    """Cold load (fresh context), warm reload (same context, HTTP cache), then timed clips."""
    blocker = Blocker()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    # Watched, not routed: Playwright turns the HTTP cache off where it routes requests, and
    # the warm load must be a real second visit. The browser's dead proxy stops the rest.
    context.on("request", blocker.watch)
    context.add_init_script(READY_HOOK)
    if contender.ours:
        context.add_init_script(OURS_HOOK)
    console: list[str] = []
    url = f"{base_url}{contender.page}model={model}&ttfp_clip={args.ttfp_clip}"
    if args.num_poses > 1:
        url += f"&numPoses={args.num_poses}"
    result: dict = {
        "contender": contender.name,
        "model": model,
        "clips": {},
        "num_poses": args.num_poses,
    }
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
        text = f"{type(error).__name__}: {error}"[:2000]
        reason = page_unavailable(text) if contender.ours else None
        if reason:
            result["unavailable"] = reason
            log(f"  {reason[:300]}")
        else:
            result["error"] = text
            log(f"  FAILED: {text[:300]}")
    finally:
        result["blocked"] = sorted(set(blocker.blocked))
        result["blocked_count"] = len(blocker.blocked)
        result["console"] = console[-20:]
        context.close()
    return result


def get_build(name: str) -> browsers.BrowserBuild:
    if name == "debian":
        return browsers.debian_chromium()
    if name == "webnn":
        return browsers.webnn_chromium(ROOT)
    raise browsers.BrowserUnavailable(f"unknown browser {name}; choose from {', '.join(BROWSERS)}")


def run_browser(pw, name: str, contenders, models, clips, slow_clips, args, base_url, log):
    """One browser session: probe, then every (model, contender) row. Returns (info, runs)."""
    if name in SESSION_BROWSERS:
        session = SESSION_BROWSERS[name]
        return run_session(
            name, session, contenders, models, clips, slow_clips, args, base_url, log
        )
    info: dict = {"name": name}
    try:
        build = get_build(name)
    except browsers.BrowserUnavailable as error:
        info["unavailable"] = str(error)
        log(f"browser {name}: not available: {error}")
        return info, []
    netlog_path = args.stage.parent / f"netlog_{name}.json"
    flags = [*build.flags, *browsers.FOREGROUND_FLAGS, *BENCH_FLAGS]
    if args.unsafe_webgpu:
        flags.append(UNSAFE_WEBGPU_FLAG)
    executable = build.executable
    if executable.is_relative_to(ROOT):  # no path of this machine in the results
        executable = executable.relative_to(ROOT)
    info.update(label=build.label, executable=str(executable), flags=flags)
    try:
        browser = pw.chromium.launch(
            executable_path=str(build.executable), args=[*flags, f"--log-net-log={netlog_path}"]
        )
    except Exception as error:  # a broken binary is a result, not a crash
        info["unavailable"] = f"does not start: {type(error).__name__}: {error}"[:1000]
        log(f"browser {name}: {info['unavailable'][:300]}")
        return info, []
    info["version"] = browser.version
    if info["version"] not in build.label:
        info["label"] = f"{build.label} {info['version']}"
    started = time.monotonic()
    try:
        runs = run_rows(browser, info, contenders, models, clips, slow_clips, args, base_url, log)
    finally:
        browser.close()
    outside = netlog.non_local(netlog.requested_urls(netlog_path)) if netlog_path.exists() else []
    for run in runs:
        if "window_ms" in run:
            begin, end = run["window_ms"]
            run["netlog_nonlocal"] = sorted({u for t, u in outside if begin <= t <= end})
    info["netlog_nonlocal"] = sorted({u for _, u in outside})
    info["wall_s"] = round(time.monotonic() - started, 1)
    return info, runs


def run_session(name: str, session, contenders, models, clips, slow_clips, args, base_url, log):
    """Firefox or WebKitGTK (bench/firefox_session.py, bench/webkit_session.py): no NetLog;
    the profile's dead proxy (Firefox) or the machine (WebKit) stops what would leave."""
    info: dict = {"name": name, "flags": [], "requests_watched": session.WATCHED}
    started = time.monotonic()
    try:
        with session.launch() as browser:
            info["version"] = browser.version
            info["label"] = session.label(browser.version)
            runs = run_rows(
                browser, info, contenders, models, clips, slow_clips, args, base_url, log
            )
    except browsers.BrowserUnavailable as error:
        info["unavailable"] = str(error)
        log(f"browser {name}: not available: {error}")
        return info, []
    info["wall_s"] = round(time.monotonic() - started, 1)
    return info, runs


def run_rows(browser, info, contenders, models, clips, slow_clips, args, base_url, log):
    """The probe, then every (model, contender) row of one browser."""
    name = info["name"]
    runs = []
    started = time.monotonic()
    info["probe"] = probe_browser(browser, base_url, args.timeout)
    log(f"browser {info['label']}: {report.probe_line(info['probe'])}")
    rows = browser_rows(contenders, name, args.webgl_browsers.split(","))
    for model in models:
        for contender in rows:
            log(f"[{name} {time.monotonic() - started:6.1f} s] {contender.name} / {model}")
            reason = unavailable_reason(contender, info["probe"])
            if reason:
                log(f"  {reason}")
                runs.append(_unavailable_run(contender, model, reason))
                continue
            begin = time.time() * 1000
            slow = contender.webgl
            run_clips = slow_clips if slow else clips
            frames = args.slow_frames if slow else args.frames
            # One warm-up frame is enough once the first-pose runs compiled the shaders.
            warmup = min(1, args.warmup) if slow else args.warmup
            run = run_contender(
                browser, base_url, contender, model, args, run_clips, frames, warmup, log
            )
            run["window_ms"] = (begin, time.time() * 1000)
            runs.append(run)
    for run in runs:
        run["browser"] = name
    return runs


def _unavailable_run(contender: Contender, model: str, reason: str) -> dict:
    return {
        "contender": contender.name,
        "model": model,
        "clips": {},
        "unavailable": reason,
        "blocked": [],
        "blocked_count": 0,
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.from_raw:
        return finish(args, json.loads(args.from_raw.read_text()))
    models = [m for m in args.models.split(",") if m]
    clips = [c for c in args.clips.split(",") if c]
    browser_names = [b for b in args.browsers.split(",") if b]
    cores = machine.core_count()
    threads = thread_counts(args.threads, cores)
    try:
        contenders = expand_contenders([c for c in args.contenders.split(",") if c], threads)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if args.num_poses > 1:
        single = [c.name for c in contenders if c.name not in MULTI_PERSON and not c.ours]
        if single:
            print(f"note: {', '.join(single)} track one person: left out", file=sys.stderr)
        contenders = [c for c in contenders if c.ours or c.name in MULTI_PERSON]
    slow_clips = [c for c in (args.slow_clips or args.ttfp_clip).split(",") if c]
    ours_ready = (args.dist / "index.html").exists()
    if any(c.ours for c in contenders) and not ours_ready:
        print(f"note: {args.dist}/index.html missing: skipping our rows", file=sys.stderr)
        contenders = [c for c in contenders if not c.ours]

    def log(message: str) -> None:
        print(message, flush=True)

    load_before = os.getloadavg()[0]
    with_ours = ours_ready and any(c.ours for c in contenders)
    manifests = stage(args, models, clips + slow_clips, with_ours)
    server, base_url = serve_in_background(args.stage)
    from playwright.sync_api import sync_playwright

    runs: list[dict] = []
    browser_info: list[dict] = []
    started = time.monotonic()
    try:
        with sync_playwright() as pw:
            for name in browser_names:
                info, browser_runs = run_browser(
                    pw, name, contenders, models, clips, slow_clips, args, base_url, log
                )
                browser_info.append(info)
                runs += browser_runs
    finally:
        server.shutdown()
    config = {
        "browsers": browser_names,
        "models": models,
        "clips": clips,
        "webgl_clips": slow_clips,
        "webgl_browsers": args.webgl_browsers.split(","),
        "contenders": [c.name for c in contenders],
        "threads": threads,
        "frames": args.frames,
        "webgl_frames": args.slow_frames,
        "warmup": args.warmup,
        "max_side": args.max_side,
        "ttfp_clip": args.ttfp_clip,
        "num_poses": args.num_poses,
        "wall_s": round(time.monotonic() - started, 1),
        "load_average_1m_before": round(load_before, 2),
    }
    raw = {
        "runs": runs,
        "browsers": browser_info,
        "manifests": manifests,
        "config": config,
        "machine": machine.describe(),
    }
    raw_text = json.dumps(raw)
    (args.stage.parent / "bench_raw.json").write_text(raw_text)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    (args.stage.parent / "raw").mkdir(exist_ok=True)
    (args.stage.parent / "raw" / f"bench_raw_{stamp}.json").write_text(raw_text)
    return finish(args, raw)


def finish(args: argparse.Namespace, raw: dict) -> int:
    """Summarise, print the tables, write bench.json, bench.md and bench.png."""
    runs = raw["runs"]
    browser_info = raw.get("browsers") or [  # raw results from before one session per browser
        {
            "name": report.DEFAULT_BROWSER,
            "label": f"Debian Chromium {raw['machine'].get('chromium', '')}".strip(),
            "netlog_nonlocal": raw.get("netlog_nonlocal_session", []),
        }
    ]
    results = report.summarise(runs, raw["manifests"], args.reference, browser_info)
    results["machine"] = raw["machine"]
    results["config"] = raw["config"]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(results, indent=1))
    plot.write(results, args.out / "bench.png")
    text = report.document(results)
    (args.out / "bench.md").write_text(text)
    print(text)
    print(f"wrote bench.json, bench.md and bench.png in {args.out}")
    return 0 if all("error" not in r for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""BlazePose Web: the one entry point that sets up, builds, serves, tests and benchmarks.

    python3 build.py serve     # set up everything, build dist/, serve it on 127.0.0.1
    python3 build.py test      # set up everything, build, lint and run the whole test suite
    python3 build.py bench     # benchmark against MediaPipe's web builds in headless Chromium

Other steps: ``setup`` (virtual environment, npm packages, Chromium), ``models`` (convert and
verify the ONNX models), ``dist`` (assemble the static site). Every step runs the ones it
needs first and skips work whose inputs did not change.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# This checkout's tooling, whichever checkout the virtual environment's editable install names.
sys.path.insert(0, str(ROOT / "py"))
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
NODE_MODULES = ROOT / "node_modules"
MODELS = ROOT / "models"
DIST = ROOT / "dist"
CHROMIUM = Path("/usr/bin/chromium")
# Debian package -> a file it installs (glob), which shows that it is there: Chromium for the
# tests and bench, ffmpeg for test clips, Firefox and WebKitGTK (Safari's engine, with Xvfb
# for a display and GStreamer's H.264/VP9 decoders) for tests/browser/test_engines.py.
DEBIAN_PACKAGES = {
    "chromium": "/usr/bin/chromium",
    "ffmpeg": "/usr/bin/ffmpeg",
    "firefox-esr": "/usr/bin/firefox-esr",
    "webkit2gtk-driver": "/usr/bin/WebKitWebDriver",
    "xvfb": "/usr/bin/xvfb-run",
    "gstreamer1.0-libav": "/usr/lib/*/gstreamer-1.0/libgstlibav.so",
    "gstreamer1.0-plugins-good": "/usr/lib/*/gstreamer-1.0/libgstisomp4.so",
    "gstreamer1.0-plugins-bad": "/usr/lib/*/gstreamer-1.0/libgstvideoparsersbad.so",
}
LINTED = ["py", "tests", "bench", "web", "build.py"]
BIOME = NODE_MODULES / ".bin" / "biome"  # JS lint + format check of web/ (biome.json)


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    log(" ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[arg-type]


def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes())
    return h.hexdigest()


def stamp_matches(stamp: Path, value: str) -> bool:
    return stamp.exists() and stamp.read_text() == value


# --- setup -------------------------------------------------------------------------------


def setup_debian() -> None:
    missing = [name for name, path in DEBIAN_PACKAGES.items() if not glob.glob(path)]
    if not missing:
        return
    if os.geteuid() != 0:
        packages = " ".join(missing)
        sys.exit(f"[build] please install Debian packages first: sudo apt-get install {packages}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def setup_python() -> None:
    if not VENV_PYTHON.exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    stamp = VENV / ".blazepose-stamp"
    key = digest(ROOT / "pyproject.toml")
    if stamp_matches(stamp, key):
        return
    run([str(VENV_PYTHON), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    run([str(VENV_PYTHON), "-m", "pip", "install", "-q", "-e", f"{ROOT}[cli,build,bench,test]"])
    stamp.write_text(key)


def setup_node() -> None:
    stamp = NODE_MODULES / ".blazepose-stamp"
    key = digest(ROOT / "package.json", ROOT / "package-lock.json")
    if stamp_matches(stamp, key):
        return
    run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=ROOT)
    stamp.write_text(key)


def setup_webnn_chromium() -> None:
    """Unpacks the WebNN-capable Chromium of the pinned npm package (tests and benchmark)."""
    from blazepose_tools.browsers import BrowserUnavailable, prepare_webnn_chromium

    try:
        prepare_webnn_chromium(ROOT)
    except BrowserUnavailable as error:  # the WebNN tests and bench rows then say why
        log(f"WebNN Chromium unavailable: {error}")


def setup() -> None:
    setup_debian()
    setup_python()
    setup_node()
    setup_webnn_chromium()


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def reexec_in_venv(argv: list[str]) -> None:
    """Run the rest of the build with the project's virtual environment."""
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(ROOT / "build.py"), *argv])


# --- build steps (run inside the virtual environment) ------------------------------------


def build_models(force: bool = False) -> None:
    from blazepose_tools.model_build import build_models as convert

    convert(NODE_MODULES, MODELS, force=force)


def build_dist() -> None:
    from blazepose_tools.site_build import assemble_dist

    assemble_dist(ROOT, DIST)
    size_mib = sum(f.stat().st_size for f in DIST.rglob("*") if f.is_file()) >> 20
    log(f"dist/ assembled ({size_mib} MiB)")


def serve(host: str, port: int, isolate: bool) -> None:
    from blazepose_tools.static_server import make_server

    server = make_server(DIST, host, port, isolate)
    bound_host, bound_port = server.server_address[:2]
    print(
        f"Serving BlazePose Web at http://{bound_host}:{bound_port}/  (Ctrl+C to stop)", flush=True
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


def test(pytest_args: list[str]) -> int:
    run([str(BIOME), "ci", "web"], cwd=ROOT)
    ruff = str(VENV / "bin" / "ruff")
    run([ruff, "check", *LINTED], cwd=ROOT)
    run([ruff, "format", "--check", *LINTED], cwd=ROOT)
    return subprocess.run([str(VENV_PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def bench(bench_args: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "bench"))
    if "--startup-only" in bench_args:  # bench/startup.py: time to first pose, per step
        from startup import main as startup_main

        return startup_main([a for a in bench_args if a != "--startup-only"])
    from run import main as bench_main  # bench/run.py

    return bench_main(bench_args)


def soak(soak_args: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "bench"))
    from soak import main as soak_main  # bench/soak.py

    return soak_main(soak_args)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="virtual environment, npm packages, Chromium")
    models = sub.add_parser("models", help="convert and verify the ONNX models")
    models.add_argument(
        "--force", action="store_true", help="reconvert even if inputs are unchanged"
    )
    sub.add_parser("dist", help="assemble the static site in dist/")
    serve_p = sub.add_parser("serve", help="build and serve dist/ on 127.0.0.1")
    serve_p.add_argument("--host", default="127.0.0.1")
    serve_p.add_argument("--port", type=int, default=8000)
    serve_p.add_argument(
        "--no-isolation",
        action="store_true",
        help="send no COOP/COEP/CSP headers, like a host that cannot set them "
        "(the service worker adds them from the second load on)",
    )
    sub.add_parser(
        "test", help="build, lint and run the whole test suite (extra options go to pytest)"
    )
    sub.add_parser(
        "bench",
        help="benchmark against MediaPipe in headless Chromium (options go to bench/run.py)",
    )
    sub.add_parser(
        "soak",
        help="track a looping fake camera for minutes, record memory and FPS "
        "(options go to bench/soak.py: --minutes 10 --model lite --backend auto)",
    )
    args, passthrough = parser.parse_known_args(argv)
    if passthrough and args.command not in ("test", "bench", "soak"):
        parser.error(f"unrecognized arguments: {' '.join(passthrough)}")

    if not in_venv():
        setup()
        reexec_in_venv(argv)
    if args.command == "setup":
        return 0
    build_models(force=getattr(args, "force", False))
    if args.command == "models":
        return 0
    build_dist()
    if args.command == "serve":
        serve(args.host, args.port, not args.no_isolation)
        return 0
    if args.command == "test":
        return test(passthrough)
    if args.command == "bench":
        return bench(passthrough)
    if args.command == "soak":
        return soak(passthrough)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

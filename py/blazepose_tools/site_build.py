"""Assembles the static site in dist/: the page, its runtimes, the models and the Python.

Layout of dist/:
    index.html, *.js, app.py, pyscript.json, embed.html   <- web/
    contract.js                                           <- blazepose.contract.render_js()
    static/                                               <- static/ (styles, sample clip)
    vendor/pyscript/   all of @pyscript/core/dist
    vendor/pyodide/    the Pyodide core (no packages: the page's Python is standard library only)
    vendor/ort/        onnxruntime-web: WASM-only, JSPI, asyncify builds (contract.ORT_BUILDS)
    models/            *.onnx and manifest.json
    service-worker.js  web/service-worker.js with this build's facts (offline_build)
    _headers           the headers every response should carry (site_headers)
    *.br, *.gz         precompressed copies (precompress), sent with Content-Encoding
    *.partN            files over 24 MiB in parts, listed in split-files.json (split_files)
    python.zip         the whole py/blazepose package (unpacked by PyScript's `files`); it is
                       standard library only (tests/test_site_build.py checks every import)

Source maps are not shipped. Re-running is cheap: files whose size and modification time
match are not copied (nor compressed) again, and files that no longer belong are removed.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path

from blazepose.contract import DETECTOR_FILE, ORT_BUILDS, render_js

from blazepose_tools.offline_build import SERVICE_WORKER, build_facts, render_service_worker
from blazepose_tools.precompress import precompress
from blazepose_tools.pyodide_snapshot import SNAPSHOT_FILE, build_snapshot
from blazepose_tools.site_headers import HEADERS_FILE, render_headers_file, site_headers
from blazepose_tools.split_files import site_after_split, split_large

PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
# The ONNX Runtime builds the page picks from per backend (contract.ORT_BUILDS).
ORT_FILES = tuple(name for build in ORT_BUILDS.values() for name in build.values())
# A fixed timestamp keeps python.zip byte-identical between builds of the same sources.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def package_files(package_dir: Path) -> list[tuple[Path, str]]:
    """Every module of the package with its name inside python.zip (`blazepose/...`)."""
    return [
        (path, f"{package_dir.name}/{path.relative_to(package_dir).as_posix()}")
        for path in sorted(package_dir.rglob("*.py"))
        if "__pycache__" not in path.parts
    ]


def _write_zip(target: Path, files: Iterable[tuple[Path, str]]) -> None:
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for source, arcname in files:
            info = zipfile.ZipInfo(arcname, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, source.read_bytes())
    if target.exists() and target.read_bytes() == tmp.read_bytes():
        tmp.unlink()
    else:
        tmp.replace(target)


def _write_text(target: Path, text: str) -> None:
    """Writes `text` unless the file already holds exactly it (keeps its mtime)."""
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return
    target.write_text(text, encoding="utf-8")


def _copy(source: Path, target: Path) -> None:
    if target.exists():
        s, t = source.stat(), target.stat()
        if s.st_size == t.st_size and int(s.st_mtime) == int(t.st_mtime):
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _tree(directory: Path) -> dict[str, Path]:
    return {
        p.relative_to(directory).as_posix(): p
        for p in sorted(directory.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".map"
    }


# web/ holds its files by role; each role folder is served at the site root (so every URL,
# e.g. pose-landmarker.js or index.html, stays where users point): web/<role>/<path> -> <path>.
WEB_ROLES = ("engine", "shared", "page", "embed", "offline")


def web_files(web: Path) -> dict[str, Path]:
    """The page's files: path inside dist/ -> source file in web/<role>/."""
    files: dict[str, Path] = {}
    for rel, path in _tree(web).items():
        role, _, site_path = rel.partition("/")
        if role not in WEB_ROLES or not site_path:
            raise ValueError(f"web/{rel} is in no role folder of web/ {WEB_ROLES}")
        if site_path in files:
            raise ValueError(f"web/{rel} and {files[site_path]} are both served as {site_path}")
        files[site_path] = path
    return files


def site_plan(root: Path) -> dict[str, Path]:
    """Every file of the site: path inside dist/ -> source file."""
    node = root / "node_modules"
    plan: dict[str, Path] = {}
    plan.update(web_files(root / "web"))
    plan.pop(SERVICE_WORKER, None)  # rendered with the build's facts by assemble_dist
    plan.update({f"static/{k}": v for k, v in _tree(root / "static").items()})
    plan.update({f"vendor/pyscript/{k}": v for k, v in _tree(node / "@pyscript/core/dist").items()})
    plan.update({f"vendor/pyodide/{n}": node / "pyodide" / n for n in PYODIDE_FILES})
    plan.update({f"vendor/ort/{n}": node / "onnxruntime-web/dist" / n for n in ORT_FILES})
    models = root / "models"
    for path in (
        sorted(models.glob("*.onnx")) + [models / "manifest.json"] + sorted(models.glob("LICENSE*"))
    ):
        if path.exists():
            plan[f"models/{path.name}"] = path
    missing = [str(p) for p in plan.values() if not p.exists()]
    if missing:
        raise FileNotFoundError(f"site inputs missing (run `python3 build.py setup`): {missing}")
    return plan


def finish_site(dist: Path, site: Iterable[str], worker_template: str) -> set[str]:
    """Adds what the files `site` (paths in `dist`) need to be served: _headers, the service
    worker with their hashes, precompressed copies. Returns every path of the finished site."""
    site = sorted(site)
    headers = site_headers(dist)
    _write_text(dist / HEADERS_FILE, render_headers_file(headers))
    facts = build_facts(dist, site, headers)
    _write_text(dist / SERVICE_WORKER, render_service_worker(worker_template, facts))
    served = [*site, SERVICE_WORKER]
    copies = precompress([dist / rel for rel in served])
    return {*served, HEADERS_FILE} | {c.relative_to(dist).as_posix() for c in copies}


# Pages name contract facts by token, filled in here (e.g. the detector preloaded from
# index.html's head, before any module that could import contract.js has run).
PAGE_TOKENS = {"%DETECTOR_FILE%": DETECTOR_FILE}


def render_page(text: str, split: dict[str, list[str]] | None = None) -> str:
    """A page's text with its contract tokens filled in, and a preload of a file the build
    split (split_files) turned into one preload per part."""
    for token, value in PAGE_TOKENS.items():
        text = text.replace(token, value)
    for path, parts in (split or {}).items():
        pattern = re.compile(rf'^([ \t]*)(<link rel="preload" href="){re.escape(path)}(".*)$', re.M)
        text = pattern.sub(
            lambda m, parts=parts: "\n".join(f"{m[1]}{m[2]}{part}{m[3]}" for part in parts), text
        )
    return text


def assemble_dist(root: Path, dist: Path) -> None:
    """Builds (or refreshes) the static site for `root` in `dist`."""
    root, dist = Path(root), Path(dist)
    plan = site_plan(root)
    dist.mkdir(parents=True, exist_ok=True)
    for rel, source in plan.items():
        if source.suffix != ".html":
            _copy(source, dist / rel)
    _write_zip(dist / "python.zip", package_files(root / "py" / "blazepose"))
    _write_text(dist / "contract.js", render_js())
    site = sorted(set(plan) | {"python.zip", "contract.js"})
    snapshot = build_snapshot(root, dist / "python.zip")  # made in Node, cached by inputs
    if snapshot:
        _copy(snapshot, dist / SNAPSHOT_FILE)
        site = sorted({*site, SNAPSHOT_FILE})
    split = split_large(dist, [rel for rel in site if not rel.endswith(".html")])
    for rel, source in plan.items():
        if source.suffix == ".html":
            (dist / rel).parent.mkdir(parents=True, exist_ok=True)
            page = render_page(source.read_text(encoding="utf-8"), split)
            _write_text(dist / rel, page)
    site = site_after_split(site, split)
    worker = web_files(root / "web")[SERVICE_WORKER].read_text(encoding="utf-8")
    keep = finish_site(dist, site, worker)
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        if path.relative_to(dist).as_posix() not in keep:
            path.unlink()
    for directory in sorted((p for p in dist.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()

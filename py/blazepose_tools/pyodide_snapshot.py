"""The Pyodide memory snapshot the page boots from (web/engine/pyodide-boot.mjs).

Made at build time in Node by pyodide_snapshot.mjs with the site's own Pyodide and python.zip:
Python initialised and every module of the blazepose package imported, so the page skips
Python's start-up and the imports. A snapshot only fits the exact pyodide.asm.wasm and
package it was made with, so it is cached under .cache/pyodide-snapshot/ by the hash of
those inputs and remade when any of them changes. Needs Node (the build already does, for
npm); without it the site ships no snapshot and Pyodide boots as usual.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

SNAPSHOT_FILE = "pyodide-snapshot.bin"
MAKER = Path(__file__).with_name("pyodide_snapshot.mjs")
PYODIDE_INPUTS = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")


def snapshot_key(pyodide_dir: Path, python_zip: Path) -> str:
    """Hash of everything the snapshot depends on."""
    digest = hashlib.sha256()
    for path in [*(pyodide_dir / n for n in PYODIDE_INPUTS), python_zip, MAKER]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_snapshot(root: Path, python_zip: Path) -> Path | None:
    """The snapshot for this Pyodide and python.zip (made, or from the cache); None (with a
    note on stderr) where Node is missing or the snapshot cannot be made."""
    pyodide_dir = (root / "node_modules" / "pyodide").resolve()
    cache = root / ".cache" / "pyodide-snapshot"
    target = cache / f"{snapshot_key(pyodide_dir, python_zip)}.bin"
    if target.exists():
        return target
    node = shutil.which("node")
    if node is None:
        print("[build] no node: the site ships without a Pyodide snapshot (slower start-up)")
        return None
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("*.bin"):
        old.unlink()
    partial = target.with_suffix(".partial")
    command = [node, str(MAKER), str(pyodide_dir / "pyodide.mjs"), str(python_zip), str(partial)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not partial.exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        print(f"[build] Pyodide snapshot failed ({tail[0][:300]}): shipping without one")
        partial.unlink(missing_ok=True)
        return None
    partial.rename(target)
    return target

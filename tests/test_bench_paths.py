"""The benchmark finds the shared data one way (bench/paths.py, honouring BLAZEPOSE_SHARED like
the tests) and no module hard-codes ../shared or puts py/ on sys.path itself."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from support.paths import BENCH, ROOT


def test_only_paths_py_knows_where_shared_is() -> None:
    for path in sorted(BENCH.rglob("*.py")):
        if path.name == "paths.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""["']shared["']""", text), f"{path.name} hard-codes shared/"
        assert 'sys.path.insert(0, str(ROOT / "py"))' not in text, path.name


def test_shared_honours_the_environment(tmp_path) -> None:
    code = "import paths; print(paths.SHARED, paths.VIDEO, paths.REFERENCE)"
    env = {**os.environ, "BLAZEPOSE_SHARED": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=BENCH, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        str(tmp_path),
        str(tmp_path / "media" / "video"),
        str(tmp_path / "reference" / "mediapipe"),
    ]
    env.pop("BLAZEPOSE_SHARED")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=BENCH, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == str(ROOT.parent / "shared")

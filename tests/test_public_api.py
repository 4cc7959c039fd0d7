"""The Python package's front: `blazepose` exports the tracker and the analysis by name, and
every package folder (blazepose.analysis included) is one pyproject.toml ships."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch

import blazepose
from blazepose import analysis, tracker
from support.paths import ROOT


def test_public_names_are_the_modules_own() -> None:
    assert set(blazepose.__all__) >= {"PoseTracker", "PoseResult", "TrackerOptions", "Analyzer"}
    for name in blazepose.__all__:
        home = tracker if hasattr(tracker, name) else analysis
        assert getattr(blazepose, name) is getattr(home, name), name


def test_pyproject_ships_every_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    py = ROOT / "py"
    packages = {
        ".".join(p.parent.relative_to(py).parts)
        for p in py.rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert "blazepose.analysis" in packages
    assert [
        p for p in sorted(packages) if not any(fnmatch(p, pattern) for pattern in include)
    ] == []

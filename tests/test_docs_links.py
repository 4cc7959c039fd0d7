"""The front door and the docs point at files that exist: every relative link of README.md,
docs/*.md and bench/results/summary.md, and every `path/...` the README's layout table names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.paths import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PAGES.append(ROOT / "bench" / "results" / "summary.md")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(page: Path) -> None:
    links = [m for m in LINK.findall(page.read_text(encoding="utf-8")) if "://" not in m]
    missing = [link for link in links if not (page.parent / link).exists()]
    assert not missing, f"{page.name} links to missing files: {missing}"


def test_layout_table_names_existing_folders() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    folders = re.findall(r"^\| `([\w./-]+/)` \|", layout, re.M)
    assert len(folders) >= 10
    assert [f for f in folders if not (ROOT / f).is_dir()] == []
    # every folder of web/ and of the Python package is in the table
    for parent in (ROOT / "web", ROOT / "py" / "blazepose"):
        for child in parent.iterdir():
            if child.is_dir() and child.name != "__pycache__":
                assert f"{child.relative_to(ROOT).as_posix()}/" in folders, child

"""web/ by role: what each folder's code may reach. A page that imports pose-landmarker.js gets
web/engine/ and nothing else of web/ (tests/browser/test_page.py checks the same in a browser);
the drawing, sources and live loop the page and <blazepose-view> share (web/shared/) need only
the engine; the site serves each role folder at its root with no name served twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from blazepose_tools.site_build import WEB_ROLES, web_files
from support.paths import WEB

# Site files a module names: static and dynamic imports, and URLs it resolves itself.
REFERENCE = re.compile(
    r"(?:\bfrom\s+|\bimport\s*\(\s*|\bnew URL\(\s*|\burl\(\s*)"
    r"""["'`](?:\./)?([\w./-]+\.(?:js|mjs|py))["'`]"""
)
# Not in web/: the generated contract and the vendored runtimes.
BUILT = {"contract.js"}
SITE = web_files(WEB)


def references(path: Path) -> set[str]:
    text = "\n".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("//")
    )
    return {m for m in REFERENCE.findall(text) if not m.startswith("vendor/")} - BUILT


def role(site_path: str) -> str:
    return SITE[site_path].relative_to(WEB).parts[0]


def closure(start: str) -> set[str]:
    """Every web/ file `start` reaches through the files it names."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        assert name in SITE, f"{name} is named but no web/ file is served as it"
        seen.add(name)
        todo.extend(references(SITE[name]))
    return seen


def test_every_role_folder_exists_and_holds_files() -> None:
    assert {role(p) for p in SITE} == set(WEB_ROLES)


def test_the_engine_reaches_only_the_engine() -> None:
    reached = closure("pose-landmarker.js")
    assert {
        "tracker-session.js",
        "app.py",
        "pyodide-boot.mjs",
        "backend-timing-worker.js",
    } <= reached
    assert {p: role(p) for p in reached if role(p) != "engine"} == {}
    # ... and every engine module is reached: web/engine/ holds no code the engine does not
    # use (beside them: pose-landmarker.d.ts, the declared API).
    engine = {p for p in SITE if role(p) == "engine"}
    assert engine - reached == {"pose-landmarker.d.ts"}


@pytest.mark.parametrize("start", sorted(p for p in SITE if role(p) == "shared"))
def test_shared_code_needs_only_the_engine(start: str) -> None:
    assert {p for p in closure(start) if role(p) not in ("shared", "engine")} == set()


def test_no_role_below_the_page_reaches_the_page() -> None:
    for start in (p for p in SITE if role(p) in ("engine", "shared", "embed", "offline")):
        if SITE[start].suffix in (".js", ".mjs"):
            assert {p for p in closure(start) if role(p) == "page"} == set(), start


def test_site_build_refuses_a_file_outside_the_roles_and_a_name_served_twice(
    tmp_path: Path,
) -> None:
    (tmp_path / "engine").mkdir()
    (tmp_path / "page").mkdir()
    (tmp_path / "engine" / "a.js").write_text("")
    assert web_files(tmp_path) == {"a.js": tmp_path / "engine" / "a.js"}
    (tmp_path / "page" / "a.js").write_text("")
    with pytest.raises(ValueError, match="both served as a.js"):
        web_files(tmp_path)
    (tmp_path / "page" / "a.js").unlink()
    (tmp_path / "stray.js").write_text("")
    with pytest.raises(ValueError, match="no role folder"):
        web_files(tmp_path)

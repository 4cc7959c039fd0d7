"""docs/browsers.md's support table stays true: every ✓ names a test that exists and runs in
that engine (Chromium: a Playwright test; Firefox and WebKit: a `test_engine_*` test, which
the `engine` fixtures of test_engines.py and test_engine_features.py run once per engine),
and every other cell says why."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from test_engines import ENGINES

ROOT = Path(__file__).resolve().parents[2]
TABLE_FILE = ROOT / "docs" / "browsers.md"
HERE = Path(__file__).resolve().parent
COLUMNS = {"Chromium": "chromium", "Firefox": "firefox", "WebKit": "webkit"}


def read_table(name: str, text: str | None = None) -> list[dict[str, str]]:
    """The rows of the table between `<!-- name -->` and `<!-- /name -->`, as dicts."""
    text = TABLE_FILE.read_text() if text is None else text
    block = text.split(f"<!-- {name} -->", 1)[1].split(f"<!-- /{name} -->", 1)[0]
    lines = [line.strip().strip("|").split("|") for line in block.strip().splitlines()]
    header = [cell.strip() for cell in lines[0]]
    return [dict(zip(header, (cell.strip() for cell in row), strict=True)) for row in lines[2:]]


def write_table(name: str, rows: list[dict[str, str]]) -> None:
    """Replaces the table `name` in docs/browsers.md by `rows` (same columns)."""
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row[h] for h in header) + " |" for row in rows]
    text = TABLE_FILE.read_text()
    pattern = re.compile(f"(<!-- {name} -->\n).*?(\n<!-- /{name} -->)", re.S)
    TABLE_FILE.write_text(pattern.sub(lambda m: m[1] + "\n".join(lines) + m[2], text))


def browser_test_names() -> set[str]:
    """The test functions of tests/browser."""
    return {
        node.name
        for path in HERE.glob("test_*.py")
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def test_every_tick_names_a_test_of_that_engine() -> None:
    assert set(COLUMNS.values()) - {"chromium"} == set(ENGINES)
    names = browser_test_names()
    per_engine = {n for n in names if n.startswith("test_engine_")}  # run once per engine
    chromium = names - per_engine
    rows = read_table("support-table")
    assert len(rows) >= 10
    for row in rows:
        named = {t.strip() for t in row["tests"].split(",")}
        assert named <= names, f"{row['feature']}: no test {named - names}"
        for column, engine in COLUMNS.items():
            cell = row[column]
            if cell != "✓":
                assert len(cell) > 10, f"{row['feature']} / {column}: say why, not {cell!r}"
                continue
            tests = named & (chromium if engine == "chromium" else per_engine)
            assert tests, f"{row['feature']} / {column}: ✓ without a test in that engine"

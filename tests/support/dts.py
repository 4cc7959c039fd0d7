"""Reads the declared engine API (web/engine/pose-landmarker.d.ts): the fields of an
interface or class, the names of a string-literal union."""

from __future__ import annotations

import re

from support.paths import WEB

DTS_FILE = WEB / "engine" / "pose-landmarker.d.ts"
DTS = DTS_FILE.read_text(encoding="utf-8")


def declared(name: str) -> set[str]:
    """The own fields of `interface name` (or members of `class name`); optional ones too."""
    match = re.search(
        rf"^export (?:interface|class) {name}\b[^{{]*\{{\n(.*?)^\}}", DTS, re.M | re.S
    )
    assert match, f"{name} is not declared in {DTS_FILE.name}"
    return set(re.findall(r"^  (?:static |readonly )?(\w+)\??[:(]", match[1], re.M))


def optional(name: str) -> set[str]:
    """The fields of `interface name` marked optional (`field?:`)."""
    match = re.search(rf"^export interface {name}\b[^{{]*\{{\n(.*?)^\}}", DTS, re.M | re.S)
    assert match, name
    return set(re.findall(r"^  (\w+)\?:", match[1], re.M))


def union(name: str) -> set[str]:
    """The string literals of `type name = "a" | "b"`."""
    match = re.search(rf"^export type {name} = ([^;]+);", DTS, re.M)
    assert match, name
    return set(re.findall(r'"(\w+)"', match[1]))

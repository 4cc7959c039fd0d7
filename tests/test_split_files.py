"""Files over the static hosts' per-file cap are split into parts at build time and listed;
the parts join back to the file, and a page's preload of such a file preloads its parts."""

from __future__ import annotations

import json
from pathlib import Path

from blazepose_tools.site_build import render_page
from blazepose_tools.split_files import LIST_FILE, part_names, site_after_split, split_large


def test_part_names() -> None:
    assert part_names("a.bin", 10, part_bytes=10) == []
    assert part_names("a.bin", 11, part_bytes=10) == ["a.bin.part0", "a.bin.part1"]
    assert len(part_names("m/x.onnx", 26 << 20)) == 2  # the heavy model at the default cap


def test_split_join_and_site(tmp_path: Path) -> None:
    data = bytes(range(256)) * 100  # 25,600 bytes
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "big.onnx").write_bytes(data)
    (tmp_path / "small.js").write_bytes(b"x" * 100)
    split = split_large(tmp_path, ["m/big.onnx", "small.js"], part_bytes=10_000)
    assert split == {"m/big.onnx": ["m/big.onnx.part0", "m/big.onnx.part1", "m/big.onnx.part2"]}
    joined = b"".join((tmp_path / p).read_bytes() for p in split["m/big.onnx"])
    assert joined == data
    assert all((tmp_path / p).stat().st_size <= 10_000 for p in split["m/big.onnx"])
    assert json.loads((tmp_path / LIST_FILE).read_text()) == split
    assert site_after_split(["m/big.onnx", "small.js"], split) == [
        "m/big.onnx.part0", "m/big.onnx.part1", "m/big.onnx.part2", "small.js", LIST_FILE,
    ]  # fmt: skip


def test_preload_of_a_split_file_preloads_its_parts() -> None:
    page = '<head>\n  <link rel="preload" href="snap.bin" as="fetch" crossorigin>\n</head>'
    out = render_page(page, {"snap.bin": ["snap.bin.part0", "snap.bin.part1"]})
    assert out == (
        '<head>\n  <link rel="preload" href="snap.bin.part0" as="fetch" crossorigin>\n'
        '  <link rel="preload" href="snap.bin.part1" as="fetch" crossorigin>\n</head>'
    )

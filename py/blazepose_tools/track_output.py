"""`blazepose track`'s output, written frame by frame: a long video's results are never all
in memory, and an output file only appears once it is complete.

The JSON is the recording format of blazepose.analysis.recording, byte for byte what
json.dumps(document, separators=(",", ":")) gives for the whole document; the CSV is
recording.to_csv's, row by row.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from blazepose.analysis.recording import csv_header

_COMPACT = (",", ":")


class OutputError(Exception):
    """An output file cannot be written."""


class OutputFile:
    """A text file written as OUT.part and renamed to OUT by commit(), so a failed run never
    leaves a half-written OUT; an OUT that exists and is not a regular file (/dev/stdout, a
    named pipe) is written in place."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        in_place = self.path.exists() and not self.path.is_file()
        self.part = self.path if in_place else self.path.with_name(self.path.name + ".part")
        try:
            self.file: TextIO = open(self.part, "w", newline="")  # noqa: SIM115 (commit closes)
        except OSError as error:
            raise OutputError(f"cannot write {self.path}: {error.strerror or error}") from error

    def commit(self) -> None:
        self.file.close()
        if self.part != self.path:
            os.replace(self.part, self.path)

    def discard(self) -> None:
        self.file.close()
        if self.part != self.path:
            self.part.unlink(missing_ok=True)


class JsonWriter:
    """{"model", "width", "height", "frames": [...], "reps"?}, one frame at a time; the size
    is the first frame's. With several people (num_poses > 1) the head also has "num_poses"
    and the end "reps_per_person" instead of "reps"."""

    def __init__(self, out: TextIO, model: str, num_poses: int = 1) -> None:
        self.out = out
        self.model = model
        self.num_poses = num_poses
        self.frames = 0

    def frame(self, width: int, height: int, entry: dict[str, Any]) -> None:
        if self.frames == 0:
            head: dict[str, Any] = {"model": self.model, "width": width, "height": height}
            if self.num_poses > 1:
                head["num_poses"] = self.num_poses
            head_text = json.dumps(head, separators=_COMPACT)
            self.out.write(head_text[:-1] + ',"frames":[')
        else:
            self.out.write(",")
        self.out.write(json.dumps(entry, separators=_COMPACT))
        self.frames += 1

    def close(self, reps: dict[str, Any] | list[dict[str, Any]] | None) -> None:
        """Ends the document; `reps` only when counting: Analyzer.reps(), or with several
        people PeopleAnalyzer.reps() (one entry per id)."""
        self.out.write("]")
        if reps is not None:
            key = "reps_per_person" if self.num_poses > 1 else "reps"
            self.out.write(f',"{key}":' + json.dumps(reps, separators=_COMPACT))
        self.out.write("}")


class CsvWriter:
    """csv_header() first, then one recording.csv_row(...) per frame; with several people
    (`ids`) an "id" column first and a row per person per frame (id empty on a frame
    without anyone)."""

    def __init__(self, out: TextIO, ids: bool = False) -> None:
        self.writer = csv.writer(out, lineterminator="\n")
        self.writer.writerow((["id"] if ids else []) + csv_header())

    def row(self, values: Sequence[Any]) -> None:
        self.writer.writerow(values)

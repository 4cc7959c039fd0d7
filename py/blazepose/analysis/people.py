"""Each tracked person's own analysis (issue 21): angles, reps and classifier per track id, so
two people exercising side by side are counted apart. Standard library only (runs in the page).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .analyzer import Analyzer, FrameAnalysis


class PeopleAnalyzer:
    """An Analyzer per person id, made by `make` the first time the id is seen. A track's ids
    never come back once it ends, so an ended person's analyzer keeps its count as it was."""

    def __init__(self, make: Callable[[], Analyzer]) -> None:
        self.make = make
        self.by_id: dict[int, Analyzer] = {}

    def analyzer(self, person: int) -> Analyzer:
        if person not in self.by_id:
            self.by_id[person] = self.make()
        return self.by_id[person]

    def update(
        self, poses: Sequence[Any], image_w: int, image_h: int, time_ms: float
    ) -> list[FrameAnalysis]:
        """One frame: `poses` are the tracker's PoseResults (with .id); their analyses, in
        the same order."""
        return [self.analyzer(p.id).update(p, image_w, image_h, time_ms) for p in poses]

    def reps(self) -> list[dict]:
        """[{"id", **Analyzer.reps()}] for everyone seen, by id."""
        return [{"id": person} | self.by_id[person].reps() for person in sorted(self.by_id)]

    def reset(self) -> None:
        self.by_id = {}

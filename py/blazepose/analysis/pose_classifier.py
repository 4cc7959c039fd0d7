"""Pose classification and classifier-based repetition counting, MediaPipe's method.

Source (facts and constants; this is our own code): MediaPipe's pose-classification guide
(docs/solutions/pose_classification.md) and its "Pose Classification Colab (Extended)"
(FullBodyPoseEmbedder, PoseClassifier, EMADictSmoothing, RepetitionCounter), the same method
as the ML Kit quickstart's PoseEmbedding / PoseClassifier / EMASmoothing / RepetitionCounter.

- Embedding (pose_embedding.py, with the samples and their CSV): landmarks in pixels,
  centred at the mid-hip, scaled by the pose size (torso size * 2.5 at least), 23
  landmark-pair differences.
- k-NN: the 30 samples nearest by the largest per-coordinate difference (weights 1, 1, 0.2
  for x, y, z), then of those the 10 nearest by the mean difference; each distance is the
  smaller of the pose's and its mirror image's. The result is the number of those 10
  samples per class.
- EMADictSmoothing: exponential moving average (alpha 0.2) of each class's count over the
  last 10 frames (a class missing from a frame counts 0; a frame without a pose adds {}).
- RepetitionCounter: the "down" class entered when its smoothed count passes 6, a rep
  counted when it drops below 4.

Samples are image-normalised landmarks (the page's and the CLI's x, y, z): they are scaled to
pixels with the frame's size when compared, so record them with the camera you count with.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from operator import add, sub

from .. import constants as C
from .pose_embedding import (
    EMBEDDING_PAIRS,
    PoseSample,
    load_samples_csv,
    pose_embedding,
    sample_from_landmarks,
    samples_to_csv,
)
from .rep_counter import LEAVE_MS, RepEvent

__all__ = [
    "EMBEDDING_PAIRS",
    "ClassifierCounter",
    "EMADictSmoothing",
    "PoseClassifier",
    "PoseSample",
    "load_samples_csv",
    "pose_embedding",
    "sample_from_landmarks",
    "samples_to_csv",
]


class PoseClassifier:
    """k-NN over pose embeddings: classify() -> {class: nearest samples among the top n}."""

    def __init__(
        self,
        samples: Sequence[PoseSample],
        top_n_by_max_distance: int = C.CLASSIFIER_TOP_N_BY_MAX_DISTANCE,
        top_n_by_mean_distance: int = C.CLASSIFIER_TOP_N_BY_MEAN_DISTANCE,
        axes_weights: Sequence[float] = C.CLASSIFIER_AXES_WEIGHTS,
    ) -> None:
        self.samples = list(samples)
        self.top_n_by_max_distance = top_n_by_max_distance
        self.top_n_by_mean_distance = top_n_by_mean_distance
        self.axes_weights = tuple(axes_weights)
        self._aspect: float | None = None
        self._embeddings: list[Embedding] = []
        self._order = list(range(len(self.samples)))  # the nearest of the last frame first

    @property
    def class_names(self) -> list[str]:
        return sorted({s.class_name for s in self.samples})

    def _weighted(self, landmarks: Sequence[Sequence[float]], aspect: float) -> Embedding:
        """The embedding's x, y and z values, each times its axis weight.
        |w * a - w * b| = w * |a - b| (w >= 0): weight once, compare plain differences."""
        e = pose_embedding(landmarks, aspect)
        wx, wy, wz = self.axes_weights
        return [v * wx for v in e[0::3]], [v * wy for v in e[1::3]], [v * wz for v in e[2::3]]

    def classify(
        self, landmarks: Sequence[Sequence[float]], image_w: float = 1.0, image_h: float = 1.0
    ) -> dict[str, int]:
        """Nearest-sample counts per class for one pose (image-normalised landmarks)."""
        if not self.samples:
            return {}
        aspect = image_w / image_h
        if aspect != self._aspect:
            self._embeddings = [self._weighted(s.landmarks, aspect) for s in self.samples]
            self._aspect = aspect
        query = self._weighted(landmarks, aspect)
        by_max = None
        candidates = self._order
        if len(self.samples) > self.top_n_by_max_distance:  # else every sample passes
            by_max = _nearest(self.top_n_by_max_distance, candidates, self._embeddings, query, True)
            candidates = [i for _, i in by_max]
        # Sums instead of the Colab's means: the same order (every sample has 69 values).
        by_mean = _nearest(self.top_n_by_mean_distance, candidates, self._embeddings, query, False)
        nearest = [i for _, i in by_mean]
        if by_max is not None:
            nearest += candidates
        self._order = list(dict.fromkeys(nearest + self._order))
        result: dict[str, int] = {}
        for i in nearest[: len(by_mean)]:
            name = self.samples[i].class_name
            result[name] = result.get(name, 0) + 1
        return result


Embedding = tuple[list[float], list[float], list[float]]  # x, y, z values of the 23 pairs


def _nearest(
    n: int,
    candidates: Iterable[int],
    embeddings: Sequence[Embedding],
    query: Embedding,
    by_max: bool,
) -> list[tuple[float, int]]:
    """The n smallest (distance, index) of the candidates, ascending; distance = the largest
    (by_max) or the sum of the per-value differences, the smaller of the pose's and its mirror
    image's. The mirrored pose (x -> -x) has the same embedding with x negated, so only the x
    part differs, and e - (-q) = e + q: distance = max(y, z, min(x, mirrored x)) or
    y + z + min(x, mirrored x), the Colab's two full passes in fewer steps.

    The result does not depend on the candidates' order (ties go to the lower index), but the
    order saves time: the y part, then y and z, are lower bounds of the distance, so once n
    near samples are kept, a sample they already rule out skips the rest; nearest first (the
    last frame's), most samples stop after the y part."""
    qx, qy, qz = query
    reduce = max if by_max else sum
    heap: list[tuple[float, int]] = []  # (-distance, -index): heap[0] is the worst kept
    worst = math.inf
    for i in candidates:
        ex, ey, ez = embeddings[i]
        d = reduce(map(abs, map(sub, ey, qy)))
        if d > worst:
            continue
        dz = reduce(map(abs, map(sub, ez, qz)))
        d = (dz if dz > d else d) if by_max else d + dz
        if d > worst:
            continue
        dx = min(reduce(map(abs, map(sub, ex, qx))), reduce(map(abs, map(add, ex, qx))))
        d = (dx if dx > d else d) if by_max else d + dx
        if len(heap) < n:
            heapq.heappush(heap, (-d, -i))
        elif (-d, -i) > heap[0]:
            heapq.heapreplace(heap, (-d, -i))
        if len(heap) == n:
            worst = -heap[0][0]
    return sorted((-d, -i) for d, i in heap)


class EMADictSmoothing:
    """Exponential moving average of class scores over the last `window` frames."""

    def __init__(
        self, window: int = C.CLASSIFIER_EMA_WINDOW, alpha: float = C.CLASSIFIER_EMA_ALPHA
    ) -> None:
        self.window = window
        self.alpha = alpha
        self._data: list[Mapping[str, float]] = []  # newest first

    def reset(self) -> None:
        self._data.clear()

    def __call__(self, data: Mapping[str, float]) -> dict[str, float]:
        self._data.insert(0, data)
        del self._data[self.window :]
        keys = sorted({key for frame in self._data for key in frame})
        smoothed = {}
        for key in keys:
            factor, top, bottom = 1.0, 0.0, 0.0
            for frame in self._data:
                top += factor * frame.get(key, 0.0)
                bottom += factor
                factor *= 1.0 - self.alpha
            smoothed[key] = top / bottom
        return smoothed


class ClassifierCounter:
    """Counts repetitions of any recorded exercise: k-NN classification of each frame into
    the user's two classes, EMA smoothing, and MediaPipe's RepetitionCounter on the
    `down_class` (entered above `enter`, a rep when it drops below `exit`).

    Beyond MediaPipe's counter (which ignores frames without a pose): no pose for longer
    than rep_counter.LEAVE_MS drops a rep in progress without counting it, and counting
    (re)starts only once the person is seen out of the down pose (below `exit`), so walking
    in at the bottom of a squat is not a rep.
    """

    def __init__(
        self,
        samples: Sequence[PoseSample] | PoseClassifier,
        up_class: str = "up",
        down_class: str = "down",
        name: str = "my recording",
        enter: float = C.CLASSIFIER_ENTER_THRESHOLD,
        exit: float = C.CLASSIFIER_EXIT_THRESHOLD,
    ) -> None:
        self.classifier = (
            samples if isinstance(samples, PoseClassifier) else PoseClassifier(samples)
        )
        self.up_class, self.down_class, self.name = up_class, down_class, name
        self.enter, self.exit = enter, exit
        self.smoothing = EMADictSmoothing()
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.state = "waiting"  # "waiting" (no pose), "up" (not in down_class), "down"
        self.scores: dict[str, float] = {}  # smoothed class scores of the last frame
        self.smoothing.reset()
        self._last_seen: float | None = None
        self._start_ms = 0.0
        self._low: dict[str, float] = {}
        self._high: dict[str, float] = {}

    def update(
        self,
        landmarks: Sequence[Sequence[float]] | None,
        image_w: float,
        image_h: float,
        time_ms: float,
        angles: Mapping[str, float | None] | None = None,
    ) -> list[RepEvent]:
        """One frame (landmarks None: no pose). `angles` (joint_angles()["world"]) gives a
        rep's range_deg: the largest range of any angle over the rep (0 without)."""
        left = self._last_seen is not None and time_ms - self._last_seen > LEAVE_MS
        if left:
            self.state = "waiting"  # the person left: a rep in progress is dropped
        if landmarks is None:
            self.scores = self.smoothing({})  # keeps the smoothing in step, like the Colab
            return []
        if left:  # back: old scores forgotten (like ML Kit's EMASmoothing after a gap)
            self.smoothing.reset()
        self._last_seen = time_ms
        self.scores = self.smoothing(self.classifier.classify(landmarks, image_w, image_h))
        confidence = self.scores.get(self.down_class, 0.0)
        if self.state != "down":
            if self.state == "waiting" and confidence >= self.exit:
                return []  # (back) in view in the down pose: wait until out of it
            if confidence > self.enter:
                self.state = "down"
            else:
                self.state = "up"
                self._start_ms = time_ms
                self._low, self._high = {}, {}
            self._track(angles)
            return []
        self._track(angles)
        if confidence >= self.exit:
            return []
        self.count += 1
        self.state = "up"
        ranges = [self._high[k] - self._low[k] for k in self._high]
        event = RepEvent(self.name, self.count, self._start_ms, time_ms, max(ranges, default=0.0))
        self._start_ms = time_ms
        self._low, self._high = {}, {}
        return [event]

    def _track(self, angles: Mapping[str, float | None] | None) -> None:
        if not angles:
            return
        low, high = self._low, self._high
        for key, value in angles.items():
            if value is None:
                continue
            if key not in high:
                low[key] = high[key] = value
            elif value < low[key]:
                low[key] = value
            elif value > high[key]:
                high[key] = value

"""Pose classification and classifier-based repetition counting, MediaPipe's method.

Source (facts and constants; this is our own code): MediaPipe's pose-classification guide
(docs/solutions/pose_classification.md) and its "Pose Classification Colab (Extended)"
(FullBodyPoseEmbedder, PoseClassifier, EMADictSmoothing, RepetitionCounter), the same method
as the ML Kit quickstart's PoseEmbedding / PoseClassifier / EMASmoothing / RepetitionCounter.

- Embedding: landmarks in pixels (x * W, y * H, z * W, as the Colab feeds them) are centred
  at the mid-hip and divided by the pose size = max(torso size * 2.5, largest 2D distance
  from the mid-hip to a landmark), times 100; the features are 23 landmark-pair differences
  (x, y, z with sign) from the Colab's list.
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

import csv
import heapq
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import add, sub

from . import constants as C
from .rep_counter import LEAVE_MS, RepEvent

NUM_LANDMARKS = C.NUM_POSE_LANDMARKS
L_SHOULDER, R_SHOULDER, L_HIP, R_HIP = 11, 12, 23, 24
_MID_HIP = (L_HIP, R_HIP)
_MID_SHOULDER = (L_SHOULDER, R_SHOULDER)
# FullBodyPoseEmbedder._get_pose_distance_embedding: (from, to) landmark indices or midpoints.
# (The Colab lists hip->wrist under "four joints" and again under "five joints"; kept.)
# fmt: off
EMBEDDING_PAIRS: tuple[tuple[int | tuple[int, int], int | tuple[int, int]], ...] = (
    (_MID_HIP, _MID_SHOULDER),                      # one joint
    (11, 13), (12, 14), (13, 15), (14, 16), (23, 25), (24, 26), (25, 27), (26, 28),
    (11, 15), (12, 16), (23, 27), (24, 28),         # two joints
    (23, 15), (24, 16),                             # four joints
    (11, 27), (12, 28), (23, 15), (24, 16),         # five joints
    (13, 14), (25, 26), (15, 16), (27, 28),         # cross body
)
# fmt: on


@dataclass(frozen=True)
class PoseSample:
    name: str
    class_name: str
    landmarks: tuple[tuple[float, float, float], ...]  # 33 x (x, y, z) image-normalised


def sample_from_landmarks(
    name: str, class_name: str, landmarks: Sequence[Sequence[float]]
) -> PoseSample:
    """A sample from a pose's landmarks (x, y, z and anything after, which is dropped)."""
    if len(landmarks) != NUM_LANDMARKS:
        raise ValueError(f"a sample needs {NUM_LANDMARKS} landmarks, got {len(landmarks)}")
    return PoseSample(name, class_name, tuple((lm[0], lm[1], lm[2]) for lm in landmarks))


def load_samples_csv(text: str) -> list[PoseSample]:
    """Rows `name,class,x0,y0,z0,...,x32,y32,z32` (no header; blank lines and a header row
    whose third field is not a number are skipped)."""
    samples = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if not row or not "".join(row).strip():
            continue
        try:
            values = [float(v) for v in row[2:]]
        except ValueError:
            if number == 1:
                continue  # a header
            raise ValueError(f"row {number}: landmark values must be numbers") from None
        if len(values) != NUM_LANDMARKS * 3:
            raise ValueError(f"row {number}: {len(values)} values, expected {NUM_LANDMARKS * 3}")
        points = [values[i : i + 3] for i in range(0, len(values), 3)]
        samples.append(sample_from_landmarks(row[0], row[1], points))
    return samples


def samples_to_csv(samples: Sequence[PoseSample]) -> str:
    """The CSV load_samples_csv reads (values with 6 decimals)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for s in samples:
        writer.writerow([s.name, s.class_name, *(f"{v:.6f}" for lm in s.landmarks for v in lm)])
    return out.getvalue()


def _point(points: Sequence[Sequence[float]], ref: int | tuple[int, int]) -> Sequence[float]:
    if isinstance(ref, int):
        return points[ref]
    a, b = points[ref[0]], points[ref[1]]
    return ((a[0] + b[0]) * 0.5, (a[1] + b[1]) * 0.5, (a[2] + b[2]) * 0.5)


def pose_embedding(
    landmarks: Sequence[Sequence[float]],
    aspect: float = 1.0,
    multiplier: float = C.CLASSIFIER_TORSO_SIZE_MULTIPLIER,
) -> list[float]:
    """FullBodyPoseEmbedder on image-normalised landmarks of a frame `aspect` = W / H wide
    (scaled to (x * W, y * H, z * W) / H): 23 x (x, y, z) flattened, unweighted."""
    pts = [(lm[0] * aspect, lm[1], lm[2] * aspect) for lm in landmarks[:NUM_LANDMARKS]]
    cx, cy, cz = _point(pts, _MID_HIP)
    pts = [(x - cx, y - cy, z - cz) for x, y, z in pts]
    sx, sy, _ = _point(pts, _MID_SHOULDER)
    torso = (sx * sx + sy * sy) ** 0.5  # mid-hip is the origin now; 2D sizes only
    farthest = max((x * x + y * y) ** 0.5 for x, y, _ in pts)
    size = max(torso * multiplier, farthest)
    scale = 100.0 / size if size > 0.0 else 0.0
    out: list[float] = []
    for a, b in EMBEDDING_PAIRS:
        p, q = _point(pts, a), _point(pts, b)
        out += ((q[0] - p[0]) * scale, (q[1] - p[1]) * scale, (q[2] - p[2]) * scale)
    return out


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
        self._weights = list(axes_weights) * len(EMBEDDING_PAIRS)
        self._aspect: float | None = None
        self._embeddings: list[tuple[list[float], list[float]]] = []

    @property
    def class_names(self) -> list[str]:
        return sorted({s.class_name for s in self.samples})

    def _weighted(
        self, landmarks: Sequence[Sequence[float]], aspect: float
    ) -> tuple[list[float], list[float]]:
        """The weighted embedding split into its x values and its y, z values.
        |w * a - w * b| = w * |a - b| (w >= 0): weight once, compare plain differences."""
        embedding = pose_embedding(landmarks, aspect)
        weighted = [v * w for v, w in zip(embedding, self._weights, strict=True)]
        return weighted[0::3], weighted[1::3] + weighted[2::3]

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
        qx, qyz = self._weighted(landmarks, aspect)
        embeddings = self._embeddings
        # The mirrored pose (x -> -x) has the same embedding with x negated, so only the x
        # values differ: distance = max(y, z part, min(x part, mirrored x part)), where
        # e - (-q) = e + q; the same for sums. (Same numbers as the Colab's two full passes.)
        candidates: Iterable[int] = range(len(embeddings))
        if len(embeddings) > self.top_n_by_max_distance:  # else every sample passes
            by_max = heapq.nsmallest(
                self.top_n_by_max_distance,
                (
                    (
                        max(
                            max(map(abs, map(sub, eyz, qyz))),
                            min(max(map(abs, map(sub, ex, qx))), max(map(abs, map(add, ex, qx)))),
                        ),
                        i,
                    )
                    for i, (ex, eyz) in enumerate(embeddings)
                ),
            )
            candidates = [i for _, i in by_max]
        # Sums instead of the Colab's means: the same order (every sample has 69 values).
        by_mean = heapq.nsmallest(
            self.top_n_by_mean_distance,
            (
                (
                    sum(map(abs, map(sub, embeddings[i][1], qyz)))
                    + min(
                        sum(map(abs, map(sub, embeddings[i][0], qx))),
                        sum(map(abs, map(add, embeddings[i][0], qx))),
                    ),
                    i,
                )
                for i in candidates
            ),
        )
        result: dict[str, int] = {}
        for _, i in by_mean:
            name = self.samples[i].class_name
            result[name] = result.get(name, 0) + 1
        return result


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

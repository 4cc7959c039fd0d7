"""What a pose-classification sample is and how a pose is embedded for k-NN: MediaPipe's
FullBodyPoseEmbedder (pose_classifier.py names the sources), and samples as CSV rows
`name,class,x0,y0,z0,...,x32,y32,z32` (image-normalised landmarks, as the page and the CLI
give them; no header).

The embedding: landmarks in pixels (x * W, y * H, z * W, as the Colab feeds them; here
divided by H, the same up to scale) are centred at the mid-hip and divided by the pose size
= max(torso size * 2.5, largest 2D distance from the mid-hip to a landmark), times 100; the
features are the 23 landmark-pair differences (x, y, z with sign) of the Colab's list.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from .. import constants as C

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

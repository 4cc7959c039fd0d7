"""Landmark and visibility smoothing of the legacy pose graph
(mediapipe/modules/pose_landmark/pose_landmark_filtering.pbtxt; LandmarksSmoothingCalculator
and VisibilitySmoothingCalculator in mediapipe/calculators/util/)."""

from collections.abc import Sequence

from . import constants as C
from .alignment_rect import aux_landmarks_object_rect
from .low_pass_filter import LowPassFilter
from .one_euro_filter import OneEuroFilterBank

Landmark = tuple[float, float, float, float, float]  # x, y, z, visibility, presence
WorldLandmark = tuple[float, float, float]


def timestamp_ns(time_ms: float) -> int:
    """Frame time in ms -> filter timestamp: MediaPipe packets carry integer microseconds,
    which the filters read as nanoseconds."""
    return round(time_ms * 1000.0) * 1000


class LandmarksSmoothing:
    """One Euro filtering of every coordinate of a list of 3-D points (pixels or metres).

    The value scale is 1 / object scale (px) unless ``disable_value_scaling``; below
    ``min_allowed_object_scale`` points pass through untouched. Filters are created on
    the first call and cleared by :meth:`reset`.
    """

    def __init__(
        self,
        min_cutoff: float,
        beta: float,
        derivate_cutoff: float,
        disable_value_scaling: bool = False,
        frequency: float = C.SMOOTHING_DEFAULT_FREQUENCY,
        min_allowed_object_scale: float = C.SMOOTHING_MIN_ALLOWED_OBJECT_SCALE,
        legacy: bool = True,
    ) -> None:
        self._params = (frequency, min_cutoff, beta, derivate_cutoff)
        self.disable_value_scaling = disable_value_scaling
        self.min_allowed_object_scale = min_allowed_object_scale
        self.legacy = legacy
        self._bank: OneEuroFilterBank | None = None

    def reset(self) -> None:
        self._bank = None

    def apply(
        self,
        points: Sequence[Sequence[float]],
        time_ns: int,
        object_scale: float | None = None,
    ) -> list[tuple[float, float, float]]:
        value_scale = 1.0
        if not self.disable_value_scaling:
            if object_scale is None:
                object_scale = points_object_scale(points)
            if object_scale < self.min_allowed_object_scale:
                return [(p[0], p[1], p[2]) for p in points]
            value_scale = 1.0 / object_scale
        if self._bank is None:
            self._bank = OneEuroFilterBank(3 * len(points), *self._params, legacy=self.legacy)
        flat = [v for p in points for v in (p[0], p[1], p[2])]
        out = self._bank.apply(time_ns, flat, value_scale)
        return [(out[i], out[i + 1], out[i + 2]) for i in range(0, len(out), 3)]


def points_object_scale(points: Sequence[Sequence[float]]) -> float:
    """Mean of the x and y extents (GetObjectScale of a landmark list)."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return ((max(xs) - min(xs)) + (max(ys) - min(ys))) / 2.0


class VisibilitySmoothing:
    """Low-pass filter on each landmark's visibility (presence is left alone)."""

    def __init__(self, alpha: float = C.VISIBILITY_LPF_ALPHA) -> None:
        self.alpha = alpha
        self._filters: list[LowPassFilter] = []

    def reset(self) -> None:
        self._filters = []

    def apply(self, visibilities: Sequence[float]) -> list[float]:
        if not self._filters:
            self._filters = [LowPassFilter(self.alpha) for _ in visibilities]
        return [f.apply(v) for f, v in zip(self._filters, visibilities, strict=True)]


def _smooth_normalized(
    landmarks: Sequence[Landmark],
    visibility: VisibilitySmoothing,
    coords: LandmarksSmoothing,
    image_w: int,
    image_h: int,
    time_ns: int,
    object_scale: float,
) -> list[Landmark]:
    vis = visibility.apply([lm[3] for lm in landmarks])
    # Filtering happens in pixels, z on x's scale (NormalizedLandmarksToLandmarks).
    pixels = [(lm[0] * image_w, lm[1] * image_h, lm[2] * image_w) for lm in landmarks]
    smoothed = coords.apply(pixels, time_ns, object_scale)
    return [
        (x / image_w, y / image_h, z / image_w, v, lm[4])
        for (x, y, z), v, lm in zip(smoothed, vis, landmarks, strict=True)
    ]


class PoseLandmarkFiltering:
    """The PoseLandmarkFiltering subgraph: landmarks, world landmarks (when ``enable``,
    i.e. smooth_landmarks) and auxiliary landmarks (always, they drive the next ROI).

    The object scale of both image-landmark filters comes from the unexpanded rect of the
    unfiltered auxiliary landmarks.
    """

    def __init__(self, enable: bool = True, legacy: bool = True) -> None:
        self.enable = enable
        self.landmark_visibility = VisibilitySmoothing()
        self.landmark_coords = LandmarksSmoothing(*C.LANDMARKS_ONE_EURO, legacy=legacy)
        self.world_coords = LandmarksSmoothing(
            *C.WORLD_LANDMARKS_ONE_EURO, disable_value_scaling=True, legacy=legacy
        )
        self.aux_visibility = VisibilitySmoothing()
        self.aux_coords = LandmarksSmoothing(*C.AUX_LANDMARKS_ONE_EURO, legacy=legacy)

    def reset(self) -> None:
        """Call when a frame has no pose (MediaPipe resets its filters on empty input)."""
        for f in (
            self.landmark_visibility,
            self.landmark_coords,
            self.world_coords,
            self.aux_visibility,
            self.aux_coords,
        ):
            f.reset()

    def apply(
        self,
        landmarks: Sequence[Landmark],
        aux_landmarks: Sequence[Landmark],
        world_landmarks: Sequence[WorldLandmark],
        image_w: int,
        image_h: int,
        time_ms: float,
    ) -> tuple[list[Landmark], list[Landmark], list[WorldLandmark]]:
        """Returns (landmarks, aux_landmarks, world_landmarks), all image-normalised except
        world (metres)."""
        t = timestamp_ns(time_ms)
        rect = aux_landmarks_object_rect(aux_landmarks, image_w, image_h)
        object_scale = (rect.width * image_w + rect.height * image_h) / 2.0
        if self.enable:
            landmarks = _smooth_normalized(
                landmarks,
                self.landmark_visibility,
                self.landmark_coords,
                image_w,
                image_h,
                t,
                object_scale,
            )
            world = self.world_coords.apply(world_landmarks, t)
        else:
            landmarks = list(landmarks)
            world = [(w[0], w[1], w[2]) for w in world_landmarks]
        aux = _smooth_normalized(
            aux_landmarks, self.aux_visibility, self.aux_coords, image_w, image_h, t, object_scale
        )
        return landmarks, aux, world

"""Rotated rectangle in normalised image coordinates (MediaPipe's NormalizedRect)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    """Centre and size in 0..1 of the image width/height; rotation in radians (clockwise
    on screen, since image y points down)."""

    x_center: float
    y_center: float
    width: float
    height: float
    rotation: float = 0.0

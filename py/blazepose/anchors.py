"""SSD anchor generation (MediaPipe SsdAnchorsCalculator,
mediapipe/calculators/tflite/ssd_anchors_calculator.cc)."""

import math
from collections.abc import Sequence

from . import constants as C

Anchor = tuple[float, float, float, float]  # x_center, y_center, width, height


def _scale(min_scale: float, max_scale: float, index: int, num_strides: int) -> float:
    if num_strides == 1:
        return (min_scale + max_scale) * 0.5
    return min_scale + (max_scale - min_scale) * index / (num_strides - 1.0)


def generate_ssd_anchors(
    *,
    num_layers: int,
    min_scale: float,
    max_scale: float,
    input_size_height: int,
    input_size_width: int,
    strides: Sequence[int],
    aspect_ratios: Sequence[float],
    anchor_offset_x: float = 0.5,
    anchor_offset_y: float = 0.5,
    fixed_anchor_size: bool = False,
    interpolated_scale_aspect_ratio: float = 1.0,
    reduce_boxes_in_lowest_layer: bool = False,
) -> list[Anchor]:
    """All anchors as (x_center, y_center, width, height), in MediaPipe's order.

    Consecutive layers with the same stride share one feature map; per cell, anchors are
    emitted for every (layer, aspect ratio) of the group, plus one interpolated-scale
    anchor per layer.
    """
    anchors: list[Anchor] = []
    layer_id = 0
    num_strides = len(strides)
    while layer_id < num_layers:
        anchor_sizes: list[tuple[float, float]] = []  # (width, height)
        last = layer_id
        while last < num_strides and strides[last] == strides[layer_id]:
            scale = _scale(min_scale, max_scale, last, num_strides)
            ratios_scales: list[tuple[float, float]] = []
            if last == 0 and reduce_boxes_in_lowest_layer:
                ratios_scales = [(1.0, 0.1), (2.0, scale), (0.5, scale)]
            else:
                ratios_scales = [(ratio, scale) for ratio in aspect_ratios]
                if interpolated_scale_aspect_ratio > 0.0:
                    scale_next = (
                        1.0
                        if last == num_strides - 1
                        else _scale(min_scale, max_scale, last + 1, num_strides)
                    )
                    ratios_scales.append(
                        (interpolated_scale_aspect_ratio, math.sqrt(scale * scale_next))
                    )
            for ratio, s in ratios_scales:
                root = math.sqrt(ratio)
                anchor_sizes.append((s * root, s / root))
            last += 1

        stride = strides[layer_id]
        fm_height = math.ceil(input_size_height / stride)
        fm_width = math.ceil(input_size_width / stride)
        for y in range(fm_height):
            y_center = (y + anchor_offset_y) / fm_height
            for x in range(fm_width):
                x_center = (x + anchor_offset_x) / fm_width
                for width, height in anchor_sizes:
                    if fixed_anchor_size:
                        anchors.append((x_center, y_center, 1.0, 1.0))
                    else:
                        anchors.append((x_center, y_center, width, height))
        layer_id = last
    return anchors


def pose_detector_anchors() -> list[tuple[float, float]]:
    """The 2254 anchor centres of the pose detector. Its anchors have fixed unit size,
    so only the centres matter for decoding."""
    anchors = generate_ssd_anchors(
        num_layers=C.ANCHOR_NUM_LAYERS,
        min_scale=C.ANCHOR_MIN_SCALE,
        max_scale=C.ANCHOR_MAX_SCALE,
        input_size_height=C.ANCHOR_INPUT_SIZE_HEIGHT,
        input_size_width=C.ANCHOR_INPUT_SIZE_WIDTH,
        strides=C.ANCHOR_STRIDES,
        aspect_ratios=C.ANCHOR_ASPECT_RATIOS,
        anchor_offset_x=C.ANCHOR_OFFSET_X,
        anchor_offset_y=C.ANCHOR_OFFSET_Y,
        fixed_anchor_size=C.ANCHOR_FIXED_SIZE,
        interpolated_scale_aspect_ratio=C.ANCHOR_INTERPOLATED_SCALE_ASPECT_RATIO,
        reduce_boxes_in_lowest_layer=C.ANCHOR_REDUCE_BOXES_IN_LOWEST_LAYER,
    )
    return [(a[0], a[1]) for a in anchors]

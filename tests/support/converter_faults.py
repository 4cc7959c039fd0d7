"""Deliberate converter mistakes, injected by wrapping the converter's operator functions, to
show that the tests catch them. The converter itself has no switches for them."""

from __future__ import annotations

import dataclasses

import pytest
from blazepose_tools.tflite_to_onnx import operators

FAULTS = ("resize-asymmetric", "same-pad-at-start")


def inject(monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    """Until the test ends, convert with `fault`:

    - "resize-asymmetric": RESIZE_BILINEAR ignores half_pixel_centers (ONNX "asymmetric"
      instead of "half_pixel");
    - "same-pad-at-start": SAME padding puts its odd pixel before instead of after.
    """
    if fault == "resize-asymmetric":
        resize = operators.CONVERTERS["RESIZE_BILINEAR"]

        def asymmetric(ctx: operators.Context, op: operators.Operator) -> None:
            options = {**op.options, "HalfPixelCenters": False}
            resize(ctx, dataclasses.replace(op, options=options))

        monkeypatch.setitem(operators.CONVERTERS, "RESIZE_BILINEAR", asymmetric)
    elif fault == "same-pad-at-start":
        same_pads = operators.same_pads

        def pad_at_start(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
            before, after = same_pads(size, kernel, stride, dilation)
            return after, before

        monkeypatch.setattr(operators, "same_pads", pad_at_start)
    else:
        raise ValueError(f"unknown converter fault {fault!r}; known: {FAULTS}")

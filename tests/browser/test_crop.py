"""The page's canvas crop against the CPython backend's OpenCV-exact warp (onnx_backend)."""

from __future__ import annotations

import base64
import math
from pathlib import Path

import numpy as np
import pytest
from blazepose.crop_transform import canvas_transform, detector_letterbox, roi_crop_transform
from blazepose.rect import Rect
from blazepose_tools.media_input import read_image
from blazepose_tools.onnx_backend import warp_affine
from playwright.sync_api import Browser

# A rotated ROI that reaches past the left and top edges, and one inside the image.
RECTS = {
    "outside": Rect(0.2, 0.25, 0.9, 0.9 * 548 / 342, math.radians(25)),
    "inside": Rect(0.55, 0.5, 0.4, 0.4 * 548 / 342, math.radians(-10)),
}


@pytest.fixture(scope="module")
def crop_page(browser: Browser, site_url: str, media_dir: Path):
    image = read_image(media_dir / "images" / "opencv_messi5.jpg")
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "static/sample/README.md")
    page.evaluate(
        """async ([b64, w, h]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const rgba = new Uint8ClampedArray(w * h * 4);
            for (let i = 0; i < w * h; i++) {
                rgba.set(bytes.subarray(3 * i, 3 * i + 3), 4 * i); rgba[4 * i + 3] = 255; }
            const canvas = document.createElement('canvas');
            canvas.width = w; canvas.height = h;
            canvas.getContext('2d').putImageData(new ImageData(rgba, w, h), 0, 0);
            window.__image = canvas;
            window.__engine = await import('/cropper.js');
        }""",
        [base64.b64encode(image.tobytes()).decode(), image.shape[1], image.shape[0]],
    )
    yield page, image
    context.close()


def browser_crop(page, image: np.ndarray, crop_to_image, size: int, replicate: bool):
    rgba = page.evaluate(
        """([m, size, replicate, w, h]) => {
            const cropper = new window.__engine.Cropper(size);
            return Array.from(cropper.crop(window.__image, w, h, m, replicate));
        }""",
        [list(canvas_transform(crop_to_image)), size, replicate, image.shape[1], image.shape[0]],
    )
    return np.array(rgba, dtype=np.uint8).reshape(size, size, 4)[:, :, :3]


@pytest.mark.parametrize("name", sorted(RECTS))
def test_landmark_crop_matches_opencv_replicate(crop_page, name: str) -> None:
    page, image = crop_page
    h, w = image.shape[:2]
    crop_to_image = roi_crop_transform(RECTS[name], w, h, 256)
    ours = browser_crop(page, image, crop_to_image, 256, True).astype(int)
    reference = warp_affine(image, crop_to_image, 256, True).astype(int)
    difference = np.abs(ours - reference)
    print(f"{name}: mean {difference.mean():.3f}, p99 {np.percentile(difference, 99)}")
    # Without the replicated border the "outside" crop is off by ~76 levels on half its area.
    assert difference.mean() < 0.5
    assert np.percentile(difference, 99) <= 8


# Regions reaching past one edge, two edges, a corner, and none (strips drawn: 1, 2, 3+, 0).
EDGE_RECTS = [
    Rect(0.1, 0.5, 0.3, 0.3 * 548 / 342, 0.0),
    Rect(0.5, 0.5, 1.2, 0.4 * 548 / 342, math.radians(5)),
    Rect(0.95, 0.95, 0.5, 0.5 * 548 / 342, math.radians(40)),
    *RECTS.values(),
]


def test_replicated_border_draws_only_the_strips_the_crop_reaches(crop_page) -> None:
    """Cropper.sides skips the border strips outside the crop: the same bytes as every strip."""
    page, image = crop_page
    h, w = image.shape[:2]
    for rect in EDGE_RECTS:
        m = list(canvas_transform(roi_crop_transform(rect, w, h, 256)))
        same, sides = page.evaluate(
            """([m, w, h]) => {
                const needed = new window.__engine.Cropper(256);
                const every = new window.__engine.Cropper(256);
                const sides = needed.sides(m, w, h);
                every.sides = () => ({ left: true, right: true, top: true, bottom: true });
                const a = needed.crop(window.__image, w, h, m, true);
                const b = every.crop(window.__image, w, h, m, true);
                return [a.every((v, i) => v === b[i]), sides];
            }""",
            [m, w, h],
        )
        assert same, (rect, sides)
        print(rect, sides)


def test_detector_letterbox_matches_opencv_zero_border(crop_page) -> None:
    page, image = crop_page
    h, w = image.shape[:2]
    crop_to_image, _ = detector_letterbox(w, h, 224)
    ours = browser_crop(page, image, crop_to_image, 224, False).astype(int)
    reference = warp_affine(image, crop_to_image, 224, False).astype(int)
    difference = np.abs(ours - reference)
    print(f"letterbox: mean {difference.mean():.3f}, p99 {np.percentile(difference, 99)}")
    assert difference.mean() < 1.0
    assert np.percentile(difference, 99) <= 6

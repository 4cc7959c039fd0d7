"""The CPython backend: crop sampling semantics (cv2.warpAffine, WARP_INVERSE_MAP) and models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from blazepose.crop_transform import detector_letterbox, gpu_sampling
from blazepose_tools.onnx_backend import OnnxBackend, to_rgba_batch, warp_affine
from PIL import Image
from support.oracles import opencv_sampling

MODELS = Path(__file__).resolve().parent.parent / "models"

# 2 x 3 single-channel image; values chosen so every bilinear mix is distinct.
IMAGE = np.array([[[10], [20], [40]], [[100], [160], [250]]], dtype=np.uint8)


def test_identity_crop_copies_pixels() -> None:
    image = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    out = warp_affine(image, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 4, replicate_border=True)
    np.testing.assert_array_equal(out, image)


def test_bilinear_sample_between_pixel_centres() -> None:
    # Output (0, 0) samples image point (0.25, 0.5): integer coordinates are pixel centres.
    # top row: 10 + 0.25 * (20 - 10) = 12.5; bottom row: 100 + 0.25 * 60 = 115;
    # vertical mix at 0.5: (12.5 + 115) / 2 = 63.75 -> 64.
    out = warp_affine(IMAGE, (1.0, 0.0, 0.0, 1.0, 0.25, 0.5), 1, replicate_border=True)
    assert out[0, 0, 0] == 64
    # (1.75, 0.25): top 20 + 0.75 * 20 = 35, bottom 160 + 0.75 * 90 = 227.5,
    # 35 + 0.25 * (227.5 - 35) = 83.125 -> 83.
    out = warp_affine(IMAGE, (1.0, 0.0, 0.0, 1.0, 1.75, 0.25), 1, replicate_border=True)
    assert out[0, 0, 0] == 83


def test_replicate_border_repeats_edge_pixels() -> None:
    # Far outside on the left/top: the corner pixel; half a pixel right of the last column
    # blends the last column with itself.
    out = warp_affine(IMAGE, (1.0, 0.0, 0.0, 1.0, -7.0, -3.0), 1, replicate_border=True)
    assert out[0, 0, 0] == 10
    out = warp_affine(IMAGE, (1.0, 0.0, 0.0, 1.0, 2.5, 1.0), 1, replicate_border=True)
    assert out[0, 0, 0] == 250


def test_zero_border_blends_with_black() -> None:
    out = warp_affine(IMAGE, (1.0, 0.0, 0.0, 1.0, -7.0, -3.0), 1, replicate_border=False)
    assert out[0, 0, 0] == 0
    # Half a pixel beyond the last column: 0.5 * 250 + 0.5 * 0 = 125.
    out = warp_affine(IMAGE, (1.0, 0.0, 0.0, 1.0, 2.5, 1.0), 1, replicate_border=False)
    assert out[0, 0, 0] == 125


def test_rotated_crop_follows_the_affine() -> None:
    # x = -v + 2, y = u: output row v reads image column 2 - v, output column u image row u.
    image = np.arange(9, dtype=np.uint8).reshape(3, 3, 1)
    out = warp_affine(image, (0.0, 1.0, -1.0, 0.0, 2.0, 0.0), 3, replicate_border=True)
    np.testing.assert_array_equal(out[..., 0], image[..., 0].T[::-1])


def test_letterbox_crop_has_black_bars() -> None:
    image = np.full((100, 200, 3), 200, dtype=np.uint8)
    crop_to_image, padding = detector_letterbox(200, 100, 224)
    out = warp_affine(image, crop_to_image, 224, replicate_border=False)
    assert padding[1] == pytest.approx(0.25)
    assert out[:50].max() == 0 and out[-50:].max() == 0  # 56 px bars minus the blended rows
    # Crop index 224 maps to the far image edge, so the last column blends with the border.
    assert (out[60:164, :-1] == 200).all()
    assert 0 < out[100, -1, 0] < 200


def test_rgba_batch_is_opaque_nhwc() -> None:
    batch = to_rgba_batch(np.zeros((5, 5, 3), dtype=np.uint8))
    assert batch.shape == (1, 5, 5, 4) and batch.dtype == np.uint8
    assert (batch[..., 3] == 255).all()


@pytest.fixture(scope="module")
def full_backend() -> OnnxBackend:
    if not (MODELS / "pose_landmark_full_landmarks_only.onnx").exists():
        pytest.skip("models not built (python3 build.py models)")
    return OnnxBackend("full", models_dir=MODELS)


def test_backend_outputs_are_flat_and_complete(full_backend: OnnxBackend) -> None:
    image = np.zeros((240, 320, 3), dtype=np.uint8)
    boxes, scores = full_backend.detect(image, detector_letterbox(320, 240)[0])
    assert len(boxes) == 2254 * 12 and len(scores) == 2254
    outputs = full_backend.landmarks(image, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
    sizes = {name: len(values) for name, values in outputs.items()}
    expected = {"landmarks": 195, "pose_flag": 1, "heatmap": 64 * 64 * 39, "world_landmarks": 117}
    assert sizes == expected
    # A black image holds no person.
    assert outputs["pose_flag"][0] < 0.5


def test_unknown_model_is_rejected() -> None:
    with pytest.raises(ValueError, match="model must be one of"):
        OnnxBackend("medium")


def test_gpu_sampling_shifts_by_half_a_crop_pixel_minus_half_an_image_pixel() -> None:
    """The sampling the tracker's crop requests carry, and the test oracle mapping it back."""
    # At 1:1 scale both conventions coincide.
    identity = (1.0, 0.0, 0.0, 1.0, 3.0, 4.0)
    assert gpu_sampling(identity) == identity
    assert opencv_sampling(identity) == identity
    # 2x downscale: output pixel u covers image [2u - 0.5, 2u + 1.5], centre 2u + 0.5.
    assert gpu_sampling((2.0, 0.0, 0.0, 2.0, 0.0, 0.0)) == (2.0, 0.0, 0.0, 2.0, 0.5, 0.5)
    assert opencv_sampling((2.0, 0.0, 0.0, 2.0, 0.5, 0.5)) == (2.0, 0.0, 0.0, 2.0, 0.0, 0.0)
    # 90 degree rotation: the shift follows the rotated axes.
    rotated = (0.0, 2.0, -2.0, 0.0, 10.0, 0.0)
    assert gpu_sampling(rotated) == pytest.approx((0.0, 2.0, -2.0, 0.0, 8.5, 0.5))
    assert opencv_sampling(gpu_sampling(rotated)) == pytest.approx(rotated)


@pytest.mark.parametrize("model", ["lite", "full", "heavy"])
def test_landmarks_only_models_give_identical_landmarks(model: str, media_dir: Path) -> None:
    if not (MODELS / f"pose_landmark_{model}.onnx").exists():
        pytest.skip("models not built (python3 build.py models)")
    image = np.asarray(Image.open(media_dir / "images" / "opencv_messi5.jpg").convert("RGB"))
    crop = (1.2, 0.1, -0.1, 1.2, 100.0, 0.0)
    pruned = OnnxBackend(model, landmarks_only=True, models_dir=MODELS).landmarks(image, crop)
    whole = OnnxBackend(model, landmarks_only=False, models_dir=MODELS).landmarks(image, crop)
    assert set(whole) - set(pruned) == {"segmentation"}
    for name, values in pruned.items():
        np.testing.assert_array_equal(np.asarray(values), np.asarray(whole[name]), err_msg=name)

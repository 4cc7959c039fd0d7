"""Decode a clip once into numbered JPEG files plus a manifest the contender pages read."""

from __future__ import annotations

import json
from pathlib import Path

import av
from PIL import Image

JPEG_QUALITY = 95
# The MediaPipe reference decoded every clip scaled so its longer side is at most 1280 px
# (../shared/reference/README.md); normalised landmarks do not depend on the scale.
DEFAULT_MAX_SIDE = 1280


def scaled_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """Keep-aspect size whose longer side is at most ``max_side`` (never upscaled)."""
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def extract(
    clip: Path, out_dir: Path, max_side: int = DEFAULT_MAX_SIDE, limit: int | None = None
) -> dict:
    """Write ``out_dir/NNNNN.jpg`` and ``manifest.json``; reuse them if already made alike."""
    manifest_path = out_dir / "manifest.json"
    wanted = {"source": clip.name, "max_side": max_side, "quality": JPEG_QUALITY}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        done = all(manifest.get(k) == v for k, v in wanted.items())
        if done and (limit is None or len(manifest["frames"]) >= limit or manifest["complete"]):
            return manifest
    out_dir.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate)
        for index, frame in enumerate(container.decode(stream)):
            if limit is not None and index >= limit:
                break
            image: Image.Image = frame.to_image()
            size = scaled_size(image.width, image.height, max_side)
            if size != image.size:
                image = image.resize(size, Image.Resampling.BILINEAR)
            name = f"{index:05d}.jpg"
            image.save(out_dir / name, quality=JPEG_QUALITY)
            names.append(name)
    width, height = size
    manifest = {
        **wanted,
        "fps": fps,
        "width": width,
        "height": height,
        "frames": names,
        "complete": limit is None or len(names) < limit,
    }
    manifest_path.write_text(json.dumps(manifest))
    return manifest

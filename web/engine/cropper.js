// The crops that feed the models: canvas 2D draws the frame under the tracker's image->crop
// matrix into a size x size canvas and reads its RGBA bytes (uint8, as the models take them).

// `replicate` extends the image's edge pixels outwards (MediaPipe's BORDER_REPLICATE for the
// landmark crop); otherwise the outside stays black (BORDER_ZERO, the detector letterbox).
export class Cropper {
  constructor(size) {
    this.size = size;
    this.canvas = document.createElement("canvas");
    this.canvas.width = this.canvas.height = size;
    this.ctx = this.canvas.getContext("2d", { willReadFrequently: true, alpha: false });
  }

  // m: image->crop canvas matrix in setTransform(a, b, c, d, e, f) order.
  crop(source, width, height, m, replicate) {
    const { ctx, size } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, size, size);
    ctx.setTransform(m[0], m[1], m[2], m[3], m[4], m[5]);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "low"; // bilinear, like OpenCV's INTER_LINEAR
    if (replicate) drawReplicatedBorder(ctx, source, width, height);
    ctx.drawImage(source, 0, 0, width, height);
    return ctx.getImageData(0, 0, size, size).data;
  }
}

function drawReplicatedBorder(ctx, src, w, h) {
  // Edge rows/columns stretched outwards, drawn before the image: each strip reaches half a
  // pixel under the image, so the image's anti-aliased edge blends with the edge colour
  // rather than with black. Each strip samples a sliver around the edge pixels' centres
  // (not the whole 1-pixel row), so bilinear filtering cannot pull in the next row.
  const p = 4 * (w + h);
  const i = 0.5; // overlap under the image
  const a = 0.49; // sliver start within the edge pixel
  const s = 0.02; // sliver size
  ctx.drawImage(src, a, 0, s, h, -p, 0, p + i, h); // left
  ctx.drawImage(src, w - 1 + a, 0, s, h, w - i, 0, p + i, h); // right
  ctx.drawImage(src, 0, a, w, s, 0, -p, w, p + i); // top
  ctx.drawImage(src, 0, h - 1 + a, w, s, 0, h - i, w, p + i); // bottom
  ctx.drawImage(src, a, a, s, s, -p, -p, p + i, p + i);
  ctx.drawImage(src, w - 1 + a, a, s, s, w - i, -p, p + i, p + i);
  ctx.drawImage(src, a, h - 1 + a, s, s, -p, h - i, p + i, p + i);
  ctx.drawImage(src, w - 1 + a, h - 1 + a, s, s, w - i, h - i, p + i, p + i);
}

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
    if (replicate) drawReplicatedBorder(ctx, source, width, height, this.sides(m, width, height));
    ctx.drawImage(source, 0, 0, width, height);
    return ctx.getImageData(0, 0, size, size).data;
  }

  // Which image edges the crop reaches (within a pixel): only their strips are drawn, as a
  // strip wholly outside the crop canvas changes none of its pixels but costs a draw.
  sides(m, width, height) {
    const [a, b, c, d, e, f] = m;
    const det = a * d - b * c;
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [u, v] of [
      [0, 0],
      [this.size, 0],
      [0, this.size],
      [this.size, this.size],
    ]) {
      const x = (d * (u - e) - c * (v - f)) / det;
      const y = (a * (v - f) - b * (u - e)) / det;
      [minX, maxX, minY, maxY] = [
        Math.min(minX, x),
        Math.max(maxX, x),
        Math.min(minY, y),
        Math.max(maxY, y),
      ];
    }
    return { left: minX < 1, right: maxX > width - 1, top: minY < 1, bottom: maxY > height - 1 };
  }
}

function drawReplicatedBorder(ctx, src, w, h, { left, right, top, bottom }) {
  // Edge rows/columns stretched outwards, drawn before the image: each strip reaches half a
  // pixel under the image, so the image's anti-aliased edge blends with the edge colour
  // rather than with black. Each strip samples a sliver around the edge pixels' centres
  // (not the whole 1-pixel row), so bilinear filtering cannot pull in the next row.
  const p = 4 * (w + h);
  const i = 0.5; // overlap under the image
  const a = 0.49; // sliver start within the edge pixel
  const s = 0.02; // sliver size
  if (left) ctx.drawImage(src, a, 0, s, h, -p, 0, p + i, h);
  if (right) ctx.drawImage(src, w - 1 + a, 0, s, h, w - i, 0, p + i, h);
  if (top) ctx.drawImage(src, 0, a, w, s, 0, -p, w, p + i);
  if (bottom) ctx.drawImage(src, 0, h - 1 + a, w, s, 0, h - i, w, p + i);
  if (left && top) ctx.drawImage(src, a, a, s, s, -p, -p, p + i, p + i);
  if (right && top) ctx.drawImage(src, w - 1 + a, a, s, s, w - i, -p, p + i, p + i);
  if (left && bottom) ctx.drawImage(src, a, h - 1 + a, s, s, -p, h - i, p + i, p + i);
  if (right && bottom) ctx.drawImage(src, w - 1 + a, h - 1 + a, s, s, w - i, h - i, p + i, p + i);
}

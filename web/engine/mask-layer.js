// Segmentation: the landmark model's logits for its square crop, warped back onto the image
// (zero outside the ROI, like MediaPipe's WarpAffineCalculator BORDER_ZERO) at a reduced
// resolution, then blended over time with MediaPipe's SegmentationSmoothingCalculator rule,
// the formula of blazepose.segmentation_smoothing.smooth_mask_value (done here per pixel: a
// pure-Python loop over the mask would cost tens of milliseconds a frame in Pyodide).
import { CONTRACT } from "./contract.js";

const MASK_LONG_SIDE = 256; // the mask's longer side in pixels (the image's if smaller)
const { combineWithPreviousRatio, coefficients } = CONTRACT.segmentationSmoothing;
const [C1, C2, C3, C4, C5] = coefficients;

// One mask probability blended with the previous smoothed one, more where it is uncertain.
export function smoothMaskValue(current, previous, ratio = combineWithPreviousRatio) {
  const t = current - 0.5;
  const x = t * t;
  const uncertainty = 1 - Math.min(1, x * (C1 + x * (C2 + x * (C3 + x * (C4 + x * C5)))));
  return current + (previous - current) * (uncertainty * ratio);
}

export class MaskLayer {
  constructor() {
    const side = CONTRACT.inputSizes.landmark;
    this.crop = document.createElement("canvas");
    this.crop.width = this.crop.height = side;
    this.cropCtx = this.crop.getContext("2d", { willReadFrequently: true });
    this.cropImage = this.cropCtx.createImageData(side, side);
    this.image = document.createElement("canvas");
    this.imageCtx = this.image.getContext("2d", { willReadFrequently: true });
    this.previous = null; // the last mask: {width, height, data: Float32Array}
  }

  reset() {
    this.previous = null;
  }

  // logits: the crop's segmentation output; cropToImage: crop canvas -> image canvas matrix
  // (the result's maskMatrix). Returns {width, height, data}: probabilities covering the
  // whole width x height image, at most MASK_LONG_SIDE pixels on its longer side.
  update(logits, cropToImage, width, height, smooth) {
    const px = this.cropImage.data;
    for (let k = 0; k < logits.length; k++) px[4 * k + 3] = 255 / (1 + Math.exp(-logits[k]));
    this.cropCtx.putImageData(this.cropImage, 0, 0);

    const scale = Math.min(1, MASK_LONG_SIDE / Math.max(width, height));
    const mw = Math.round(width * scale);
    const mh = Math.round(height * scale);
    if (this.image.width !== mw || this.image.height !== mh) {
      this.image.width = mw;
      this.image.height = mh;
    }
    const ctx = this.imageCtx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, mw, mh);
    const [a, b, c, d, e, f] = cropToImage;
    ctx.setTransform(scale * a, scale * b, scale * c, scale * d, scale * e, scale * f);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.crop, 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);

    const alpha = ctx.getImageData(0, 0, mw, mh).data;
    const n = mw * mh;
    const same = this.previous && this.previous.width === mw && this.previous.height === mh;
    const previous = smooth && same ? this.previous.data : null;
    const data = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const current = alpha[4 * k + 3] / 255;
      data[k] = previous ? smoothMaskValue(current, previous[k]) : current;
    }
    this.previous = { width: mw, height: mh, data };
    return { width: mw, height: mh, data: data.slice() }; // the caller's own copy
  }
}

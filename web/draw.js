// Drawing: the 33-point skeleton over the frame, the segmentation overlay, the 3D view.

// mediapipe/python/solutions/pose_connections.py POSE_CONNECTIONS
export const POSE_CONNECTIONS = [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 7],
  [0, 4],
  [4, 5],
  [5, 6],
  [6, 8],
  [9, 10],
  [11, 12],
  [11, 13],
  [13, 15],
  [15, 17],
  [15, 19],
  [15, 21],
  [17, 19],
  [12, 14],
  [14, 16],
  [16, 18],
  [16, 20],
  [16, 22],
  [18, 20],
  [11, 23],
  [12, 24],
  [23, 24],
  [23, 25],
  [24, 26],
  [25, 27],
  [26, 28],
  [27, 29],
  [28, 30],
  [29, 31],
  [30, 32],
  [27, 31],
  [28, 32],
];
// mediapipe/python/solutions/drawing_utils.py _VISIBILITY_THRESHOLD / _PRESENCE_THRESHOLD
const VISIBLE = 0.5;
const LEFT = "#ff9f1c"; // odd indices are the person's left side
const RIGHT = "#2ec4b6";
const CENTRE = "#f4f4f4";

const sideColour = (i) => (i === 0 ? CENTRE : i % 2 === 1 ? LEFT : RIGHT);
const shown = (lm) => lm[3] >= VISIBLE && lm[4] >= VISIBLE;

// Landmarks: 33 x [x, y, z, visibility, presence], x/y normalised to the image.
export function drawSkeleton(ctx, landmarks, width, height) {
  const scale = Math.max(width, height) / 640;
  ctx.lineCap = "round";
  for (const [i, j] of POSE_CONNECTIONS) {
    const a = landmarks[i];
    const b = landmarks[j];
    const visible = shown(a) && shown(b);
    ctx.globalAlpha = visible ? 0.95 : 0.3;
    ctx.setLineDash(visible ? [] : [4 * scale, 4 * scale]);
    ctx.strokeStyle = i % 2 === j % 2 && i > 10 ? sideColour(i) : CENTRE;
    ctx.lineWidth = 3 * scale;
    ctx.beginPath();
    ctx.moveTo(a[0] * width, a[1] * height);
    ctx.lineTo(b[0] * width, b[1] * height);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  landmarks.forEach((lm, i) => {
    const visible = shown(lm);
    ctx.globalAlpha = visible ? 1 : 0.35;
    ctx.beginPath();
    ctx.arc(lm[0] * width, lm[1] * height, (visible ? 4 : 3) * scale, 0, 2 * Math.PI);
    if (visible) {
      ctx.fillStyle = sideColour(i);
      ctx.fill();
      ctx.lineWidth = 1.5 * scale;
      ctx.strokeStyle = "#111";
      ctx.stroke();
    } else {
      ctx.lineWidth = 1.5 * scale;
      ctx.strokeStyle = sideColour(i);
      ctx.stroke();
    }
  });
  ctx.globalAlpha = 1;
}

// Segmentation: logits of the 256x256 crop, warped back onto the image (zero outside the
// ROI, like MediaPipe's WarpAffineCalculator BORDER_ZERO) at a reduced resolution, then
// blended over time with MediaPipe's SegmentationSmoothingCalculator rule: the same formula
// as blazepose.segmentation_smoothing.smooth_mask_value (done here per pixel because a
// pure-Python loop over the mask would cost tens of milliseconds a frame in Pyodide).
const MASK_LONG_SIDE = 256;
const COMBINE_WITH_PREVIOUS_RATIO = 0.7;
const [C1, C2, C3, C4, C5] = [5.68842, -0.748699, -57.8051, 291.309, -624.717];

export class MaskLayer {
  constructor() {
    this.crop = document.createElement("canvas");
    this.crop.width = this.crop.height = 256;
    this.cropCtx = this.crop.getContext("2d", { willReadFrequently: true });
    this.cropImage = this.cropCtx.createImageData(256, 256);
    this.mask = document.createElement("canvas");
    this.maskCtx = this.mask.getContext("2d", { willReadFrequently: true });
    this.previous = null; // Float32Array of smoothed probabilities, mask resolution
  }

  reset() {
    this.previous = null;
  }

  // cropToCanvas: crop canvas -> image canvas matrix of the landmark crop (from app.py).
  update(logits, cropToCanvas, width, height, smooth) {
    const px = this.cropImage.data;
    for (let k = 0; k < 65536; k++) px[4 * k + 3] = 255 / (1 + Math.exp(-logits[k]));
    this.cropCtx.putImageData(this.cropImage, 0, 0);

    const scale = Math.min(1, MASK_LONG_SIDE / Math.max(width, height));
    const mw = Math.round(width * scale);
    const mh = Math.round(height * scale);
    if (this.mask.width !== mw || this.mask.height !== mh) {
      this.mask.width = mw;
      this.mask.height = mh;
      this.previous = null;
    }
    const ctx = this.maskCtx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, mw, mh);
    const [a, b, c, d, e, f] = cropToCanvas;
    ctx.setTransform(scale * a, scale * b, scale * c, scale * d, scale * e, scale * f);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.crop, 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);

    const image = ctx.getImageData(0, 0, mw, mh);
    const data = image.data;
    const n = mw * mh;
    const previous = smooth ? this.previous : null;
    const out = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const current = data[4 * k + 3] / 255;
      let value = current;
      if (previous) {
        const t = current - 0.5;
        const x = t * t;
        const uncertainty = 1 - Math.min(1, x * (C1 + x * (C2 + x * (C3 + x * (C4 + x * C5)))));
        value = current + (previous[k] - current) * uncertainty * COMBINE_WITH_PREVIOUS_RATIO;
      }
      out[k] = value;
      data[4 * k] = 124;
      data[4 * k + 1] = 77;
      data[4 * k + 2] = 255;
      data[4 * k + 3] = 160 * value; // drawn at about 60 % opacity
    }
    ctx.putImageData(image, 0, 0);
    this.previous = out;
  }

  draw(ctx) {
    if (!this.previous) return;
    const { width, height } = ctx.canvas;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.mask, 0, 0, width, height);
  }
}

// World landmarks (metres, origin between the hips, y down) in a slowly turning
// orthographic view.
export function drawWorld(ctx, world, timeMs) {
  const { width, height } = ctx.canvas;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = "#15171c";
  ctx.fillRect(0, 0, width, height);
  const angle = (timeMs / 1000) * 0.6;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const scale = height / 2.4; // about 2.4 m fit the view
  const tilt = 0.35; // look slightly from above
  const project = ([x, y, z]) => {
    const xr = x * cos + z * sin;
    const zr = -x * sin + z * cos;
    return [
      width / 2 + xr * scale,
      height / 2 + (y * Math.cos(tilt) - zr * Math.sin(tilt)) * scale,
    ];
  };
  // Floor grid about 0.9 m under the hips.
  ctx.strokeStyle = "#2b2f38";
  ctx.lineWidth = 1;
  for (let k = -2; k <= 2; k++) {
    for (const [p, q] of [
      [
        [k * 0.25, 0.9, -0.5],
        [k * 0.25, 0.9, 0.5],
      ],
      [
        [-0.5, 0.9, k * 0.25],
        [0.5, 0.9, k * 0.25],
      ],
    ]) {
      const [x0, y0] = project(p);
      const [x1, y1] = project(q);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
    }
  }
  if (!world) return;
  const points = world.map(project);
  ctx.lineWidth = 2;
  for (const [i, j] of POSE_CONNECTIONS) {
    ctx.strokeStyle = i % 2 === j % 2 && i > 10 ? sideColour(i) : CENTRE;
    ctx.beginPath();
    ctx.moveTo(points[i][0], points[i][1]);
    ctx.lineTo(points[j][0], points[j][1]);
    ctx.stroke();
  }
  points.forEach(([x, y], i) => {
    ctx.fillStyle = sideColour(i);
    ctx.beginPath();
    ctx.arc(x, y, 2.5, 0, 2 * Math.PI);
    ctx.fill();
  });
}

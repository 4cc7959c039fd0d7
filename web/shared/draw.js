// Drawing: the 33-point skeleton over the frame, the segmentation overlay, the 3D view.
import { CONTRACT } from "./contract.js";

const CONNECTIONS = CONTRACT.connections;
const LEFT = "#ff9f1c"; // odd indices are the person's left side
const RIGHT = "#2ec4b6";
const CENTRE = "#f4f4f4";

const sideColour = (i) => (i === 0 ? CENTRE : i % 2 === 1 ? LEFT : RIGHT);
// mediapipe/python/solutions/drawing_utils.py: drawn when both are at least the threshold.
const shown = (lm) => lm[3] >= CONTRACT.visibilityThreshold && lm[4] >= CONTRACT.presenceThreshold;

// One colour per person when several are tracked (by id, in turn).
const PERSON_COLOURS = ["#f4f4f4", "#ff5dae", "#ffd23f", "#6fa8ff"];
export const personColour = (id) => PERSON_COLOURS[id % PERSON_COLOURS.length];

// Every pose of a `blazepose:pose` detail: one person as always; several each with their
// colour and id next to the head.
export function drawPeople(ctx, detail, width, height, several) {
  if (!several) {
    if (detail.landmarks) drawSkeleton(ctx, detail.landmarks, width, height);
    return;
  }
  for (const pose of detail.poses) {
    const colour = personColour(pose.id);
    drawSkeleton(ctx, pose.landmarks, width, height, colour);
    const scale = Math.max(width, height) / 640;
    const [x, y] = pose.landmarks[0];
    ctx.font = `bold ${Math.round(16 * scale)}px system-ui, sans-serif`;
    ctx.fillStyle = colour;
    ctx.strokeStyle = "#111";
    ctx.lineWidth = 3 * scale;
    ctx.strokeText(`${pose.id}`, x * width + 8 * scale, y * height - 8 * scale);
    ctx.fillText(`${pose.id}`, x * width + 8 * scale, y * height - 8 * scale);
  }
}

// Landmarks: 33 x [x, y, z, visibility, presence], x/y normalised to the image; `centre`:
// the colour of the body's middle lines (a person's colour when several are tracked).
export function drawSkeleton(ctx, landmarks, width, height, centre = CENTRE) {
  const scale = Math.max(width, height) / 640;
  ctx.lineCap = "round";
  for (const [i, j] of CONNECTIONS) {
    const a = landmarks[i];
    const b = landmarks[j];
    const visible = shown(a) && shown(b);
    ctx.globalAlpha = visible ? 0.95 : 0.3;
    ctx.setLineDash(visible ? [] : [4 * scale, 4 * scale]);
    ctx.strokeStyle = i % 2 === j % 2 && i > 10 ? sideColour(i) : centre;
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

// Segmentation mask ({width, height, data: probabilities}, covering the image) as a violet
// overlay at up to about 60 % opacity.
const maskCanvas = document.createElement("canvas");
const maskCtx = maskCanvas.getContext("2d");

export function drawMask(ctx, mask) {
  const { width, height, data } = mask;
  if (maskCanvas.width !== width || maskCanvas.height !== height) {
    maskCanvas.width = width;
    maskCanvas.height = height;
  }
  const image = maskCtx.createImageData(width, height);
  const px = image.data;
  for (let k = 0; k < data.length; k++) {
    px[4 * k] = 124;
    px[4 * k + 1] = 77;
    px[4 * k + 2] = 255;
    px[4 * k + 3] = 160 * data[k];
  }
  maskCtx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(maskCanvas, 0, 0, ctx.canvas.width, ctx.canvas.height);
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
  for (const [i, j] of CONNECTIONS) {
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

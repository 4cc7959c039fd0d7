// Landmark refinement from the heatmap (MediaPipe RefineLandmarksFromHeatMap), the arithmetic
// of py/blazepose/heatmap_refine.py in float64, so the page hands the tracker 70 numbers
// instead of the 640 KB heatmap and Pyodide skips its 0.9 ms of Python per person. Results
// agree with Python's to about 1e-16 (libm's exp and Python's compensated sums round their
// last bits differently): tests/test_heatmap_refine_js.py.
import { CONTRACT } from "./contract.js";

const {
  usedLandmarks,
  channels,
  valuesPerLandmark: stride,
  inputSize,
  size,
  kernelSize,
  minConfidenceToRefine: minConfidence,
} = CONTRACT.heatmapRefinement;
const scale = 1 / inputSize;
const half = (kernelSize - 1) >> 1;
// sigmoid(max logit) >= minConfidence <=> max logit >= logit(minConfidence): windows below
// that skip the exp work.
const logitMin =
  minConfidence <= 0
    ? Number.NEGATIVE_INFINITY
    : minConfidence >= 1
      ? Number.POSITIVE_INFINITY
      : Math.log(minConfidence / (1 - minConfidence));
const window = new Float64Array(kernelSize * kernelSize);

// Writes x, y (normalised to the crop) of the first usedLandmarks landmarks into `out`
// (2 per landmark, float64): the sigmoid-weighted mean of heatmap cell indices in the
// kernel window around each, where the window's most confident cell reaches the threshold,
// else the model's own. landmarks: the model's flat output (crop pixels); heatmap: its
// flat HWC logits. Like MediaPipe, no +0.5 cell centre, the window clipped at the borders,
// and only the column range-checked against both dimensions.
export function refineLandmarks(landmarks, heatmap, out) {
  const rowSize = size * channels;
  for (let k = 0; k < usedLandmarks; k++) {
    const x = landmarks[k * stride] * scale;
    const y = landmarks[k * stride + 1] * scale;
    out[2 * k] = x;
    out[2 * k + 1] = y;
    const col = Math.trunc(x * size);
    const row = Math.trunc(y * size);
    if (!(col >= 0 && col < size && row >= 0 && col < size)) continue;
    const beginCol = Math.max(0, col - half);
    const endCol = Math.min(size, col + half + 1);
    const beginRow = Math.max(0, row - half);
    const endRow = Math.min(size, row + half + 1);
    if (beginRow >= endRow || beginCol >= endCol) continue;
    let n = 0;
    let maxLogit = Number.NEGATIVE_INFINITY;
    for (let r = beginRow; r < endRow; r++) {
      for (let c = beginCol; c < endCol; c++) {
        const v = heatmap[r * rowSize + c * channels + k];
        window[n++] = v;
        if (v > maxLogit) maxLogit = v;
      }
    }
    if (maxLogit < logitMin - 1e-6) continue;
    const cols = endCol - beginCol;
    let total = 0;
    let sumCol = 0;
    let sumRow = 0;
    for (let i = 0; i < n; i++) {
      const conf = 1 / (1 + Math.exp(-window[i]));
      total += conf;
      sumCol += conf * (i % cols);
      sumRow += conf * Math.trunc(i / cols);
    }
    const maxConf = 1 / (1 + Math.exp(-maxLogit));
    if (maxConf >= minConfidence && total > 0) {
      out[2 * k] = (beginCol * total + sumCol) / size / total;
      out[2 * k + 1] = (beginRow * total + sumRow) / size / total;
    }
  }
  return out;
}

// The demo page's settings: from the URL's query parameters (embed.js turns <blazepose-view>
// attributes into these), changed later by the controls and window.blazepose.setOptions.
import { CONTRACT } from "./contract.js";

const params = new URLSearchParams(location.search);
const option = (name, fallback) => params.get(name) ?? fallback;
const flag = (name, fallback) => {
  const value = option(name, null);
  return value === null ? fallback : !["0", "false", "off", "no"].includes(value);
};
const { defaults } = CONTRACT;
// A confidence from 0 to 1, else the default (like an unknown model or backend).
const fraction = (name) => {
  const value = Number(option(name, defaults[name]));
  return value >= 0 && value <= 1 ? value : defaults[name];
};
const people = Number(option("numPoses", defaults.numPoses));
export const settings = {
  model: CONTRACT.models.includes(option("model")) ? option("model") : defaults.model,
  backend: CONTRACT.backends.includes(option("backend")) ? option("backend") : defaults.backend,
  segmentation: flag("segmentation", defaults.segmentation),
  landmarksOnly: null, // true: the landmarks-only model even with segmentation (no mask)
  smoothing: flag("smoothing", defaults.smoothing),
  minDetectionConfidence: fraction("minDetectionConfidence"),
  minTrackingConfidence: fraction("minTrackingConfidence"),
  // People tracked at once (1..CONTRACT.maxNumPoses).
  numPoses: Number.isInteger(people) && people >= 1 && people <= CONTRACT.maxNumPoses ? people : 1,
  proxy: flag("proxy", true),
  threads: Number(option("threads", 0)), // 0: automatic (see ort-runtime.js threadCount)
};
export const embedded = flag("embed", false);
// camera | sample | none | the URL of a video or image.
export const startSource = option("source", "sample");

// The engine's options for the page's settings.
export const engineOptions = () => ({
  model: settings.model,
  backend: settings.backend,
  segmentation: settings.segmentation && settings.landmarksOnly !== true,
  smoothing: settings.smoothing,
  minDetectionConfidence: settings.minDetectionConfidence,
  minTrackingConfidence: settings.minTrackingConfidence,
  numPoses: settings.numPoses,
});

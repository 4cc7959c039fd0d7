// One frame through the tracker: the tracker asks for crops, JS cuts them and runs the
// models until the frame is done (the JS twin of blazepose_tools.driver.track_frame), the
// session analyses the pose, and the segmentation mask is warped back onto the image.
import { CONTRACT } from "./contract.js";
import { Cropper } from "./cropper.js";
import { MaskLayer } from "./mask-layer.js";

const sourceSize = (source) => {
  if (source instanceof HTMLVideoElement) return [source.videoWidth, source.videoHeight];
  if (source instanceof HTMLImageElement) return [source.naturalWidth, source.naturalHeight];
  if (globalThis.VideoFrame && source instanceof VideoFrame)
    return [source.displayWidth, source.displayHeight];
  return [source.width, source.height];
};

export class FrameDriver {
  #croppers = new Map(); // kind -> Cropper
  #maskLayer = new MaskLayer();
  #frameCanvas = null; // a video frame is copied here (the video moves on while models run)

  // A new track: the mask's temporal smoothing starts again.
  reset() {
    this.#maskLayer.reset();
  }

  // session: TrackerSession; models: PoseModels; options: {segmentation, smoothing}.
  // Resolves with {pose (TrackerSession.result), analysis (TrackerSession.analyze), masks
  // (with segmentation), timings, width, height}.
  async track(session, models, source, timeMs, { segmentation, smoothing }) {
    const [width, height] = sourceSize(source);
    if (!width || !height) throw new Error("PoseLandmarker: the source has no pixels yet");
    // detection: the part of inference spent in the detector (0 on frames tracked from the
    // previous frame's pose).
    const timings = { crop: 0, inference: 0, detection: 0, python: 0, analysis: 0, total: 0 };
    const start = performance.now();
    let t = start;
    const lap = (key) => {
      const now = performance.now();
      timings[key] += now - t;
      t = now;
    };
    const frame = this.#frame(source, width, height);
    lap("crop");
    const segmentationName = CONTRACT.outputs.segmentation;
    let logits = null;
    let pending = session.begin(width, height, timeMs);
    lap("python");
    while (pending) {
      const request = session.request();
      lap("python");
      const cropper = this.#cropper(request.kind, request.size);
      const replicate = request.border === "replicate";
      const rgba = cropper.crop(frame, width, height, request.matrix, replicate);
      lap("crop");
      const out = await models.run(request.kind, rgba, request.size);
      if (request.kind === "detector") timings.detection += performance.now() - t;
      lap("inference");
      session.setOutputs(request.kind, out);
      if (out[segmentationName]) logits = out[segmentationName];
      pending = session.submit();
      lap("python");
    }
    const pose = session.result();
    lap("python");
    const analysis = session.analyze();
    lap("analysis");
    let masks;
    if (segmentation) {
      if (pose && logits) {
        masks = [this.#maskLayer.update(logits, pose.maskMatrix, width, height, smoothing)];
      } else {
        this.#maskLayer.reset();
        masks = [];
      }
    }
    timings.total = performance.now() - start;
    return { pose, analysis, masks, timings, width, height };
  }

  #cropper(kind, size) {
    let cropper = this.#croppers.get(kind);
    if (!cropper || cropper.size !== size) {
      cropper = new Cropper(size);
      this.#croppers.set(kind, cropper);
    }
    return cropper;
  }

  // Something canvas can draw from, with the frame's pixels fixed for the whole frame.
  #frame(source, width, height) {
    if (!(source instanceof HTMLVideoElement || source instanceof ImageData)) return source;
    if (!this.#frameCanvas) this.#frameCanvas = document.createElement("canvas");
    const canvas = this.#frameCanvas;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (source instanceof ImageData) ctx.putImageData(source, 0, 0);
    else ctx.drawImage(source, 0, 0, width, height);
    return canvas;
  }
}

// One frame through the tracker: the tracker asks for crops, JS cuts them and runs the
// models until the frame is done (the JS twin of blazepose_tools.driver.track_frame), the
// session analyses the pose, and the segmentation mask is warped back onto the image (one
// per person, each with its own temporal smoothing).
import { CONTRACT } from "./contract.js";
import { Cropper } from "./cropper.js";
import { MaskLayer } from "./mask-layer.js";

// [width, height] of anything the tracker takes (0 where it has no pixels yet).
export const sourceSize = (source) => {
  if (source instanceof HTMLVideoElement) return [source.videoWidth, source.videoHeight];
  if (source instanceof HTMLImageElement) return [source.naturalWidth, source.naturalHeight];
  if (globalThis.VideoFrame && source instanceof VideoFrame)
    return [source.displayWidth, source.displayHeight];
  return [source.width, source.height];
};

const sameCrop = (a, b) =>
  a.kind === b.kind && a.size === b.size && a.matrix.every((v, i) => v === b.matrix[i]);

export class FrameDriver {
  #croppers = new Map(); // kind -> Cropper
  #maskLayers = new Map(); // person id -> MaskLayer
  #frameCanvas = null; // a video frame is copied here (the video moves on while models run)

  // A new track: the mask's temporal smoothing starts again.
  reset() {
    this.#maskLayers.clear();
  }

  // session: TrackerSession; models: PoseModels; options: {segmentation, smoothing, numPoses}.
  // Resolves with {poses (TrackerSession.results), pose (the first), analysis
  // (TrackerSession.analyze), masks (with segmentation: one per pose), timings, width, height}.
  async track(session, models, source, timeMs, { segmentation, smoothing, numPoses = 1 }) {
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
    const logits = []; // per landmark-model run of the frame
    const crop = (request) => {
      const cropper = this.#cropper(request.kind, request.size);
      const replicate = request.border === "replicate";
      return cropper.crop(frame, width, height, request.matrix, replicate);
    };
    // With several people every landmark crop of the frame is cut, then every run made,
    // then every result submitted: each step's code and data stay warm, rather than going
    // cold again in the wait for each person's run.
    let ready = []; // [{request, out}]: runs made ahead of their request
    let pending = session.begin(width, height, timeMs);
    lap("python");
    while (pending) {
      const request = session.request();
      let out;
      if (ready.length && sameCrop(ready[0].request, request)) {
        out = ready.shift().out;
        lap("python");
      } else {
        const batch = [request];
        if (numPoses > 1 && request.kind === "landmark") batch.push(...session.requestsAhead());
        lap("python");
        const rgbas = batch.map(crop);
        lap("crop");
        const outs = [];
        for (const [i, r] of batch.entries()) outs.push(await models.run(r.kind, rgbas[i], r.size));
        if (request.kind === "detector") timings.detection += performance.now() - t;
        lap("inference");
        out = outs[0];
        ready = batch.slice(1).map((r, i) => ({ request: r, out: outs[i + 1] }));
      }
      session.setOutputs(request.kind, out);
      if (request.kind === "landmark") logits.push(out[segmentationName] ?? null);
      pending = session.submit();
      lap("python");
    }
    const poses = session.results();
    const pose = poses[0] ?? null;
    lap("python");
    const analysis = session.analyze();
    lap("analysis");
    let masks;
    if (segmentation) masks = this.#masks(poses, logits, width, height, smoothing);
    else this.#maskLayers.clear();
    timings.total = performance.now() - start;
    return { poses, pose, analysis, masks, timings, width, height };
  }

  // Each pose's mask from the logits of the run that gave it; people gone lose their layer.
  #masks(poses, logits, width, height, smoothing) {
    const masks = [];
    for (const pose of poses) {
      const found = logits[pose.run];
      if (!found) continue;
      let layer = this.#maskLayers.get(pose.id);
      if (!layer) {
        layer = new MaskLayer();
        this.#maskLayers.set(pose.id, layer);
      }
      masks.push(layer.update(found, pose.maskMatrix, width, height, smoothing));
    }
    const ids = new Set(poses.map((pose) => pose.id));
    for (const id of this.#maskLayers.keys()) if (!ids.has(id)) this.#maskLayers.delete(id);
    return masks;
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

// Model side of the page: ONNX Runtime Web builds, verified model bytes, sessions, and the
// canvas crops that feed them (uint8 RGBA straight from getImageData).

const ORT_BUILDS = {
  wasm: { module: "vendor/ort/ort.wasm.min.mjs", wasm: "vendor/ort/ort-wasm-simd-threaded.wasm" },
  webgpu: {
    module: "vendor/ort/ort.webgpu.min.mjs",
    wasm: "vendor/ort/ort-wasm-simd-threaded.asyncify.wasm",
  },
};
export const DETECTOR_FILE = "pose_detection.onnx";
export const DETECTOR_SIZE = 224;
export const LANDMARK_SIZE = 256;

export class LoadError extends Error {}

export function landmarkFile(model, segmentation) {
  return `pose_landmark_${model}${segmentation ? "" : "_landmarks_only"}.onnx`;
}

const hex = (buffer) =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

// Fetches a file with byte progress; rejects with a LoadError naming the file.
export async function fetchBytes(url, progress, what) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new LoadError(`${what} failed to load: ${url} (${error.message})`);
  }
  if (!response.ok) throw new LoadError(`${what} failed to load: ${url} (HTTP ${response.status})`);
  const tracked = progress ? progress.track(url, response) : response;
  return new Uint8Array(await tracked.arrayBuffer());
}

export class ModelStore {
  constructor(baseUrl, progress) {
    this.baseUrl = baseUrl;
    this.progress = progress;
    this.bytes = new Map(); // file -> Promise<Uint8Array> (verified)
    this.manifest = fetch(new URL("manifest.json", baseUrl)).then(async (r) => {
      if (!r.ok) throw new LoadError(`Model manifest failed to load (HTTP ${r.status})`);
      return (await r.json()).models;
    });
    this.manifest.catch(() => {});
  }

  async expectedSize(file) {
    const entry = (await this.manifest)[file];
    return entry ? entry.bytes : 0;
  }

  load(file) {
    if (!this.bytes.has(file)) {
      const promise = this.#fetchVerified(file);
      promise.catch(() => this.bytes.delete(file));
      this.bytes.set(file, promise);
    }
    return this.bytes.get(file);
  }

  async #fetchVerified(file) {
    const manifest = await this.manifest;
    const entry = manifest[file];
    if (!entry) throw new LoadError(`Model ${file} is not listed in models/manifest.json`);
    const url = new URL(file, this.baseUrl).href;
    this.progress?.expect(url, entry.bytes);
    const bytes = await fetchBytes(url, this.progress, `Model ${file}`);
    if (globalThis.crypto?.subtle) {
      const digest = hex(await crypto.subtle.digest("SHA-256", bytes));
      if (digest !== entry.sha256) {
        throw new LoadError(
          `Model ${file} failed its checksum: sha256 ${digest.slice(0, 12)}… ` +
            `does not match the manifest's ${entry.sha256.slice(0, 12)}…`,
        );
      }
    } else {
      console.warn("SubtleCrypto unavailable (page not in a secure context): checksum skipped");
    }
    return bytes;
  }
}

// One ORT build (module instance) per backend kind, loaded on first use.
const runtimes = new Map();

// WASM threads: half the cores, at most 4, leaving the rest to the page, video decoding and
// Python. On a busy 2-core machine 2 threads ran the full landmark model about 2x slower
// than 1 (103 vs 56 ms), so 2 cores get 1 thread. `requested` (?threads=N) overrides.
// Threads need SharedArrayBuffer, i.e. a cross-origin isolated page.
export function threadCount(requested = 0) {
  if (!globalThis.crossOriginIsolated) return 1;
  if (requested > 0) return Math.min(16, Math.floor(requested));
  return Math.max(1, Math.min(4, Math.floor((navigator.hardwareConcurrency || 2) / 2)));
}

export function loadRuntime(kind, progress, { proxy = true, threads = 0 } = {}) {
  if (!runtimes.has(kind)) {
    const build = ORT_BUILDS[kind];
    const promise = (async () => {
      const wasmUrl = new URL(build.wasm, import.meta.url).href;
      const [ort, wasmBinary] = await Promise.all([
        import(new URL(build.module, import.meta.url).href),
        fetchBytes(wasmUrl, progress, "ONNX Runtime"),
      ]);
      ort.env.wasm.wasmPaths = new URL("vendor/ort/", import.meta.url).href;
      ort.env.wasm.wasmBinary = wasmBinary.buffer;
      ort.env.wasm.numThreads = threadCount(threads);
      // The proxy worker keeps WASM inference off the main thread (WebGPU needs the page).
      ort.env.wasm.proxy = kind === "wasm" && proxy;
      ort.env.logLevel = "error";
      return ort;
    })();
    promise.catch(() => runtimes.delete(kind));
    runtimes.set(kind, promise);
  }
  return runtimes.get(kind);
}

// Draws `source` under the image->crop matrix `m` into a size x size canvas and returns
// its RGBA bytes. `replicate` extends the image's edge pixels outwards (MediaPipe's
// BORDER_REPLICATE for the landmark crop); otherwise the outside stays black (BORDER_ZERO).
export class Cropper {
  constructor(size) {
    this.size = size;
    this.canvas = document.createElement("canvas");
    this.canvas.width = this.canvas.height = size;
    this.ctx = this.canvas.getContext("2d", { willReadFrequently: true, alpha: false });
  }

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

// The two models of one (backend, model, segmentation) choice, ready to run.
export class PoseModels {
  static async create(ort, backend, store, detectorFile, landmarkFileName) {
    const options = {
      executionProviders: [backend],
      graphOptimizationLevel: "all",
      logSeverityLevel: 3, // errors only: ORT logs placement warnings through console.error
    };
    const open = async (file) => {
      const bytes = await store.load(file);
      try {
        // A copy: the proxy worker takes ownership of what it is given.
        return await ort.InferenceSession.create(bytes.slice(), options);
      } catch (error) {
        throw new LoadError(`Model ${file} could not be opened on ${backend}: ${error.message}`);
      }
    };
    // One after the other: the WebGPU EP refuses to create two sessions at once.
    const detector = await open(detectorFile);
    const landmark = await open(landmarkFileName);
    const models = new PoseModels(ort, backend, detector, landmark);
    if (backend !== "wasm") await models.warmUp(); // shader compilation on first run
    return models;
  }

  constructor(ort, backend, detector, landmark) {
    this.ort = ort;
    this.backend = backend;
    this.detector = detector;
    this.landmark = landmark;
    this.segmentation = landmark.outputNames.includes("segmentation");
    this.landmarkOutputs = ["landmarks", "pose_flag", "heatmap", "world_landmarks"];
    if (this.segmentation) this.landmarkOutputs.push("segmentation");
  }

  tensor(rgba, size) {
    return new this.ort.Tensor("uint8", rgba, [1, size, size, 4]);
  }

  async runDetector(rgba) {
    const out = await this.detector.run({ rgba: this.tensor(rgba, DETECTOR_SIZE) });
    return { boxes: out.boxes.data, scores: out.scores.data };
  }

  async runLandmarks(rgba) {
    const out = await this.landmark.run(
      { rgba: this.tensor(rgba, LANDMARK_SIZE) },
      this.landmarkOutputs,
    );
    const data = {};
    for (const name of this.landmarkOutputs) data[name] = out[name].data;
    return data;
  }

  async warmUp() {
    await this.runDetector(new Uint8Array(DETECTOR_SIZE * DETECTOR_SIZE * 4));
    await this.runLandmarks(new Uint8Array(LANDMARK_SIZE * LANDMARK_SIZE * 4));
  }

  // A fresh WASM instance first runs Chromium's baseline (Liftoff) code: measured ~200 ms
  // per full-model run for the first runs, ~24 runs / 3-4 s before settling at ~60 ms.
  // Running blank frames while Python starts moves that phase out of the first poses.
  async warmUpWhile(keepGoing, { maxRuns = 25, maxMs = 4000 } = {}) {
    const start = performance.now();
    let runs = 0;
    while (keepGoing() && runs < maxRuns && performance.now() - start < maxMs) {
      await this.warmUp();
      runs += 1;
    }
    return runs;
  }

  async release() {
    await Promise.allSettled([this.detector.release(), this.landmark.release()]);
  }
}

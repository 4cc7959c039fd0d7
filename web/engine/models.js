// The models: verified model bytes (models/manifest.json checksums) and the ONNX Runtime
// sessions of one (backend, model, segmentation) choice.
import { CONTRACT } from "./contract.js";
import { fetchBytes, LoadError } from "./downloads.js";

const hex = (buffer) =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

// The landmark model file: with the segmentation head, or the smaller landmarks-only graph.
export const landmarkFile = (model, segmentation) =>
  CONTRACT.landmarkFiles[model][segmentation ? "segmentation" : "landmarksOnly"];

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
    this.progress?.expect?.(url, entry.bytes);
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

// A model failed to run (not to load): the backend may be replaced by the next one.
export class InferenceError extends Error {}

// The ONNX Runtime version that PoseModels run on.
export const versionOf = (models) =>
  models.ort.env.versions?.web ?? models.ort.env.versions?.common;

// ONNX Runtime sessions created and not yet released, on this page (a leak shows here).
let liveSessions = 0;
export const openSessions = () => liveSessions;

// ORT's execution provider for a backend {name, threads, deviceType}.
const executionProvider = (backend) =>
  backend.name === "webnn"
    ? { name: "webnn", deviceType: backend.deviceType ?? "cpu" }
    : backend.name;

// The detector and landmark sessions of one choice, ready to run.
export class PoseModels {
  // backend: {name (a CONTRACT.backends entry other than auto), threads, deviceType};
  // mark(name): start-up marks (ortInit: the first session, sessions: both).
  static async create(ort, backend, store, landmarkFileName, mark = () => {}) {
    const options = {
      executionProviders: [executionProvider(backend)],
      graphOptimizationLevel: "all",
      logSeverityLevel: 3, // errors only: ORT logs placement warnings through console.error
    };
    const open = async (file) => {
      const bytes = await store.load(file);
      try {
        // A copy: the proxy worker takes ownership of what it is given.
        const session = await ort.InferenceSession.create(bytes.slice(), options);
        liveSessions++;
        return session;
      } catch (error) {
        throw new LoadError(
          `Model ${file} could not be opened on ${backend.name}: ${error.message}`,
        );
      }
    };
    // One after the other: the WebGPU EP refuses to create two sessions at once.
    const detector = await open(CONTRACT.detectorFile);
    mark("ortInit");
    const landmark = await open(landmarkFileName);
    mark("sessions");
    const models = new PoseModels(ort, backend, { detector, landmark }, landmarkFileName);
    // WebGPU compiles shaders and WebNN builds its graph on the first run.
    if (backend.name !== "wasm") await models.warmUp();
    return models;
  }

  constructor(ort, backend, sessions, file) {
    this.ort = ort;
    this.backend = backend.name;
    this.threads = backend.name === "wasm" ? backend.threads : null;
    this.deviceType = backend.name === "webnn" ? (backend.deviceType ?? "cpu") : null;
    this.sessions = sessions; // kind -> InferenceSession
    this.file = file; // the landmark model file
    this.segmentation = sessions.landmark.outputNames.includes(CONTRACT.outputs.segmentation);
    this.outputs = {
      detector: [...CONTRACT.outputs.detector],
      landmark: [...CONTRACT.outputs.landmark],
    };
    if (this.segmentation) this.outputs.landmark.push(CONTRACT.outputs.segmentation);
  }

  // Runs the `kind` model on a size x size RGBA crop: {output name: Float32Array}.
  async run(kind, rgba, size = CONTRACT.inputSizes[kind]) {
    // A fresh tensor per run: in proxy mode its buffer moves to the worker.
    const input = new this.ort.Tensor("uint8", rgba, [1, size, size, 4]);
    const names = this.outputs[kind];
    let out;
    try {
      out = await this.sessions[kind].run({ [CONTRACT.inputName]: input }, names);
    } catch (error) {
      throw new InferenceError(`${this.backend} ${kind} model failed: ${error.message}`);
    }
    const data = {};
    for (const name of names) data[name] = out[name].data;
    return data;
  }

  async warmUp() {
    for (const kind of CONTRACT.kinds) {
      const size = CONTRACT.inputSizes[kind];
      await this.run(kind, new Uint8Array(size * size * 4));
    }
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
    const sessions = Object.values(this.sessions);
    this.sessions = {};
    await Promise.allSettled(sessions.map((s) => s.release()));
    liveSessions -= sessions.length;
  }
}

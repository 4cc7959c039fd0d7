// PoseLandmarker: BlazePose pose tracking in the browser, shaped like MediaPipe tasks-vision's
// PoseLandmarker. The tracker is Python (blazepose, in Pyodide through PyScript, started by
// this module); the models run in ONNX Runtime Web on the fastest backend this browser has
// (backend "auto": WebNN, WebGPU or WASM threads, measured; see backend-choice.js); the
// crops are canvas draws. Import it from the site's folder and it finds its files there:
//
//   import { PoseLandmarker } from "https://your.host/blazepose/pose-landmarker.js";
//   const landmarker = await PoseLandmarker.create({ model: "lite" });
//   const result = await landmarker.detect(document.querySelector("img"));
//   result.landmarks[0]?.[0]; // {x, y, z, visibility, presence} of the nose, x/y in [0, 1]
//
// A page that serves it needs cross-origin isolation (COOP/COEP headers) for WASM threads;
// without it the models run on one thread.
// Its declared API, with a comment on every field: pose-landmarker.d.ts beside it.
/** @typedef {import("./pose-landmarker.d.ts").PoseLandmarkerOptions} PoseLandmarkerOptions */
/** @typedef {import("./pose-landmarker.d.ts").PoseLandmarkerSettings} PoseLandmarkerSettings */
/** @typedef {import("./pose-landmarker.d.ts").PoseLandmarkerResult} PoseLandmarkerResult */
/** @typedef {import("./pose-landmarker.d.ts").PoseImageSource} PoseImageSource */
/** @typedef {import("./pose-landmarker.d.ts").PoseRuntime} PoseRuntime */
import { CONTRACT } from "./contract.js";
import { LoadError } from "./downloads.js";
import { FrameDriver } from "./frame-driver.js";
import { InferenceError, landmarkFile, ModelStore } from "./models.js";
import { startPython } from "./python-runtime.js";
import { RunningModels } from "./running-models.js";
import { StartupMarks } from "./startup-marks.js";
import { TrackerSession } from "./tracker-session.js";

const MODULE_FOLDER = new URL("./", import.meta.url).href;
const PYTHON_TIMEOUT_MS = 90000;
// Options fixed at creation (the rest are CONTRACT.defaults' keys, changeable by setOptions).
const CREATE_ONLY = [
  "threads",
  "proxy",
  "baseUrl",
  "progress",
  "onMessage",
  "onRuntime",
  "startTime",
];

export { LoadError };

// Runs `fn` once the page has painted the frame it is working on (the next animation frame,
// then a task), or after 500 ms where animation frames do not come (a hidden tab, a worker).
function afterNextPaint(fn) {
  let done = false;
  const run = () => {
    if (!done) {
      done = true;
      fn();
    }
  };
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => setTimeout(run, 0));
  setTimeout(run, 500);
}

// Why this browser cannot run the engine, or null.
export function unsupportedReason() {
  if (typeof WebAssembly !== "object") return "WebAssembly is not available.";
  if (typeof TransformStream !== "function" || typeof createImageBitmap !== "function")
    return "Streams or createImageBitmap are missing.";
  if (!document.createElement("canvas").getContext("2d")) return "Canvas 2D is not available.";
  return null;
}

// Checks option changes against the contract; throws naming the first bad one.
export function checkOptions(changes) {
  for (const [key, value] of Object.entries(changes)) {
    if (CREATE_ONLY.includes(key)) throw new Error(`setOptions: ${key} is fixed at creation`);
    if (!(key in CONTRACT.defaults)) throw new Error(`setOptions: unknown option ${key}`);
    const expected = typeof CONTRACT.defaults[key];
    if (typeof value !== expected) throw new Error(`setOptions: ${key} must be a ${expected}`);
  }
  if (changes.model !== undefined && !CONTRACT.models.includes(changes.model))
    throw new Error(`setOptions: model must be one of ${CONTRACT.models}`);
  if (changes.backend !== undefined && !CONTRACT.backends.includes(changes.backend))
    throw new Error(`setOptions: backend must be one of ${CONTRACT.backends}`);
  for (const key of ["minDetectionConfidence", "minTrackingConfidence"]) {
    const value = changes[key];
    if (value !== undefined && !(value >= 0 && value <= 1))
      throw new Error(`setOptions: ${key} must be a number from 0 to 1`);
  }
  const n = changes.numPoses;
  if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= CONTRACT.maxNumPoses))
    throw new Error(`setOptions: numPoses must be an integer 1..${CONTRACT.maxNumPoses}`);
}

export class PoseLandmarker {
  // Options: model, backend, segmentation, smoothing, minDetectionConfidence,
  // minTrackingConfidence, numPoses (people tracked at once, 1..CONTRACT.maxNumPoses)
  // (CONTRACT.defaults, changeable later with setOptions); threads
  // (0: automatic), proxy (WASM in ORT's worker, default true), baseUrl (the site folder,
  // default this module's), progress ({expect, track, step}, all optional: byte counts of
  // the downloads and the start-up steps), onMessage(text) (notices such as a WebGPU
  // fallback), onRuntime(runtime) (auto's first visit timed its candidates after the first
  // pose, and may have switched), startTime (performance.now() origin of the `startup` marks).
  /** @param {PoseLandmarkerOptions} [options] @returns {Promise<PoseLandmarker>} */
  static async create(options = {}) {
    const reason = unsupportedReason();
    if (reason)
      throw new LoadError(
        `Unsupported browser: ${reason} Use a recent Chrome, Edge, Firefox or Safari.`,
      );
    const { threads = 0, proxy = true, baseUrl = MODULE_FOLDER, progress = null } = options;
    const { onMessage = null, onRuntime = null, startTime = performance.now() } = options;
    const settings = {};
    for (const [key, value] of Object.entries(options))
      if (!CREATE_ONLY.includes(key) && value !== undefined) settings[key] = value;
    checkOptions(settings);
    const landmarker = new PoseLandmarker(
      { ...CONTRACT.defaults, ...settings },
      {
        threads,
        proxy,
        baseUrl: new URL(baseUrl, location.href).href,
        progress,
        onMessage,
        onRuntime,
      },
    );
    await landmarker.#start(startTime);
    return landmarker;
  }

  #options;
  #fixed;
  #store;
  #running; // RunningModels: the sessions and the backend they run on
  #session = null; // TrackerSession
  #driver = new FrameDriver();
  #queue = Promise.resolve();
  #closed = false;
  #timingStarted = false;

  // Milliseconds from startTime to: Python up, models up, ready; WASM warm-up runs; the
  // backend choice (as in `runtime.choice`); `marks`: each start-up step's end in ms from
  // navigation start, and `cached`: the downloads that came without network transfer (see
  // startup-marks.js).
  #marks = new StartupMarks();
  startup = {
    pythonMs: null,
    modelsMs: null,
    readyMs: null,
    warmUpRuns: null,
    backend: null,
    firstFrameTimings: {}, // the first tracked frame's timings (crop, inference, ...)
    pythonFromSnapshot: null, // Pyodide booted from the build's memory snapshot
    marks: this.#marks.marks,
    cached: this.#marks.cached,
  };

  constructor(options, fixed) {
    this.#options = options;
    this.#fixed = fixed;
    this.#store = new ModelStore(new URL("models/", fixed.baseUrl), fixed.progress);
    this.#running = new RunningModels({
      store: this.#store,
      ...fixed,
      marks: this.#marks,
      notify: (text) => this.#notify(text),
    });
  }

  // The options in force (`backend` as asked: "auto" or a name; `runtime` says which runs).
  /** @returns {Required<PoseLandmarkerSettings>} */
  get options() {
    return { ...this.#options };
  }

  // The running models: backend name, WASM threads, WebNN device type, landmark file, whether
  // it has the segmentation head, whether ORT runs in its proxy worker, and the choice.
  /** @returns {PoseRuntime} */
  get runtime() {
    return this.#running.runtime;
  }

  async #start(startTime) {
    const since = () => Math.round(performance.now() - startTime);
    const { progress, baseUrl } = this.#fixed;
    const step = async (name, text, promise) => {
      progress?.step?.(name, "run", `${text}…`);
      try {
        const value = await promise;
        progress?.step?.(name, "done", `${text} ✓`);
        return value;
      } catch (error) {
        progress?.step?.(name, "fail", `${text} ✗`);
        throw error;
      }
    };
    // Python, ONNX Runtime and the models all download in parallel.
    const marks = this.#marks;
    const python = step(
      "python",
      "Starting Python (Pyodide + blazepose)",
      startPython(baseUrl, (name) => marks.mark(name)),
    );
    python.then(
      (api) => {
        this.startup.pythonMs = since();
        marks.mark("pythonReady");
        this.startup.pythonFromSnapshot = api.fromSnapshot === true;
        for (const [name, at] of Object.entries(api.startupMarks ?? {})) marks.mark(name, at);
      },
      () => {},
    );
    const file = this.#wantedFile();
    const candidates = await this.#running.probe(this.#options.backend);
    const names = [...new Set(candidates.map((c) => c.name))].join(", ");
    const models = step(
      "models",
      `Loading ONNX Runtime and models (${CONTRACT.detectorFile}, ${file}); ` +
        `${candidates.length > 1 ? "first guess of" : "backend"} ${names}`,
      Promise.all([this.#store.load(CONTRACT.detectorFile), this.#store.load(file)]).then(() =>
        this.#loadModels(),
      ),
    );
    models.then(
      () => (this.startup.modelsMs = since()),
      () => {},
    );
    const timeout = new Promise((_, reject) =>
      setTimeout(
        () => reject(new LoadError(`Python did not start within ${PYTHON_TIMEOUT_MS / 1000} s.`)),
        PYTHON_TIMEOUT_MS,
      ),
    );
    // While Python starts, the WASM sessions run blank frames to get past the browser's
    // slow first phase of a new WASM instance (see PoseModels.warmUpWhile).
    let pythonUp = false;
    python.finally(() => (pythonUp = true)).catch(() => {});
    const warmUp = models
      .then(() => this.#running.warmUpWhile(() => !pythonUp))
      .then(
        (runs) => (this.startup.warmUpRuns = runs),
        () => {},
      );
    models.then(
      () => marks.mark("backendChosen"),
      () => {},
    );
    // Promise.all fails fast: a bad model is reported without waiting for Python.
    const [api] = await Promise.all([Promise.race([python, timeout]), models]);
    await warmUp;
    this.#session = new TrackerSession(api, this.#trackerOptions());
    this.startup.backend = this.#running.runtime.choice;
    this.startup.readyMs = since();
    marks.mark("ready");
    marks.addFetches();
  }

  // The tracker always computes the mask matrix (a few multiplications), so that switching
  // segmentation on or off does not restart the track.
  #trackerOptions() {
    const { smoothing, minDetectionConfidence, minTrackingConfidence, numPoses } = this.#options;
    const options = { smoothing, minDetectionConfidence, minTrackingConfidence, numPoses };
    return { ...options, segmentation: true };
  }

  #wantedFile() {
    return landmarkFile(this.#options.model, this.#options.segmentation);
  }

  #notify(text) {
    console.warn(`[blazepose] ${text}`);
    this.#fixed.onMessage?.(text);
  }

  // `auto`'s first visit starts on its first guess; once a pose is tracked, the candidates
  // are opened and warmed up beside the tracking, timed while it waits (about a second;
  // remembered for the next visit), and the fastest takes over between frames when clearly
  // faster. onRuntime() hears of the change.
  async #timeBackends() {
    try {
      const result = await this.#running.timePending((fn) => this.#exclusive(fn));
      if (!result) return this.#running.settleGuess("not timed: the model changed");
      await this.#exclusive(() => this.#running.adopt(result)).catch(() =>
        result.models?.release(),
      );
    } catch (error) {
      this.#running.settleGuess(`timing failed: ${error.message}`);
      console.warn(`[blazepose] timing the backends failed: ${error.message}`);
    }
    this.#fixed.onRuntime?.(this.runtime);
  }

  // Loads (or switches to) the sessions for the options.
  #loadModels() {
    return this.#running.load(this.#options.backend, this.#wantedFile());
  }

  // One call at a time touches the tracker and the sessions.
  #exclusive(fn) {
    if (this.#closed) return Promise.reject(new Error("PoseLandmarker: closed"));
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  // Changes options (keys of CONTRACT.defaults) without reloading the page: a new model or
  // backend loads new sessions (the old ones stay in use if that fails); tracker options
  // start a new track. Resolves with the options in force.
  /**
   * @param {PoseLandmarkerSettings} changes
   * @returns {Promise<Required<PoseLandmarkerSettings>>}
   */
  setOptions(changes = {}) {
    checkOptions(changes);
    return this.#exclusive(async () => {
      const before = JSON.stringify(this.#trackerOptions());
      const previous = { ...this.#options };
      Object.assign(this.#options, changes);
      try {
        await this.#loadModels();
      } catch (error) {
        this.#options = previous;
        throw error;
      }
      if (JSON.stringify(this.#trackerOptions()) !== before)
        this.#session.configure(this.#trackerOptions());
      this.#driver.reset();
      return this.options;
    });
  }

  // Forgets the tracked pose (a new video, or unrelated images).
  reset() {
    return this.#exclusive(() => {
      this.#session.reset();
      this.#driver.reset();
    });
  }

  // Tracks one video frame (a video, canvas, image, ImageBitmap, VideoFrame or ImageData) at
  // timeMs (increasing); resolves with the result (see #track).
  /**
   * @param {PoseImageSource} source
   * @param {number} timeMs
   * @returns {Promise<PoseLandmarkerResult>}
   */
  detectForVideo(source, timeMs) {
    if (!Number.isFinite(timeMs))
      return Promise.reject(new Error("detectForVideo: timeMs must be a finite number (ms)"));
    return this.#exclusive(() => this.#track(source, timeMs));
  }

  // A still image, independent of earlier frames: reset, then one frame.
  /** @param {PoseImageSource} image @returns {Promise<PoseLandmarkerResult>} */
  detect(image) {
    return this.#exclusive(() => {
      this.#session.reset();
      this.#driver.reset();
      return this.#track(image, 0);
    });
  }

  // The analysis each frame gets (blazepose.analysis, as the CLI runs it): joint angles
  // always; with `exercise` (a name of analysisInfo.exercises, or analysisInfo.classifier for
  // the classifier of `samples`) a rep count; with `code` (Python defining on_pose(pose)) its
  // return value each frame. changes: {exercise?, samples? (CSV text), code?}; resolves with
  // {exercise, samples, classes, errors: {exercise?, samples?, code?}} (errors are messages).
  setAnalysis(changes = {}) {
    for (const key of Object.keys(changes))
      if (!["exercise", "samples", "code"].includes(key))
        throw new Error(`setAnalysis: unknown option ${key}`);
    return this.#exclusive(() => this.#session.setAnalysis(changes));
  }

  // With numPoses > 1: whose analysis (count, reps, user function output) the results'
  // `analysis` gives: a person's id (results' `ids`), or null for the first (lowest id).
  selectPerson(id) {
    if (id != null && !Number.isInteger(id))
      return Promise.reject(new Error("selectPerson: id must be an integer (a pose's id) or null"));
    return this.#exclusive(() => this.#session.selectPerson(id));
  }

  // {angles: [names], exercises: {name: {angles, space, up, down, why}}, classifier}.
  get analysisInfo() {
    return this.#session?.analysisInfo ?? null;
  }

  // Runs a recording in the CLI's JSON schema ({width, height, frames}) through a new
  // analyzer set up like this one: {frames: [...], reps: {exercise, count, events}}.
  analyzeRecording(recording) {
    return this.#exclusive(() => this.#session.analyzeRecording(recording));
  }

  // Releases the model sessions and the tracker session (Python stays up for other users).
  close() {
    if (this.#closed) return this.#queue;
    this.#closed = true; // calls from now on fail; those already queued still run
    const closing = this.#queue.then(async () => {
      this.#session?.close();
      await this.#running.release();
    });
    this.#queue = closing.catch(() => {});
    return closing;
  }

  /** @returns {Promise<PoseLandmarkerResult>} */
  async #track(source, timeMs) {
    const { segmentation, smoothing, numPoses } = this.#options;
    const run = () =>
      this.#driver.track(this.#session, this.#running.models, source, timeMs, {
        segmentation,
        smoothing,
        numPoses,
      });
    let frame;
    try {
      frame = await run();
    } catch (error) {
      if (!(error instanceof InferenceError)) throw error;
      await this.#running.fallBack(error, this.#wantedFile());
      this.#session.reset();
      frame = await run();
    }
    const { pose, poses, masks } = frame;
    if (!("firstFrame" in this.#marks.marks))
      Object.assign(this.startup.firstFrameTimings, frame.timings);
    this.#marks.mark("firstFrame");
    if (pose) this.#marks.mark("firstPose");
    if (pose && !this.#timingStarted) {
      this.#timingStarted = true;
      afterNextPaint(() => this.#timeBackends()); // the first pose is drawn first
    }
    // One entry per person, by id (at most one unless numPoses > 1); with several people
    // analysis also has id (whose it is), people ([{id, count, present}]).
    const { angles, poseAngles, ...analysis } = frame.analysis;
    return {
      landmarks: poses.map((p) => p.landmarks),
      worldLandmarks: poses.map((p) => p.worldLandmarks),
      ids: poses.map((p) => p.id),
      angles: poseAngles ?? (angles ? [angles] : []),
      analysis,
      ...(masks ? { segmentationMasks: masks } : {}),
      poseScore: pose ? pose.poseScore : null,
      roi: pose ? pose.roi : null,
      timings: frame.timings,
      model: this.#options.model,
      backend: this.#running.info,
      imageWidth: frame.width,
      imageHeight: frame.height,
    };
  }
}

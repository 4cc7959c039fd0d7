// The page: start-up, controls, the frame loop, drawing, and the window.blazepose API.
import { drawSkeleton, drawWorld, MaskLayer } from "./draw.js";
import {
  Cropper,
  DETECTOR_FILE,
  DETECTOR_SIZE,
  LANDMARK_SIZE,
  LoadError,
  landmarkFile,
  loadRuntime,
  ModelStore,
  PoseModels,
  threadCount,
} from "./engine.js";
import {
  listCameras,
  openFile,
  openImageUrl,
  playSample,
  playVideoUrl,
  SourceError,
  startCamera,
  stopVideo,
} from "./sources.js";

const boot = window.__blazeposeBoot;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// Settings come from query parameters (<blazepose-view> turns its attributes into these).
const option = (name, fallback) => params.get(name) ?? fallback;
const flag = (name, fallback) => {
  const value = option(name, null);
  return value === null ? fallback : !["0", "false", "off", "no"].includes(value);
};

const MODELS = ["lite", "full", "heavy"];
const BACKENDS = ["wasm", "webgpu"];
const settings = {
  model: MODELS.includes(option("model")) ? option("model") : "full",
  backend: BACKENDS.includes(option("backend")) ? option("backend") : "wasm",
  segmentation: flag("segmentation", false),
  landmarksOnly: null, // null: follow `segmentation`
  smoothing: flag("smoothing", true),
  minDetectionConfidence: Number(option("minDetectionConfidence", 0.5)),
  minTrackingConfidence: Number(option("minTrackingConfidence", 0.5)),
  proxy: flag("proxy", true),
  threads: Number(option("threads", 0)), // 0: automatic (see engine.js threadCount)
};
const embedded = flag("embed", false);
if (embedded) document.body.classList.add("embedded");

// --- messages ------------------------------------------------------------------------------

function showMessage(text, kind = "error") {
  const box = $("message");
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = !text;
  if (text && kind === "error") console.warn(`[blazepose] ${text}`);
}

function unsupportedReason() {
  if (typeof WebAssembly !== "object") return "WebAssembly is not available.";
  if (typeof TransformStream !== "function" || typeof createImageBitmap !== "function")
    return "Streams or createImageBitmap are missing.";
  if (!document.createElement("canvas").getContext("2d")) return "Canvas 2D is not available.";
  return null;
}

// --- loading screen ------------------------------------------------------------------------

const MB = (n) => (n / 1048576).toFixed(1);
boot.progress.onChange(({ loaded, total, steps }) => {
  $("loading-bar").max = Math.max(total, 1);
  $("loading-bar").value = loaded;
  $("loading-bytes").textContent = `${MB(loaded)} of ${MB(total)} MB`;
  const list = $("loading-steps");
  list.replaceChildren(
    ...[...steps.values()].map(({ state, text }) => {
      const li = document.createElement("li");
      li.dataset.state = state;
      li.textContent = text;
      return li;
    }),
  );
});

function loadingFailed(text) {
  const box = document.querySelector(".loading-box");
  box.classList.add("failed");
  let p = box.querySelector(".loading-error");
  if (!p) {
    p = document.createElement("p");
    p.className = "loading-error";
    p.setAttribute("role", "alert");
    box.append(p);
  }
  p.textContent = text;
  console.warn(`[blazepose] ${text}`);
}

async function step(name, text, promise) {
  boot.progress.step(name, "run", `${text}…`);
  try {
    const value = await promise;
    boot.progress.step(name, "done", `${text} ✓`);
    return value;
  } catch (error) {
    boot.progress.step(name, "fail", `${text} ✗`);
    throw error;
  }
}

// --- the pipeline --------------------------------------------------------------------------

const store = new ModelStore(new URL("models/", import.meta.url), boot.progress);
const detectorCrop = new Cropper(DETECTOR_SIZE);
const landmarkCrop = new Cropper(LANDMARK_SIZE);
const maskLayer = new MaskLayer();
// The frame being tracked is copied here first (the video moves on while models run); the
// visible canvas gets that frame and its pose together at the end, so they always match.
const frameCanvas = document.createElement("canvas");
const frameCtx = frameCanvas.getContext("2d", { willReadFrequently: true });
const viewCanvas = $("frame");
const viewCtx = viewCanvas.getContext("2d");
const worldCtx = $("world").getContext("2d");

let py = null; // Python API (app.py)
let models = null; // PoseModels in use
let activeBackend = settings.backend;
let frameIndex = 0;
let lastWorld = null;
let lastSegmentation = null;
let timing = null;
const views = new Map(); // name -> PyBuffer into app.py's arrays

function pyView(name, type = "f32") {
  let view = views.get(name);
  if (!view || view.data.length === 0) {
    view?.release();
    view = py.buffer(name).getBuffer(type);
    views.set(name, view);
  }
  return view.data;
}

let current = null; // the frame being tracked: {width, height}

// Cuts the crop whose canvas matrix Python left in `transform` and runs a model on it.
async function cropAndRun(cropper, replicate, run) {
  const m = pyView("transform", "f64");
  let t = performance.now();
  const rgba = cropper.crop(
    frameCanvas,
    current.width,
    current.height,
    [m[0], m[1], m[2], m[3], m[4], m[5]],
    replicate,
  );
  timing.crop += performance.now() - t;
  t = performance.now();
  const out = await run(rgba);
  timing.inference += performance.now() - t;
  return out;
}

// Calls a synchronous step of app.py, timing it as Python.
function pyStep(step, ...args) {
  const t = performance.now();
  const value = step(...args);
  timing.python += performance.now() - t;
  return value;
}

// One frame through the tracker: the JS twin of blazepose.track.track_frame.
async function runPipeline(width, height, timeMs) {
  if (pyStep(py.detectorCrop, width, height)) {
    const out = await cropAndRun(detectorCrop, false, (rgba) => models.runDetector(rgba));
    pyView("boxes").set(out.boxes);
    pyView("scores").set(out.scores);
    if (!pyStep(py.onDetector, width, height, timeMs)) return false;
  }
  if (!pyStep(py.landmarkCrop, width, height, timeMs)) return false;
  const out = await cropAndRun(landmarkCrop, true, (rgba) => models.runLandmarks(rgba));
  for (const name of ["landmarks", "pose_flag", "heatmap", "world_landmarks"]) {
    pyView(name).set(out[name]);
  }
  lastSegmentation = out.segmentation ?? null;
  return pyStep(py.onLandmarks, width, height, timeMs);
}

function sourceSize(source) {
  if (source instanceof HTMLVideoElement) return [source.videoWidth, source.videoHeight];
  if (source instanceof HTMLImageElement) return [source.naturalWidth, source.naturalHeight];
  return [source.width, source.height];
}

function snapshot(source, width, height) {
  for (const canvas of [frameCanvas, viewCanvas]) {
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
  }
  if (source instanceof ImageData) frameCtx.putImageData(source, 0, 0);
  else frameCtx.drawImage(source, 0, 0, width, height);
}

function readResult() {
  const r = pyView("result", "f64");
  const n = 33;
  const landmarks = [];
  const world = [];
  let o = 12;
  for (let i = 0; i < n; i++, o += 5)
    landmarks.push([r[o], r[o + 1], r[o + 2], r[o + 3], r[o + 4]]);
  for (let i = 0; i < n; i++, o += 3) world.push([r[o], r[o + 1], r[o + 2]]);
  return {
    poseScore: r[0],
    roi: { xCenter: r[1], yCenter: r[2], width: r[3], height: r[4], rotation: r[5] },
    cropToCanvas: Array.from(r.subarray(6, 12)),
    landmarks,
    world,
  };
}

const fps = { times: [], value: 0 };
// Milliseconds from the first script to: Python ready, models ready, both, first drawn pose.
const startup = {
  pythonMs: null,
  modelsMs: null,
  readyMs: null,
  firstPoseMs: null,
  warmUpRuns: null,
};

// Tracks one frame end to end; returns the `blazepose:pose` detail.
async function trackFrame(source, timeMs) {
  const [width, height] = sourceSize(source);
  if (!width || !height) throw new Error("processFrame: the source has no pixels yet");
  const start = performance.now();
  timing = { crop: 0, inference: 0, python: 0, draw: 0, total: 0 };
  let t = performance.now();
  snapshot(source, width, height);
  timing.crop += performance.now() - t;
  current = { width, height };
  lastSegmentation = null;
  const found = await runPipeline(width, height, timeMs);
  t = performance.now();
  const pose = found ? readResult() : null;
  timing.python += performance.now() - t;

  t = performance.now();
  viewCtx.drawImage(frameCanvas, 0, 0);
  if (settings.segmentation && pose && lastSegmentation) {
    maskLayer.update(lastSegmentation, pose.cropToCanvas, width, height, settings.smoothing);
  } else if (!pose) {
    maskLayer.reset();
  }
  if (settings.segmentation) maskLayer.draw(viewCtx);
  if (pose) drawSkeleton(viewCtx, pose.landmarks, width, height);
  lastWorld = pose ? pose.world : null;
  drawWorld(worldCtx, lastWorld, performance.now());
  timing.draw = performance.now() - t;
  timing.total = performance.now() - start;
  if (pose && startup.firstPoseMs === null)
    startup.firstPoseMs = Math.round(performance.now() - boot.t0);

  fps.times.push(performance.now());
  while (fps.times.length > 1 && fps.times[0] < performance.now() - 1000) fps.times.shift();
  fps.value =
    fps.times.length > 1 ? ((fps.times.length - 1) * 1000) / (fps.times.at(-1) - fps.times[0]) : 0;
  updateStats();

  const detail = {
    frame: frameIndex++,
    timeMs,
    imageWidth: width,
    imageHeight: height,
    landmarks: pose ? pose.landmarks : null,
    worldLandmarks: pose ? pose.world : null,
    poseScore: pose ? pose.poseScore : null,
    roi: pose ? pose.roi : null,
    model: settings.model,
    backend: activeBackend,
    timings: { ...timing },
  };
  window.dispatchEvent(new CustomEvent("blazepose:pose", { detail }));
  if (window.parent !== window) window.parent.postMessage({ type: "blazepose:pose", detail }, "*");
  return detail;
}

const smoothTimes = {};
function updateStats() {
  for (const key of ["crop", "inference", "python", "draw"]) {
    smoothTimes[key] =
      smoothTimes[key] === undefined ? timing[key] : 0.8 * smoothTimes[key] + 0.2 * timing[key];
    $(`stat-${key}`).textContent = `${smoothTimes[key].toFixed(1)} ms`;
  }
  $("stat-fps").textContent = fps.value.toFixed(1);
}

function showSettings() {
  $("stat-model").textContent = `${settings.model}${models?.segmentation ? " (+seg)" : ""}`;
  $("stat-backend").textContent = activeBackend;
  $("stat-threads").textContent =
    activeBackend === "wasm"
      ? `${threadCount(settings.threads)}${settings.proxy ? " (worker)" : ""}`
      : "–";
  $("model").value = settings.model;
  $("backend").value = activeBackend;
  $("segmentation").checked = settings.segmentation;
  $("smoothing").checked = settings.smoothing;
}

// One thing at a time touches the tracker and the sessions.
let queue = Promise.resolve();
function exclusive(fn) {
  const run = queue.then(fn);
  queue = run.catch(() => {});
  return run;
}

function wantedLandmarkFile() {
  const landmarksOnly = settings.landmarksOnly ?? !settings.segmentation;
  return landmarkFile(settings.model, !landmarksOnly);
}

// Loads (or switches to) the sessions for the current settings; WebGPU falls back to WASM.
async function loadModels() {
  let backend = settings.backend;
  if (backend === "webgpu" && !navigator.gpu) {
    showMessage("WebGPU is not available in this browser: using WASM.", "info");
    backend = "wasm";
  }
  const file = wantedLandmarkFile();
  if (models && models.backend === backend && models.file === file) return;
  let next;
  try {
    const ort = await loadRuntime(backend, boot.progress, {
      proxy: settings.proxy,
      threads: settings.threads,
    });
    next = await PoseModels.create(ort, backend, store, DETECTOR_FILE, file);
  } catch (error) {
    if (
      backend !== "webgpu" ||
      (error instanceof LoadError && /checksum|failed to load/.test(error.message))
    )
      throw error;
    console.warn("[blazepose] WebGPU failed, falling back to WASM:", error);
    showMessage(`WebGPU failed (${error.message}): using WASM.`, "info");
    backend = "wasm";
    const ort = await loadRuntime(backend, boot.progress, {
      proxy: settings.proxy,
      threads: settings.threads,
    });
    next = await PoseModels.create(ort, backend, store, DETECTOR_FILE, file);
  }
  next.file = file;
  const previous = models;
  models = next;
  activeBackend = backend;
  if (previous) await previous.release();
}

function pySettings() {
  return {
    smoothing: settings.smoothing,
    minDetectionConfidence: settings.minDetectionConfidence,
    minTrackingConfidence: settings.minTrackingConfidence,
  };
}

async function setOptions(changes = {}) {
  return exclusive(async () => {
    const before = JSON.stringify(pySettings());
    for (const key of Object.keys(changes)) {
      if (!(key in settings)) throw new Error(`setOptions: unknown option ${key}`);
      if (key === "threads" || key === "proxy")
        throw new Error(`setOptions: ${key} is fixed at start-up (URL parameter)`);
    }
    if (changes.model !== undefined && !MODELS.includes(changes.model))
      throw new Error(`setOptions: model must be one of ${MODELS}`);
    if (changes.backend !== undefined && !BACKENDS.includes(changes.backend))
      throw new Error(`setOptions: backend must be one of ${BACKENDS}`);
    const previous = { ...settings };
    Object.assign(settings, changes);
    try {
      await loadModels();
    } catch (error) {
      Object.assign(settings, previous); // the old sessions are still in use
      showSettings();
      throw error;
    }
    if (JSON.stringify(pySettings()) !== before) py.configure(pySettings());
    maskLayer.reset();
    showSettings();
    return { ...settings, backend: activeBackend };
  });
}

// --- sources and the live loop -------------------------------------------------------------

const video = $("video");
let pipelineReady = false; // Python and the sessions are up
let markPipelineUp;
const pipelineUp = new Promise((resolve) => (markPipelineUp = resolve));
let liveToken = 0; // bumps whenever the source changes; stale loops stop
let apiDriven = false;

function resetTracker() {
  if (pipelineReady) exclusive(() => py.reset());
}

function stopLive() {
  liveToken++;
  stopVideo(video);
}

// Tracks the video's frames one at a time. Presented frames are counted continuously, so a
// new frame that arrived while the previous one was being tracked is taken at once instead
// of waiting for the next presentation.
function runLive(timeSource) {
  const token = ++liveToken;
  let presented = 0;
  let wake = null;
  const onFrame = () => {
    if (token !== liveToken) return;
    presented++;
    wake?.();
    wake = null;
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(onFrame);
    else requestAnimationFrame(onFrame);
  };
  onFrame();
  (async () => {
    let taken = 0;
    while (token === liveToken) {
      if (presented === taken) await new Promise((resolve) => (wake = resolve));
      if (token !== liveToken) return;
      taken = presented;
      if (!pipelineReady || apiDriven || video.readyState < 2 || video.paused) continue;
      try {
        await exclusive(() => trackFrame(video, timeSource()));
      } catch (error) {
        showMessage(`Tracking failed: ${error.message}`);
        console.error(error);
        return;
      }
    }
  })();
}

let stillImage = null; // the picked image, tracked again when the settings change

async function trackImage(bitmap) {
  liveToken++;
  stillImage = bitmap;
  await pipelineUp;
  await exclusive(async () => {
    py.reset();
    maskLayer.reset();
    return trackFrame(bitmap, 0);
  });
}

async function useSource(kind, file) {
  showMessage("");
  stopLive();
  stillImage = null;
  $("facing-label").hidden = kind !== "camera";
  try {
    if (kind === "camera") {
      await startCamera(video, $("facing").value || null, () => {
        if (video.srcObject) showMessage("The camera stopped (disconnected or access revoked).");
      });
      await fillCameraList();
      resetTracker();
      runLive(() => performance.now());
    } else if (kind === "sample") {
      await playSample(video);
      resetTracker();
      runLive(() => performance.now());
    } else if (kind === "file" && file) {
      const opened = await openFile(video, file);
      if (opened.kind === "image") await trackImage(opened.bitmap);
      else {
        resetTracker();
        runLive(() => performance.now());
      }
    } else if (kind === "url") {
      if (/\.(png|jpe?g|webp|gif|bmp)$/i.test(file)) await trackImage(await openImageUrl(file));
      else {
        await playVideoUrl(video, file);
        resetTracker();
        runLive(() => performance.now());
      }
    }
  } catch (error) {
    showMessage(error instanceof SourceError ? error.message : `Source failed: ${error.message}`);
  }
}

async function fillCameraList() {
  const cameras = await listCameras();
  const select = $("facing");
  const chosen = select.value;
  select.replaceChildren(
    ...cameras.map((camera, i) => new Option(camera.label || `Camera ${i + 1}`, camera.deviceId)),
  );
  if (chosen) select.value = chosen;
  $("facing-label").hidden = cameras.length < 2;
}

function wireControls() {
  $("backend").querySelector('[value="webgpu"]').disabled = !navigator.gpu;
  $("source").addEventListener("change", () => {
    const kind = $("source").value;
    if (kind === "file") $("file").click();
    else if (kind === "none") stopLive();
    else useSource(kind);
  });
  $("file").addEventListener("change", () => {
    const file = $("file").files[0];
    $("file").value = ""; // picking the same file again must fire "change" again
    if (file) useSource("file", file);
  });
  $("facing").addEventListener("change", () => useSource("camera"));
  const apply = (changes) =>
    setOptions(changes)
      .then(() => stillImage && !apiDriven && trackImage(stillImage))
      .catch((error) => showMessage(error.message));
  $("model").addEventListener("change", () => apply({ model: $("model").value }));
  $("backend").addEventListener("change", () => apply({ backend: $("backend").value }));
  $("segmentation").addEventListener("change", () =>
    apply({ segmentation: $("segmentation").checked }),
  );
  $("smoothing").addEventListener("change", () => apply({ smoothing: $("smoothing").checked }));
  for (const [id, key] of [
    ["min-detection", "minDetectionConfidence"],
    ["min-tracking", "minTrackingConfidence"],
  ]) {
    $(id).value = settings[key];
    $(`${id}-value`).textContent = Number(settings[key]).toFixed(2);
    $(id).addEventListener(
      "input",
      () => ($(`${id}-value`).textContent = Number($(id).value).toFixed(2)),
    );
    $(id).addEventListener("change", () => apply({ [key]: Number($(id).value) }));
  }
}

// --- start-up ------------------------------------------------------------------------------

async function start() {
  const reason = unsupportedReason();
  if (reason)
    throw new LoadError(
      `Unsupported browser: ${reason} Use a recent Chrome, Edge, Firefox or Safari.`,
    );
  const sourceKind = option("source", "sample");
  // Everything downloads in parallel: Python, ONNX Runtime, the models, the sample clip.
  const since = () => Math.round(performance.now() - boot.t0);
  const pyStart = step("python", "Starting Python (Pyodide + blazepose)", boot.pyReady);
  pyStart.then(
    () => (startup.pythonMs = since()),
    () => {},
  );
  pyStart.catch(() => {});
  const file = wantedLandmarkFile();
  const backend = settings.backend === "webgpu" && !navigator.gpu ? "wasm" : settings.backend;
  const modelsReady = step(
    "models",
    `Loading ONNX Runtime (${backend}) and models (${DETECTOR_FILE}, ${file})`,
    Promise.all([
      store.load(DETECTOR_FILE),
      store.load(file),
      loadRuntime(backend, boot.progress, { proxy: settings.proxy, threads: settings.threads }),
    ]).then(() => loadModels()),
  );
  modelsReady.then(
    () => (startup.modelsMs = since()),
    () => {},
  );
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new LoadError("Python did not start within 90 s.")), 90000),
  );
  // The source starts playing while the rest loads; frames are tracked once all is ready.
  if (sourceKind === "camera" || sourceKind === "sample") {
    $("source").value = sourceKind;
    useSource(sourceKind);
  } else {
    $("source").value = "none";
    if (sourceKind !== "none") useSource("url", sourceKind);
  }
  // While Python starts, the WASM sessions run blank frames to get past the browser's
  // slow first phase of a new WASM instance (see PoseModels.warmUpWhile).
  let pythonUp = false;
  pyStart.finally(() => (pythonUp = true)).catch(() => {});
  const warmUp = modelsReady
    .then(() => (models.backend === "wasm" ? models.warmUpWhile(() => !pythonUp) : 0))
    .then(
      (runs) => (startup.warmUpRuns = runs),
      () => {},
    );
  // Promise.all fails fast: a bad model is reported without waiting for Python.
  [py] = await Promise.all([Promise.race([pyStart, timeout]), modelsReady]);
  await warmUp;
  py.configure(pySettings());
  showSettings();
  wireControls();
  pipelineReady = true;
  markPipelineUp();
  $("loading").hidden = true;
  startup.readyMs = since();
}

const ready = start();
ready.catch((error) => loadingFailed(error.message));

window.blazepose = {
  ready: ready.then(() => ({
    ...settings,
    backend: activeBackend,
    threads: threadCount(settings.threads),
  })),
  // Tracks one frame (stops the live source on first use, so calls stay deterministic).
  async processFrame(source, timeMs) {
    await ready;
    if (!apiDriven) {
      apiDriven = true;
      stopLive();
    }
    return exclusive(() => trackFrame(source, timeMs));
  },
  setOptions: async (changes) => {
    await ready;
    return setOptions(changes);
  },
  async reset() {
    await ready;
    return exclusive(() => {
      py.reset();
      maskLayer.reset();
    });
  },
  startup,
  get options() {
    return { ...settings, backend: activeBackend };
  },
};

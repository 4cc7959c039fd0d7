// The demo page: a PoseLandmarker fed by the chosen source, drawing each tracked frame, its
// analysis panel, and the window.blazepose API with its `blazepose:pose` and `blazepose:rep`
// events (what tests and the benchmark use).
import { AnalysisPanel } from "./analysis-panel.js";
import {
  chosenCamera,
  fillCameraList,
  fillChoices,
  showSettings,
  wireControls,
} from "./controls.js";
import { drawMask, drawPeople, drawWorld } from "./draw.js";
import { sourceSize } from "./frame-driver.js";
import { LiveLoop } from "./live-loop.js";
import { hideLoading, loadingFailed, showLoading } from "./loading.js";
import { embedded, engineOptions, settings, startSource } from "./page-settings.js";
import { poseDetail } from "./pose-detail.js";
import { PoseLandmarker } from "./pose-landmarker.js";
import {
  CAMERA_ENDED,
  noPoseMessage,
  openFile,
  openImageUrl,
  playSample,
  playVideoUrl,
  SourceError,
  startCamera,
  stopVideo,
} from "./sources.js";
import { recordFrame, showRuntime } from "./stats.js";

const boot = window.__blazeposeBoot; // progress.js: byte counter and the page's time origin
const $ = (id) => document.getElementById(id);
if (embedded) document.body.classList.add("embedded");

function showMessage(text, kind = "error") {
  const box = $("message");
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = !text;
  if (text && kind === "error") console.warn(`[blazepose] ${text}`);
}

// --- tracking and drawing ------------------------------------------------------------------

let landmarker = null;
let panel = null; // AnalysisPanel
// A frame that can change while the models run (a playing video, a canvas) is copied here
// first; an ImageBitmap cannot change and is tracked as it is (the copy was a third of the
// crop stage). The visible canvas gets the frame and its pose together at the end.
const frameCanvas = document.createElement("canvas");
const frameCtx = frameCanvas.getContext("2d", { willReadFrequently: true });
const viewCanvas = $("frame");
const viewCtx = viewCanvas.getContext("2d");
const worldCtx = $("world").getContext("2d");
let frameIndex = 0;
// Milliseconds from the first script to: Python ready, models ready, both, first drawn pose;
// after start-up also PoseLandmarker.startup's `marks` (ms from navigation start, firstDraw
// added here), `cached`, `backend` and `firstFrameTimings`.
const startup = {
  pythonMs: null,
  modelsMs: null,
  readyMs: null,
  firstPoseMs: null,
  warmUpRuns: null,
};

function fit(canvas, width, height) {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
}

// The frame to track and draw, with its size.
function snapshot(source) {
  const [width, height] = sourceSize(source);
  if (!width || !height) throw new Error("processFrame: the source has no pixels yet");
  fit(viewCanvas, width, height);
  if (source instanceof ImageBitmap) return [source, width, height];
  fit(frameCanvas, width, height);
  if (source instanceof ImageData) frameCtx.putImageData(source, 0, 0);
  else frameCtx.drawImage(source, 0, 0, width, height);
  return [frameCanvas, width, height];
}

function post(type, detail) {
  window.dispatchEvent(new CustomEvent(type, { detail }));
  if (window.parent !== window) window.parent.postMessage({ type, detail }, "*");
}

// Tracks one frame end to end (`still`: an independent image); returns the event detail.
async function trackFrame(source, timeMs, still = false) {
  const start = performance.now();
  const [frame, width, height] = snapshot(source);
  const snapshotMs = performance.now() - start;
  const result = still
    ? await landmarker.detect(frame)
    : await landmarker.detectForVideo(frame, timeMs);
  const timings = { ...result.timings, draw: 0 };
  timings.crop += snapshotMs;

  let t = performance.now();
  const detail = poseDetail({ ...result, timings }, frameIndex++, timeMs, settings.model);
  timings.python += performance.now() - t;

  t = performance.now();
  viewCtx.drawImage(frame, 0, 0);
  for (const mask of result.segmentationMasks ?? []) drawMask(viewCtx, mask);
  drawPeople(viewCtx, detail, width, height, settings.numPoses > 1);
  drawWorld(worldCtx, detail.worldLandmarks, performance.now());
  panel?.frame(detail);
  timings.draw = performance.now() - t;
  timings.total = performance.now() - start;
  if (detail.landmarks && startup.firstPoseMs === null) {
    startup.firstPoseMs = Math.round(performance.now() - boot.t0);
    if (startup.marks) startup.marks.firstDraw = Math.round(performance.now());
  }
  recordFrame(timings);

  post("blazepose:pose", detail);
  for (const rep of detail.analysis.reps) post("blazepose:rep", rep);
  return detail;
}

// One thing at a time: frames, resets and option changes.
let queue = Promise.resolve();
function exclusive(fn) {
  const run = queue.then(fn);
  queue = run.catch(() => {});
  return run;
}

function showState() {
  const runtime = landmarker.runtime;
  showRuntime({ ...runtime, model: settings.model });
  showSettings(settings, settings.backend);
}

function setOptions(changes = {}) {
  for (const key of Object.keys(changes)) {
    if (!(key in settings)) throw new Error(`setOptions: unknown option ${key}`);
    if (key === "threads" || key === "proxy")
      throw new Error(`setOptions: ${key} is fixed at start-up (URL parameter)`);
  }
  return exclusive(async () => {
    const previous = { ...settings };
    Object.assign(settings, changes);
    try {
      await landmarker.setOptions(engineOptions());
    } catch (error) {
      Object.assign(settings, previous); // the old sessions are still in use
      showState();
      throw error;
    }
    showState();
    return { ...settings, backend: landmarker.runtime.backend };
  });
}

// --- sources -------------------------------------------------------------------------------

const video = $("video");
const live = new LiveLoop(video);
let ready = false; // the landmarker is up
let markUp;
const up = new Promise((resolve) => (markUp = resolve));
let apiDriven = false; // processFrame was called: the live source stays stopped
let stillImage = null; // the picked image, tracked again when the settings change

function stopLive() {
  live.stop();
  stopVideo(video);
}

function runLive() {
  if (ready) exclusive(() => landmarker.reset());
  live.start((frame) => exclusive(() => trackFrame(frame, performance.now())), {
    ready: () => ready && !apiDriven,
    // Shown again after a while: the old pose is forgotten, tracking starts afresh.
    onResume: () => ready && exclusive(() => landmarker.reset()),
    onError: (error) => {
      if (error instanceof SourceError) return showMessage(error.message);
      showMessage(`Tracking failed: ${error.message}`);
      console.error(error);
    },
  });
}

async function trackImage(bitmap) {
  live.stop();
  stillImage = bitmap;
  await up;
  const detail = await exclusive(() => trackFrame(bitmap, 0, true));
  if (!detail.landmarks) showMessage(noPoseMessage(bitmap.width, bitmap.height), "info");
}

// Each choice of source supersedes the previous one, even one still opening (a camera
// that answers after a file was picked must not take the video back).
let sourceRun = 0;

async function useSource(kind, file) {
  const run = ++sourceRun;
  const current = () => run === sourceRun;
  showMessage("");
  stopLive();
  stillImage = null;
  $("facing-label").hidden = kind !== "camera";
  try {
    if (kind === "camera") {
      const onEnded = () => {
        if (!video.srcObject || !current()) return;
        stopLive();
        $("source").value = "none"; // choosing Camera again restarts it
        showMessage(`${CAMERA_ENDED} Choose Camera in the source menu to start it again.`);
      };
      if (!(await startCamera(video, chosenCamera(), onEnded, current))) return;
      await fillCameraList();
      if (current()) runLive();
    } else if (kind === "sample") {
      await playSample(video);
      if (current()) runLive();
    } else if (kind === "file" && file) {
      const opened = await openFile(video, file);
      if (!current()) return;
      if (opened.kind === "image") await trackImage(opened.bitmap);
      else runLive();
    } else if (kind === "url") {
      if (/\.(png|jpe?g|webp|gif|bmp)$/i.test(file)) {
        const bitmap = await openImageUrl(file);
        if (current()) await trackImage(bitmap);
      } else {
        await playVideoUrl(video, file);
        if (current()) runLive();
      }
    }
  } catch (error) {
    if (!current()) return; // a later choice took over: this one's failure is moot
    showMessage(error instanceof SourceError ? error.message : `Source failed: ${error.message}`);
  }
}

// --- start-up ------------------------------------------------------------------------------

async function start() {
  fillChoices();
  showSettings(settings, settings.backend);
  showLoading(boot.progress);
  const creating = PoseLandmarker.create({
    ...engineOptions(),
    threads: settings.threads,
    proxy: settings.proxy,
    progress: boot.progress,
    startTime: boot.t0,
    onMessage: (text) => showMessage(text, "info"),
    onRuntime: () => showState(),
  });
  // The source starts playing while the rest loads; frames are tracked once all is ready.
  const sourceKind = startSource;
  if (sourceKind === "camera" || sourceKind === "sample") {
    $("source").value = sourceKind;
    useSource(sourceKind);
  } else {
    $("source").value = "none";
    if (sourceKind !== "none") useSource("url", sourceKind);
  }
  landmarker = await creating;
  Object.assign(startup, landmarker.startup);
  showState();
  const apply = (changes) =>
    setOptions(changes)
      .then(() => stillImage && !apiDriven && trackImage(stillImage))
      .catch((error) => showMessage(error.message));
  wireControls({ useSource, stop: stopLive, apply });
  if (!embedded) {
    panel = new AnalysisPanel(landmarker);
    await panel.start();
  }
  ready = true;
  markUp();
  hideLoading();
}

const started = start();
started.catch((error) => loadingFailed(error.message));

window.blazepose = {
  // Resolves with the settings and what runs: backend (name), threads, backendChoice
  // ({requested, chosen, candidates: [{backend, threads, ms}], reason}).
  ready: started.then(() => ({
    ...settings,
    backend: landmarker.runtime.backend,
    threads: landmarker.runtime.threads ?? 1,
    backendChoice: landmarker.runtime.choice,
  })),
  // Tracks one frame (stops the live source on first use, so calls stay deterministic).
  async processFrame(source, timeMs) {
    await started;
    if (!apiDriven) {
      apiDriven = true;
      stopLive();
    }
    return exclusive(() => trackFrame(source, timeMs));
  },
  setOptions: async (changes) => {
    await started;
    return setOptions(changes);
  },
  async reset() {
    await started;
    return exclusive(() => landmarker.reset());
  },
  // With numPoses > 1: whose analysis the events carry (an id of detail.poses; null: the
  // first found).
  async selectPerson(id) {
    await started;
    return landmarker.selectPerson(id);
  },
  // The analysis of each frame (PoseLandmarker.setAnalysis: {exercise, samples, code}),
  // shown in the panel; resolves with {exercise, samples, classes, errors}.
  async setAnalysis(changes) {
    await started;
    return panel ? panel.setAnalysis(changes) : landmarker.setAnalysis(changes);
  },
  // {angles, exercises: {name: {angles, space, up, down, why}}, classifier}
  get analysisInfo() {
    return landmarker?.analysisInfo ?? null;
  },
  // A recording in the CLI's JSON schema through the page's analyzer (same setup, fresh
  // counts): {frames, reps}.
  async analyzeRecording(recording) {
    await started;
    return landmarker.analyzeRecording(recording);
  },
  startup,
  get options() {
    return { ...settings, backend: landmarker?.runtime.backend ?? settings.backend };
  },
  // What runs now (PoseLandmarker.runtime: backend, threads, choice, ...).
  get runtime() {
    return landmarker?.runtime ?? null;
  },
};

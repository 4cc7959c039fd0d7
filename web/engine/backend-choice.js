// Which ONNX Runtime backend runs the models fastest in this browser: found by measurement.
// `auto` opens the landmark model on every backend this browser really has (WebNN, WebGPU on
// a real adapter, WASM with 1/2/4 threads where the page is cross-origin isolated and has the
// cores), times a few warm runs of each, and keeps the fastest; the rest are the fallbacks.
import { CONTRACT } from "./contract.js";

const MAX_THREADS = 4;

// What this browser offers, with the reason where it offers nothing.
export async function probeBackends() {
  const cores = navigator.hardwareConcurrency || 1;
  // Threads need both: WebKitGTK 2.50 is isolated and has shared WebAssembly memory but no
  // SharedArrayBuffer global, and ONNX Runtime then runs one thread whatever it is asked.
  const isolated =
    globalThis.crossOriginIsolated === true && typeof globalThis.SharedArrayBuffer === "function";
  return { webnn: await probeWebnn(), webgpu: await probeWebgpu(), cores, isolated };
}

async function probeWebnn() {
  if (!("ml" in navigator)) return { ok: false, reason: "this browser has no WebNN" };
  try {
    await navigator.ml.createContext({ deviceType: "cpu" });
    return { ok: true, deviceType: "cpu" };
  } catch (error) {
    return { ok: false, reason: `WebNN is not usable here (${error.message})` };
  }
}

async function probeWebgpu() {
  if (!navigator.gpu) return { ok: false, reason: "this browser has no WebGPU" };
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { ok: false, reason: "WebGPU has no adapter" };
    const info = adapter.info ?? {};
    const software =
      adapter.isFallbackAdapter ||
      /swiftshader|llvmpipe|software/i.test(
        `${info.vendor} ${info.architecture} ${info.description}`,
      );
    const name = [info.vendor, info.architecture].filter(Boolean).join(" ") || "unknown";
    return { ok: true, real: !software, adapter: name };
  } catch (error) {
    return { ok: false, reason: `WebGPU failed (${error.message})` };
  }
}

// The thread counts `auto` times. WASM threads need SharedArrayBuffer (a cross-origin
// isolated page); `requested` > 0 pins the count.
export function wasmThreads(probe, requested = 0) {
  if (!probe.isolated || requested > 0) return [defaultThreads(probe, requested)];
  return [1, 2, 4].filter((n) => n === 1 || n <= Math.min(MAX_THREADS, probe.cores));
}

const describe = (c) =>
  c.name === "wasm" ? `wasm (${c.threads} thread${c.threads > 1 ? "s" : ""})` : c.name;
export const backendLabel = describe;

// The backends to try for `requested` (a name of CONTRACT.backends), fastest guess first.
// An explicit backend the browser lacks is an error that says why.
export function candidatesFor(requested, probe, threads = 0) {
  if (!CONTRACT.backends.includes(requested)) {
    throw new Error(`backend must be one of ${CONTRACT.backends.join(", ")}, got ${requested}`);
  }
  const webnn = { name: "webnn", threads: 1, deviceType: probe.webnn.deviceType ?? "cpu" };
  const webgpu = { name: "webgpu", threads: 1 };
  if (requested === "wasm") return [{ name: "wasm", threads: defaultThreads(probe, threads) }];
  if (requested === "webnn") {
    if (!probe.webnn.ok) throw new Error(`WebNN backend not available: ${probe.webnn.reason}`);
    return [webnn];
  }
  if (requested === "webgpu") {
    if (!probe.webgpu.ok) throw new Error(`WebGPU backend not available: ${probe.webgpu.reason}`);
    return [webgpu];
  }
  const list = [];
  if (probe.webnn.ok) list.push(webnn);
  if (probe.webgpu.ok && probe.webgpu.real) list.push(webgpu);
  return [...list, ...wasmThreads(probe, threads).map((n) => ({ name: "wasm", threads: n }))];
}

// `auto`'s first visit starts on this candidate without timing: WebNN, else WebGPU on a
// real adapter (both ran the models 2-3x faster than WASM wherever measured), else WASM with
// the default thread count. The rest are timed once tracking runs (see RunningModels).
export function firstGuess(candidates, probe, threads = 0) {
  const wanted = defaultThreads(probe, threads);
  return (
    candidates.find((c) => c.name !== "wasm") ??
    candidates.find((c) => c.threads === wanted) ??
    candidates[0]
  );
}

// Plain `wasm`: the pinned count, else half the cores, at most 4 (leaving the rest to the
// page, video decoding and Python); 1 without cross-origin isolation.
export function defaultThreads(probe, requested = 0) {
  if (!probe.isolated) return 1;
  if (requested > 0) return Math.min(16, Math.floor(requested));
  return Math.max(1, Math.min(MAX_THREADS, Math.floor(probe.cores / 2)));
}

// One landmark-model run on a blank crop: its milliseconds.
export async function timeLandmarkRun(models) {
  const size = CONTRACT.inputSizes.landmark;
  const blank = new Uint8Array(size * size * 4);
  const start = performance.now();
  await models.run("landmark", blank);
  return performance.now() - start;
}

const noBackend = (rows) => {
  const reasons = rows.map(
    (r) => `${describe({ name: r.backend, threads: r.threads })}: ${r.error}`,
  );
  return new Error(`No backend could run the models (${reasons.join("; ")})`);
};

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

// Times `entries` round by round (one run of each per round; `warmups` untimed rounds first);
// an entry 3x slower than state.best stops. Sets each entry's row.ms (median) or row.error.
async function timeRounds(entries, { timeRun, warmups, runs, state }) {
  let active = [...entries];
  for (let round = 0; round < warmups + runs && active.length; round++) {
    for (const entry of [...active]) {
      try {
        const ms = await timeRun(entry.models);
        if (round < warmups) continue;
        entry.times.push(ms);
        if (ms > 3 * state.best) active = active.filter((e) => e !== entry); // lost already
      } catch (error) {
        entry.row.error = error.message;
        delete entry.row.ms;
        active = active.filter((e) => e !== entry);
      }
    }
  }
  for (const entry of entries) {
    if (entry.row.error !== undefined || !entry.times.length) continue;
    entry.row.ms = Math.round(median(entry.times) * 10) / 10;
    state.best = Math.min(state.best, entry.row.ms);
  }
}

// A fresh WASM instance runs baseline code for its first ~25 runs (see
// PoseModels.warmUpWhile): a candidate is warmed up to about steady state before it is timed.
export const warmUpWasm = (models) =>
  models.backend === "wasm" ? models.warmUpWhile(() => true, { maxRuns: 25, maxMs: 3000 }) : 0;

// Opens each candidate, warms up the WASM ones (`warmUp`), awaits `beforeTiming()` (the page
// holds its tracking meanwhile, so that the candidates do not share the cores with it), then
// times them: each non-WASM one back to back (an untimed run, then up to `runs` timed ones),
// the WASM ones interleaved round by round (so that a change in the machine's load falls on
// all thread counts alike), and keeps the fastest open (median of its runs). A candidate 3x
// slower than the best so far stops after its first timed run. Timing WebNN interleaved with
// WASM was tried: WebNN runs between WASM runs took ~70 ms whatever the model (lite, full,
// heavy alike), against 18-35 ms back to back, and lost to WASM. Timing the WASM candidates
// in their first runs (no warm-up) and beside the tracking picked 1 thread on 2 cores where 2
// threads ran full 1.39x faster (bench, Debian Chromium, 2026-12-06 03:31 UTC).
// `open(candidate)` gives PoseModels. Returns {models, candidate, fallbacks, choice}:
// choice = {chosen, candidates: [{backend, threads, ms | error}], reason}.
export async function chooseBackend(
  candidates,
  open,
  {
    timeRun = timeLandmarkRun,
    warmups = 1,
    runs = 5,
    warmUp = warmUpWasm,
    beforeTiming = async () => {},
  } = {},
) {
  const measured = [];
  const alive = [];
  for (const candidate of candidates) {
    const row = { backend: candidate.name, threads: candidate.threads, ms: null };
    measured.push(row);
    try {
      alive.push({ candidate, row, models: await open(candidate), times: [] });
    } catch (error) {
      row.error = error.message;
      delete row.ms;
    }
  }
  if (alive.length === 0) throw noBackend(measured);
  if (alive.length > 1) {
    for (const entry of alive) {
      try {
        await warmUp(entry.models);
      } catch (error) {
        entry.row.error = error.message;
        delete entry.row.ms;
      }
    }
    await beforeTiming();
    const ok = (e) => e.row.error === undefined;
    const state = { best: Infinity };
    for (const entry of alive.filter((e) => ok(e) && e.candidate.name !== "wasm")) {
      await timeRounds([entry], { timeRun, warmups, runs, state });
    }
    await timeRounds(
      alive.filter((e) => ok(e) && e.candidate.name === "wasm"),
      { timeRun, warmups, runs, state },
    );
  }
  const usable = alive.filter((e) => e.row.error === undefined);
  if (usable.length === 0) throw noBackend(measured);
  usable.sort((a, b) => (a.row.ms ?? 0) - (b.row.ms ?? 0));
  const [best, ...rest] = usable;
  for (const entry of alive) if (entry !== best) await entry.models.release();
  const fallbacks = rest.map((e) => e.candidate);
  const reason =
    measured.length > 1
      ? `fastest of ${measured.length} timed (landmark model, warm runs, median)`
      : "requested";
  return {
    models: best.models,
    candidate: best.candidate,
    fallbacks,
    choice: {
      chosen: { name: best.candidate.name, threads: best.candidate.threads },
      candidates: measured,
      reason,
    },
  };
}

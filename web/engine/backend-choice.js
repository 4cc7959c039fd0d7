// Which ONNX Runtime backend runs the models fastest in this browser: found by measurement.
// `auto` opens the landmark model on every backend this browser really has (WebNN, WebGPU on
// a real adapter, WASM with 1/2/4 threads where the page is cross-origin isolated and has the
// cores), times a few warm runs of each, and keeps the fastest; the rest are the fallbacks.
import { CONTRACT } from "./contract.js";

const MAX_THREADS = 4;

// What this browser offers, with the reason where it offers nothing.
export async function probeBackends() {
  const cores = navigator.hardwareConcurrency || 1;
  const isolated = globalThis.crossOriginIsolated === true;
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

// Opens each candidate, then times them one after the other (an untimed run, then up to
// `runs` timed ones; a candidate 3x slower than the best so far stops after its first timed
// run) and keeps the fastest open (median of its runs). Timing them interleaved instead (one
// run of each per round) was tried: WebNN runs between WASM runs took ~70 ms whatever the
// model (lite, full, heavy alike), against 18-35 ms back to back, and lost to WASM. `open(candidate)` gives PoseModels. Returns {models, candidate, fallbacks, choice}:
// choice = {chosen, candidates: [{backend, threads, ms | error}], reason}.
export async function chooseBackend(
  candidates,
  open,
  { timeRun = timeLandmarkRun, warmups = 1, runs = 5 } = {},
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
    let best = Infinity;
    for (const entry of alive) {
      try {
        for (let run = 0; run < warmups + runs; run++) {
          const ms = await timeRun(entry.models);
          if (run < warmups) continue;
          entry.times.push(ms);
          if (ms > 3 * best) break; // lost already: no need to time it further
        }
        entry.row.ms = Math.round(median(entry.times) * 10) / 10;
        best = Math.min(best, entry.row.ms);
      } catch (error) {
        entry.row.error = error.message;
        delete entry.row.ms;
      }
    }
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

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

// WASM threads need SharedArrayBuffer (a cross-origin isolated page); `requested` > 0 pins.
export function wasmThreads(probe, requested = 0) {
  if (!probe.isolated) return [1];
  if (requested > 0) return [Math.min(16, Math.floor(requested))];
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
  const wasm = wasmThreads(probe, threads).map((n) => ({ name: "wasm", threads: n }));
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
  return [...list, ...wasm];
}

// Plain `wasm`: the pinned count, else half the cores, at most 4 (leaving the rest to the
// page, video decoding and Python); 1 without cross-origin isolation.
export function defaultThreads(probe, requested = 0) {
  if (!probe.isolated) return 1;
  if (requested > 0) return Math.min(16, Math.floor(requested));
  return Math.max(1, Math.min(MAX_THREADS, Math.floor(probe.cores / 2)));
}

// Median of `runs` landmark-model runs on a blank crop after `warmups` untimed ones. A run
// slower than `giveUpMs` ends the timing early: that backend has lost already.
export async function timeLandmarkModel(
  models,
  { warmups = 2, runs = 5, giveUpMs = Infinity } = {},
) {
  const size = CONTRACT.inputSizes.landmark;
  const blank = new Uint8Array(size * size * 4);
  for (let i = 0; i < warmups; i++) await models.run("landmark", blank.slice());
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await models.run("landmark", blank.slice());
    times.push(performance.now() - start);
    if (times.at(-1) > giveUpMs) break;
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

// Opens and times each candidate (one after the other: they share the cores) and keeps the
// fastest open. `open(candidate)` gives PoseModels. Returns {models, choice, fallbacks}:
// choice = {chosen, candidates: [{backend, threads, ms | error}], reason}.
export async function chooseBackend(candidates, open, { measure = timeLandmarkModel } = {}) {
  const measured = [];
  let best = null;
  for (const candidate of candidates) {
    const row = { backend: candidate.name, threads: candidate.threads };
    measured.push(row);
    let models = null;
    try {
      models = await open(candidate);
      // A candidate 3x slower than the best so far stops being timed after one run.
      const giveUpMs = best ? 3 * best.row.ms : Infinity;
      row.ms =
        candidates.length > 1 ? Math.round((await measure(models, { giveUpMs })) * 10) / 10 : null;
    } catch (error) {
      row.error = error.message;
      await models?.release();
      continue;
    }
    if (!best || (row.ms !== null && row.ms < best.row.ms)) {
      await best?.models.release();
      best = { candidate, models, row };
    } else {
      await models.release();
    }
  }
  if (!best) {
    const reasons = measured.map(
      (r) => `${describe({ name: r.backend, threads: r.threads })}: ${r.error}`,
    );
    throw new Error(`No backend could run the models (${reasons.join("; ")})`);
  }
  const ranked = measured
    .filter((r) => r.error === undefined && r !== best.row)
    .sort((a, b) => (a.ms ?? 0) - (b.ms ?? 0));
  const fallbacks = ranked.map((r) =>
    candidates.find((c) => c.name === r.backend && c.threads === r.threads),
  );
  const reason =
    measured.length > 1
      ? `fastest of ${measured.length} measured (landmark model, median of warm runs)`
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

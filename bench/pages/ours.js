// Adapter for our page (dist/index.html?source=none&backend=B&threads=N&model=M), injected by
// the bench on DOMContentLoaded. Uses the page's public API: window.blazepose.{ready,
// setOptions, processFrame, reset}. The backend and thread count come from the URL; `ready`
// resolves to the options (`backend` = the chosen backend, `backendChoice` for auto) or rejects
// when the browser lacks the backend. Errors that mean "this backend is not here" start with
// UNAVAILABLE so the bench reports the row as not available rather than failed.
import { install } from './harness.js';

const UNAVAILABLE = 'BENCH_UNAVAILABLE: ';
const params = new URLSearchParams(location.search);
const wanted = params.get('backend') ?? 'wasm';
const wantedThreads = params.has('threads') ? Number(params.get('threads')) : null;

// The page reports its backend as a string (older pages) or {name, threads, deviceType}.
function backendOf(value) {
  if (value == null) return null;
  if (typeof value === 'string') return { name: value };
  const { name, threads, deviceType } = value;
  return { name, threads, deviceType };
}

// Older pages give the WASM thread count only in the `ready` options.
function withThreads(backend, options) {
  if (backend && backend.threads == null && backend.name === 'wasm' && options?.threads) {
    return { ...backend, threads: options.threads };
  }
  return backend;
}

async function api() {
  while (!window.blazepose) await new Promise((r) => setTimeout(r, 5));
  try {
    return await window.blazepose.ready;
  } catch (error) {
    const message = String(error?.message ?? error);
    if (!['wasm', 'auto'].includes(wanted) && message.toLowerCase().includes(wanted)) {
      throw new Error(UNAVAILABLE + message);
    }
    throw error;
  }
}

const adapter = {
  name: `ours-${wanted}`,
  bp: null,
  ready: null,
  backend: null,
  async init(model) {
    this.ready = (await api()) ?? {};
    this.bp = window.blazepose;
    this.backend = withThreads(backendOf(this.ready.backend), this.ready);
    if (wanted !== 'auto' && this.backend && this.backend.name !== wanted) {
      const why = this.ready.backendChoice?.reason;
      throw new Error(
        `${UNAVAILABLE}the page ran ${this.backend.name} for backend=${wanted}${why ? `: ${why}` : ''}`,
      );
    }
    if (this.ready.model !== model) await this.bp.setOptions({ model });
  },
  async reset() {
    // auto's first visit times its candidates after the first pose, beside the tracking:
    // timed frames wait until that is over (older pages have no runtime: nothing to wait).
    for (let waited = 0; this.bp.runtime?.choice?.provisional && waited < 120000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (typeof this.bp.reset === 'function') await this.bp.reset();
    else await this.bp.setOptions({ model: this.ready.model });
  },
  async process(image, timeMs) {
    const detail = await this.bp.processFrame(image, timeMs);
    const lms = detail && detail.landmarks;
    if (detail && detail.backend) this.backend = withThreads(backendOf(detail.backend), this.ready);
    return {
      landmarks: lms ? lms.map((p) => [p[0], p[1], p[2], p[3]]) : null,
      timings: detail ? detail.timings : null,
      people: detail?.poses ? detail.poses.length : lms ? 1 : 0, // older pages: no `poses`
    };
  },
  // The page's own start-up marks (ms from its first script): Python, models, ready.
  startup() { return window.blazepose.startup ? { ...window.blazepose.startup } : null; },
  info() {
    return {
      page: 'dist/index.html',
      requested: wanted,
      requestedThreads: wantedThreads,
      backend: this.backend,
      backendChoice: this.bp?.runtime?.choice ?? this.ready?.backendChoice ?? null,
      model: this.ready?.model,
    };
  },
};

install(adapter);

// Adapter for our page (dist/index.html?source=none), injected by the bench on
// DOMContentLoaded. Uses the page's public API: window.blazepose.{ready, setOptions, processFrame}.
import { install } from './harness.js';

const params = new URLSearchParams(location.search);

async function api() {
  while (!window.blazepose) await new Promise((r) => setTimeout(r, 5));
  await window.blazepose.ready;
  return window.blazepose;
}

const adapter = {
  name: 'ours',
  bp: null,
  options: null,
  async init(model) {
    this.bp = await api();
    this.options = {
      model, backend: params.get('backend') ?? 'wasm', smoothing: true, landmarksOnly: true,
    };
    await this.bp.setOptions(this.options);
  },
  async reset() {
    if (typeof this.bp.reset === 'function') await this.bp.reset();
    else await this.bp.setOptions({ ...this.options });
  },
  async process(image, timeMs) {
    const detail = await this.bp.processFrame(image, timeMs);
    const lms = detail && detail.landmarks;
    return {
      landmarks: lms ? lms.map((p) => [p[0], p[1], p[2], p[3]]) : null,
      timings: detail ? detail.timings : null,
    };
  },
  // The page's own start-up marks (ms from its first script): Python, models, ready.
  startup() { return window.blazepose.startup ? { ...window.blazepose.startup } : null; },
  info() { return { page: 'dist/index.html', backend: this.options?.backend, model: this.options?.model }; },
};

install(adapter);

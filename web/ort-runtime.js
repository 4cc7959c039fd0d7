// ONNX Runtime Web: one build (module instance) per backend, loaded on first use from the
// site's vendor/ort/ folder, with WASM threads and the proxy worker configured.
import { fetchBytes } from "./downloads.js";

const ORT_BUILDS = {
  wasm: { module: "vendor/ort/ort.wasm.min.mjs", wasm: "vendor/ort/ort-wasm-simd-threaded.wasm" },
  webgpu: {
    module: "vendor/ort/ort.webgpu.min.mjs",
    wasm: "vendor/ort/ort-wasm-simd-threaded.asyncify.wasm",
  },
};

const runtimes = new Map(); // backend -> Promise<ort>

// WASM threads: half the cores, at most 4, leaving the rest to the page, video decoding and
// Python. On a busy 2-core machine 2 threads ran the full landmark model about 2x slower
// than 1 (103 vs 56 ms), so 2 cores get 1 thread. `requested` (?threads=N) overrides.
// Threads need SharedArrayBuffer, i.e. a cross-origin isolated page.
export function threadCount(requested = 0) {
  if (!globalThis.crossOriginIsolated) return 1;
  if (requested > 0) return Math.min(16, Math.floor(requested));
  return Math.max(1, Math.min(4, Math.floor((navigator.hardwareConcurrency || 2) / 2)));
}

// The ORT module for `backend`. The first call decides the build's settings (a module
// instance is configured once): baseUrl is the site folder holding vendor/ort/.
export function loadRuntime(backend, { baseUrl, progress, proxy = true, threads = 0 }) {
  if (!runtimes.has(backend)) {
    const build = ORT_BUILDS[backend];
    const promise = (async () => {
      const wasmUrl = new URL(build.wasm, baseUrl).href;
      const [ort, wasmBinary] = await Promise.all([
        import(new URL(build.module, baseUrl).href),
        fetchBytes(wasmUrl, progress, "ONNX Runtime"),
      ]);
      ort.env.wasm.wasmPaths = new URL("vendor/ort/", baseUrl).href;
      ort.env.wasm.wasmBinary = wasmBinary.buffer;
      ort.env.wasm.numThreads = threadCount(threads);
      // The proxy worker keeps WASM inference off the main thread (WebGPU needs the page).
      ort.env.wasm.proxy = backend === "wasm" && proxy;
      ort.env.logLevel = "error";
      return ort;
    })();
    promise.catch(() => runtimes.delete(backend));
    runtimes.set(backend, promise);
  }
  return runtimes.get(backend);
}

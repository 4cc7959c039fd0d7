// ONNX Runtime Web, from the site's vendor/ort/ folder. One build per page load: the WASM-only
// build (smallest) when only WASM can run, else the WebGPU build, which also has the WebNN
// and WASM backends. Each (build, threads, proxy) gets its own module instance, because ORT
// reads its WASM settings once per instance: that is how `auto` can time 1, 2 and 4 threads
// side by side.
import { fetchBytes } from "./downloads.js";

const BUILDS = {
  wasm: { module: "vendor/ort/ort.wasm.min.mjs", wasm: "vendor/ort/ort-wasm-simd-threaded.wasm" },
  webgpu: {
    module: "vendor/ort/ort.webgpu.min.mjs",
    wasm: "vendor/ort/ort-wasm-simd-threaded.asyncify.wasm",
  },
};

const binaries = new Map(); // build -> Promise<ArrayBuffer>
const runtimes = new Map(); // build/threads/proxy -> Promise<ort>

// The build that can run every backend named.
export const buildFor = (names) => (names.every((name) => name === "wasm") ? "wasm" : "webgpu");

function wasmBinary(build, baseUrl, progress) {
  if (!binaries.has(build)) {
    const url = new URL(BUILDS[build].wasm, baseUrl).href;
    const promise = fetchBytes(url, progress, "ONNX Runtime").then((bytes) => bytes.buffer);
    promise.catch(() => binaries.delete(build));
    binaries.set(build, promise);
  }
  return binaries.get(build);
}

// Starts fetching a build's WASM (while the backends are probed).
export function prefetchRuntime(build, { baseUrl, progress }) {
  wasmBinary(build, baseUrl, progress).catch(() => {});
}

// The ORT module instance of `build` with `threads` WASM threads (they need a cross-origin
// isolated page) and, with `proxy`, inference in ORT's own worker (not for WebGPU, which
// needs the page's thread).
export function loadRuntime(build, { baseUrl, progress, proxy = true, threads = 1 }) {
  const key = `${build}/${threads}/${proxy ? "proxy" : "page"}`;
  if (!runtimes.has(key)) {
    const promise = (async () => {
      const url = new URL(BUILDS[build].module, baseUrl);
      url.searchParams.set("instance", key);
      const [ort, binary] = await Promise.all([
        import(url.href),
        wasmBinary(build, baseUrl, progress),
      ]);
      ort.env.wasm.wasmPaths = new URL("vendor/ort/", baseUrl).href;
      ort.env.wasm.wasmBinary = binary.slice(0); // a copy: the proxy worker takes its own
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.proxy = proxy;
      ort.env.logLevel = "error";
      return ort;
    })();
    promise.catch(() => runtimes.delete(key));
    runtimes.set(key, promise);
  }
  return runtimes.get(key);
}

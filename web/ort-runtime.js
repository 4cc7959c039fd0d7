// ONNX Runtime Web, from the site's vendor/ort/ folder: one build for every backend.
// ort.webgpu.min.mjs with its asyncify WASM (27 MB, 4.0 MB brotli) runs WASM, WebNN and
// WebGPU; the WASM-only build (14 MB) cannot run WebNN, and shipping both meant a second
// 27 MB download whenever `auto` timed WebNN or WebGPU. Its WASM backend measured as fast
// as the WASM-only build's (bench/experiments/ort_builds.py). Each (threads, proxy) gets its
// own module instance, because ORT reads its WASM settings once per instance: that is how
// `auto` can time 1, 2 and 4 threads side by side.
import { fetchBytes } from "./downloads.js";

export const ORT_MODULE = "vendor/ort/ort.webgpu.min.mjs";
export const ORT_WASM = "vendor/ort/ort-wasm-simd-threaded.asyncify.wasm";

let binary = null; // Promise<ArrayBuffer>
const runtimes = new Map(); // threads/proxy -> Promise<ort>

function wasmBinary(baseUrl, progress) {
  if (!binary) {
    const url = new URL(ORT_WASM, baseUrl).href;
    binary = fetchBytes(url, progress, "ONNX Runtime").then((bytes) => bytes.buffer);
    binary.catch(() => (binary = null));
  }
  return binary;
}

// Starts fetching ORT's WASM (from the start of PoseLandmarker.create).
export function prefetchRuntime({ baseUrl, progress }) {
  wasmBinary(baseUrl, progress).catch(() => {});
}

// The ORT module instance with `threads` WASM threads (they need a cross-origin isolated
// page) and, with `proxy`, inference in ORT's own worker (not for WebGPU, which needs the
// page's thread). A `tag` gives a separate instance: sessions created in an instance while
// another session of it runs can break that one (WebNN: "Trying to upload to a MLTensor
// while shouldTransferToMLTensor is false"), so timing beside tracking uses its own.
export function loadRuntime({ baseUrl, progress, proxy = true, threads = 1, tag = "" }) {
  const key = `${threads}/${proxy ? "proxy" : "page"}${tag ? `/${tag}` : ""}`;
  if (!runtimes.has(key)) {
    const promise = (async () => {
      const url = new URL(ORT_MODULE, baseUrl);
      url.searchParams.set("instance", key);
      const [ort, bytes] = await Promise.all([import(url.href), wasmBinary(baseUrl, progress)]);
      ort.env.wasm.wasmPaths = new URL("vendor/ort/", baseUrl).href;
      ort.env.wasm.wasmBinary = bytes.slice(0); // a copy: the proxy worker takes its own
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

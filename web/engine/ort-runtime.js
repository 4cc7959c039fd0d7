// ONNX Runtime Web, from the site's vendor/ort/ folder. The build follows the backend
// (CONTRACT.ortBuilds): the WASM-only build (14 MB) runs `wasm`; WebNN and WebGPU need a
// larger build, JSPI where the browser has WebAssembly.Suspending (17 MB), else asyncify
// (27 MB). A page only ever downloads the builds of the backends it opens.
//
// ORT fetches and compiles its WASM itself, streaming from the file's URL (served as
// application/wasm): that is the path on which the browser keeps the compiled code (the HTTP
// cache or the service worker's cache), so a second visit does not compile it again. Handing
// ORT the bytes (env.wasm.wasmBinary) compiled the module anew on every visit, and so did an
// earlier fetch of the same file by the page (a prefetch beside ORT's own: Chromium's trace
// showed no v8.wasm.moduleCacheHit for ORT from the HTTP cache until it was gone).
//
// Each (build, threads, proxy, tag) gets its own module instance, because ORT reads its WASM
// settings once per instance.
import { CONTRACT } from "./contract.js";
import { fetchBytes, partsOf } from "./downloads.js";

const FOLDER = "vendor/ort/";

// The build that runs `backend` ("wasm", "webnn" or "webgpu") in this browser.
export function buildFor(backend) {
  if (backend === "wasm") return "wasm";
  return typeof WebAssembly.Suspending === "function" ? "jspi" : "asyncify";
}

// The build and WASM thread count that run `candidate` ({name, threads}; threads are WASM's).
export const runtimeFor = (candidate) => ({
  build: buildFor(candidate.name),
  threads: candidate.name === "wasm" ? candidate.threads : 1,
});

// Site paths of a build's files: {module, glue, wasm}.
export function buildFiles(build) {
  const files = CONTRACT.ortBuilds[build];
  if (!files) throw new Error(`unknown ONNX Runtime build ${build}`);
  return Object.fromEntries(Object.entries(files).map(([k, name]) => [k, FOLDER + name]));
}

const runtimes = new Map(); // key -> Promise<ort>
const wasmFiles = new Set(); // URLs of the WASM files of the builds loaded

// The ORT module instance of `build` with `threads` WASM threads (they need a cross-origin
// isolated page) and, with `proxy`, inference in ORT's own worker (not for WebGPU, which
// needs the page's thread). A `tag` gives a separate instance.
export function loadRuntime({ baseUrl, build = "wasm", proxy = true, threads = 1, tag = "" }) {
  const key = `${build}/${threads}/${proxy ? "proxy" : "page"}${tag ? `/${tag}` : ""}`;
  if (!runtimes.has(key)) {
    const files = buildFiles(build);
    const wasmUrl = new URL(files.wasm, baseUrl).href;
    wasmFiles.add(wasmUrl);
    const promise = (async () => {
      const url = new URL(files.module, baseUrl);
      url.searchParams.set("instance", key);
      const ort = await import(url.href);
      ort.env.wasm.wasmPaths = new URL(FOLDER, baseUrl).href;
      // A WASM file the build split for static hosts (the asyncify build's 27 MB, only for
      // browsers without JSPI) is joined here and handed over as bytes.
      if (await partsOf(wasmUrl)) {
        const bytes = await fetchBytes(wasmUrl, null, "ONNX Runtime");
        ort.env.wasm.wasmBinary = bytes.buffer;
      }
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

// The ORT module instances loaded in this realm (each with its WASM memory and workers).
export const loadedRuntimes = () => [...runtimes.keys()];

// The WASM files of the builds loaded: ORT fetches them in its proxy worker, so they are not
// in the page's Resource Timing, which offline.js hands the service worker to cache.
export const runtimeWasmFiles = () => [...wasmFiles];

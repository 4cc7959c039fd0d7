// ONNX Runtime Web, from the site's vendor/ort/ folder. The build follows the backend
// (CONTRACT.ortBuilds): the WASM-only build (14 MB) runs `wasm`; WebNN and WebGPU need a
// larger build, JSPI where the browser has WebAssembly.Suspending (17 MB), else asyncify
// (27 MB). A page only ever downloads the builds of the backends it opens.
//
// ORT fetches and compiles its WASM itself, streaming from the file's URL (served as
// application/wasm): that is the path on which the browser keeps the compiled code (the HTTP
// cache or the service worker's cache), so a second visit does not compile it again. Handing
// ORT the bytes (env.wasm.wasmBinary) compiled the module anew on every visit.
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

// Site paths of a build's files: {module, glue, wasm}.
export function buildFiles(build) {
  const files = CONTRACT.ortBuilds[build];
  if (!files) throw new Error(`unknown ONNX Runtime build ${build}`);
  return Object.fromEntries(Object.entries(files).map(([k, name]) => [k, FOLDER + name]));
}

const runtimes = new Map(); // key -> Promise<ort>
const prefetched = new Set(); // builds whose WASM was asked for ahead of ORT

// Starts downloading the WASM of `build` into the browser's cache while the rest of the page
// starts (ORT's own streaming fetch then finds it there). The body is read and dropped.
export function prefetchRuntime({ baseUrl, build = "wasm" }) {
  if (prefetched.has(build)) return;
  prefetched.add(build);
  const url = new URL(buildFiles(build).wasm, baseUrl).href;
  partsOf(url)
    .then((parts) =>
      Promise.all((parts ?? [url]).map((u) => fetch(u).then((r) => r.arrayBuffer()))),
    )
    .catch(() => prefetched.delete(build));
}

// The ORT module instance of `build` with `threads` WASM threads (they need a cross-origin
// isolated page) and, with `proxy`, inference in ORT's own worker (not for WebGPU, which
// needs the page's thread). A `tag` gives a separate instance.
export function loadRuntime({ baseUrl, build = "wasm", proxy = true, threads = 1, tag = "" }) {
  const key = `${build}/${threads}/${proxy ? "proxy" : "page"}${tag ? `/${tag}` : ""}`;
  if (!runtimes.has(key)) {
    const promise = (async () => {
      const url = new URL(buildFiles(build).module, baseUrl);
      url.searchParams.set("instance", key);
      const ort = await import(url.href);
      ort.env.wasm.wasmPaths = new URL(FOLDER, baseUrl).href;
      // A WASM file the build split for static hosts (the asyncify build's 27 MB, only for
      // browsers without JSPI) is joined here and handed over as bytes.
      const wasmUrl = new URL(buildFiles(build).wasm, baseUrl).href;
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

// Loading progress: counts the bytes of every large download (Pyodide, ORT, models) and
// the start-up steps, for the loading screen (loading.js). A classic script so it runs
// before PyScript starts fetching; it wraps window.fetch to count response bytes as they
// stream in. window.__blazeposeBoot.progress is PoseLandmarker.create's `progress` option.
(() => {
  "use strict";
  const files = new Map(); // url -> {loaded, total}
  const listeners = new Set();
  const steps = new Map(); // name -> {state: "run"|"done"|"fail", text}

  const emit = () => {
    let loaded = 0;
    let total = 0;
    for (const f of files.values()) {
      loaded += f.loaded;
      total += Math.max(f.total, f.loaded);
    }
    for (const listener of listeners) listener({ loaded, total, steps });
  };

  const progress = {
    onChange(listener) {
      listeners.add(listener);
      emit();
      return () => listeners.delete(listener);
    },
    expect(url, total) {
      const f = files.get(url) || { loaded: 0, total: 0 };
      f.total = Math.max(f.total, total || 0);
      files.set(url, f);
      emit();
    },
    add(url, bytes) {
      const f = files.get(url) || { loaded: 0, total: 0 };
      f.loaded += bytes;
      files.set(url, f);
      emit();
    },
    step(name, state, text) {
      steps.set(name, { state, text: text || name });
      emit();
    },
    // Wraps a Response so that reading its body reports progress under `url`.
    track(url, response) {
      if (!response.ok || !response.body) return response;
      progress.expect(url, Number(response.headers.get("content-length")) || 0);
      const counter = new TransformStream({
        transform(chunk, controller) {
          progress.add(url, chunk.byteLength);
          controller.enqueue(chunk);
        },
      });
      return new Response(response.body.pipeThrough(counter), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    },
  };

  // PyScript/Pyodide fetch their runtime through window.fetch: count those bytes too. WASM
  // files are not wrapped: the browser keeps compiled code only for a response streamed
  // from its URL as it came (a wrapped body is a new response without it), so they count
  // once loaded, from Resource Timing (decoded sizes, as the wrapped streams count). ORT's
  // WASM, fetched in ORT's own worker, is not among the page's resources: its download
  // shows as the "Loading ONNX Runtime and models" step.
  const counted = /\/vendor\/pyodide\/|\/python\.zip$/;
  const wasm = /\/vendor\/(pyodide|ort)\/[^/]+\.wasm$/;
  const originalFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await originalFetch(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const path = new URL(url, location.href).pathname;
    return counted.test(path) && !wasm.test(path) ? progress.track(url, response) : response;
  };
  if (typeof PerformanceObserver === "function") {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (!wasm.test(new URL(entry.name).pathname) || files.has(entry.name)) continue;
        progress.add(entry.name, entry.decodedBodySize || entry.encodedBodySize || 0);
      }
    }).observe({ type: "resource", buffered: true });
  }

  window.__blazeposeBoot = { progress, t0: performance.now() };
})();

// Start-up marks: when each start-up step ended, in ms from navigation start (the origin of
// performance.now() and of the Resource Timing entries), so that each lever on start-up shows
// its before/after (the benchmark's start-up mode reads them through window.blazepose.startup).
//
//   fetch.*          a download ended (Resource Timing responseEnd; `cached` says which came
//                    from the HTTP cache or a service worker); the page's own fetches only:
//                    ORT's WASM, fetched in ORT's proxy worker, shows only on WebGPU
//   pythonStart      the PyScript tag went in;  pyodideBooted: app.py's first statement ran
//   blazeposeImported app.py imported blazepose; pythonReady: JS holds app.py's API
//   ortLoaded        the first ONNX Runtime module is imported (it compiles its WASM next)
//   ortInit          the first session exists (ORT's WASM compiled and instantiated, detector)
//   sessions         the first backend's two sessions exist; backendChosen: `auto` decided
//   ready            create() resolved; firstFrame: the first frame was tracked (its timings,
//                    inference included, are PoseLandmarker.startup.firstFrameTimings)
//   firstPose        the first frame with a pose came back; firstDraw: the page drew it
const FILES = {
  snapshot: /\/pyodide-snapshot\.bin(\.part\d+)?$/, // (in parts: see downloads.js)
  pyodideWasm: /\/pyodide\.asm\.wasm$/,
  pyodideJs: /\/pyodide\.asm\.mjs$/,
  stdlib: /\/python_stdlib\.zip$/,
  pythonZip: /\/python\.zip$/,
  ortWasm: /\/vendor\/ort\/[^/]+\.wasm(\.part\d+)?$/,
  ortModule: /\/vendor\/ort\/[^/]+\.mjs$/,
  detector: /\/models\/pose_detection[^/]*\.onnx$/,
  landmark: /\/models\/pose_landmark[^/]*\.onnx(\.part\d+)?$/,
};

export class StartupMarks {
  marks = {}; // name -> ms from navigation start
  cached = {}; // download name -> true when it came without network transfer

  // Records `name` once (the first time it happens); `at`: a performance.now() value.
  mark(name, at = performance.now()) {
    if (!(name in this.marks)) this.marks[name] = Math.round(at);
  }

  // Marks `name` when `promise` resolves; returns the promise.
  after(name, promise) {
    promise.then(
      () => this.mark(name),
      () => {},
    );
    return promise;
  }

  // Adds the end of each start-up download (first of each kind) from Resource Timing, and
  // whether it came without network transfer (HTTP cache, service worker).
  addFetches() {
    const entries = performance.getEntriesByType?.("resource") ?? [];
    for (const entry of entries) {
      const path = new URL(entry.name, location.href).pathname;
      for (const [name, pattern] of Object.entries(FILES)) {
        if (!pattern.test(path) || `fetch.${name}` in this.marks) continue;
        this.mark(`fetch.${name}`, entry.responseEnd);
        this.cached[name] = entry.transferSize === 0;
      }
    }
    return this.marks;
  }
}

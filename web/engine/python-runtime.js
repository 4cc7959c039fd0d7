// The page's Python: PyScript (vendor/pyscript) starting Pyodide (vendor/pyodide) with the
// blazepose package (python.zip) and web/app.py, the bridge that hands JS its API through
// globalThis.blazeposePyReady(api) (or blazeposePyFailed(message) when it cannot start).
//
// One Python per page, shared by every PoseLandmarker (each opens its own tracker session):
// PyScript reads its configuration once, from the first <script type="py"> present when
// core.js is evaluated, so the script tag goes in first, with absolute URLs, which makes a
// page anywhere (a documentation page importing pose-landmarker.js) work alike.

let started = null; // Promise<api>

function pyScriptTag(baseUrl) {
  const url = (path) => new URL(path, baseUrl).href;
  const config = {
    // Pyodide from the build's memory snapshot (pyodide-boot.mjs wraps vendor/pyodide).
    interpreter: url("pyodide-boot.mjs"),
    files: { [url("python.zip")]: "./*" },
  };
  const script = document.createElement("script");
  script.type = "py";
  script.src = url("app.py");
  script.setAttribute("config", JSON.stringify(config));
  return script;
}

// Starts Python once (later calls get the same promise, whatever their baseUrl): resolves
// with app.py's API, rejects with its failure message. mark(name): start-up marks.
export function startPython(baseUrl, mark = () => {}) {
  if (!started) {
    mark("pythonStart");
    started = new Promise((resolve, reject) => {
      globalThis.blazeposePyReady = resolve;
      globalThis.blazeposePyFailed = (message) => reject(new Error(String(message)));
    });
    (document.body ?? document.head).append(pyScriptTag(baseUrl));
    import(new URL("vendor/pyscript/core.js", baseUrl).href).catch((error) =>
      globalThis.blazeposePyFailed(`PyScript failed to load: ${error.message}`),
    );
  }
  return started;
}

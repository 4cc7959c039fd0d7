// The `interpreter` PyScript starts (python-runtime.js): Pyodide (vendor/pyodide/) booted from
// the memory snapshot the build made (pyodide-snapshot.bin: Python initialised with the
// blazepose package imported, see blazepose_tools/pyodide_snapshot.py), which skips Python's
// own start-up and the package's imports. PyScript has no configuration key for Pyodide's
// snapshot options, so this module wraps loadPyodide and PyScript imports it in place of
// pyodide.mjs. Without a usable snapshot Pyodide boots as usual.
import { fetchBytes } from "./downloads.js";
import { loadPyodide as loadPlain, version } from "./vendor/pyodide/pyodide.mjs";

export { version };

const INDEX_URL = new URL("vendor/pyodide/", import.meta.url).href;
export const SNAPSHOT_URL = new URL("pyodide-snapshot.bin", import.meta.url).href;

// Starts at import; index.html's <link rel="preload"> may have fetched it already.
// (The build may serve it in parts: fetchBytes joins them.)
const snapshot = fetchBytes(SNAPSHOT_URL, null, "Pyodide snapshot").catch(() => null);

export async function loadPyodide(options = {}) {
  const plain = { ...options, indexURL: INDEX_URL };
  const bytes = await snapshot;
  if (!bytes) return loadPlain(plain);
  try {
    return await loadPlain({ ...plain, _loadSnapshot: bytes });
  } catch (error) {
    console.warn(`[blazepose] Pyodide snapshot unusable (${error.message}): booting without`);
    return loadPlain(plain);
  }
}

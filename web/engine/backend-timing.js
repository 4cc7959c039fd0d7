// Times `auto`'s candidates in a worker of its own (backend-timing-worker.js) and ends that
// worker with its answer. Timing in ORT instances of the page left them alive after the
// choice: the chosen backend then ran at about half its speed (WebNN full: 37 ms against 22 ms
// per inference, Chromium busy compiling the timing instances' WASM for 30 s and more).
import { CONTRACT } from "./contract.js";

const TIMEOUT_MS = 180000;
let live = 0; // timing workers alive (0 once every choice is made)
export const timingWorkers = () => live;

// Resolves with {candidate, fallbacks, choice, ortVersion} for `candidates` running the
// landmark model `file`; store: the ModelStore holding the verified model bytes.
export async function timeInWorker({ baseUrl, candidates, file, store }) {
  const names = [CONTRACT.detectorFile, file];
  const bytes = await Promise.all(names.map((name) => store.load(name)));
  const models = Object.fromEntries(names.map((name, i) => [name, bytes[i]]));
  const worker = new Worker(new URL("backend-timing-worker.js", baseUrl), { type: "module" });
  live += 1;
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)),
        TIMEOUT_MS,
      );
      worker.onmessage = ({ data }) => {
        clearTimeout(timer);
        if (data.error) reject(new Error(data.error));
        else resolve(data);
      };
      worker.onerror = (event) => {
        clearTimeout(timer);
        reject(new Error(`the timing worker failed: ${event.message ?? "could not start"}`));
      };
      worker.postMessage({ baseUrl, candidates, file, models });
    });
  } finally {
    worker.terminate();
    live -= 1;
  }
}

// Times `auto`'s candidates in a worker of its own (backend-timing-worker.js) and ends that
// worker with its answer. Timing in ORT instances of the page left them alive after the
// choice: the chosen backend then ran at about half its speed (WebNN full: 37 ms against 22 ms
// per inference, Chromium busy compiling the timing instances' WASM for 30 s and more).
import { CONTRACT } from "./contract.js";

const TIMEOUT_MS = 180000;
let live = 0; // timing workers alive (0 once every choice is made)
export const timingWorkers = () => live;

// Resolves with {candidate, fallbacks, choice, ortVersion} for `candidates` running the
// landmark model `file`; store: the ModelStore holding the verified model bytes. The worker
// opens and warms up the candidates beside the tracking; the timed runs (a second or so) run
// inside hold(fn), which the page gives to pause its tracking until fn's promise settles
// (choice.heldMs: how long; null when nothing was timed). Timed beside the tracking on 2
// cores, 2 WASM threads lost to 1 although they then ran full 1.39x faster alone.
export async function timeInWorker({ baseUrl, candidates, file, store, hold = (fn) => fn() }) {
  const names = [CONTRACT.detectorFile, file];
  const bytes = await Promise.all(names.map((name) => store.load(name)));
  const models = Object.fromEntries(names.map((name, i) => [name, bytes[i]]));
  const worker = new Worker(new URL("backend-timing-worker.js", baseUrl), { type: "module" });
  live += 1;
  let settle;
  const answer = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  const timer = setTimeout(
    () => settle.reject(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)),
    TIMEOUT_MS,
  );
  let heldSince = null; // when the tracking was held for the timed runs
  worker.onmessage = ({ data }) => {
    if (data.warm) {
      // The candidates are warm: the timed runs start once the tracking is held, and the
      // tracking waits for the answer.
      const timed = () => {
        heldSince = performance.now();
        worker.postMessage({ go: true });
        return answer.catch(() => {});
      };
      hold(timed).catch(settle.reject);
      return;
    }
    const heldMs = heldSince === null ? null : Math.round(performance.now() - heldSince);
    if (data.error) settle.reject(new Error(data.error));
    else settle.resolve({ ...data, choice: { ...data.choice, heldMs } });
  };
  worker.onerror = (event) =>
    settle.reject(new Error(`the timing worker failed: ${event.message ?? "could not start"}`));
  worker.postMessage({ baseUrl, candidates, file, models });
  try {
    return await answer;
  } finally {
    clearTimeout(timer);
    worker.terminate();
    live -= 1;
  }
}

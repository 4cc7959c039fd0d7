// The side panel's readout: frames per second, smoothed per-frame timings, what runs.
const $ = (id) => document.getElementById(id);
const TIMINGS = ["crop", "inference", "python", "analysis", "draw"];

const frameTimes = [];
const smoothed = {};

// Counts a tracked frame and shows its timings (exponentially smoothed).
export function recordFrame(timings) {
  const now = performance.now();
  frameTimes.push(now);
  while (frameTimes.length > 1 && frameTimes[0] < now - 1000) frameTimes.shift();
  const fps =
    frameTimes.length > 1
      ? ((frameTimes.length - 1) * 1000) / (frameTimes.at(-1) - frameTimes[0])
      : 0;
  for (const key of TIMINGS) {
    smoothed[key] =
      smoothed[key] === undefined ? timings[key] : 0.8 * smoothed[key] + 0.2 * (timings[key] ?? 0);
    const ms = smoothed[key] ?? 0;
    $(`stat-${key}`).textContent = `${ms.toFixed(ms < 1 ? 2 : 1)} ms`;
  }
  $("stat-fps").textContent = fps.toFixed(1);
}

const measured = (choice) =>
  (choice?.candidates ?? [])
    .map((c) => {
      const name = c.backend === "wasm" ? `wasm×${c.threads}` : c.backend;
      return `${name} ${c.error ? "failed" : c.ms === null ? "–" : `${c.ms} ms`}`;
    })
    .join(" · ");

// runtime: PoseLandmarker.runtime plus the model name.
export function showRuntime({ model, segmentation, backend, threads, proxy, choice }) {
  $("stat-model").textContent = `${model}${segmentation ? " (+seg)" : ""}`;
  $("stat-backend").textContent = choice?.requested === "auto" ? `${backend} (auto)` : backend;
  $("stat-threads").textContent =
    backend === "wasm" ? `${threads}${proxy ? " (worker)" : ""}` : "–";
  // The choice: each backend timed on the landmark model (median of warm runs).
  $("stat-choice").textContent = measured(choice) || "–";
  $("stat-choice").title = choice?.reason ?? "";
}

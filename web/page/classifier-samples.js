// Pose-classifier samples: recorded in the page ("hold up for 3 s", "hold down for 3 s"),
// kept in localStorage, imported and exported as CSV, one row per sample:
// name,class,x0,y0,z0,...,x32,y32,z32 (image-normalised landmarks, as the CLI gives them).
export const CLASSES = ["up", "down"];
const STORAGE_KEY = "blazepose.classifierSamples";
// One sample per this many ms of a hold: a 3 s hold gives ~12 samples, enough for k-NN and
// few enough that classifying a frame stays well under a millisecond.
const SAMPLE_EVERY_MS = 250;
const READY_MS = 3000; // countdown before a hold starts: time to get into position
const HOLD_MS = 3000;

// Six decimals, as blazepose.analysis.pose_classifier.samples_to_csv writes them.
const rowValues = (landmarks) => landmarks.flatMap((p) => p.slice(0, 3).map((v) => v.toFixed(6)));

export class ClassifierSamples {
  #rows = []; // [name, class, ...99 numbers as written]
  #capture = null; // {className, phase: "ready" | "hold", startMs, lastMs, taken}
  #onChange;
  #onStatus;

  // onChange(csv): the samples changed; onStatus(text): what a capture is doing.
  constructor({ onChange, onStatus, storage = globalThis.localStorage }) {
    this.#onChange = onChange;
    this.#onStatus = onStatus;
    this.storage = storage;
    try {
      this.#rows = parseCsv(storage?.getItem(STORAGE_KEY) ?? "");
    } catch {
      this.#rows = []; // a corrupt entry is dropped, not fatal
    }
  }

  // {class: number of samples}, the two recorded classes first.
  counts() {
    const counts = Object.fromEntries(CLASSES.map((name) => [name, 0]));
    for (const row of this.#rows) counts[row[1]] = (counts[row[1]] ?? 0) + 1;
    return counts;
  }

  toCsv() {
    return this.#rows.map((row) => row.join(",")).join("\n") + (this.#rows.length ? "\n" : "");
  }

  // Replaces the samples with a CSV's rows; throws naming the first bad line.
  importCsv(text) {
    this.#rows = parseCsv(text);
    this.#changed();
  }

  clear() {
    this.#rows = [];
    this.#changed();
  }

  get capturing() {
    return this.#capture !== null;
  }

  // Starts a capture of `className`: a countdown, then samples for the hold time. Frame times
  // drive it, so a paused source pauses the countdown as well.
  capture(className, { readyMs = READY_MS, holdMs = HOLD_MS } = {}) {
    this.#capture = { className, phase: "ready", startMs: null, lastMs: -Infinity, taken: 0 };
    this.#capture.readyMs = readyMs;
    this.#capture.holdMs = holdMs;
    this.#onStatus(`Get ready to hold ${className}…`);
  }

  cancel() {
    this.#capture = null;
    this.#onStatus("");
  }

  // Every frame: detail of `blazepose:pose`.
  frame(detail) {
    const capture = this.#capture;
    if (!capture) return;
    const t = detail.timeMs;
    if (capture.startMs === null || t < capture.startMs) capture.startMs = t;
    const elapsed = t - capture.startMs;
    const name = capture.className;
    if (capture.phase === "ready") {
      if (elapsed < capture.readyMs) {
        this.#onStatus(`Hold ${name} in ${Math.ceil((capture.readyMs - elapsed) / 1000)}…`);
        return;
      }
      Object.assign(capture, { phase: "hold", startMs: t });
      return this.frame(detail);
    }
    if (elapsed >= capture.holdMs) {
      this.#capture = null;
      this.#onStatus(`Recorded ${capture.taken} ${name} samples.`);
      this.#changed();
      return;
    }
    if (detail.landmarks && t - capture.lastMs >= SAMPLE_EVERY_MS) {
      capture.lastMs = t;
      capture.taken++;
      this.#rows.push([
        `${name}_${Date.now()}_${capture.taken}`,
        name,
        ...rowValues(detail.landmarks),
      ]);
    }
    const left = ((capture.holdMs - elapsed) / 1000).toFixed(1);
    this.#onStatus(`Hold ${name}: ${left} s (${capture.taken} samples)`);
  }

  #changed() {
    const csv = this.toCsv();
    try {
      this.storage?.setItem(STORAGE_KEY, csv);
    } catch {
      // storage full or disabled: the samples still work for this visit
    }
    this.#onChange(csv);
  }
}

// The rows of a samples CSV, values kept as written (an export gives back the same text);
// like load_samples_csv, a first line whose values are not numbers is a header.
function parseCsv(text) {
  const rows = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const cells = line.split(",").map((cell) => cell.trim());
    const numeric = cells.slice(2).every((cell) => cell !== "" && Number.isFinite(Number(cell)));
    if (i === 0 && !numeric) return;
    if (cells.length !== 2 + 99 || !numeric)
      throw new Error(`classifier samples CSV line ${i + 1}: want name,class and 99 numbers`);
    rows.push(cells);
  });
  return rows;
}

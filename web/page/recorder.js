// Session recording: every tracked frame while recording is on, downloaded as JSON in the
// CLI's schema (`blazepose track --json`) or as CSV, one row per frame.
const DECIMALS = 6; // as the CLI writes landmarks
const round = (value) => (value === null ? null : Number(value.toFixed(DECIMALS)));
const rows = (points) => points?.map((p) => p.map(round)) ?? null;

export class SessionRecorder {
  #frames = [];
  #events = [];
  #exercise = null;
  #model = null;
  #size = [null, null];
  recording = false;

  get frameCount() {
    return this.#frames.length;
  }

  // Starts a new recording (the previous one is dropped).
  start() {
    this.#frames = [];
    this.#events = [];
    this.#size = [null, null];
    this.recording = true;
  }

  stop() {
    this.recording = false;
  }

  // detail: a `blazepose:pose` detail; count: the rep count after this frame.
  add(detail, count) {
    if (!this.recording) return;
    if (this.#size[0] === null) this.#size = [detail.imageWidth, detail.imageHeight];
    this.#model = detail.model;
    this.#exercise = detail.analysis?.exercise ?? null;
    this.#frames.push({
      index: this.#frames.length,
      time_ms: Number(detail.timeMs.toFixed(3)),
      landmarks: rows(detail.landmarks),
      world_landmarks: rows(detail.worldLandmarks),
      angles: detail.angles,
      count,
    });
  }

  // A completed rep ({exercise, count, startMs, endMs, rangeDeg}).
  addRep(rep) {
    if (this.recording)
      this.#events.push({ start_ms: rep.startMs, end_ms: rep.endMs, range_deg: rep.rangeDeg });
  }

  // The recording as the CLI writes it.
  toJSON() {
    const [width, height] = this.#size;
    return {
      model: this.#model,
      width,
      height,
      frames: this.#frames.map(({ count, ...frame }) => frame),
      reps: { exercise: this.#exercise, count: this.#events.length, events: this.#events },
    };
  }

  // Every frame with the rep count after it: {time_ms, landmarks, world_landmarks, angles,
  // count} (app.py's recordingCsv writes them as the CLI's CSV).
  framesWithCounts() {
    return this.#frames.map(({ index, ...frame }) => frame);
  }
}

// Saves text as a file through a temporary link.
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

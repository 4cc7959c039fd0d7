// The JS side of one tracker session of app.py: its shared arrays (filled and read in place
// through getBuffer) and their contract layouts, decoded into plain objects; and the
// session's analysis of each finished frame (blazepose.analysis, as the CLI runs it).
import { CONTRACT } from "./contract.js";
import { refineLandmarks } from "./heatmap-refine.js";

const REFINED = CONTRACT.heatmapRefinement.output;
const [LANDMARKS, , HEATMAP] = CONTRACT.outputs.landmark;

const LANDMARK_KEYS = ["x", "y", "z", "visibility", "presence"];
const WORLD_KEYS = ["x", "y", "z"];

// A shared array split by its layout: {field name: subarray}.
const fields = (layout, data) =>
  Object.fromEntries(
    Object.entries(layout.fields).map(([name, [offset, length]]) => [
      name,
      data.subarray(offset, offset + length),
    ]),
  );

const points = (flat, keys) => {
  const list = [];
  for (let o = 0; o < flat.length; o += keys.length) {
    list.push(Object.fromEntries(keys.map((key, i) => [key, flat[o + i]])));
  }
  return list;
};

const decodeRequest = (data) => {
  const { kind, size, border, matrix } = fields(CONTRACT.request, data);
  return {
    kind: CONTRACT.kinds[kind[0]],
    size: size[0],
    border: CONTRACT.request.borders[border[0]],
    matrix: Array.from(matrix),
  };
};

const repEvent = (e) => ({
  exercise: e.exercise,
  count: e.count,
  startMs: e.start_ms,
  endMs: e.end_ms,
  rangeDeg: e.range_deg,
});

export class TrackerSession {
  #session; // app.py's session proxy
  #views = new Map(); // name -> PyBuffer

  // api: what app.py handed to globalThis.blazeposePyReady.
  constructor(api, options) {
    this.#session = api.open(options);
    // {angles: [names], exercises: {name: {angles, space, up, down, why}}, classifier}
    this.analysisInfo = JSON.parse(api.analysisInfo());
  }

  configure(options) {
    this.#session.configure(options);
  }

  reset() {
    this.#session.reset();
  }

  // Starts a frame: true when a crop request is pending (see request()).
  begin(width, height, timeMs) {
    return this.#session.begin(width, height, timeMs);
  }

  // Hands over the outputs written with setOutputs: true when another request is pending,
  // false when the frame is done (see result()).
  submit() {
    return this.#session.submit();
  }

  // The pending crop: {kind, size, border, matrix (image->crop canvas matrix)}.
  request() {
    return decodeRequest(this.#view("request", "f64"));
  }

  // While a landmark crop is pending: the frame's later landmark crops, in order (each
  // person's region is fixed at the frame's start, so they can be cut and run before the
  // pending one's outputs are submitted).
  requestsAhead() {
    const count = this.#session.requests_ahead();
    const data = this.#view("ahead", "f64");
    const { length } = CONTRACT.request;
    const list = [];
    for (let at = 0; at < count * length; at += length) {
      list.push(decodeRequest(data.subarray(at, at + length)));
    }
    return list;
  }

  // Writes a model's outputs (by name) where the tracker reads them; of the landmark model's
  // heatmap only the refined x, y (heatmap-refine.js).
  setOutputs(kind, outputs) {
    for (const name of CONTRACT.pageOutputs[kind]) {
      if (name === REFINED)
        refineLandmarks(outputs[LANDMARKS], outputs[HEATMAP], this.#view(name, "f64"));
      else this.#view(name).set(outputs[name]);
    }
  }

  // The finished frame's first pose (lowest id), or null when none was found.
  result() {
    return this.results()[0] ?? null;
  }

  // Every pose of the finished frame, by id (one at most unless numPoses > 1): {id, run (the
  // frame's landmark-model run that gave it, for its mask), poseScore, roi, maskMatrix,
  // landmarks, worldLandmarks}.
  results() {
    const data = this.#view("result", "f64");
    const { length } = CONTRACT.result;
    const poses = [];
    for (let at = 0; at + length <= data.length && data[at] !== 0; at += length) {
      poses.push(this.#pose(fields(CONTRACT.result, data.subarray(at, at + length))));
    }
    return poses;
  }

  // Whose analysis analyze() gives with several people: an id, or null for the first.
  selectPerson(id) {
    // undefined reaches Python as None; null would arrive as Pyodide's JsNull.
    this.#session.select_person(id ?? undefined);
  }

  #pose(result) {
    const [xCenter, yCenter, width, height, rotation] = result.roi;
    const landmarks = points(result.landmarks, LANDMARK_KEYS);
    // World landmarks carry the image landmarks' visibility and presence, as in MediaPipe.
    const world = points(result.worldLandmarks, WORLD_KEYS).map((p, i) => {
      const { visibility, presence } = landmarks[i];
      return { ...p, visibility, presence };
    });
    return {
      id: result.id[0],
      run: result.run[0],
      poseScore: result.poseScore[0],
      roi: { xCenter, yCenter, width, height, rotation },
      maskMatrix: Array.from(result.maskMatrix),
      landmarks,
      worldLandmarks: world,
    };
  }

  // The finished frame's analysis: {angles ({image, world} or null without a pose),
  // exercise, state, count, signal, diagnostics (the preset counter's state and why it
  // does not count: blazepose.analysis.rep_diagnostics, or null), reps: [{exercise, count, startMs,
  // endMs, rangeDeg}] completed in this frame, classifier ({scores, state, count} or null),
  // output and error (the user function's)}. With several people: that of the person chosen
  // with selectPerson, and id (theirs), people ([{id, count, present}]: everyone seen) and
  // poseAngles (each pose's angles, in the order of results()).
  analyze() {
    const a = JSON.parse(this.#session.analyze());
    const several = a.people ? { id: a.id, people: a.people, poseAngles: a.pose_angles } : {};
    return {
      ...several,
      angles: a.present ? a.angles : null,
      exercise: a.exercise,
      state: a.state,
      count: a.count,
      signal: a.signal,
      diagnostics: a.diagnostics ?? null,
      reps: a.events.map(repEvent),
      classifier: a.classifier,
      output: a.user_output,
      error: a.user_error,
    };
  }

  // changes: {exercise?, samples? (CSV text), code?}; returns {exercise, samples, classes,
  // errors: {exercise?, samples?, code?}}.
  setAnalysis(changes) {
    return JSON.parse(this.#session.set_analysis(JSON.stringify(changes)));
  }

  // A recording in the CLI's JSON schema through a new analyzer set up like this session's:
  // {frames: [per-frame analysis as Python writes it], reps: {exercise, count, events}}.
  analyzeRecording(recording) {
    return JSON.parse(this.#session.analyze_recording(JSON.stringify(recording)));
  }

  close() {
    for (const view of this.#views.values()) view.release();
    this.#views.clear();
    this.#session.close();
  }

  // A typed array over one of the session's arrays; the view goes empty when the WASM
  // memory grows, then it is taken again.
  #view(name, type = "f32") {
    let view = this.#views.get(name);
    if (!view || view.data.length === 0) {
      view?.release();
      view = this.#session.buffer(name).getBuffer(type);
      this.#views.set(name, view);
    }
    return view.data;
  }
}

// The demo page's analysis panel: exercise picker and live rep count, angle plot, classifier
// samples, session recording and the Python editor, around a PoseLandmarker's analysis.
import { TimePlot } from "./angle-plot.js";
import { CLASSES, ClassifierSamples } from "./classifier-samples.js";
import { PythonEditor } from "./python-editor.js";
import { startPython } from "./python-runtime.js";
import { download, SessionRecorder } from "./recorder.js";
import { RepDisplay } from "./rep-display.js";

const $ = (id) => document.getElementById(id);
const title = (name) => name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
const shortAngle = (name) =>
  name
    .replace(/^left_/, "L ")
    .replace(/^right_/, "R ")
    .replace(/_/g, " ");

export class AnalysisPanel {
  #engine; // PoseLandmarker
  #info; // PoseLandmarker.analysisInfo
  #reps = new RepDisplay();
  #plot = new TimePlot($("angle-plot"), { range: [0, 180] });
  #recorder = new SessionRecorder();
  #samples;
  #editor;
  #label = ""; // the exercise's name as shown

  // engine: a started PoseLandmarker.
  constructor(engine) {
    this.#engine = engine;
    const info = engine.analysisInfo;
    this.#info = info;
    const exercises = Object.entries(info.exercises).map(([name, e]) => {
      const option = new Option(title(name), name);
      const fallback = e.fallback
        ? ` Falls back to ${e.fallback} where the angle is unreliable.`
        : "";
      option.title = `${e.space} ${e.angles.join(" + ")}: up ${e.up}°, down ${e.down}° (adapted to your range where it does not span them).${fallback} ${e.why}`;
      return option;
    });
    $("exercise").replaceChildren(
      new Option("None", ""),
      ...exercises,
      new Option("My recording (classifier)", info.classifier),
    );
    $("exercise").addEventListener("change", () =>
      this.setAnalysis({ exercise: $("exercise").value || null }),
    );
    $("person").addEventListener("change", () => {
      const id = $("person").value;
      this.#engine.selectPerson(id === "" ? null : Number(id));
      this.#plot.clear();
    });
    $("angle-choice").replaceChildren(
      ...info.angles.map((name) => {
        const box = Object.assign(document.createElement("input"), { type: "checkbox" });
        box.value = name;
        box.addEventListener("change", () => this.#plot.clear());
        const label = document.createElement("label");
        label.append(box, shortAngle(name));
        return label;
      }),
    );
    this.#choose(Object.values(info.exercises)[0].angles);
    $("angle-space").addEventListener("change", () => this.#plot.clear());
    this.#wireRecorder();
    this.#samples = new ClassifierSamples({
      onChange: (csv) => this.setAnalysis({ samples: csv }),
      onStatus: (text) => ($("sample-status").textContent = text),
    });
    this.#wireSamples();
    this.#editor = new PythonEditor(
      async (code) => (await this.setAnalysis({ code })).errors.code ?? null,
    );
    this.#editor.loadExample();
  }

  // Hands the stored classifier samples to the engine.
  start() {
    return this.setAnalysis({ samples: this.#samples.toCsv() });
  }

  // PoseLandmarker.setAnalysis, shown in the panel (the exercise in force, any error).
  async setAnalysis(changes) {
    const status = await this.#engine.setAnalysis(changes);
    $("exercise").value = status.exercise ?? "";
    const preset = this.#info.exercises[status.exercise];
    if ("exercise" in changes) {
      if (preset) this.#choose(preset.angles);
      const { exercise } = status;
      this.#label = exercise === this.#info.classifier ? "My recording" : title(exercise ?? "");
      this.#reps.show({ exercise, count: 0, state: null, reps: [] }, this.#label);
    }
    const { exercise, samples } = status.errors;
    $("analysis-message").textContent = [exercise, samples].filter(Boolean).join(" ");
    this.#showCounts();
    return status;
  }

  // Every tracked frame: its `blazepose:pose` detail.
  frame(detail) {
    const analysis = detail.analysis;
    this.#showPeople(analysis);
    this.#reps.show(analysis, this.#label);
    for (const rep of analysis.reps) this.#recorder.addRep(rep);
    this.#recorder.add(detail, analysis.count);
    if (this.#recorder.recording)
      $("record-status").textContent = `${this.#recorder.frameCount} frames`;
    this.#samples.frame(detail);
    const scores = analysis.classifier?.scores;
    $("classifier-scores").textContent = scores
      ? Object.entries(scores)
          .map(([name, score]) => `${name} ${score.toFixed(1)}`)
          .join(" · ")
      : "";
    this.#plot.setMarks(this.#thresholdMarks(analysis));
    // With several people the plot follows the person whose analysis is shown.
    const whose = analysis.people ? detail.poses.find((p) => p.id === analysis.id) : detail;
    const space = whose?.angles?.[$("angle-space").value] ?? {};
    const values = {};
    for (const box of $("angle-choice").querySelectorAll("input:checked"))
      values[shortAngle(box.value)] = space[box.value];
    this.#plot.push(detail.timeMs, values);
    this.#editor.frame(analysis, detail.timeMs, detail.landmarks !== null);
  }

  // Several people (numPoses > 1): everyone's count, and the picker of whose analysis is shown
  // (the first person found, or someone chosen).
  #showPeople(analysis) {
    const people = analysis.people ?? null;
    $("person-label").hidden = !people;
    $("people-counts").hidden = !people;
    if (!people) return;
    const picker = $("person");
    const ids = ["", ...people.map((p) => String(p.id))];
    const listed = [...picker.options].map((o) => o.value);
    if (ids.join() !== listed.join()) {
      const chosen = picker.value;
      picker.replaceChildren(
        new Option("first found", ""),
        ...people.map((p) => new Option(`person ${p.id}`, String(p.id))),
      );
      picker.value = ids.includes(chosen) ? chosen : "";
    }
    $("people-counts").textContent = people
      .map((p) => `person ${p.id}${p.present ? "" : " (gone)"}: ${p.count}`)
      .join(" · ");
  }

  // The preset's thresholds in force as plot lines, when the plot shows its angles' space.
  #thresholdMarks(analysis) {
    const d = analysis.diagnostics;
    const preset = this.#info.exercises[analysis.exercise];
    if (!d || !preset || d.unit !== "deg" || d.up === null || d.down === null) return [];
    if ($("angle-space").value !== preset.space) return [];
    return [
      { value: d.up, label: `up ${Math.round(d.up)}°` },
      { value: d.down, label: `down ${Math.round(d.down)}°` },
    ];
  }

  #choose(angles) {
    for (const box of $("angle-choice").querySelectorAll("input"))
      box.checked = angles.includes(box.value);
    this.#plot.clear();
  }

  #wireRecorder() {
    const recorder = this.#recorder;
    $("record").addEventListener("click", () => {
      if (recorder.recording) recorder.stop();
      else recorder.start();
      $("record").textContent = recorder.recording ? "■ Stop" : "● Record";
      $("record").classList.toggle("on", recorder.recording);
      $("record-status").textContent = `${recorder.frameCount} frames`;
      for (const id of ["download-json", "download-csv"])
        $(id).disabled = recorder.recording || recorder.frameCount === 0;
    });
    $("download-json").addEventListener("click", () =>
      download("blazepose-session.json", JSON.stringify(recorder.toJSON()), "application/json"),
    );
    $("download-csv").addEventListener("click", async () => {
      const python = await startPython(); // started: app.py's API
      const frames = JSON.stringify(recorder.framesWithCounts());
      download("blazepose-session.csv", python.recordingCsv(frames), "text/csv");
    });
  }

  #wireSamples() {
    const samples = this.#samples;
    for (const name of CLASSES)
      $(`capture-${name}`).addEventListener("click", () => samples.capture(name));
    $("samples-import").addEventListener("click", () => $("samples-file").click());
    $("samples-file").addEventListener("change", async () => {
      const file = $("samples-file").files[0];
      $("samples-file").value = "";
      if (!file) return;
      try {
        samples.importCsv(await file.text());
      } catch (error) {
        $("analysis-message").textContent = error.message;
      }
    });
    $("samples-export").addEventListener("click", () =>
      download("classifier-samples.csv", samples.toCsv(), "text/csv"),
    );
    $("samples-clear").addEventListener("click", () => samples.clear());
  }

  #showCounts() {
    const counts = this.#samples?.counts() ?? {};
    $("sample-counts").textContent = Object.entries(counts)
      .map(([name, n]) => `${name}: ${n}`)
      .join(" · ");
  }
}

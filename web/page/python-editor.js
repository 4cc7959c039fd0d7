// The live Python editor: the user's `on_pose(pose)` runs in the page's Python on every
// frame (blazepose.analysis calls it); its return value is shown and its numbers plotted, an
// exception is shown while tracking goes on.
import { TimePlot } from "./angle-plot.js";

const $ = (id) => document.getElementById(id);
const EXAMPLES = [
  ["knee_over_toe.py", "Knee-over-toe warning"],
  ["arm_raise_timer.py", "Arm-raise timer"],
];
const exampleUrl = (file) => new URL(`examples/${file}`, import.meta.url);

// The numbers of an output, by name: a number is "on_pose", a dict's numeric entries
// (true/false as 1/0) keep their keys.
function numbers(output) {
  if (typeof output === "number") return { on_pose: output };
  if (!output || typeof output !== "object" || Array.isArray(output)) return {};
  const out = {};
  for (const [key, value] of Object.entries(output))
    if (typeof value === "number" || typeof value === "boolean") out[key] = Number(value);
  return out;
}

const format = (output) => {
  if (output === null || output === undefined) return "None";
  if (typeof output !== "object") return String(output);
  if (Array.isArray(output)) return JSON.stringify(output);
  return Object.entries(output)
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join("\n");
};

export class PythonEditor {
  #apply; // (code) => Promise<error message | null>
  #plot = new TimePlot($("python-plot"));
  #running = false;

  constructor(apply) {
    this.#apply = apply;
    const select = $("python-example");
    select.replaceChildren(...EXAMPLES.map(([file, label]) => new Option(label, file)));
    select.addEventListener("change", () => this.loadExample(select.value));
    $("python-run").addEventListener("click", () => this.run($("python-code").value));
    $("python-stop").addEventListener("click", () => this.run(""));
  }

  async loadExample(file = EXAMPLES[0][0]) {
    $("python-example").value = file;
    const response = await fetch(exampleUrl(file));
    if (response.ok) $("python-code").value = await response.text();
  }

  // Compiles `code` (empty: stops) and runs it from the next frame on.
  async run(code) {
    const error = await this.#apply(code);
    this.#running = Boolean(code.trim()) && !error;
    this.#plot.clear();
    $("python-output").textContent = "";
    this.#showError(error);
    $("python-status").textContent = this.#running ? "running on every frame" : "stopped";
  }

  // Every frame: the analysis of the page's result (output and error of on_pose, which is
  // called only when there is a pose).
  frame(analysis, timeMs, present) {
    if (!this.#running) return;
    this.#showError(analysis.error);
    if (analysis.error) return;
    $("python-output").textContent = present ? format(analysis.output) : "(no pose)";
    this.#plot.push(timeMs, numbers(analysis.output));
  }

  #showError(error) {
    $("python-error").textContent = error ?? "";
    $("python-error").hidden = !error;
  }
}

// The model sessions in use and the backend they run on: chosen by measurement among what this
// browser offers (backend-choice.js), switched when the options change, and replaced by the
// next fastest backend when the running one fails.
import { backendLabel, candidatesFor, chooseBackend, probeBackends } from "./backend-choice.js";
import { PoseModels } from "./models.js";
import { buildFor, loadRuntime, prefetchRuntime } from "./ort-runtime.js";

export class RunningModels {
  models = null; // PoseModels
  info = null; // frozen {name, threads, deviceType, requested, chosen, candidates, reason}
  #probe = null; // what this browser offers
  #candidate = null; // the backend running: {name, threads, deviceType, build}
  #fallbacks = []; // the next ones to try if it fails at run time, fastest first
  #choice = null; // {requested, chosen, candidates: [{backend, threads, ms | error}], reason}

  // store: ModelStore; baseUrl, progress, proxy, threads (0: measured / default): as given
  // to PoseLandmarker.create; notify(text) shows a notice; marks: StartupMarks.
  constructor({ store, baseUrl, progress, proxy, threads, notify, marks = null }) {
    Object.assign(this, { store, baseUrl, progress, proxy, threads, notify, marks });
  }

  // Finds what the browser offers; starts fetching the ORT build `requested` will need;
  // returns the backends it will try.
  async probe(requested) {
    this.#probe = await probeBackends();
    const { candidates } = this.#plan(requested, false);
    const build = buildFor(candidates.map((c) => c.name));
    prefetchRuntime(build, { baseUrl: this.baseUrl, progress: this.progress });
    return candidates;
  }

  get runtime() {
    const models = this.models;
    return {
      backend: models?.backend ?? null,
      threads: models?.threads ?? null,
      deviceType: models?.deviceType ?? null,
      file: models?.file ?? null,
      segmentation: models?.segmentation ?? false,
      proxy: models ? this.#inWorker(models.backend) : false,
      choice: this.#choice,
    };
  }

  // The backends to try for `requested`; one this browser lacks falls back to the automatic
  // choice, with a message.
  #plan(requested, notify) {
    try {
      return { candidates: candidatesFor(requested, this.#probe, this.threads) };
    } catch (error) {
      if (notify) this.notify(`${error.message}: using the fastest available backend.`);
      return {
        unavailable: error.message,
        candidates: candidatesFor("auto", this.#probe, this.threads),
      };
    }
  }

  // ORT's proxy worker runs WASM and WebNN; WebGPU needs the page's thread.
  #inWorker(backend) {
    return backend !== "webgpu" && this.proxy;
  }

  #open(candidate, file) {
    const proxy = this.#inWorker(candidate.name);
    const threads = candidate.name === "wasm" ? candidate.threads : 1;
    const options = { baseUrl: this.baseUrl, progress: this.progress, proxy, threads };
    const mark = (name) => this.marks?.mark(name);
    return loadRuntime(candidate.build, options).then((ort) => {
      mark("ortLoaded");
      return PoseModels.create(ort, candidate, this.store, file, mark);
    });
  }

  async #use(models, candidate, choice) {
    const previous = this.models;
    this.models = models;
    this.#candidate = candidate;
    this.#choice = choice;
    const { threads, deviceType } = models;
    this.info = Object.freeze({ name: models.backend, threads, deviceType, ...choice });
    if (previous && previous !== models) await previous.release();
  }

  // Sessions for `requested` (auto or a backend name) and the landmark model `file`: a new
  // backend request is measured anew; another file reuses the backend in use.
  async load(requested, file) {
    if (this.models && this.#choice?.requested === requested) {
      if (this.models.file === file) return;
      await this.#use(await this.#open(this.#candidate, file), this.#candidate, this.#choice);
      return;
    }
    const plan = this.#plan(requested, true);
    const build = buildFor(plan.candidates.map((c) => c.name));
    const candidates = plan.candidates.map((c) => ({ ...c, build }));
    const chosen = await chooseBackend(candidates, (c) => this.#open(c, file));
    this.#fallbacks = chosen.fallbacks;
    const choice = { requested, ...chosen.choice };
    if (plan.unavailable) choice.unavailable = plan.unavailable;
    await this.#use(chosen.models, chosen.candidate, choice);
  }

  // The running backend failed: the next fastest takes over (with a message); the error
  // stands when none is left.
  async fallBack(error, file) {
    const failed = backendLabel(this.#candidate);
    let reason = error;
    while (this.#fallbacks.length) {
      const next = this.#fallbacks.shift();
      try {
        const models = await this.#open(next, file);
        const chosen = { name: next.name, threads: next.threads };
        const why = `${failed} failed: ${reason.message}`;
        await this.#use(models, next, { ...this.#choice, chosen, reason: why });
        this.notify(`${failed} failed (${reason.message}): switched to ${backendLabel(next)}.`);
        return;
      } catch (nextError) {
        reason = nextError;
      }
    }
    throw error;
  }

  // A fresh WASM instance runs slow baseline code first: blank runs while `keepGoing()`
  // (see PoseModels.warmUpWhile). Returns the number of runs.
  warmUpWhile(keepGoing) {
    return this.models?.backend === "wasm" ? this.models.warmUpWhile(keepGoing) : 0;
  }

  async release() {
    await this.models?.release();
    this.models = null;
  }
}

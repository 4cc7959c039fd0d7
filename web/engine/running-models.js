// The model sessions in use and the backend they run on: chosen by measurement among what this
// browser offers (backend-choice.js), switched when the options change, and replaced by the
// next fastest backend when the running one fails.
import {
  backendLabel,
  candidatesFor,
  chooseBackend,
  firstGuess,
  probeBackends,
} from "./backend-choice.js";
import { choiceKey, forget, recall, remember } from "./backend-memory.js";
import { timeInWorker } from "./backend-timing.js";
import { CONTRACT } from "./contract.js";
import { PoseModels, versionOf } from "./models.js";
import { loadRuntime, runtimeFor } from "./ort-runtime.js";

const same = (a, b) => a.name === b.name && a.threads === b.threads;
// A timed backend replaces the running one only when this much faster (timing noise).
const SWITCH_GAIN = 0.9;

export class RunningModels {
  models = null; // PoseModels
  info = null; // frozen {name, threads, deviceType, requested, chosen, candidates, reason}
  #probe = null; // what this browser offers
  #candidate = null; // the backend running: {name, threads, deviceType, build}
  #fallbacks = []; // the next ones to try if it fails at run time, fastest first
  #choice = null; // {requested, chosen, candidates: [{backend, threads, ms | error}], reason}
  #pending = null; // auto's first visit: {candidates, file, key}, timed once tracking runs

  // store: ModelStore; baseUrl, progress, proxy, threads (0: measured / default): as given
  // to PoseLandmarker.create; notify(text) shows a notice; marks: StartupMarks.
  constructor({ store, baseUrl, progress, proxy, threads, notify, marks = null }) {
    Object.assign(this, { store, baseUrl, progress, proxy, threads, notify, marks });
  }

  // Finds what the browser offers; returns the backends it will try for `requested`.
  async probe(requested) {
    this.#probe = await probeBackends();
    return this.#plan(requested, false).candidates;
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

  #open(candidate, file, tag = "") {
    const proxy = this.#inWorker(candidate.name);
    const options = { baseUrl: this.baseUrl, ...runtimeFor(candidate), proxy, tag };
    const mark = (name) => this.marks?.mark(name);
    return loadRuntime(options).then((ort) => {
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
    const candidates = plan.candidates;
    // Only a real measurement is remembered: `auto` with more than one candidate.
    const measured = requested === "auto" && candidates.length > 1;
    const key = measured ? await this.#choiceKey(candidates, file) : null;
    this.#pending = null;
    let chosen = key ? await this.#recall(candidates, file, key) : null;
    if (!chosen && key) chosen = await this.#startOnGuess(candidates, file, key);
    if (!chosen) {
      chosen = await chooseBackend(candidates, (c) => this.#open(c, file));
      if (key) this.#remember(file, key, versionOf(chosen.models), chosen);
    }
    this.#fallbacks = chosen.fallbacks;
    const choice = { requested, ...chosen.choice };
    if (plan.unavailable) choice.unavailable = plan.unavailable;
    await this.#use(chosen.models, chosen.candidate, choice);
  }

  // `auto`'s first visit (nothing remembered): the first guess opens without timing, so the
  // first pose is not held up by opening and timing every candidate (seconds: an ORT instance
  // and sessions each); timePending() times them once tracking runs. Null if it fails to open.
  async #startOnGuess(candidates, file, key) {
    const candidate = firstGuess(candidates, this.#probe, this.threads);
    let models;
    try {
      models = await this.#open(candidate, file);
    } catch {
      return null; // then every candidate is opened and timed now
    }
    this.#pending = { candidates, file, key };
    const rows = candidates.map(({ name, threads }) => ({ backend: name, threads, ms: null }));
    const reason = `first visit: ${backendLabel(candidate)} untimed; the others are timed once tracking runs`;
    return {
      models,
      candidate,
      fallbacks: candidates.filter((c) => c !== candidate),
      choice: {
        chosen: { name: candidate.name, threads: candidate.threads },
        candidates: rows,
        reason,
        provisional: true,
      },
    };
  }

  // Times every candidate of auto's first visit (while the page tracks, so the timing sees
  // its real load) in a worker that ends with its answer, and remembers the result for the
  // next visit. When the fastest is another backend than the running one and SWITCH_GAIN
  // faster, it is opened (and a WASM one warmed up) here, beside the tracking. Resolves with
  // {candidate, fallbacks, choice, file, models (null: nothing to switch to)} for adopt(),
  // or null when there is nothing to time.
  async timePending() {
    const pending = this.#pending;
    this.#pending = null;
    if (!pending || this.models?.file !== pending.file) return null;
    const { candidates, file, key } = pending;
    const timed = await timeInWorker({
      baseUrl: this.baseUrl,
      candidates,
      file,
      store: this.store,
    });
    const ours = (c) => candidates.find((own) => same(own, c));
    const result = {
      candidate: ours(timed.candidate),
      fallbacks: timed.fallbacks.map(ours),
      choice: timed.choice,
      file,
      models: null,
    };
    this.#remember(file, key, timed.ortVersion, result);
    if (this.#switchesTo(result)) {
      result.models = await this.#open(result.candidate, file);
      await result.models.warmUpWhile(() => true, { maxRuns: 10, maxMs: 3000 });
    }
    return result;
  }

  // Whether timing's result replaces the running backend (still auto, same file).
  #switchesTo(result) {
    const rows = result.choice.candidates;
    const row = (c) => rows.find((r) => r.backend === c.name && r.threads === c.threads);
    const current = this.#candidate;
    const gain = row(result.candidate)?.ms / (row(current)?.ms ?? Infinity);
    return (
      this.#stillAuto(result.file) && !same(result.candidate, current) && !(gain > SWITCH_GAIN)
    );
  }

  // auto still runs the landmark model `file` (the options did not change meanwhile).
  #stillAuto(file) {
    return this.#choice?.requested === "auto" && this.models?.file === file;
  }

  #remember(file, key, ortVersion, { candidate, fallbacks, choice }) {
    const order = [candidate, ...fallbacks].map(({ name, threads }) => ({ name, threads }));
    remember(file, key, { ortVersion, chosen: choice.chosen, order, choice });
  }

  // The first visit's timing did not happen (the file changed, or it failed): the guess
  // stays, no longer provisional.
  settleGuess(why) {
    if (!this.#choice?.provisional) return;
    const { provisional, ...choice } = this.#choice;
    this.#choice = { ...choice, reason: `${choice.reason} (${why})` };
    this.info = Object.freeze({ ...this.info, ...this.#choice, provisional: undefined });
  }

  // Takes timePending()'s result between frames: its models replace the running ones when
  // they were opened (and the options did not change meanwhile), else the measurement is
  // only recorded. Resolves true when the backend changed.
  async adopt(result) {
    const current = this.#candidate;
    const choice = { requested: "auto", ...result.choice };
    if (result.models && this.#switchesTo(result)) {
      this.#fallbacks = result.fallbacks;
      await this.#use(result.models, result.candidate, choice);
      return true;
    }
    await result.models?.release();
    if (this.#stillAuto(result.file)) {
      const chosen = { name: current.name, threads: current.threads };
      const kept = same(result.candidate, current)
        ? ""
        : `; kept ${backendLabel(current)} (within 10 %)`;
      this.#choice = { ...choice, chosen, reason: `${choice.reason}${kept}` };
      this.info = Object.freeze({ ...this.info, ...this.#choice });
    }
    return false;
  }

  // What a remembered choice for these candidates and this landmark file must match.
  async #choiceKey(candidates, file) {
    const manifest = await this.store.manifest;
    return choiceKey({
      userAgent: navigator.userAgent,
      isolated: globalThis.crossOriginIsolated === true,
      cores: navigator.hardwareConcurrency || 1,
      candidates,
      file,
      modelHashes: [CONTRACT.detectorFile, file].map((f) => manifest[f]?.sha256 ?? null),
      contract: JSON.stringify(CONTRACT),
    });
  }

  // The remembered choice opened ({models, candidate, fallbacks, choice}), or null (nothing
  // remembered, or it no longer opens or runs another ONNX Runtime: then it is forgotten).
  async #recall(candidates, file, key) {
    const saved = recall(file, key);
    if (!saved) return null;
    const candidate = candidates.find((c) => same(c, saved.chosen));
    let models = null;
    try {
      models = candidate ? await this.#open(candidate, file) : null;
    } catch {
      models = null;
    }
    if (!models || versionOf(models) !== saved.ortVersion) {
      await models?.release();
      forget(file);
      return null;
    }
    const fallbacks = saved.order
      .map((o) => candidates.find((c) => same(c, o)))
      .filter((c) => c && c !== candidate);
    const reason = `remembered from ${saved.measuredAt}: ${saved.choice.reason}`;
    return { models, candidate, fallbacks, choice: { ...saved.choice, reason, remembered: true } };
  }

  // The running backend failed: the next fastest takes over (with a message); the error
  // stands when none is left.
  async fallBack(error, file) {
    const failed = backendLabel(this.#candidate);
    forget(file); // a remembered choice that fails is measured again next time
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

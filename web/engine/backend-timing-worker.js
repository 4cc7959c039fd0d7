// The worker that times `auto`'s candidates (backend-timing.js starts it and terminates it
// once it has answered), so that nothing of the timing stays beside the tracking: its ORT
// instances, their WASM threads and compile work, its WebNN contexts all end with it. Each
// candidate runs on the ORT build the page would give it (ort-runtime.js), in this worker.
import { chooseBackend } from "./backend-choice.js";
import { PoseModels, versionOf } from "./models.js";
import { loadRuntime, runtimeFor } from "./ort-runtime.js";

// {baseUrl, candidates, file, models: {file name: Uint8Array}} -> posts {candidate,
// fallbacks, choice, ortVersion} (see chooseBackend), or {error}.
self.onmessage = async ({ data }) => {
  const { baseUrl, candidates, file, models } = data;
  const store = { load: async (name) => models[name] };
  const open = async (candidate) => {
    const ort = await loadRuntime({ baseUrl, ...runtimeFor(candidate), proxy: false });
    return PoseModels.create(ort, candidate, store, file);
  };
  try {
    const result = await chooseBackend(candidates, open);
    const ortVersion = versionOf(result.models);
    await result.models.release();
    const { candidate, fallbacks, choice } = result;
    self.postMessage({ candidate, fallbacks, choice, ortVersion });
  } catch (error) {
    self.postMessage({ error: error.message });
  }
};

// The control bar: source, camera, model, backend, segmentation, smoothing, people (numPoses)
// and the two confidence sliders. The model and backend choices come from the contract.
import { CONTRACT } from "./contract.js";
import { listCameras } from "./sources.js";

const $ = (id) => document.getElementById(id);
const BACKEND_LABELS = { auto: "Auto (fastest)", webnn: "WebNN", wasm: "WASM", webgpu: "WebGPU" };
const SLIDERS = [
  ["min-detection", "minDetectionConfidence"],
  ["min-tracking", "minTrackingConfidence"],
];

// Fills the model and backend menus (before the settings are shown).
export function fillChoices() {
  $("model").replaceChildren(...CONTRACT.models.map((name) => new Option(name, name)));
  $("backend").replaceChildren(
    ...CONTRACT.backends.map((name) => new Option(BACKEND_LABELS[name] ?? name, name)),
  );
  const counts = Array.from({ length: CONTRACT.maxNumPoses }, (_, i) => String(i + 1));
  $("num-poses").replaceChildren(...counts.map((n) => new Option(n, n)));
}

// Shows the settings in force in the controls.
export function showSettings(settings, backend) {
  $("model").value = settings.model;
  $("backend").value = backend;
  $("segmentation").checked = settings.segmentation;
  $("smoothing").checked = settings.smoothing;
  $("num-poses").value = String(settings.numPoses);
  for (const [id, key] of SLIDERS) {
    $(id).value = settings[key];
    $(`${id}-value`).textContent = Number(settings[key]).toFixed(2);
  }
}

// Lists the cameras in the camera menu (shown only when there is a choice).
export async function fillCameraList() {
  const cameras = await listCameras();
  const select = $("facing");
  const chosen = select.value;
  select.replaceChildren(
    ...cameras.map((camera, i) => new Option(camera.label || `Camera ${i + 1}`, camera.deviceId)),
  );
  if (chosen) select.value = chosen;
  $("facing-label").hidden = cameras.length < 2;
}

export const chosenCamera = () => $("facing").value || null;

// useSource(kind, file?) switches the input; stop() stops the live source; apply(changes)
// changes tracking options.
export function wireControls({ useSource, stop, apply }) {
  const webgpu = $("backend").querySelector('[value="webgpu"]');
  if (webgpu) webgpu.disabled = !navigator.gpu;
  const webnn = $("backend").querySelector('[value="webnn"]');
  if (webnn) webnn.disabled = !("ml" in navigator);
  $("source").addEventListener("change", () => {
    const kind = $("source").value;
    if (kind === "file") $("file").click();
    else if (kind === "none") stop();
    else useSource(kind);
  });
  $("file").addEventListener("change", () => {
    const file = $("file").files[0];
    $("file").value = ""; // picking the same file again must fire "change" again
    if (file) useSource("file", file);
  });
  $("facing").addEventListener("change", () => useSource("camera"));
  $("model").addEventListener("change", () => apply({ model: $("model").value }));
  $("backend").addEventListener("change", () => apply({ backend: $("backend").value }));
  $("segmentation").addEventListener("change", () =>
    apply({ segmentation: $("segmentation").checked }),
  );
  $("smoothing").addEventListener("change", () => apply({ smoothing: $("smoothing").checked }));
  $("num-poses").addEventListener("change", () =>
    apply({ numPoses: Number($("num-poses").value) }),
  );
  for (const [id, key] of SLIDERS) {
    const show = () => ($(`${id}-value`).textContent = Number($(id).value).toFixed(2));
    $(id).addEventListener("input", show);
    $(id).addEventListener("change", () => apply({ [key]: Number($(id).value) }));
  }
}

// Offline use, instant second visits and WASM threads on any static host: registers the
// site's service worker (service-worker.js beside this module) and says why the page is not
// cross-origin isolated when it is not.
//
// First visit: the worker is registered once the page tracked its first pose (or 15 s after
// load), so its install does not compete with the start-up downloads; it then caches what
// the page used. A page that a worker already controls registers at once (an update check).
// When a new build's worker takes over a page of the old build, the page reloads: no mix.
//
// window.blazeposeOffline = {state, version, isolation}: state is "unsupported", "waiting",
// "registering", "ready" (this build's files cached) or "failed: ..."; isolation is null
// when the page is cross-origin isolated, else the reason it is not.

import { runtimeWasmFiles } from "./ort-runtime.js";

const WORKER = new URL("service-worker.js", import.meta.url);
const FIRST_VISIT_DELAY_MS = 15000;

const status = { state: "waiting", version: null, isolation: null };
window.blazeposeOffline = status;
const setState = (state) => {
  status.state = state;
  document.documentElement.dataset.offline = state.split(":")[0];
};

function isolationReason(controlled) {
  if (globalThis.crossOriginIsolated) return null;
  const why = "ONNX Runtime runs WASM on one thread";
  if (window.top !== window)
    return `Not cross-origin isolated: the page that embeds this one is not, so ${why}.`;
  if (!("serviceWorker" in navigator))
    return `Not cross-origin isolated: the server sends no COOP/COEP headers and this browser has no service worker here, so ${why}.`;
  if (!controlled)
    return `Not cross-origin isolated yet: the server sends no COOP/COEP headers; the service worker adds them from the next load on. Until then ${why}.`;
  return `Not cross-origin isolated although the service worker adds COOP/COEP (a browser setting or extension?), so ${why}.`;
}

function showIsolation(reason) {
  status.isolation = reason;
  if (!reason) return;
  console.info(`[blazepose] ${reason}`);
  const stats = document.getElementById("stats");
  if (!stats || document.getElementById("isolation-note")) return;
  const note = document.createElement("p");
  note.id = "isolation-note";
  note.className = "muted";
  note.textContent = reason;
  stats.after(note);
}

// Asks the worker to cache the site files this page loaded before it was controlled.
function cacheWhatWasUsed(worker) {
  const urls = [
    location.href,
    ...performance.getEntriesByType("resource").map((e) => e.name),
    ...runtimeWasmFiles(), // fetched in ORT's worker: not among the page's resources
  ];
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    worker.postMessage({ type: "cache", urls }, [channel.port2]);
  });
}

async function register() {
  setState("registering");
  try {
    const scope = new URL("./", WORKER).href;
    await navigator.serviceWorker.register(WORKER, { scope }).catch((error) => {
      // Offline (the update check failed): the worker that controls the page stays.
      if (!navigator.serviceWorker.controller) throw error;
    });
    const registration = await navigator.serviceWorker.ready;
    const reply = await cacheWhatWasUsed(registration.active);
    status.version = reply.version;
    setState(reply.missing.length ? `failed: not cached ${reply.missing.join(", ")}` : "ready");
  } catch (error) {
    setState(`failed: ${error.message}`);
    console.warn(`[blazepose] offline use unavailable: ${error.message}`);
  }
}

function start() {
  const controlled = Boolean(navigator.serviceWorker?.controller);
  const show = () => showIsolation(isolationReason(controlled));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
  else show();
  if (!("serviceWorker" in navigator) || !window.isSecureContext) {
    setState("unsupported");
    return;
  }
  if (controlled) {
    // A new build's worker took over this old-build page: start again on the new build.
    navigator.serviceWorker.addEventListener("controllerchange", () => location.reload());
    register();
    return;
  }
  let started = false;
  const once = () => {
    if (!started) {
      started = true;
      register();
    }
  };
  const onPose = (event) => {
    if (!event.detail?.landmarks) return;
    window.removeEventListener("blazepose:pose", onPose);
    once();
  };
  window.addEventListener("blazepose:pose", onPose);
  window.addEventListener("load", () => setTimeout(once, FIRST_VISIT_DELAY_MS), { once: true });
}

start();

// <blazepose-view>, the module variant: a PoseLandmarker client that shows its source with
// the tracked skeleton in its own shadow DOM.
//
//   <script type="module" src="https://your.host/blazepose/blazepose-view.js"></script>
//   <blazepose-view source="sample" model="lite" style="height: 480px"></blazepose-view>
//
// Attributes (all optional): source (camera | sample | none | URL of a video or image),
// model, backend, segmentation, smoothing (0/1, as on the demo page), numposes (1..4). Every tracked frame is
// dispatched as a `blazepose:pose` CustomEvent on the element and on `window`, with the demo
// page's detail. The host page loads the module (same origin, or CORS) and needs
// cross-origin isolation for WASM threads. For a page on another origin without either, the
// classic script embed.js defines the same element as an iframe of the demo page.
import { CONTRACT } from "./contract.js";
import { drawMask, drawPeople } from "./draw.js";
import { LiveLoop } from "./live-loop.js";
import { poseDetail } from "./pose-detail.js";
import { PoseLandmarker } from "./pose-landmarker.js";
import {
  CAMERA_ENDED,
  openImageUrl,
  playSample,
  playVideoUrl,
  startCamera,
  stopVideo,
} from "./sources.js";

const SITE = new URL("./", import.meta.url).href;
const OPTION_ATTRIBUTES = ["model", "backend", "segmentation", "smoothing", "numposes"];
const OPTION_NAMES = { numposes: "numPoses" }; // attribute -> option, where they differ
const FALSE = ["0", "false", "off", "no"];

const STYLE = `:host { display: block; position: relative; min-height: 240px; background: #000 }
  canvas { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain }
  p { position: absolute; left: 1em; bottom: 0; color: #eee; font: 14px system-ui }`;

class BlazePoseView extends HTMLElement {
  static observedAttributes = ["source", ...OPTION_ATTRIBUTES];

  #landmarker = null; // Promise<PoseLandmarker>
  #video;
  #canvas;
  #status;
  #live;
  #frame = 0;
  #frameCanvas = null;

  connectedCallback() {
    if (!this.shadowRoot) {
      const root = this.attachShadow({ mode: "open" });
      // A constructed sheet, not a <style> element: no inline style for the CSP to allow.
      const style = new CSSStyleSheet();
      style.replaceSync(STYLE);
      root.adoptedStyleSheets = [style];
      this.#video = Object.assign(document.createElement("video"), { muted: true, hidden: true });
      this.#video.playsInline = true;
      this.#canvas = document.createElement("canvas");
      this.#status = document.createElement("p");
      root.append(this.#video, this.#canvas, this.#status);
      this.#live = new LiveLoop(this.#video);
    }
    if (!this.#landmarker) {
      this.#say("Loading…");
      this.#landmarker = PoseLandmarker.create({ ...this.#options(), baseUrl: SITE });
      this.#landmarker.catch((error) => this.#say(error.message));
    }
    this.#useSource();
  }

  disconnectedCallback() {
    this.#live.stop();
    stopVideo(this.#video);
    const closing = this.#landmarker;
    this.#landmarker = null;
    closing?.then((landmarker) => landmarker.close()).catch(() => {});
  }

  attributeChangedCallback(name) {
    if (!this.#landmarker) return;
    if (name === "source") this.#useSource();
    else
      this.#landmarker
        .then((landmarker) => landmarker.setOptions(this.#options()))
        .catch((error) => this.#say(error.message));
  }

  // The tracking options from the attributes (defaults from the contract).
  #options() {
    const options = {};
    for (const name of OPTION_ATTRIBUTES) {
      const value = this.getAttribute(name);
      if (value === null) continue;
      const key = OPTION_NAMES[name] ?? name;
      const type = typeof CONTRACT.defaults[key];
      if (type === "boolean") options[key] = !FALSE.includes(value);
      else options[key] = type === "number" ? Number(value) : value;
    }
    return options;
  }

  #several() {
    return Number(this.getAttribute("numposes") ?? 1) > 1;
  }

  #say(text) {
    this.#status.textContent = text;
  }

  async #useSource() {
    const source = this.getAttribute("source") ?? "sample";
    this.#live.stop();
    stopVideo(this.#video);
    try {
      if (source === "none") return;
      if (/\.(png|jpe?g|webp|gif|bmp)$/i.test(source)) {
        const image = await openImageUrl(new URL(source, location.href).href);
        const landmarker = await this.#landmarker;
        this.#show(image, await landmarker.detect(image), 0);
        return;
      }
      if (source === "camera") await startCamera(this.#video, null, () => this.#say(CAMERA_ENDED));
      else if (source === "sample") await playSample(this.#video, SITE);
      else await playVideoUrl(this.#video, new URL(source, location.href).href);
      const landmarker = await this.#landmarker;
      this.#say("");
      await landmarker.reset();
      const track = async (video) => {
        const timeMs = performance.now();
        const frame = this.#snapshot(video);
        this.#show(frame, await landmarker.detectForVideo(frame, timeMs), timeMs);
      };
      this.#live.start(track, {
        ready: () => true,
        onResume: () => landmarker.reset(), // shown again: no pose from before
        onError: (error) => this.#say(`Tracking failed: ${error.message}`),
      });
    } catch (error) {
      this.#say(error.message);
    }
  }

  // The video's current frame, copied (the video moves on while the models run), so that
  // the frame shown is the frame tracked.
  #snapshot(video) {
    if (!this.#frameCanvas) this.#frameCanvas = document.createElement("canvas");
    const canvas = this.#frameCanvas;
    if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
    }
    canvas.getContext("2d").drawImage(video, 0, 0);
    return canvas;
  }

  // Draws the frame with its pose and dispatches the event.
  #show(source, result, timeMs) {
    const { imageWidth: width, imageHeight: height } = result;
    const canvas = this.#canvas;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = canvas.getContext("2d");
    ctx.drawImage(source, 0, 0, width, height);
    const detail = poseDetail(result, this.#frame++, timeMs, result.model);
    for (const mask of result.segmentationMasks ?? []) drawMask(ctx, mask);
    drawPeople(ctx, detail, width, height, detail.poses.length > 1 || this.#several());
    this.dispatchEvent(new CustomEvent("blazepose:pose", { detail }));
    window.dispatchEvent(new CustomEvent("blazepose:pose", { detail }));
  }
}

if (!customElements.get("blazepose-view")) customElements.define("blazepose-view", BlazePoseView);

// <blazepose-view>: drop the page into any document with one snippet.
//
//   <script src="https://your.host/blazepose/embed.js"></script>
//   <blazepose-view source="sample" model="full" backend="wasm" style="height: 480px"></blazepose-view>
//
// Attributes (all optional): source (camera | sample | none | URL of a video or image),
// model (lite | full | heavy), backend (wasm | webgpu), segmentation, smoothing (0/1).
// The page runs in an iframe next to this script; every processed frame is re-dispatched as
// a `blazepose:pose` CustomEvent on this element and on `window` (detail as on the page).
// The iframe variant: a classic script (not a module), so a page on another origin can load
// it without CORS. blazepose-view.js defines the same element as a module client of
// PoseLandmarker (no iframe) for pages that can import it; a page uses one or the other.
(() => {
  "use strict";
  const PAGE = new URL("index.html", document.currentScript.src);
  const ATTRIBUTES = ["source", "model", "backend", "segmentation", "smoothing", "numposes"];
  const PARAMS = { numposes: "numPoses" }; // attribute -> the page's URL parameter

  class BlazePoseView extends HTMLElement {
    static observedAttributes = ATTRIBUTES;

    connectedCallback() {
      if (!this.shadowRoot) {
        const root = this.attachShadow({ mode: "open" });
        // A constructed sheet, not a <style> element: no inline style for a CSP to allow.
        const style = new CSSStyleSheet();
        style.replaceSync(`:host{display:block;position:relative;min-height:240px}
          iframe{position:absolute;inset:0;width:100%;height:100%;border:0}`);
        root.adoptedStyleSheets = [style];
        this.frame = document.createElement("iframe");
        this.frame.title = "BlazePose Web";
        this.frame.allow = "camera; cross-origin-isolated";
        root.append(this.frame);
        this.onMessage = (event) => {
          if (event.source !== this.frame.contentWindow || event.data?.type !== "blazepose:pose")
            return;
          const init = { detail: event.data.detail };
          this.dispatchEvent(new CustomEvent("blazepose:pose", init));
          window.dispatchEvent(new CustomEvent("blazepose:pose", init));
        };
        window.addEventListener("message", this.onMessage);
      }
      this.load();
    }

    disconnectedCallback() {
      window.removeEventListener("message", this.onMessage);
    }

    attributeChangedCallback() {
      if (this.frame) this.load();
    }

    load() {
      const url = new URL(PAGE);
      url.searchParams.set("embed", "1");
      for (const name of ATTRIBUTES) {
        const value = this.getAttribute(name);
        if (value !== null) url.searchParams.set(PARAMS[name] ?? name, value);
      }
      if (this.frame.src !== url.href) this.frame.src = url.href;
    }
  }

  if (!customElements.get("blazepose-view")) customElements.define("blazepose-view", BlazePoseView);
})();

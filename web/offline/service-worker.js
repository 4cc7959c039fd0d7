// The site's service worker (registered by offline.js; its scope is the site folder).
//
// - Offline and instant second visits: the files of one build are served from a cache of
//   that build's own (named by its version), cache first. The page, Python and the runtimes'
//   JS are fetched at install; the ORT WASM build and the models when the page first uses
//   them. Only bytes matching this build's SHA-256 are cached, so a file that changed on the
//   server (a newer build) never mixes into this one: the next visit finds the new worker,
//   which caches the new build beside it and drops the old one when it takes over.
// - Cross-origin isolation on hosts that cannot set headers: every response it gives carries
//   the site's headers (stored with each cached file; added to what it fetches) (COOP/COEP/CORP and the Content-Security-Policy), so the second load
//   of a page is isolated and ONNX Runtime gets WASM threads.
// Requests for anything else (other pages of the host, test or bench files) pass untouched.

// Filled in by the site build (blazepose_tools/offline_build.py): version, files (path ->
// sha256), precache (paths), headers (name -> value).
const BUILD = { version: "unbuilt", files: {}, precache: [], headers: {} };

const PREFIX = "blazepose-";
const CACHE = `${PREFIX}${BUILD.version}`;
const SCOPE = new URL(self.registration.scope);

// The site file a URL stands for ("" and folders -> their index.html), or null.
function siteFile(href) {
  const url = new URL(href, SCOPE);
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return null;
  let path = decodeURIComponent(url.pathname.slice(SCOPE.pathname.length));
  if (path === "" || path.endsWith("/")) path += "index.html";
  return Object.hasOwn(BUILD.files, path) ? path : null;
}

const keyFor = (path) => new URL(path, SCOPE).href;

async function sha256(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Stores `buffer` as `path` if it is this build's file; false if the bytes differ (the
// server has another build: look for its worker).
async function store(cache, path, buffer, contentType) {
  if ((await sha256(buffer)) !== BUILD.files[path]) {
    self.registration.update().catch(() => {});
    return false;
  }
  // Stored with the site's headers, so a cached file is answered with the cached response
  // itself: the browser keeps compiled WASM code beside a Cache Storage entry, and only
  // finds it when the page gets that very response (a copy has none).
  const headers = new Headers(BUILD.headers);
  if (contentType) headers.set("Content-Type", contentType);
  await cache.put(keyFor(path), new Response(buffer, { headers }));
  return true;
}

async function fetchInto(cache, path) {
  if (await cache.match(keyFor(path))) return true;
  const response = await fetch(keyFor(path), { cache: "no-cache" });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return store(cache, path, await response.arrayBuffer(), response.headers.get("Content-Type"));
}

// The response with the site's headers (and no transfer headers of the original).
function withSiteHeaders(response) {
  const headers = new Headers(BUILD.headers);
  const type = response.headers.get("Content-Type");
  if (type) headers.set("Content-Type", type);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

// A byte range of a cached file (Safari's media stack asks for ranges and refuses a 200):
// 206 with Content-Range, 416 when no byte of it is asked for; the whole file where the
// header is not one range (RFC 9110 lets a server ignore it).
async function rangeOf(response, header) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.replace(/\s/g, ""));
  if (!match || (match[1] === "" && match[2] === "")) return response;
  if (match[1] !== "" && match[2] !== "" && Number(match[2]) < Number(match[1])) return response;
  const buffer = await response.arrayBuffer();
  const size = buffer.byteLength;
  let [first, last] = [Number(match[1]), match[2] === "" ? size - 1 : Number(match[2])];
  if (match[1] === "") [first, last] = [Math.max(size - Number(match[2]), 0), size - 1];
  last = Math.min(last, size - 1);
  const headers = new Headers(response.headers);
  if (first >= size || (match[1] === "" && match[2] === "0")) {
    headers.set("Content-Range", `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  headers.set("Content-Range", `bytes ${first}-${last}/${size}`);
  headers.set("Content-Length", String(last - first + 1));
  return new Response(buffer.slice(first, last + 1), { status: 206, headers });
}

async function respond(event, path) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(keyFor(path));
  const range = event.request.headers.get("Range");
  if (cached) return range ? rangeOf(cached, range) : cached;
  if (range) return fetch(event.request); // the server's own 206, untouched
  const response = await fetch(keyFor(path), { cache: "no-cache" });
  if (!response.ok || !response.body) return withSiteHeaders(response);
  // One copy streams to the page, the other is checked and cached.
  const [page, copy] = response.body.tee();
  const type = response.headers.get("Content-Type");
  event.waitUntil(
    new Response(copy)
      .arrayBuffer()
      .then((buffer) => store(cache, path, buffer, type))
      .catch(() => {}),
  );
  const headers = type ? { "Content-Type": type } : {};
  return withSiteHeaders(new Response(page, { status: response.status, headers }));
}

self.addEventListener("install", (event) => {
  // Every precached file must be this build's, or this worker is not installed at all.
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const results = await Promise.all(BUILD.precache.map((path) => fetchInto(cache, path)));
      if (results.includes(false)) throw new Error("the server has another build");
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  const path = siteFile(event.request.url);
  if (path) event.respondWith(respond(event, path));
});

// offline.js: {type: "cache", urls} caches the site files among `urls` (what the page used
// before this worker controlled it); the reply is {version, cached, missing}.
self.addEventListener("message", (event) => {
  if (event.data?.type !== "cache") return;
  const paths = [...new Set(event.data.urls.map(siteFile).filter(Boolean))];
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const stored = await Promise.all(
        paths.map((path) => fetchInto(cache, path).catch(() => false)),
      );
      const missing = paths.filter((_, i) => !stored[i]);
      event.ports[0]?.postMessage({
        version: BUILD.version,
        cached: paths.length - missing.length,
        missing,
      });
    })(),
  );
});

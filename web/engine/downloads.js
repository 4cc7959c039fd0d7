// Downloads with byte progress, and the error that names what failed to load. A file the site
// build split into parts (static hosts cap a file at 25 MiB; see split-files.json and
// blazepose_tools/split_files.py) is fetched part by part, in parallel, and joined.

export class LoadError extends Error {}

const SITE = new URL("./", import.meta.url);
let splitList = null; // Promise<{site path: [part paths]}>

function splitFiles() {
  splitList ??= fetch(new URL("split-files.json", SITE))
    .then((response) => (response.ok ? response.json() : {}))
    .catch(() => ({}));
  return splitList;
}

// The URLs of the parts of the site file at `url`, or null when it is served whole.
export async function partsOf(url) {
  const target = new URL(url, SITE);
  if (target.origin !== SITE.origin || !target.pathname.startsWith(SITE.pathname)) return null;
  const path = decodeURIComponent(target.pathname.slice(SITE.pathname.length));
  const parts = (await splitFiles())[path];
  return parts ? parts.map((part) => new URL(part, SITE).href) : null;
}

async function fetchOne(url, progress, what, countAs) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new LoadError(`${what} failed to load: ${url} (${error.message})`);
  }
  if (!response.ok) throw new LoadError(`${what} failed to load: ${url} (HTTP ${response.status})`);
  const tracked = progress?.track ? progress.track(countAs, response) : response;
  return new Uint8Array(await tracked.arrayBuffer());
}

// Fetches a file (or its parts), counting its bytes with `progress` (see
// PoseLandmarker.create's `progress` option: track(url, response) returns a Response whose
// reading is counted); rejects with a LoadError naming the file.
export async function fetchBytes(url, progress, what) {
  const parts = await partsOf(url);
  if (!parts) return fetchOne(url, progress, what, url);
  const chunks = await Promise.all(parts.map((part) => fetchOne(part, progress, what, url)));
  const whole = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.length;
  }
  return whole;
}

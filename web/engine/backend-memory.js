// `auto`'s measured backend choice, remembered in localStorage so that later visits skip the
// timing (several ORT instances, sessions and runs: seconds of start-up). A remembered choice
// holds only for what it was measured on: the browser (user agent), cross-origin isolation,
// the core count, the candidates offered, the landmark model file and the model bytes
// (manifest sha256s), the contract, and the ONNX Runtime version (checked once its module is
// loaded). Anything else, or no storage, and `auto` times again.
const PREFIX = "blazepose.backendChoice.";

// A short stable hash of a string (FNV-1a, 32 bits), for the contract's text.
export function textHash(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

// What makes a choice valid, as one string. facts: {userAgent, isolated, cores, candidates:
// [{name, threads, deviceType}], file, modelHashes: [sha256], contract (its text)}.
export function choiceKey(facts) {
  const candidates = facts.candidates.map((c) => `${c.name}:${c.threads}:${c.deviceType ?? ""}`);
  return JSON.stringify([
    facts.userAgent,
    facts.isolated,
    facts.cores,
    candidates,
    facts.file,
    facts.modelHashes,
    textHash(facts.contract),
  ]);
}

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage blocked (some private modes, sandboxed frames)
  }
}

// The remembered {key, ortVersion, chosen: {name, threads}, order: [{name, threads}],
// choice} for `file` under `key`, or null.
export function recall(file, key, store = storage()) {
  try {
    const saved = JSON.parse(store?.getItem(PREFIX + file) ?? "null");
    return saved && saved.key === key ? saved : null;
  } catch {
    return null;
  }
}

// Remembers a measured choice (order: every usable candidate, fastest first).
export function remember(file, key, { ortVersion, chosen, order, choice }, store = storage()) {
  try {
    const entry = { key, ortVersion, chosen, order, choice, measuredAt: new Date().toISOString() };
    store?.setItem(PREFIX + file, JSON.stringify(entry));
  } catch {
    // full or blocked storage: the next visit times again
  }
}

// Forgets the choice for `file` (its remembered backend failed).
export function forget(file, store = storage()) {
  try {
    store?.removeItem(PREFIX + file);
  } catch {
    // nothing to forget
  }
}

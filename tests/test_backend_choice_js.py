"""web/backend-choice.js in Node (as shipped, beside the generated contract): which backends
`auto` tries for what a browser offers, and how the measured choice ranks them."""

from pathlib import Path

from support.web_in_node import run_with_module

SCRIPT = """
import { candidatesFor, chooseBackend, defaultThreads, firstGuess } from "./backend-choice.js";
const probe = (webnn, webgpu, cores, isolated) => ({
  webnn: webnn
    ? { ok: true, deviceType: "cpu" }
    : { ok: false, reason: "this browser has no WebNN" },
  webgpu: webgpu ? { ok: true, real: webgpu === "real" } : { ok: false, reason: "no WebGPU" },
  cores, isolated,
});
const names = (list) => list.map((c) => `${c.name}:${c.threads}`);
const out = {};
out.autoDebian2 = names(candidatesFor("auto", probe(false, "software", 2, true)));
out.autoWebnn8 = names(candidatesFor("auto", probe(true, "real", 8, true)));
out.autoPlainHost = names(candidatesFor("auto", probe(true, false, 8, false)));
out.pinnedThreads = names(candidatesFor("auto", probe(false, false, 8, true), 3));
out.wasm8 = names(candidatesFor("wasm", probe(false, false, 8, true)));
out.defaultThreads = [
  defaultThreads(probe(false, false, 2, true)),
  defaultThreads(probe(false, false, 16, true)),
  defaultThreads(probe(false, false, 16, false)),
];
const guess = (p, threads = 0) =>
  names([firstGuess(candidatesFor("auto", p, threads), p, threads)])[0];
out.firstGuess = [
  guess(probe(false, "software", 2, true)),
  guess(probe(false, false, 8, true)),
  guess(probe(true, "real", 8, true)),
  guess(probe(false, "real", 8, true)),
  guess(probe(false, false, 8, false)),
  guess(probe(false, false, 8, true), 2),
];
try { candidatesFor("webnn", probe(false, false, 2, true)); }
catch (e) { out.webnnMissing = e.message; }
try { candidatesFor("cuda", probe(false, false, 2, true)); } catch (e) { out.unknown = e.message; }

// Stand-in sessions with fixed speeds: the choice keeps the fastest open, releases the rest,
// and ranks the others (fastest first) as fallbacks; a backend that fails to open is skipped.
const released = [];
const speeds = { "webnn:1": 8, "wasm:1": 40, "wasm:2": 25 };
const open = async (c) => {
  if (c.name === "webgpu") throw new Error("adapter lost");
  return { key: `${c.name}:${c.threads}`, release: async function () { released.push(this.key); } };
};
const timeRun = async (models) => { runs.push(models.key); return speeds[models.key]; };
const runs = [];
const list = [{ name: "webnn", threads: 1 }, { name: "webgpu", threads: 1 },
  { name: "wasm", threads: 1 }, { name: "wasm", threads: 2 }];
const chosen = await chooseBackend(list, open, { timeRun });
out.chosen = chosen.models.key;
out.fallbacks = names(chosen.fallbacks);
out.released = released;
out.rows = chosen.choice.candidates;
out.runs = runs;
try { await chooseBackend([{ name: "webgpu", threads: 1 }], open, { timeRun }); }
catch (e) { out.allFailed = e.message; }
console.log(JSON.stringify(out));
"""


def test_backend_candidates_and_choice(tmp_path: Path) -> None:
    out = run_with_module(tmp_path, "backend-choice.js", SCRIPT)
    assert out["autoDebian2"] == ["wasm:1", "wasm:2"]  # a software WebGPU adapter is no candidate
    assert out["autoWebnn8"] == ["webnn:1", "webgpu:1", "wasm:1", "wasm:2", "wasm:4"]
    assert out["autoPlainHost"] == ["webnn:1", "wasm:1"]  # no isolation: no WASM threads
    assert out["pinnedThreads"] == ["wasm:3"]
    assert out["wasm8"] == ["wasm:4"]
    assert out["defaultThreads"] == [1, 4, 1]
    # auto's first visit starts untimed on: WASM with the default thread count; WebNN or a real
    # WebGPU adapter where there is one; the pinned count.
    assert out["firstGuess"] == ["wasm:1", "wasm:4", "webnn:1", "webgpu:1", "wasm:1", "wasm:2"]
    assert out["webnnMissing"] == "WebNN backend not available: this browser has no WebNN"
    assert "backend must be one of auto, webnn, webgpu, wasm" in out["unknown"]
    assert out["chosen"] == "webnn:1"
    assert out["fallbacks"] == ["wasm:2", "wasm:1"]
    assert sorted(out["released"]) == ["wasm:1", "wasm:2"]
    assert {"backend": "webgpu", "threads": 1, "error": "adapter lost"} in out["rows"]
    assert {"backend": "wasm", "threads": 2, "ms": 25} in out["rows"]
    # One after the other, an untimed run first; both WASM candidates are over 3x WebNN's
    # time after their first timed run and stop there.
    assert out["runs"] == ["webnn:1"] * 6 + ["wasm:1"] * 2 + ["wasm:2"] * 2
    assert "No backend could run the models (webgpu: adapter lost)" in out["allFailed"]


MEMORY_SCRIPT = """
import { choiceKey, forget, recall, remember, textHash } from "./backend-memory.js";
const items = new Map();
const store = {
  getItem: (k) => (items.has(k) ? items.get(k) : null),
  setItem: (k, v) => items.set(k, String(v)),
  removeItem: (k) => items.delete(k),
};
const facts = {
  userAgent: "Chromium 156", isolated: true, cores: 2, file: "lite.onnx",
  candidates: [{ name: "wasm", threads: 1 }, { name: "wasm", threads: 2 }],
  modelHashes: ["aa", "bb"], contract: '{"models":["lite"]}',
};
const key = choiceKey(facts);
const out = {};
out.empty = recall("lite.onnx", key, store);
remember("lite.onnx", key, { ortVersion: "1.30.0", chosen: { name: "wasm", threads: 2 },
  order: [{ name: "wasm", threads: 2 }, { name: "wasm", threads: 1 }],
  choice: { reason: "fastest of 2 timed" } }, store);
out.same = recall("lite.onnx", key, store);
out.otherFile = recall("full.onnx", key, store);
out.changed = Object.fromEntries(
  [["userAgent", "Firefox"], ["isolated", false], ["cores", 8], ["modelHashes", ["aa", "cc"]],
   ["contract", '{"models":["full"]}'],
   ["candidates", [{ name: "webnn", threads: 1 }, ...facts.candidates]]]
    .map(([name, value]) =>
      [name, recall("lite.onnx", choiceKey({ ...facts, [name]: value }), store)]));
forget("lite.onnx", store);
out.forgotten = recall("lite.onnx", key, store);
const fail = () => { throw new Error("SecurityError"); };
const broken = { getItem: fail, setItem: fail, removeItem: fail };
remember("lite.onnx", key, { ortVersion: "1" }, broken);
out.broken = recall("lite.onnx", key, broken);
out.hash = [textHash("abc"), textHash("abd")];
console.log(JSON.stringify(out));
"""


def test_backend_choice_memory(tmp_path: Path) -> None:
    out = run_with_module(tmp_path, "backend-memory.js", MEMORY_SCRIPT)
    assert out["empty"] is None
    assert out["same"]["chosen"] == {"name": "wasm", "threads": 2}
    assert out["same"]["ortVersion"] == "1.30.0" and out["same"]["measuredAt"]
    assert out["otherFile"] is None
    # Any fact the measurement depended on changes the key: nothing is recalled.
    assert out["changed"] == {name: None for name in out["changed"]} and len(out["changed"]) == 6
    assert out["forgotten"] is None
    assert out["broken"] is None  # blocked or full storage: no memory, no error
    assert out["hash"][0] != out["hash"][1] and len(out["hash"][0]) == 8

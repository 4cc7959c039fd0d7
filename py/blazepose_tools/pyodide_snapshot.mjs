// Node: boots Pyodide in snapshot-making mode, unpacks python.zip where PyScript's `files`
// puts it (the home folder), imports every module of the blazepose package and writes the
// memory snapshot. Arguments: pyodide.mjs path, python.zip path, output path.
import fs from "node:fs";
import { pathToFileURL } from "node:url";

const [pyodideModule, pythonZip, output] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodideModule).href);
const pyodide = await loadPyodide({ _makeSnapshot: true });
pyodide.unpackArchive(new Uint8Array(fs.readFileSync(pythonZip)), "zip", {
  extractDir: "/home/pyodide",
});
const imported = pyodide.runPython(`
import importlib, os, sys
sys.path.insert(0, "/home/pyodide")
names = sorted(
    "blazepose." + f[:-3]
    for f in os.listdir("/home/pyodide/blazepose")
    if f.endswith(".py") and f != "__init__.py"
)
for name in names:
    importlib.import_module(name)
# What the page checks before trusting these modules (web/app.py): the sources they came from.
import blazepose, hashlib
blazepose.SNAPSHOT_SOURCES = {
    f: hashlib.sha256(open(f"/home/pyodide/blazepose/{f}", "rb").read()).hexdigest()
    for f in os.listdir("/home/pyodide/blazepose")
    if f.endswith(".py")
}
sys.path.remove("/home/pyodide")
len(names)
`);
fs.writeFileSync(output, pyodide.makeMemorySnapshot());
console.log(`snapshot: ${imported} blazepose modules imported`);

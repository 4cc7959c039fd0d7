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
# Every module file of the package, subpackages included, as a path inside it.
files = sorted(
    os.path.relpath(os.path.join(folder, f), "/home/pyodide/blazepose")
    for folder, _, names in os.walk("/home/pyodide/blazepose")
    for f in names
    if f.endswith(".py")
)
names = sorted(
    ".".join(["blazepose", *f[:-3].split("/")]).removesuffix(".__init__") for f in files
)
for name in names:
    importlib.import_module(name)
# What the page checks before trusting these modules (web/app.py): the sources they came from.
import blazepose, hashlib
blazepose.SNAPSHOT_SOURCES = {
    f: hashlib.sha256(open(f"/home/pyodide/blazepose/{f}", "rb").read()).hexdigest()
    for f in files
}
sys.path.remove("/home/pyodide")
len(names)
`);
fs.writeFileSync(output, pyodide.makeMemorySnapshot());
console.log(`snapshot: ${imported} blazepose modules imported`);

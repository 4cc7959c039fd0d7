// The live rep count, shown large, with the last rep's duration and range of motion, and
// one line saying what the preset counter waits for or lacks (its diagnostics' reason).
const $ = (id) => document.getElementById(id);

// The diagnostics line, after the last rep's line (made here: the page has no slot for it).
function whyLine() {
  let line = $("rep-why");
  if (!line) {
    line = Object.assign(document.createElement("p"), { id: "rep-why", className: "muted" });
    line.setAttribute("aria-live", "off");
    $("rep-last").after(line);
  }
  return line;
}

export class RepDisplay {
  #shown = null; // [exercise, count] on screen

  // analysis: a frame's (PoseLandmarker result.analysis); label: the exercise's name to show.
  show(analysis, label) {
    const { exercise, count, state, reps, diagnostics } = analysis;
    const why = whyLine();
    const reason = diagnostics?.reason ?? "";
    if (why.textContent !== reason) why.textContent = reason;
    why.title = diagnostics?.missing?.join(", ") ?? "";
    const box = $("reps");
    box.dataset.state = state ?? "";
    box.dataset.active = exercise ? "1" : "0";
    if (this.#shown?.[0] !== exercise || this.#shown?.[1] !== count) {
      $("rep-count").textContent = exercise ? String(count) : "–";
      $("rep-label").textContent = exercise ? `${label} reps` : "pick an exercise";
      if (!exercise || count === 0) $("rep-last").textContent = "";
      this.#shown = [exercise, count];
    }
    const rep = reps.at(-1);
    if (rep) {
      const seconds = ((rep.endMs - rep.startMs) / 1000).toFixed(1);
      $("rep-last").textContent =
        `rep ${rep.count}: ${seconds} s, ${Math.round(rep.rangeDeg)}° range`;
      // Restarts the flash animation for every rep.
      box.classList.remove("flash");
      void box.offsetWidth;
      box.classList.add("flash");
    }
  }
}

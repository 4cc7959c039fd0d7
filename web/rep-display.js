// The live rep count, shown large, with the last rep's duration and range of motion.
const $ = (id) => document.getElementById(id);

export class RepDisplay {
  #shown = null; // [exercise, count] on screen

  // analysis: a frame's (PoseLandmarker result.analysis); label: the exercise's name to show.
  show(analysis, label) {
    const { exercise, count, state, reps } = analysis;
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

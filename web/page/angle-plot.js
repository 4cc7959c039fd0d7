// A small canvas time plot: named series over the last few seconds, either on a fixed range
// (angles: 0–180°) or scaled to what is shown (the user function's numbers).
const COLOURS = ["#2ec4b6", "#ff9f1c", "#e71d36", "#a1c181", "#9d8df1", "#f4f4f4", "#4ea8de"];

export class TimePlot {
  #canvas;
  #windowMs;
  #range; // [min, max] or null: scaled to the data
  #points = []; // [timeMs, {name: value}]
  #colours = new Map();
  #marks = []; // [{value, label}]: dashed horizontal lines (a counter's thresholds)

  constructor(canvas, { windowMs = 10000, range = null } = {}) {
    this.#canvas = canvas;
    this.#windowMs = windowMs;
    this.#range = range;
  }

  // marks: [{value, label}] drawn from the next frame on ([] for none).
  setMarks(marks) {
    this.#marks = marks;
  }

  clear() {
    this.#points = [];
    this.#draw();
  }

  // values: {name: number | null | undefined}; a time going backwards starts a new plot.
  push(timeMs, values) {
    if (this.#points.length && timeMs < this.#points.at(-1)[0]) this.#points = [];
    this.#points.push([timeMs, values]);
    while (this.#points[0][0] < timeMs - this.#windowMs) this.#points.shift();
    this.#draw();
  }

  #colour(name) {
    if (!this.#colours.has(name))
      this.#colours.set(name, COLOURS[this.#colours.size % COLOURS.length]);
    return this.#colours.get(name);
  }

  #draw() {
    const canvas = this.#canvas;
    const ctx = canvas.getContext("2d");
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    const names = [...new Set(this.#points.flatMap(([, v]) => Object.keys(v)))];
    let [low, high] = this.#range ?? [Infinity, -Infinity];
    if (!this.#range) {
      for (const [, values] of this.#points)
        for (const value of Object.values(values))
          if (Number.isFinite(value)) [low, high] = [Math.min(low, value), Math.max(high, value)];
      if (!Number.isFinite(low)) [low, high] = [0, 1];
      if (high - low < 1e-9) [low, high] = [low - 1, high + 1];
    }
    const end = this.#points.at(-1)?.[0] ?? 0;
    const x = (t) => width - ((end - t) / this.#windowMs) * width;
    const pad = 14;
    const y = (v) => height - pad - ((v - low) / (high - low)) * (height - 2 * pad);
    ctx.font = "10px system-ui, sans-serif";
    ctx.fillStyle = "#9aa0aa";
    ctx.strokeStyle = "#2a2f3a";
    ctx.lineWidth = 1;
    for (const value of [low, (low + high) / 2, high]) {
      ctx.beginPath();
      ctx.moveTo(0, y(value));
      ctx.lineTo(width, y(value));
      ctx.stroke();
      ctx.fillText(formatTick(value), 2, y(value) - 2);
    }
    ctx.setLineDash([4, 4]);
    ctx.strokeStyle = "#9aa0aa";
    for (const { value, label } of this.#marks) {
      if (!(value >= low && value <= high)) continue;
      ctx.beginPath();
      ctx.moveTo(0, y(value));
      ctx.lineTo(width, y(value));
      ctx.stroke();
      ctx.fillText(label, width / 2, y(value) - 2);
    }
    ctx.setLineDash([]);
    let legendX = width;
    ctx.lineWidth = 2;
    for (const name of names.toReversed()) {
      ctx.strokeStyle = this.#colour(name);
      ctx.beginPath();
      let drawing = false; // a missing value (no pose, not visible) breaks the line
      for (const [t, values] of this.#points) {
        const value = values[name];
        if (!Number.isFinite(value)) {
          drawing = false;
          continue;
        }
        if (drawing) ctx.lineTo(x(t), y(value));
        else ctx.moveTo(x(t), y(value));
        drawing = true;
      }
      ctx.stroke();
      legendX -= ctx.measureText(name).width + 8;
      ctx.fillStyle = this.#colour(name);
      ctx.fillText(name, legendX, 10);
    }
  }
}

const formatTick = (value) =>
  Math.abs(value) >= 100 || Number.isInteger(value)
    ? value.toFixed(0)
    : String(Number(value.toPrecision(3)));

// Deterministic frame feeding shared by every contender. A contender is an adapter
//   {name, init(model): Promise, reset(): Promise, process(image, timeMs): Promise<result>}
// where result = {landmarks: [[x, y, z, visibility] x 33] | null, timings?: {inference, total}}.
// Frames are JPEG files decoded into ImageBitmaps before any timing starts.

const params = new URLSearchParams(location.search);

async function decodeFrame(url) {
  const blob = await (await fetch(url)).blob();
  return createImageBitmap(blob);
}

async function loadClip(clip, count) {
  const manifest = await (await fetch(`/_bench/frames/${clip}/manifest.json`)).json();
  const n = Math.min(count ?? manifest.frames.length, manifest.frames.length);
  const bitmaps = [];
  for (let i = 0; i < n; i++) {
    bitmaps.push(await decodeFrame(`/_bench/frames/${clip}/${manifest.frames[i]}`));
  }
  return { ...manifest, bitmaps };
}

// Time to first pose: the clock is performance.now(), whose origin is navigation start.
// Frames are fetched and decoded one at a time, as a camera would deliver them.
async function firstPose(adapter, model, clip, maxFrames) {
  const initStart = performance.now();
  await adapter.init(model);
  const initEnd = performance.now();
  const manifest = await (await fetch(`/_bench/frames/${clip}/manifest.json`)).json();
  const limit = Math.min(maxFrames, manifest.frames.length);
  for (let i = 0; i < limit; i++) {
    const bitmap = await decodeFrame(`/_bench/frames/${clip}/${manifest.frames[i]}`);
    const result = await adapter.process(bitmap, (i * 1000) / manifest.fps);
    bitmap.close();
    if (result.landmarks) {
      const firstPoseMs = performance.now();
      const startup = adapter.startup ? adapter.startup() : null;
      return { firstPoseMs, initStartMs: initStart, initMs: initEnd - initStart, frames: i + 1, startup };
    }
  }
  return { firstPoseMs: null, initStartMs: initStart, initMs: initEnd - initStart, frames: limit };
}

// Runs `count` frames of `clip` back to back after `warmup` untimed frames and a reset.
// Timestamps continue from `timeBase` so trackers never see time go backwards.
async function runClip(adapter, clip, count, warmup, timeBase) {
  const data = await loadClip(clip, count);
  const step = 1000 / data.fps;
  let t = timeBase;
  if (warmup > 0) {
    await adapter.reset();
    for (let i = 0; i < Math.min(warmup, data.bitmaps.length); i++) {
      await adapter.process(data.bitmaps[i], t);
      t += step;
    }
  }
  await adapter.reset();
  t += 1000;
  const frames = [];
  const loopStart = performance.now();
  for (let i = 0; i < data.bitmaps.length; i++) {
    const start = performance.now();
    const result = await adapter.process(data.bitmaps[i], t + i * step);
    const ms = performance.now() - start;
    frames.push({
      index: i, ms, landmarks: result.landmarks, timings: result.timings ?? null,
      people: result.people ?? (result.landmarks ? 1 : 0),
    });
  }
  const loopMs = performance.now() - loopStart;
  for (const b of data.bitmaps) b.close();
  return {
    clip, fps: data.fps, width: data.width, height: data.height, loopMs, frames,
    timeEnd: t + data.bitmaps.length * step + 1000,
    info: adapter.info ? adapter.info() : {},
  };
}

export function install(adapter) {
  const model = params.get('model') ?? 'full';
  const ttfpClip = params.get('ttfp_clip');
  const maxFrames = Number(params.get('ttfp_frames') ?? 30);
  let timeBase = 0;
  const ready = (async () => {
    const first = await firstPose(adapter, model, ttfpClip, maxFrames);
    timeBase = 1e6;
    return first;
  })();
  window.bench = {
    name: adapter.name,
    model,
    ready,
    async runClip(clip, count, warmup, timeoutMs) {
      await ready;
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`runClip ${clip}: over ${timeoutMs} ms`)), timeoutMs);
      });
      const result = await Promise.race([runClip(adapter, clip, count, warmup, timeBase), timeout]);
      clearTimeout(timer);
      timeBase = result.timeEnd;
      return result;
    },
  };
  ready.catch((e) => { window.benchError = String(e && e.stack || e); });
}

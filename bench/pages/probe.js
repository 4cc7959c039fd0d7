// What this browser offers the contenders: WebNN (a context can be created), WebGPU (a real
// adapter, not SwiftShader / a fallback adapter), WebGL's renderer, cores, isolation.
// The result lands in window.probeResult; the bench reads it before choosing rows.

const SOFTWARE = /swiftshader|llvmpipe|software|lavapipe|basic render/i;

async function webnn() {
  if (!('ml' in navigator)) return { available: false, reason: "no navigator.ml" };
  const tried = [];
  for (const deviceType of ['cpu', 'gpu', 'npu']) {
    try {
      const context = await navigator.ml.createContext({ deviceType });
      if (context && typeof context.destroy === 'function') context.destroy();
      tried.push(deviceType);
    } catch (error) {
      if (deviceType === 'cpu') {
        return { available: false, reason: `createContext failed: ${error.name}: ${error.message}` };
      }
    }
  }
  return { available: true, deviceTypes: tried };
}

async function webgpu() {
  if (!navigator.gpu) return { available: false, reason: "no navigator.gpu" };
  let adapter;
  try {
    adapter = await navigator.gpu.requestAdapter();
  } catch (error) {
    return { available: false, reason: `requestAdapter failed: ${error.message}` };
  }
  if (!adapter) return { available: false, reason: "requestAdapter() gave no adapter" };
  const raw = adapter.info ?? {};
  const info = {
    vendor: raw.vendor ?? '', architecture: raw.architecture ?? '', device: raw.device ?? '',
    description: raw.description ?? '',
  };
  // isFallbackAdapter moved from the adapter to adapter.info in newer Chromiums.
  const fallback = Boolean(raw.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const text = Object.values(info).join(' ');
  if (fallback) return { available: false, reason: `fallback adapter (${text.trim()})`, info };
  if (SOFTWARE.test(text)) return { available: false, reason: `software adapter (${text.trim()})`, info };
  return { available: true, info };
}

function webgl() {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return { available: false, renderer: null };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    return { available: true, renderer, software: SOFTWARE.test(renderer) };
  } catch (error) {
    return { available: false, renderer: null, reason: String(error) };
  }
}

async function probe() {
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: self.crossOriginIsolated,
    webnn: await webnn(),
    webgpu: await webgpu(),
    webgl: webgl(),
  };
}

probe().then(
  (result) => { window.probeResult = result; },
  (error) => { window.probeResult = { error: String(error && error.stack || error) }; },
);

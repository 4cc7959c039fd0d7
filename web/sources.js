// Inputs: camera (getUserMedia), a user-picked video or image file, the bundled sample clip.

export class SourceError extends Error {}

export const SAMPLE_SOURCES = [
  { src: "static/sample/sample.webm", type: "video/webm" },
  { src: "static/sample/sample.mp4", type: "video/mp4" },
];

function cameraMessage(error) {
  switch (error.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Camera permission denied. Allow camera access for this page, or pick the sample clip or a file.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No camera found. Connect a camera, or pick the sample clip or a file.";
    case "NotReadableError":
    case "AbortError":
      return "The camera is in use by another application or could not be started.";
    default:
      return `The camera could not be started (${error.name}: ${error.message}).`;
  }
}

export async function listCameras() {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((d) => d.kind === "videoinput");
}

// Starts the camera into `video`; `onEnded` fires if the track stops (unplugged, revoked).
export async function startCamera(video, deviceId, onEnded) {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new SourceError(
      "This browser cannot access a camera here (camera access needs HTTPS or localhost).",
    );
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: deviceId
        ? { deviceId: { exact: deviceId } }
        : { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: "user" },
    });
  } catch (error) {
    throw new SourceError(cameraMessage(error));
  }
  const [track] = stream.getVideoTracks();
  track.addEventListener("ended", onEnded, { once: true });
  video.srcObject = stream;
  video.loop = false;
  await video.play();
  return stream;
}

export function stopVideo(video) {
  const stream = video.srcObject;
  if (stream) {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
  video.pause();
  video.removeAttribute("src");
  while (video.firstChild) video.firstChild.remove();
  video.load();
}

async function playUrl(video, sources) {
  stopVideo(video);
  video.loop = true;
  for (const { src, type } of sources) {
    const source = document.createElement("source");
    source.src = src;
    if (type) source.type = type;
    video.append(source);
  }
  video.load();
  await new Promise((resolve, reject) => {
    video.addEventListener("loadeddata", resolve, { once: true });
    video.addEventListener(
      "error",
      () => reject(new SourceError("The video could not be played (unsupported format?).")),
      { once: true },
    );
    // <source> errors do not bubble to the video element: catch the last one.
    video.lastElementChild?.addEventListener(
      "error",
      () => reject(new SourceError("The video could not be played (unsupported format?).")),
      { once: true },
    );
  });
  await video.play();
}

// `base`: the site folder the sample's paths are relative to (the page's by default).
export const playSample = (video, base = location.href) =>
  playUrl(
    video,
    SAMPLE_SOURCES.map(({ src, type }) => ({ src: new URL(src, base).href, type })),
  );
export const playVideoUrl = (video, url) => playUrl(video, [{ src: url }]);

// A picked file: {kind: "video"} (playing in `video`) or {kind: "image", bitmap}.
export async function openFile(video, file) {
  if (file.type.startsWith("image/")) {
    try {
      return { kind: "image", bitmap: await createImageBitmap(file) };
    } catch {
      throw new SourceError(`The image ${file.name} could not be decoded.`);
    }
  }
  await playVideoUrl(video, URL.createObjectURL(file));
  return { kind: "video" };
}

export async function openImageUrl(url) {
  const response = await fetch(url);
  if (!response.ok)
    throw new SourceError(`The image ${url} could not be loaded (HTTP ${response.status}).`);
  return createImageBitmap(await response.blob());
}

// Inputs: camera (getUserMedia), a user-picked video or image file, the bundled sample clip.

export class SourceError extends Error {}

export const CAMERA_ENDED = "The camera stopped (disconnected, or camera access was revoked).";

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
// Resolves with the stream, or null when `isCurrent()` says another source was chosen while
// the camera was being opened (its stream is then stopped, the video left alone).
export async function startCamera(video, deviceId, onEnded, isCurrent = () => true) {
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
  if (!isCurrent()) {
    for (const track of stream.getTracks()) track.stop();
    return null;
  }
  const [track] = stream.getVideoTracks();
  track.addEventListener("ended", onEnded, { once: true });
  video.srcObject = stream;
  delete video.dataset.sourceName;
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
  if (video.src.startsWith("blob:")) URL.revokeObjectURL(video.src); // a picked file's
  video.removeAttribute("src");
  while (video.firstChild) video.firstChild.remove();
  video.load();
}

// Chromium's media error details (MediaError.message) by what the user can do about them.
const MEDIA_PROBLEMS = [
  [
    /NO_SUPPORTED_STREAMS|CODEC|DECODER_ERROR_NOT_SUPPORTED/i,
    "its video codec is not supported by this browser (try H.264 MP4 or VP9/AV1 WebM)",
  ],
  [
    /COULD_NOT_OPEN|COULD_NOT_PARSE|FORMAT|DEMUXER/i,
    "it is not a video this browser can read (damaged, truncated or not a video file)",
  ],
  [/DECODE/i, "its frames could not be decoded (the file is damaged or truncated)"],
];

// What went wrong with the video in `video` (its MediaError), in words.
export function videoErrorMessage(video, name = "The video") {
  const error = video.error;
  const detail = error?.message ?? "";
  const known = MEDIA_PROBLEMS.find(([pattern]) => pattern.test(detail));
  let why = known?.[1];
  if (!why && error?.code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED)
    why = "its format or codec is not supported by this browser, or it is not a video";
  if (!why && error?.code === MediaError.MEDIA_ERR_DECODE)
    why = "its frames could not be decoded (the file is damaged or truncated)";
  if (!why && error?.code === MediaError.MEDIA_ERR_NETWORK) why = "it failed to download";
  why ??= "it could not be played";
  return `${name} cannot be tracked: ${why}.${detail ? ` (${detail})` : ""}`;
}

// A video that neither shows a frame nor fails within this time counts as having none.
const FIRST_FRAME_MS = 15000;

// WebKit may fire `loadeddata` before it knows the video track (videoWidth 0, no videoTracks
// yet) when the page is busy starting up; the size follows in a `resize` event (measured on
// WebKitGTK 2.50: 20-300 ms later). A video with no size after this long has no picture.
const PICTURE_SIZE_MS = 3000;

// "sized" once `video` has a picture size, "none" if none comes within PICTURE_SIZE_MS,
// "replaced" if the video is emptied meanwhile (another source took it over).
function pictureSize(video) {
  if (video.videoWidth && video.videoHeight) return Promise.resolve("sized");
  return new Promise((resolve) => {
    const done = (result) => {
      clearTimeout(timer);
      video.removeEventListener("resize", resized);
      video.removeEventListener("emptied", emptied);
      resolve(result);
    };
    const resized = () => video.videoWidth && video.videoHeight && done("sized");
    const emptied = () => done("replaced");
    const timer = setTimeout(() => done("none"), PICTURE_SIZE_MS);
    video.addEventListener("resize", resized);
    video.addEventListener("emptied", emptied);
  });
}

async function playUrl(video, sources, name = "The video") {
  stopVideo(video);
  video.loop = true;
  // One source goes in `src`: then a failure sets video.error, which says why.
  if (sources.length === 1) video.src = sources[0].src;
  else
    for (const { src, type } of sources) {
      const source = document.createElement("source");
      source.src = src;
      if (type) source.type = type;
      video.append(source);
    }
  video.load();
  video.dataset.sourceName = name; // for errors during playback (live-loop.js)
  let timer;
  await new Promise((resolve, reject) => {
    const fail = () => reject(new SourceError(videoErrorMessage(video, name)));
    video.addEventListener("loadeddata", resolve, { once: true });
    video.addEventListener("error", fail, { once: true });
    // <source> errors do not bubble to the video element: catch the last one (the video's
    // own MediaError may not be set then).
    video.lastElementChild?.addEventListener(
      "error",
      () =>
        video.error
          ? fail()
          : reject(new SourceError(`${name} cannot be tracked: no format this browser can play.`)),
      { once: true },
    );
    timer = setTimeout(
      () =>
        reject(
          new SourceError(
            `${name} cannot be tracked: no frame could be decoded within ${FIRST_FRAME_MS / 1000} s.`,
          ),
        ),
      FIRST_FRAME_MS,
    );
  }).finally(() => clearTimeout(timer));
  const picture = await pictureSize(video);
  if (picture === "replaced") throw new SourceError(`${name} was replaced by another source.`);
  if (picture === "none") {
    stopVideo(video);
    throw new SourceError(`${name} cannot be tracked: it has no picture (sound only?).`);
  }
  await video.play();
}

// The sample clip plays from memory: the first format this browser can play, fetched whole
// (100 KB). Played from its URL, WebKitGTK 2.50 fetched it again by byte range on every loop
// and on a busy machine sometimes stalled for good (readyState 2, no frame for 60 s).
// `base`: the site folder the sample's paths are relative to (the page's by default).
export async function playSample(video, base = location.href) {
  const name = "The sample clip";
  const { src } =
    SAMPLE_SOURCES.find(({ type }) => video.canPlayType(type)) ?? SAMPLE_SOURCES.at(-1);
  const url = new URL(src, base).href;
  let clip;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    clip = await response.blob();
  } catch (error) {
    throw new SourceError(`${name} could not be downloaded (${error.message}, ${url}).`);
  }
  await playUrl(video, [{ src: URL.createObjectURL(clip) }], name);
}
export const playVideoUrl = (video, url, name = "The video") =>
  playUrl(video, [{ src: url }], name);

// A picked file: {kind: "video"} (playing in `video`) or {kind: "image", bitmap}.
export async function openFile(video, file) {
  if (file.type.startsWith("image/")) {
    try {
      return { kind: "image", bitmap: await createImageBitmap(file) };
    } catch {
      throw new SourceError(`The image ${file.name} could not be decoded.`);
    }
  }
  await playVideoUrl(video, URL.createObjectURL(file), `The video ${file.name}`);
  return { kind: "video" };
}

// Images smaller than this (shorter side, pixels) hold too little of a person to find.
const MIN_IMAGE_SIDE = 32;

// The message for a still image in which no pose was found.
export function noPoseMessage(width, height) {
  const size = `${width}×${height}`;
  return Math.min(width, height) < MIN_IMAGE_SIDE
    ? `No pose found: the image is only ${size} pixels, too small to show a person.`
    : `No pose found in this ${size} image.`;
}

export async function openImageUrl(url) {
  const response = await fetch(url);
  if (!response.ok)
    throw new SourceError(`The image ${url} could not be loaded (HTTP ${response.status}).`);
  return createImageBitmap(await response.blob());
}

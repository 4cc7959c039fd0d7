// A page that imports the engine, written against web/engine/pose-landmarker.d.ts: the
// docs' example (docs/api.md) must type-check, and each misuse below must be refused
// (`@ts-expect-error` fails the check if the line compiles), so the declarations cannot
// quietly become `any`. Checked by `tsc --noEmit -p tests/typescript` (tests/test_engine_api.py).
import {
  LoadError,
  PoseLandmarker,
  type PoseLandmarkerResult,
  type NormalizedLandmark,
  checkOptions,
  unsupportedReason,
} from "../../web/engine/pose-landmarker.js";

export async function docsExample(video: HTMLVideoElement, img: HTMLImageElement): Promise<void> {
  const why: string | null = unsupportedReason();
  if (why) throw new Error(why);
  checkOptions({ model: "full", numPoses: 2 });
  let landmarker: PoseLandmarker;
  try {
    landmarker = await PoseLandmarker.create({ model: "lite" });
  } catch (error) {
    if (error instanceof LoadError) console.warn(error.message);
    throw error;
  }
  const image: PoseLandmarkerResult = await landmarker.detect(img);
  const frame = await landmarker.detectForVideo(video, performance.now());
  const nose: NormalizedLandmark | undefined = frame.landmarks[0]?.[0];
  const x: number | undefined = nose?.x;
  const metres: number | undefined = frame.worldLandmarks[0]?.[0]?.y;
  const mask: Float32Array | undefined = frame.segmentationMasks?.[0]?.data;
  const backend: string | undefined = frame.backend?.name;
  const settings = await landmarker.setOptions({ model: "full", segmentation: true });
  const model: "lite" | "full" | "heavy" = settings.model;
  await landmarker.selectPerson(null);
  console.log(image.landmarks.length, x, metres, mask?.length, backend, model);
  await landmarker.close();
}

export async function misuse(landmarker: PoseLandmarker, video: HTMLVideoElement): Promise<void> {
  // @ts-expect-error: not one of the three models
  await landmarker.setOptions({ model: "huge" });
  // @ts-expect-error: not a backend
  await PoseLandmarker.create({ backend: "cuda" });
  // @ts-expect-error: not an option
  await landmarker.setOptions({ numPeople: 2 });
  // @ts-expect-error: detectForVideo needs the frame's time
  await landmarker.detectForVideo(video);
  const frame = await landmarker.detect(video);
  // @ts-expect-error: landmarks are objects {x, y, z, visibility, presence}, not arrays
  const first: number = frame.landmarks[0][0][0];
  // @ts-expect-error: options are read-only
  landmarker.options = { ...landmarker.options };
  console.log(first);
}

// The declared API of pose-landmarker.js (served beside it at the site root). Shaped like
// MediaPipe tasks-vision's PoseLandmarker; every field says what it holds. Kept in step with
// the module and with blazepose.contract by tests/test_engine_api.py (option names, models,
// backends, landmark keys, methods) and by tests/browser/test_page.py (a real result's keys).

/** One of the pose models (contract.MODELS): lite is fastest, heavy most accurate. */
export type PoseModel = "lite" | "full" | "heavy";

/** Where the models run (contract.BACKENDS): "auto" measures the others and keeps the fastest. */
export type PoseBackend = "auto" | "webnn" | "webgpu" | "wasm";

/** Anything a frame can be read from. */
export type PoseImageSource =
  | HTMLVideoElement
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | ImageBitmap
  | VideoFrame
  | ImageData;

/** Options that setOptions() can change later (contract.DEFAULTS holds the defaults). */
export interface PoseLandmarkerSettings {
  /** The landmark model. Default "full". */
  model?: PoseModel;
  /** The backend asked for. Default "auto" (`runtime.backend` says which runs). */
  backend?: PoseBackend;
  /** Also compute a segmentation mask per pose (`segmentationMasks`). Default false. */
  segmentation?: boolean;
  /** Smooth landmarks (and the mask) across video frames, as MediaPipe does. Default true. */
  smoothing?: boolean;
  /** Minimum detector score to start tracking a person, 0..1. Default 0.5. */
  minDetectionConfidence?: number;
  /** Minimum landmark-model presence to keep tracking (else detect again), 0..1. Default 0.5. */
  minTrackingConfidence?: number;
  /** People tracked at once, 1..4 (contract maxNumPoses), each with its own id. Default 1. */
  numPoses?: number;
}

/** Byte and step callbacks while the engine starts (all optional). */
export interface PoseLandmarkerProgress {
  /** The download of `url` is expected to bring `bytes` (from the model manifest). */
  expect?: (url: string | URL, bytes: number) => void;
  /** Wraps each download's response: returns a Response whose reading it counts. */
  track?: (url: string | URL, response: Response) => Response;
  /** A start-up step ("python", "models") changed state: "run", "done" or "fail". */
  step?: (name: string, state: "run" | "done" | "fail", text: string) => void;
}

/** PoseLandmarker.create()'s options: the settings, and those fixed at creation. */
export interface PoseLandmarkerOptions extends PoseLandmarkerSettings {
  /** WASM threads; 0 (default) picks from the cores (1 without cross-origin isolation). */
  threads?: number;
  /** Run ONNX Runtime's WASM in its proxy worker. Default true. */
  proxy?: boolean;
  /** The site folder holding models/, vendor/, python.zip. Default: this module's folder. */
  baseUrl?: string | URL;
  /** Download and start-up progress. */
  progress?: PoseLandmarkerProgress | null;
  /** Notices worth showing (e.g. a WebGPU fallback to WASM). */
  onMessage?: ((text: string) => void) | null;
  /** `auto` timed its candidates after the first pose and may have switched backend. */
  onRuntime?: ((runtime: PoseRuntime) => void) | null;
  /** performance.now() origin of the `startup` milliseconds. Default: when create() ran. */
  startTime?: number;
}

/** A landmark in the image: x, y in [0, 1] of its width and height, z in the same scale as x
 * (smaller is nearer the camera), visibility and presence in [0, 1]. */
export interface NormalizedLandmark {
  x: number;
  y: number;
  z: number;
  visibility: number;
  presence: number;
}

/** A landmark in metres, origin between the hips; visibility and presence as in the image. */
export interface WorldLandmark {
  x: number;
  y: number;
  z: number;
  visibility: number;
  presence: number;
}

/** Per-pixel person probability over the whole image (at most 256 px on its longer side). */
export interface SegmentationMask {
  width: number;
  height: number;
  data: Float32Array;
}

/** The tracked region the landmark model looked at, in image pixels, rotation in radians. */
export interface PoseRoi {
  xCenter: number;
  yCenter: number;
  width: number;
  height: number;
  rotation: number;
}

/** Milliseconds this frame spent in each step. */
export interface PoseTimings {
  crop: number;
  inference: number;
  detection: number;
  python: number;
  analysis: number;
  total: number;
}

/** Joint angles in degrees by name (null where the joints are not visible enough). */
export interface PoseAngles {
  image: Record<string, number | null>;
  world: Record<string, number | null>;
}

/** A repetition completed in this frame. */
export interface RepEvent {
  exercise: string;
  count: number;
  startMs: number;
  endMs: number;
  rangeDeg: number | null;
}

/** The frame's movement analysis (blazepose.analysis, as the CLI runs it); `angles` are in
 * the result's own `angles`. */
export interface PoseAnalysis {
  exercise: string | null;
  state: string | null;
  count: number;
  signal: number | null;
  /** The preset counter's state and why it does not count yet, or null. */
  diagnostics: Record<string, unknown> | null;
  reps: RepEvent[];
  /** The recorded classifier's {scores, state, count}, or null. */
  classifier: Record<string, unknown> | null;
  /** The return value of the user's on_pose(pose), and its error message. */
  output: unknown;
  error: string | null;
  /** numPoses > 1 only: whose analysis this is (an id of the result's `ids`, or null when
   * nobody is seen; see selectPerson). */
  id?: number | null;
  /** numPoses > 1 only: everyone seen so far, with their own rep count. */
  people?: Array<{ id: number; count: number; present: boolean }>;
}

/** How `auto` chose (or the backend asked for): the candidates it timed. */
export interface BackendChoice {
  requested: PoseBackend;
  chosen: string;
  candidates: Array<{ backend: string; threads?: number; ms?: number; error?: string }>;
  reason: string;
  /** auto's first visit: how long the tracking waited for the timed runs (ms; null: not held). */
  heldMs?: number | null;
}

/** The backend that ran this frame. */
export interface PoseBackendInfo extends Partial<BackendChoice> {
  name: string;
  threads: number | null;
  deviceType: string | null;
  provisional?: boolean;
}

/** The running models (PoseLandmarker.runtime). */
export interface PoseRuntime {
  backend: string | null;
  threads: number | null;
  deviceType: string | null;
  file: string | null;
  segmentation: boolean;
  proxy: boolean;
  choice: BackendChoice | null;
}

/** One frame's result. Arrays hold one entry per tracked pose (none when nobody is seen). */
export interface PoseLandmarkerResult {
  landmarks: NormalizedLandmark[][];
  worldLandmarks: WorldLandmark[][];
  /** Each pose's person id: stable while the person is tracked, never reused (by id order). */
  ids: number[];
  angles: PoseAngles[];
  analysis: PoseAnalysis;
  /** Only with `segmentation` on: one mask per pose. */
  segmentationMasks?: SegmentationMask[];
  /** The landmark model's presence score of the (first) pose, or null. */
  poseScore: number | null;
  roi: PoseRoi | null;
  timings: PoseTimings;
  model: PoseModel;
  backend: PoseBackendInfo;
  imageWidth: number;
  imageHeight: number;
}

/** The analysis's names: joint angles, exercise presets, the classifier's exercise name. */
export interface AnalysisInfo {
  angles: string[];
  exercises: Record<
    string,
    {
      angles: string[];
      space: string;
      up: number;
      down: number;
      why: string;
      fallback: string | null;
    }
  >;
  classifier: string;
}

/** setAnalysis()'s changes: a preset or the classifier, its samples (CSV), Python code. */
export interface AnalysisChanges {
  exercise?: string | null;
  samples?: string;
  code?: string;
}

export interface AnalysisState {
  exercise: string | null;
  samples: number;
  classes: string[];
  errors: { exercise?: string; samples?: string; code?: string };
}

/** Start-up milliseconds from `startTime`, and each step's end from navigation start. */
export interface PoseStartup {
  pythonMs: number | null;
  modelsMs: number | null;
  readyMs: number | null;
  warmUpRuns: number | null;
  backend: BackendChoice | null;
  firstFrameTimings: Partial<PoseTimings>;
  pythonFromSnapshot: boolean | null;
  marks: Record<string, number>;
  cached: string[];
}

/** A failure to start: unsupported browser, a download or Python that did not come up. */
export class LoadError extends Error {}

/** Why this browser cannot run the engine, or null. */
export function unsupportedReason(): string | null;

/** Throws naming the first option change that setOptions() would refuse. */
export function checkOptions(changes: PoseLandmarkerSettings): void;

export class PoseLandmarker {
  /** Starts Python, ONNX Runtime and the models (in parallel); rejects with a LoadError. */
  static create(options?: PoseLandmarkerOptions): Promise<PoseLandmarker>;
  /** The settings in force. */
  readonly options: Required<PoseLandmarkerSettings>;
  /** The running models. */
  readonly runtime: PoseRuntime;
  /** Start-up timings and marks. */
  readonly startup: PoseStartup;
  /** The analysis's names (null before start-up). */
  readonly analysisInfo: AnalysisInfo | null;
  /** Changes settings without a reload; resolves with the settings in force. */
  setOptions(changes?: PoseLandmarkerSettings): Promise<Required<PoseLandmarkerSettings>>;
  /** Forgets the tracked pose (a new video, or unrelated images). */
  reset(): Promise<void>;
  /** Tracks one video frame at timeMs (increasing). */
  detectForVideo(source: PoseImageSource, timeMs: number): Promise<PoseLandmarkerResult>;
  /** A still image, independent of earlier frames. */
  detect(image: PoseImageSource): Promise<PoseLandmarkerResult>;
  /** numPoses > 1: whose analysis `analysis` is, by id; null for the first found. */
  selectPerson(id: number | null): Promise<void>;
  /** Chooses the exercise, classifier samples and user code of the per-frame analysis. */
  setAnalysis(changes?: AnalysisChanges): Promise<AnalysisState>;
  /** A recording in the CLI's JSON schema through a new analyzer set up like this one. */
  analyzeRecording(recording: {
    width: number;
    height: number;
    frames: unknown[];
  }): Promise<{ frames: unknown[]; reps: unknown }>;
  /** Releases the model and tracker sessions; later calls reject. */
  close(): Promise<void>;
}

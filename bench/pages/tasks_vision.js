// Adapter for @mediapipe/tasks-vision PoseLandmarker (VIDEO mode), CPU or GPU delegate.
import { install } from './harness.js';
import { FilesetResolver, PoseLandmarker } from '/_bench/mp/tasks-vision/vision_bundle.mjs';

const params = new URLSearchParams(location.search);
const delegate = (params.get('delegate') ?? 'CPU').toUpperCase();
const numPoses = Number(params.get('numPoses') ?? 1); // the bench's --num-poses
// ?task=URL overrides the bundle (used to check how a bundle without metadata fails).
const taskUrl = (model) => params.get('task') ?? `/_bench/tasks/pose_landmarker_${model}.task`;

// tasks-vision draws its input with WebGL2 on an OffscreenCanvas unless given a canvas, even
// with the CPU delegate; WebKitGTK 2.50 has WebGL2 only on a document's canvas.
const offscreenWebgl2 = () => {
  try {
    return !!new OffscreenCanvas(1, 1).getContext('webgl2');
  } catch {
    return false;
  }
};
const canvasOption = offscreenWebgl2() ? {} : { canvas: document.createElement('canvas') };

const adapter = {
  name: `tasks_vision_${delegate.toLowerCase()}`,
  landmarker: null,
  fileset: null,
  model: null,
  async create() {
    if (this.landmarker) this.landmarker.close();
    this.landmarker = await PoseLandmarker.createFromOptions(this.fileset, {
      baseOptions: { modelAssetPath: taskUrl(this.model), delegate },
      ...canvasOption,
      runningMode: 'VIDEO', numPoses, minPoseDetectionConfidence: 0.5,
      minPosePresenceConfidence: 0.5, minTrackingConfidence: 0.5, outputSegmentationMasks: false,
    });
  },
  async init(model) {
    this.model = model;
    this.fileset = await FilesetResolver.forVisionTasks('/_bench/mp/tasks-vision/wasm');
    await this.create();
  },
  // A fresh landmarker is the only full reset VIDEO mode offers (tracking + smoothing state).
  async reset() { await this.create(); },
  async process(image, timeMs) {
    const result = this.landmarker.detectForVideo(image, timeMs);
    const pose = result.landmarks && result.landmarks[0];
    return {
      landmarks: pose ? pose.map((p) => [p.x, p.y, p.z, p.visibility ?? 0]) : null,
      people: result.landmarks ? result.landmarks.length : 0,
    };
  },
  info() {
    return { package: '@mediapipe/tasks-vision', delegate, documentCanvas: !offscreenWebgl2() };
  },
};

install(adapter);

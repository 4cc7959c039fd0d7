// Adapter for the legacy solution @mediapipe/pose (graph runs its models through WebGL).
import { install } from './harness.js';

const BASE = '/_bench/mp/pose/';
const COMPLEXITY = { lite: 0, full: 1, heavy: 2 };

function toList(landmarks) {
  return landmarks ? landmarks.map((p) => [p.x, p.y, p.z, p.visibility ?? 0]) : null;
}

const adapter = {
  name: 'mediapipe_pose',
  pose: null,
  last: null,
  model: null,
  async init(model) {
    this.model = model;
    const pose = new window.Pose({ locateFile: (file) => BASE + file });
    pose.setOptions({
      modelComplexity: COMPLEXITY[model], smoothLandmarks: true, enableSegmentation: false,
      smoothSegmentation: false, minDetectionConfidence: 0.5, minTrackingConfidence: 0.5,
      selfieMode: false,
    });
    pose.onResults((results) => { this.last = results.poseLandmarks; });
    await pose.initialize();
    this.pose = pose;
  },
  async reset() { this.pose.reset(); },
  async process(image, timeMs) {
    this.last = null;
    await this.pose.send({ image }, timeMs);
    return { landmarks: toList(this.last) };
  },
  info() { return { package: '@mediapipe/pose', modelComplexity: COMPLEXITY[this.model], delegate: 'WebGL (graph)' }; },
};

install(adapter);

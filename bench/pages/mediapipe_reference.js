// Google's own web builds as oracles. ?build=pose (default): the legacy @mediapipe/pose
// solution; ?build=tasks: @mediapipe/tasks-vision PoseLandmarker (VIDEO mode, CPU). The driver
// (blazepose_tools.mediapipe_reference) calls init(model) once, then frame(url, timeMs) for
// every frame in order, so tracking and smoothing see one video. Options at their defaults,
// like shared/reference (smoothing on, segmentation off, confidences 0.5); the Tasks build
// takes numPoses (init's second argument, default 1) and returns every pose it found.
const COMPLEXITY = { lite: 0, full: 1, heavy: 2 };
const build = new URLSearchParams(location.search).get('build') ?? 'pose';

function rows(landmarks) {
  return landmarks ? landmarks.map((p) => [p.x, p.y, p.z, p.visibility ?? 0]) : null;
}

const legacy = {
  pose: null,
  last: null,
  async init(model) {
    this.pose = new window.Pose({ locateFile: (file) => `/mp/pose/${file}` });
    this.pose.setOptions({
      modelComplexity: COMPLEXITY[model], smoothLandmarks: true, enableSegmentation: false,
      smoothSegmentation: true, minDetectionConfidence: 0.5, minTrackingConfidence: 0.5,
      selfieMode: false,
    });
    this.pose.onResults((results) => { this.last = results; });
    await this.pose.initialize();
    this.pose.reset();
  },
  async frame(image, timeMs) {
    this.last = null;
    await this.pose.send({ image }, timeMs);
    return {
      landmarks: rows(this.last?.poseLandmarks),
      world_landmarks: rows(this.last?.poseWorldLandmarks),
    };
  },
};

const tasks = {
  landmarker: null,
  async init(model, numPoses) {
    const { FilesetResolver, PoseLandmarker } = await import('/mp/tasks-vision/vision_bundle.mjs');
    const fileset = await FilesetResolver.forVisionTasks('/mp/tasks-vision/wasm');
    this.landmarker = await PoseLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: `/tasks/pose_landmarker_${model}.task`, delegate: 'CPU' },
      runningMode: 'VIDEO', numPoses, minPoseDetectionConfidence: 0.5,
      minPosePresenceConfidence: 0.5, minTrackingConfidence: 0.5, outputSegmentationMasks: false,
    });
  },
  async frame(image, timeMs) {
    const result = this.landmarker.detectForVideo(image, timeMs);
    return {
      landmarks: rows(result.landmarks?.[0]),
      world_landmarks: rows(result.worldLandmarks?.[0]),
      poses: (result.landmarks ?? []).map(rows),
    };
  },
};

const oracle = build === 'tasks' ? tasks : legacy;

window.reference = {
  build: oracle === tasks ? 'tasks' : 'pose',
  async init(model, numPoses = 1) {
    if (numPoses !== 1 && oracle !== tasks) throw new Error('numPoses needs the Tasks build');
    await oracle.init(model, numPoses);
    return true;
  },
  async frame(url, timeMs) {
    const image = await createImageBitmap(await (await fetch(url)).blob());
    const result = await oracle.frame(image, timeMs);
    image.close();
    return result;
  },
};
window.referenceReady = true;

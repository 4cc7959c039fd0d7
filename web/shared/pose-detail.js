// The `blazepose:pose` event's detail (the demo page's and <blazepose-view>'s): a
// PoseLandmarker result with landmarks as arrays, [x, y, z, visibility, presence] and
// world [x, y, z], and the joint angles {image: {name: degrees | null}, world: {...}}; each
// null when no pose was found. `poses` has every person found (numPoses > 1: several), by
// id: [{id, landmarks, worldLandmarks, angles}]; the single fields are the first's.
const asArrays = (points, keys) => points.map((p) => keys.map((key) => p[key]));
const LANDMARK_KEYS = ["x", "y", "z", "visibility", "presence"];

export function poseDetail(result, frame, timeMs, model) {
  const landmarks = result.landmarks[0];
  const world = result.worldLandmarks[0];
  const poses = result.landmarks.map((points, i) => ({
    id: result.ids?.[i] ?? i,
    landmarks: asArrays(points, LANDMARK_KEYS),
    worldLandmarks: asArrays(result.worldLandmarks[i], ["x", "y", "z"]),
    angles: result.angles[i] ?? null,
  }));
  return {
    frame,
    timeMs,
    imageWidth: result.imageWidth,
    imageHeight: result.imageHeight,
    landmarks: landmarks ? asArrays(landmarks, LANDMARK_KEYS) : null,
    worldLandmarks: world ? asArrays(world, ["x", "y", "z"]) : null,
    angles: result.angles[0] ?? null,
    poses,
    analysis: result.analysis,
    poseScore: result.poseScore,
    roi: result.roi,
    model,
    backend: result.backend,
    timings: result.timings,
  };
}

// The `blazepose:pose` event's detail (the demo page's and <blazepose-view>'s): a
// PoseLandmarker result with landmarks as arrays, [x, y, z, visibility, presence] and
// world [x, y, z], and the joint angles {image: {name: degrees | null}, world: {...}}; each
// null when no pose was found.
const asArrays = (points, keys) => points.map((p) => keys.map((key) => p[key]));

export function poseDetail(result, frame, timeMs, model) {
  const landmarks = result.landmarks[0];
  const world = result.worldLandmarks[0];
  return {
    frame,
    timeMs,
    imageWidth: result.imageWidth,
    imageHeight: result.imageHeight,
    landmarks: landmarks ? asArrays(landmarks, ["x", "y", "z", "visibility", "presence"]) : null,
    worldLandmarks: world ? asArrays(world, ["x", "y", "z"]) : null,
    angles: result.angles[0] ?? null,
    analysis: result.analysis,
    poseScore: result.poseScore,
    roi: result.roi,
    model,
    backend: result.backend,
    timings: result.timings,
  };
}

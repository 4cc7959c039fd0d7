"""Constants of MediaPipe's legacy pose pipeline, each with the file it comes from.

"MP" = github.com/google-ai-edge/mediapipe; paths are relative to that repository.
"""

import math

# --- Model input sizes -----------------------------------------------------
# MP mediapipe/modules/pose_detection/pose_detection_cpu.pbtxt (ImageToTensorCalculator).
DETECTOR_INPUT_SIZE = 224
# MP mediapipe/modules/pose_landmark/pose_landmark_by_roi_cpu.pbtxt (ImageToTensorCalculator).
LANDMARK_INPUT_SIZE = 256

# --- SSD anchors (SsdAnchorsCalculator options in pose_detection_cpu.pbtxt) -------------
ANCHOR_NUM_LAYERS = 5
ANCHOR_MIN_SCALE = 0.1484375
ANCHOR_MAX_SCALE = 0.75
ANCHOR_INPUT_SIZE_HEIGHT = 224
ANCHOR_INPUT_SIZE_WIDTH = 224
ANCHOR_OFFSET_X = 0.5
ANCHOR_OFFSET_Y = 0.5
ANCHOR_STRIDES = (8, 16, 32, 32, 32)
ANCHOR_ASPECT_RATIOS = (1.0,)
ANCHOR_FIXED_SIZE = True
# Proto default: MP mediapipe/calculators/tflite/ssd_anchors_calculator.proto.
ANCHOR_INTERPOLATED_SCALE_ASPECT_RATIO = 1.0
ANCHOR_REDUCE_BOXES_IN_LOWEST_LAYER = False
NUM_ANCHORS = 2254

# --- Detector decoding (TensorsToDetectionsCalculator options in pose_detection_cpu.pbtxt) --
DETECTOR_NUM_COORDS = 12
DETECTOR_BOX_COORD_OFFSET = 0
DETECTOR_KEYPOINT_COORD_OFFSET = 4
DETECTOR_NUM_KEYPOINTS = 4
DETECTOR_X_SCALE = 224.0
DETECTOR_Y_SCALE = 224.0
DETECTOR_W_SCALE = 224.0
DETECTOR_H_SCALE = 224.0
DETECTOR_SCORE_CLIPPING_THRESH = 100.0
# min_score_thresh 0.5, overridden by min_detection_confidence
# (MP mediapipe/python/solutions/pose.py).
MIN_DETECTION_CONFIDENCE = 0.5

# --- Non-max suppression (NonMaxSuppressionCalculator in pose_detection_cpu.pbtxt) -------
NMS_MIN_SUPPRESSION_THRESHOLD = 0.3

# --- Detection / landmarks -> ROI (pose_detection_to_roi.pbtxt, pose_landmarks_to_roi.pbtxt) --
ROI_START_KEYPOINT_INDEX = 0
ROI_END_KEYPOINT_INDEX = 1
ROI_TARGET_ANGLE = math.radians(90.0)
ROI_SCALE_X = 1.25
ROI_SCALE_Y = 1.25

# --- Landmark model decoding (tensors_to_pose_landmarks_and_segmentation.pbtxt) ----------
NUM_LANDMARKS_TOTAL = 39
NUM_VALUES_PER_LANDMARK = 5
NUM_WORLD_VALUES_PER_LANDMARK = 3
NUM_POSE_LANDMARKS = 33
NUM_AUX_LANDMARKS = 2
# ThresholdingCalculator threshold 0.5, overridden by min_tracking_confidence (pose.py).
MIN_TRACKING_CONFIDENCE = 0.5
# RefineLandmarksFromHeatmapCalculator kernel_size 7; min_confidence_to_refine proto default 0.5
# (MP mediapipe/calculators/util/refine_landmarks_from_heatmap_calculator.proto).
HEATMAP_SIZE = 64
HEATMAP_KERNEL_SIZE = 7
HEATMAP_MIN_CONFIDENCE_TO_REFINE = 0.5

# --- Smoothing (MP mediapipe/modules/pose_landmark/pose_landmark_filtering.pbtxt) --------
VISIBILITY_LPF_ALPHA = 0.1
LANDMARKS_ONE_EURO = (0.05, 80.0, 1.0)  # min_cutoff, beta, derivate_cutoff
WORLD_LANDMARKS_ONE_EURO = (0.1, 40.0, 1.0)  # with disable_value_scaling: true
AUX_LANDMARKS_ONE_EURO = (0.01, 10.0, 1.0)
# Proto defaults, MP mediapipe/calculators/util/landmarks_smoothing_calculator.proto.
SMOOTHING_DEFAULT_FREQUENCY = 30.0
SMOOTHING_MIN_ALLOWED_OBJECT_SCALE = 1e-6

# --- Segmentation smoothing (pose_segmentation_filtering.pbtxt) -------------------------
SEGMENTATION_COMBINE_WITH_PREVIOUS_RATIO = 0.7
# Polynomial in t^2 (t = p - 0.5) approximating 1 - (1 - H(p))^2, H = binary entropy in bits:
# MP mediapipe/calculators/image/segmentation_smoothing_calculator.cc (c1..c5).
SEGMENTATION_UNCERTAINTY_COEFFICIENTS = (5.68842, -0.748699, -57.8051, 291.309, -624.717)

# --- Drawing thresholds (MP mediapipe/python/solutions/drawing_utils.py) -----------------
VISIBILITY_THRESHOLD = 0.5
PRESENCE_THRESHOLD = 0.5

# --- Landmark names: header comment of MP mediapipe/modules/pose_landmark/pose_landmark_cpu.pbtxt
LANDMARK_NAMES = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)

# --- Skeleton: POSE_CONNECTIONS in MP mediapipe/python/solutions/pose_connections.py ------
POSE_CONNECTIONS = (
    (0, 1), (1, 2), (2, 3), (3, 7), (0, 4), (4, 5), (5, 6), (6, 8), (9, 10),
    (11, 12), (11, 13), (13, 15), (15, 17), (15, 19), (15, 21), (17, 19),
    (12, 14), (14, 16), (16, 18), (16, 20), (16, 22), (18, 20),
    (11, 23), (12, 24), (23, 24), (23, 25), (24, 26), (25, 27), (26, 28),
    (27, 29), (28, 30), (29, 31), (30, 32), (27, 31), (28, 32),
)  # fmt: skip

# --- Pose classification: MediaPipe's k-NN method (docs/solutions/pose_classification.md,
# its "Pose Classification Colab (Extended)", and the same code in the ML Kit quickstart:
# github.com/googlesamples/mlkit android/vision-quickstart/.../posedetector/classification/).
# FullBodyPoseEmbedder(torso_size_multiplier=2.5) / PoseEmbedding.TORSO_MULTIPLIER.
CLASSIFIER_TORSO_SIZE_MULTIPLIER = 2.5
# PoseClassifier(top_n_by_max_distance=30, top_n_by_mean_distance=10,
# axes_weights=(1., 1., 0.2)) / MAX_DISTANCE_TOP_K, MEAN_DISTANCE_TOP_K, AXES_WEIGHTS ("Z has a
# lower weight as it is generally less accurate than X & Y").
CLASSIFIER_TOP_N_BY_MAX_DISTANCE = 30
CLASSIFIER_TOP_N_BY_MEAN_DISTANCE = 10
CLASSIFIER_AXES_WEIGHTS = (1.0, 1.0, 0.2)
# EMADictSmoothing(window_size=10, alpha=0.2) / EMASmoothing DEFAULT_WINDOW_SIZE, DEFAULT_ALPHA.
CLASSIFIER_EMA_WINDOW = 10
CLASSIFIER_EMA_ALPHA = 0.2
# RepetitionCounter(enter_threshold=6, exit_threshold=4) / DEFAULT_ENTER/EXIT_THRESHOLD, in
# nearest samples out of CLASSIFIER_TOP_N_BY_MEAN_DISTANCE.
CLASSIFIER_ENTER_THRESHOLD = 6.0
CLASSIFIER_EXIT_THRESHOLD = 4.0

# --- Several people (issue 21; numPoses of MediaPipe's Tasks PoseLandmarker) -------------
# Tasks API: num_poses 1..; we bound it, each person costs a landmark-model run per frame.
MAX_NUM_POSES = 4
# Two regions are one person when their IoU (rotation ignored) exceeds this: Tasks'
# AssociationNormRectCalculator min_similarity_threshold = min_tracking_confidence 0.5.
SAME_PERSON_IOU = 0.5
# ...or when their hip centres are closer than this many body sizes (hip centre to the point
# above the head, alignment points 0 -> 1): ours. Two people side by side have their hips
# about a shoulder width (~0.5 body size) apart; a detection of part of a tracked person,
# whose region is too small for the IoU, has its hip centre on that person's.
SAME_PERSON_HIP_DISTANCE = 0.3
# ...but regions overlapping by more than SAME_PERSON_IOU are one person only when their hip
# centres are also closer than this many body sizes (ours): people side by side close to the
# camera (upper bodies, hips below the picture) have regions so large that neighbours'
# overlap by more than 0.5 with hips 0.5-0.7 body sizes apart (three copies of the astronaut
# photo side by side: IoU 0.6, hips 0.63 apart; the middle one was never tracked).
SAME_PERSON_OVERLAP_HIP_DISTANCE = 0.5
# ...or, once both have landmarks, when their torso centres (mean of shoulders and hips) are
# closer than this many torso sizes (the longer shoulder-to-opposite-hip diagonal): ours, the
# measure of blazepose_tools.cuts.SAME_PLACE. Neighbours' torsos are about 0.75 apart.
SAME_PERSON_TORSO_DISTANCE = 0.5
# With some but fewer than num_poses people tracked the detector runs at most this often to
# find someone who walks in (none tracked: every frame, as with one person; all tracked:
# never). 0: on every such frame, as the Tasks graph does; at 100 ms the pose2sim
# side-by-side clip, whose people the detector finds only on some frames, lost half its
# person-frames.
REDETECT_INTERVAL_MS = 0.0
# With num_poses > 1, on a frame whose long side is at least this many times its short side
# the detector's turns go round the whole frame and square windows (side = the short side,
# evenly spaced along the long side): ours, not MediaPipe's. A frame letterboxed whole into
# the 224-pixel detector input shrinks people by the long side; a window by the short one.
# On the 2160x1280 side_by_side_3 clip two of the three people score 0.3-0.6 in the whole
# frame, with their alignment points often upside down, and 0.65-0.97 in a window.
DETECTOR_WINDOW_ASPECT = 1.5

"""Build MediaPipe Tasks `.task` bundles for PoseLandmarker from the legacy npm model files.

A pose landmarker bundle is an uncompressed zip holding ``pose_detector.tflite`` and
``pose_landmarks_detector.tflite`` (``pose_landmarker_graph.cc``). The Tasks runtime builds
its image preprocessing from TFLite metadata (``image_tensor_specs.cc``
``BuildInputImageTensorSpecs``): a float32 input tensor without a ``NormalizationOptions``
process unit fails with "Input tensor has type float32: it requires specifying
NormalizationOptions metadata to preprocess input images". The legacy files carry no
``TFLITE_METADATA`` (only ``min_runtime_version`` / ``reduced_precision_support``), so they do
not load as-is: this module writes a minimal ``ModelMetadata`` flatbuffer (schema
``mediapipe/tasks/metadata/metadata_schema.fbs``, identifier ``M001``) with an RGB
``ImageProperties`` content and ``NormalizationOptions`` (value = (x - mean) / std) on the
input tensor, and attaches it as a model buffer named ``TFLITE_METADATA``.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

import flatbuffers
from ai_edge_litert import schema_py_generated as tfl
from flatbuffers import encode, number_types, packer
from flatbuffers.table import Table

METADATA_NAME = "TFLITE_METADATA"
METADATA_IDENTIFIER = b"M001"
# Bytes [0, DETECTOR_BYTES) of pose_solution_packed_assets.data are pose_detection.tflite
# (offsets in pose_solution_packed_assets_loader.js).
DETECTOR_BYTES = 2962288
# Detector input is RGB in [-1, 1], landmark input RGB in [0, 1]
# (pose_detection_cpu.pbtxt / pose_landmark_by_roi_cpu.pbtxt output_tensor_float_range).
DETECTOR_NORMALIZATION = (127.5, 127.5)
LANDMARK_NORMALIZATION = (0.0, 255.0)
BUNDLE_DETECTOR = "pose_detector.tflite"
BUNDLE_LANDMARKS = "pose_landmarks_detector.tflite"

# Field slots of metadata_schema.fbs tables (a union takes two: type, then value).
_MODEL_NAME, _MODEL_DESCRIPTION, _MODEL_SUBGRAPHS, _MODEL_MIN_PARSER = 0, 1, 3, 7
_SUBGRAPH_INPUTS = 2
_TENSOR_NAME, _TENSOR_CONTENT, _TENSOR_PROCESS_UNITS = 0, 3, 4
_CONTENT_PROPS_TYPE, _CONTENT_PROPS = 0, 1
_IMAGE_COLOR_SPACE = 0
_UNIT_OPTIONS_TYPE, _UNIT_OPTIONS = 0, 1
_NORM_MEAN, _NORM_STD = 0, 1
_CONTENT_IMAGE_PROPERTIES = 2  # union ContentProperties: Feature=1, Image=2, ...
_COLOR_SPACE_RGB = 1
_OPTIONS_NORMALIZATION = 1  # union ProcessUnitOptions: NormalizationOptions=1
_MIN_PARSER_VERSION = "1.0.0"


def _float_vector(builder: flatbuffers.Builder, values: list[float]) -> int:
    builder.StartVector(4, len(values), 4)
    for value in reversed(values):
        builder.PrependFloat32(value)
    return builder.EndVector()


def _offset_vector(builder: flatbuffers.Builder, offsets: list[int]) -> int:
    builder.StartVector(4, len(offsets), 4)
    for offset in reversed(offsets):
        builder.PrependUOffsetTRelative(offset)
    return builder.EndVector()


def image_input_metadata(name: str, tensor_name: str, mean: float, std: float) -> bytes:
    """A ModelMetadata flatbuffer describing one RGB image input normalised as (x - mean) / std."""
    b = flatbuffers.Builder(256)
    model_name = b.CreateString(name)
    description = b.CreateString("Input normalisation metadata added for MediaPipe Tasks.")
    tensor_name_off = b.CreateString(tensor_name)
    parser_version = b.CreateString(_MIN_PARSER_VERSION)

    mean_off = _float_vector(b, [mean])
    std_off = _float_vector(b, [std])
    b.StartObject(2)
    b.PrependUOffsetTRelativeSlot(_NORM_MEAN, mean_off, 0)
    b.PrependUOffsetTRelativeSlot(_NORM_STD, std_off, 0)
    normalization = b.EndObject()

    b.StartObject(2)
    b.PrependUint8Slot(_UNIT_OPTIONS_TYPE, _OPTIONS_NORMALIZATION, 0)
    b.PrependUOffsetTRelativeSlot(_UNIT_OPTIONS, normalization, 0)
    process_unit = b.EndObject()
    process_units = _offset_vector(b, [process_unit])

    b.StartObject(2)
    b.PrependInt8Slot(_IMAGE_COLOR_SPACE, _COLOR_SPACE_RGB, 0)
    image_properties = b.EndObject()

    b.StartObject(3)
    b.PrependUint8Slot(_CONTENT_PROPS_TYPE, _CONTENT_IMAGE_PROPERTIES, 0)
    b.PrependUOffsetTRelativeSlot(_CONTENT_PROPS, image_properties, 0)
    content = b.EndObject()

    b.StartObject(7)
    b.PrependUOffsetTRelativeSlot(_TENSOR_NAME, tensor_name_off, 0)
    b.PrependUOffsetTRelativeSlot(_TENSOR_CONTENT, content, 0)
    b.PrependUOffsetTRelativeSlot(_TENSOR_PROCESS_UNITS, process_units, 0)
    tensor = b.EndObject()
    inputs = _offset_vector(b, [tensor])

    b.StartObject(9)
    b.PrependUOffsetTRelativeSlot(_SUBGRAPH_INPUTS, inputs, 0)
    subgraph = b.EndObject()
    subgraphs = _offset_vector(b, [subgraph])

    b.StartObject(8)
    b.PrependUOffsetTRelativeSlot(_MODEL_NAME, model_name, 0)
    b.PrependUOffsetTRelativeSlot(_MODEL_DESCRIPTION, description, 0)
    b.PrependUOffsetTRelativeSlot(_MODEL_SUBGRAPHS, subgraphs, 0)
    b.PrependUOffsetTRelativeSlot(_MODEL_MIN_PARSER, parser_version, 0)
    root = b.EndObject()
    b.Finish(root, file_identifier=METADATA_IDENTIFIER)
    return bytes(b.Output())


def input_tensor_name(model_bytes: bytes) -> str:
    model = tfl.Model.GetRootAs(model_bytes, 0)
    subgraph = model.Subgraphs(0)
    return subgraph.Tensors(subgraph.Inputs(0)).Name().decode()


def with_metadata(model_bytes: bytes, metadata: bytes) -> bytes:
    """The TFLite model with ``metadata`` stored as its TFLITE_METADATA buffer (replacing any)."""
    model = tfl.ModelT.InitFromPackedBuf(bytearray(model_bytes), 0)
    entries = [m for m in (model.metadata or []) if m.name not in (METADATA_NAME.encode(),)]
    buffer = tfl.BufferT()
    buffer.data = list(metadata)
    model.buffers.append(buffer)
    entry = tfl.MetadataT()
    entry.name = METADATA_NAME
    entry.buffer = len(model.buffers) - 1
    model.metadata = [*entries, entry]
    builder = flatbuffers.Builder(len(model_bytes) + len(metadata) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def annotate(model_bytes: bytes, name: str, mean: float, std: float) -> bytes:
    tensor = input_tensor_name(model_bytes)
    return with_metadata(model_bytes, image_input_metadata(name, tensor, mean, std))


def build_task(pose_dir: Path, model: str, out_path: Path) -> Path:
    """Write ``pose_landmarker_<model>.task`` from the npm ``@mediapipe/pose`` folder."""
    detector = (pose_dir / "pose_solution_packed_assets.data").read_bytes()[:DETECTOR_BYTES]
    landmarks = (pose_dir / f"pose_landmark_{model}.tflite").read_bytes()
    detector = annotate(detector, "pose_detection", *DETECTOR_NORMALIZATION)
    landmarks = annotate(landmarks, f"pose_landmark_{model}", *LANDMARK_NORMALIZATION)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # Stored, not deflated: the Tasks runtime reads the bundled files in place.
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_STORED) as bundle:
        bundle.writestr(BUNDLE_DETECTOR, detector)
        bundle.writestr(BUNDLE_LANDMARKS, landmarks)
    return out_path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pose-dir", type=Path, default=Path("node_modules/@mediapipe/pose"))
    parser.add_argument("--out-dir", type=Path, default=Path("build/bench/tasks"))
    parser.add_argument("--models", default="lite,full,heavy")
    args = parser.parse_args(argv)
    for model in args.models.split(","):
        path = build_task(args.pose_dir, model, args.out_dir / f"pose_landmarker_{model}.task")
        print(path, path.stat().st_size)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def _table_field(tab: Table, slot: int) -> Table | None:
    offset = tab.Offset(4 + 2 * slot)
    return Table(tab.Bytes, tab.Indirect(tab.Pos + offset)) if offset else None


def _table_vector(tab: Table, slot: int) -> list[Table]:
    offset = tab.Offset(4 + 2 * slot)
    if not offset:
        return []
    start = tab.Vector(offset)
    return [Table(tab.Bytes, tab.Indirect(start + 4 * i)) for i in range(tab.VectorLen(offset))]


def _float_field(tab: Table, slot: int) -> list[float]:
    offset = tab.Offset(4 + 2 * slot)
    start = tab.Vector(offset)
    return [tab.Get(number_types.Float32Flags, start + 4 * i) for i in range(tab.VectorLen(offset))]


def read_normalization(model_bytes: bytes) -> tuple[list[float], list[float]] | None:
    """(mean, std) of the input NormalizationOptions in a model's TFLITE_METADATA, if any."""
    model = tfl.Model.GetRootAs(model_bytes, 0)
    for i in range(model.MetadataLength()):
        if model.Metadata(i).Name() != METADATA_NAME.encode():
            continue
        data = model.Buffers(model.Metadata(i).Buffer()).DataAsNumpy().tobytes()
        if data[4:8] != METADATA_IDENTIFIER:
            return None
        root = Table(bytearray(data), encode.Get(packer.uoffset, data, 0))
        for subgraph in _table_vector(root, _MODEL_SUBGRAPHS)[:1]:
            for tensor in _table_vector(subgraph, _SUBGRAPH_INPUTS)[:1]:
                for unit in _table_vector(tensor, _TENSOR_PROCESS_UNITS):
                    kind = unit.GetSlot(4 + 2 * _UNIT_OPTIONS_TYPE, 0, number_types.Uint8Flags)
                    options = _table_field(unit, _UNIT_OPTIONS)
                    if kind == _OPTIONS_NORMALIZATION and options is not None:
                        return _float_field(options, _NORM_MEAN), _float_field(options, _NORM_STD)
    return None

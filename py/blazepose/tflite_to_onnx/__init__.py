"""TFLite -> ONNX conversion for exactly the operators the BlazePose models use.

No TensorFlow needed: the flatbuffer is read with the `tflite` package, the graph written
with `onnx`. Bump CONVERTER_VERSION whenever the produced graphs change, so that
`blazepose.model_build` rebuilds its outputs.
"""

from .convert import InputSpec, convert_graph, convert_tflite
from .operators import ConvertOptions, UnsupportedOperatorError
from .reader import read_tflite
from .shaping import fold_pads_into_convs, prune_outputs, store_weights_float16

CONVERTER_VERSION = "2"

__all__ = [
    "CONVERTER_VERSION",
    "ConvertOptions",
    "InputSpec",
    "UnsupportedOperatorError",
    "convert_graph",
    "convert_tflite",
    "fold_pads_into_convs",
    "prune_outputs",
    "read_tflite",
    "store_weights_float16",
]

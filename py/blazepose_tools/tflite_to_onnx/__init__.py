"""TFLite -> ONNX conversion for exactly the operators the BlazePose models use.

No TensorFlow needed: the flatbuffer is read with the `tflite` package (`reader`), sparse
weights are decoded (`densify`), each operator becomes ONNX nodes (`operators`, `convert`)
and the graph is shaped for the browser (`shaping`: pad folding, float16 weight storage,
pruning of unwanted outputs).

Layout: 4-D activations are NCHW throughout, so no Transpose surrounds each convolution;
transposes remain only at the uint8 RGBA input, before RESHAPEs that flatten real NHWC data
(the detector heads) and at NHWC outputs (heatmap). A graph that instead keeps NHWC between
operators and wraps each one in Transpose pairs runs as fast in ONNX Runtime only because
its basic optimisations cancel the pairs (352 -> 2 Transposes on the full landmark model);
without optimisation it is slower.

Bump CONVERTER_VERSION whenever the produced graphs change, so that
`blazepose_tools.model_build` rebuilds its outputs.
"""

from .convert import InputSpec, convert_graph, convert_tflite
from .operators import UnsupportedOperatorError
from .reader import read_tflite
from .shaping import fold_pads_into_convs, prune_outputs, store_weights_float16

CONVERTER_VERSION = "2"

__all__ = [
    "CONVERTER_VERSION",
    "InputSpec",
    "UnsupportedOperatorError",
    "convert_graph",
    "convert_tflite",
    "fold_pads_into_convs",
    "prune_outputs",
    "read_tflite",
    "store_weights_float16",
]

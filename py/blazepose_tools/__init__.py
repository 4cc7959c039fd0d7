"""CPython tooling around the `blazepose` pipeline (numpy and friends allowed here).

The command line (`cli`, `python -m blazepose_tools`), the synchronous driver and ONNX Runtime
backend, media decoding, the TFLite -> ONNX converter and model build, the static-site build
and server, and the MediaPipe-parity measurements. None of it ships to the browser: the page
runs only `py/blazepose/`.
"""

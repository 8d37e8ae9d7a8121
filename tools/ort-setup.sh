#!/usr/bin/env bash
# Set up the optional ONNX Runtime engine (`newsx extract --engine ort`, built with
# `cargo build --release --features ort`): installs onnxruntime, onnx and numpy from PyPI into
# target/ort-venv, exports MODEL_DIR (default models/ner) to MODEL_DIR/model.int8.onnx with
# tools/export_onnx.py (int8 per-channel), and prints the line that points newsx at the wheel's
# shared library:
#
#   eval "$(tools/ort-setup.sh)"      # sets ORT_DYLIB_PATH in this shell
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-models/ner}
VENV=target/ort-venv
if ! "$VENV/bin/python" -c 'import onnxruntime, onnx, numpy' 2>/dev/null; then
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install -q 'onnxruntime==1.32.*' 'onnx==1.23.*' 'numpy==2.*' >&2
fi
if [ ! -f "$MODEL/model.int8.onnx" ] || [ "$MODEL/model.safetensors" -nt "$MODEL/model.int8.onnx" ]; then
    "$VENV/bin/python" tools/export_onnx.py "$MODEL" "$MODEL/model.int8.onnx" >&2
fi
LIB=$("$VENV/bin/python" -c 'import glob, os, onnxruntime as o; print(sorted(glob.glob(os.path.join(os.path.dirname(o.__file__), "capi", "libonnxruntime.so*")))[-1])')
echo "export ORT_DYLIB_PATH=$LIB"

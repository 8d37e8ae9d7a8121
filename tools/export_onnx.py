#!/usr/bin/env python3
"""Export the shipped NER model to ONNX for the optional ONNX Runtime engine (`--features ort`).

usage: export_onnx.py MODEL_DIR OUT.onnx [--fp32]

Reads MODEL_DIR/config.json and MODEL_DIR/model.safetensors (parsed here, no torch), writes the
encoder + head as an ONNX graph (opset 17) for one window: inputs `input_ids`, `shape_ids` and
`position_ids` (int64, [T]), output `logits` (f32, [T, labels]); then, unless --fp32, quantizes
its matrix products dynamically to int8 with one scale per output channel (onnxruntime's
`quantize_dynamic`). Needs the packages `onnx`, `onnxruntime` and `numpy`; `tools/ort-setup.sh`
installs them into target/ort-venv and runs this script.
"""
import json
import pathlib
import struct
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def read_safetensors(path):
    raw = pathlib.Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    dtypes = {"F16": np.float16, "F32": np.float32}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] not in dtypes:
            sys.exit(f"{path}: {name}: unsupported dtype {meta['dtype']}")
        s, e = meta["data_offsets"]
        a = np.frombuffer(raw[base + s:base + e], dtype=dtypes[meta["dtype"]])
        out[name] = a.reshape(meta["shape"]).astype(np.float32)
    return out


def build(cfg, w):
    h, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    dh = h // heads
    eps = float(cfg["layer_norm_eps"])
    nodes, inits = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def node(op, ins, out, **attrs):
        nodes.append(helper.make_node(op, ins, [out], **attrs))
        return out

    def linear(x, prefix, out):
        wt = const(prefix + ".weight_t", w[prefix + ".weight"].T.copy())
        y = node("MatMul", [x, wt], out + "_mm")
        return node("Add", [y, const(prefix + ".bias", w[prefix + ".bias"])], out)

    def norm(x, prefix, out):
        return node("LayerNormalization",
                    [x, const(prefix + ".w", w[prefix + ".weight"]),
                     const(prefix + ".b", w[prefix + ".bias"])], out, axis=-1, epsilon=eps)

    e = "embeddings."
    x = node("Gather", [const("word", w[e + "word_embeddings.weight"]), "input_ids"], "we")
    p = node("Gather", [const("pos", w[e + "position_embeddings.weight"]), "position_ids"], "pe")
    x = node("Add", [x, p], "e1")
    x = node("Add", [x, const("tt0", w[e + "token_type_embeddings.weight"][0])], "e2")
    if cfg.get("num_shapes", 0) > 0:
        s = node("Gather", [const("shape", w[e + "shape_embeddings.weight"]), "shape_ids"], "se")
        x = node("Add", [x, s], "e3")
    x = norm(x, e + "LayerNorm", "emb")
    shp_heads = const("shp_heads", np.array([-1, heads, dh], dtype=np.int64))
    shp_flat = const("shp_flat", np.array([-1, h], dtype=np.int64))
    scale = const("scale", np.array(1.0 / np.sqrt(dh), dtype=np.float32))
    half = const("half", np.array(0.5, dtype=np.float32))
    one = const("one", np.array(1.0, dtype=np.float32))
    rsqrt2 = const("rsqrt2", np.array(1.0 / np.sqrt(2.0), dtype=np.float32))
    for i in range(cfg["num_hidden_layers"]):
        L = f"encoder.layer.{i}."
        a = L + "attention."
        q = linear(x, a + "self.query", f"l{i}q")
        k = linear(x, a + "self.key", f"l{i}k")
        v = linear(x, a + "self.value", f"l{i}v")
        q = node("Transpose", [node("Reshape", [q, shp_heads], f"l{i}qr")], f"l{i}qt",
                 perm=[1, 0, 2])
        k = node("Transpose", [node("Reshape", [k, shp_heads], f"l{i}kr")], f"l{i}kt",
                 perm=[1, 2, 0])
        v = node("Transpose", [node("Reshape", [v, shp_heads], f"l{i}vr")], f"l{i}vt",
                 perm=[1, 0, 2])
        sc = node("Mul", [node("MatMul", [q, k], f"l{i}qk"), scale], f"l{i}sc")
        pr = node("Softmax", [sc], f"l{i}p", axis=-1)
        c = node("MatMul", [pr, v], f"l{i}c")
        c = node("Reshape", [node("Transpose", [c], f"l{i}ct", perm=[1, 0, 2]), shp_flat],
                 f"l{i}cf")
        o = linear(c, a + "output.dense", f"l{i}ao")
        x = norm(node("Add", [o, x], f"l{i}r1"), a + "output.LayerNorm", f"l{i}n1")
        f = linear(x, L + "intermediate.dense", f"l{i}f")
        g = node("Erf", [node("Mul", [f, rsqrt2], f"l{i}fs")], f"l{i}erf")
        g = node("Mul", [node("Mul", [f, half], f"l{i}fh"),
                         node("Add", [g, one], f"l{i}g1")], f"l{i}gelu")
        o = linear(g, L + "output.dense", f"l{i}o")
        x = norm(node("Add", [o, x], f"l{i}r2"), L + "output.LayerNorm", f"l{i}n2")
    linear(x, "classifier", "logits")
    labels = len(cfg["id2label"])
    graph = helper.make_graph(
        nodes, "newsx_ner",
        [helper.make_tensor_value_info(n, TensorProto.INT64, ["T"])
         for n in ("input_ids", "shape_ids", "position_ids")],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["T", labels])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="newsx tools/export_onnx.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    model_dir, out = pathlib.Path(args[0]), pathlib.Path(args[1])
    cfg = json.loads((model_dir / "config.json").read_text())
    model = build(cfg, read_safetensors(model_dir / "model.safetensors"))
    out.parent.mkdir(parents=True, exist_ok=True)
    if "--fp32" in sys.argv:
        onnx.save(model, str(out))
    else:
        from onnxruntime.quantization import QuantType, quantize_dynamic
        with tempfile.TemporaryDirectory() as d:
            f32 = pathlib.Path(d) / "f32.onnx"
            onnx.save(model, str(f32))
            quantize_dynamic(str(f32), str(out), op_types_to_quantize=["MatMul"],
                             weight_type=QuantType.QInt8, per_channel=True)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

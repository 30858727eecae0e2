"""Builds examples/onnx/classifier.onnx: a small text classifier head as an
exporter would write it (Gather embedding, mean over the sequence, Gemm,
GELU via Erf, LayerNormalization, Gemm, Softmax), with a symbolic batch
size and its weights in an external data file, classifier.onnx.weights.
The float weights are also written as safetensors files, as a training
run's checkpoints would be: classifier.safetensors (the same values) and
classifier-tuned.safetensors (the same tensors with a new output layer,
w2 and b2), for tgc --weights=external.

  build/onnx-venv/bin/python3 examples/onnx/make_classifier.py OUT_DIR

docs/onnx.md walks through compiling and running it.
"""
import json
import os
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh


def save_safetensors(path, tensors):
    """Writes a safetensors file (8-byte header length, JSON header, data):
    the format is that simple, and the venv has no safetensors package."""
    header, data = {}, b""
    for t in tensors:
        raw = nh.to_array(t).astype("<f4").tobytes()
        header[t.name] = {"dtype": "F32", "shape": list(t.dims),
                          "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def main(out):
    rng = np.random.default_rng(0)

    def weight(name, *shape, scale=0.1):
        return nh.from_array((rng.standard_normal(shape) * scale)
                             .astype(np.float32), name)

    inits = [weight("embedding", 1000, 64), weight("w1", 64, 128),
             weight("b1", 128), weight("ln_scale", 128, scale=1.0),
             weight("ln_bias", 128), weight("w2", 128, 4), weight("b2", 4),
             nh.from_array(np.array([1], np.int64), "axes"),
             nh.from_array(np.array(2 ** -0.5, np.float32), "inv_sqrt2"),
             nh.from_array(np.array(0.5, np.float32), "half"),
             nh.from_array(np.array(1.0, np.float32), "one")]
    nodes = [
        h.make_node("Gather", ["embedding", "ids"], ["e"], name="embed"),
        h.make_node("ReduceMean", ["e", "axes"], ["pooled"], name="pool",
                    keepdims=0),
        h.make_node("Gemm", ["pooled", "w1", "b1"], ["h"], name="fc1"),
        # GELU as exporters spell it: 0.5 x (1 + erf(x / sqrt 2)).
        h.make_node("Mul", ["h", "inv_sqrt2"], ["hs"], name="gelu_scale"),
        h.make_node("Erf", ["hs"], ["erf"], name="gelu_erf"),
        h.make_node("Add", ["erf", "one"], ["erf1"], name="gelu_add"),
        h.make_node("Mul", ["h", "erf1"], ["g0"], name="gelu_mul"),
        h.make_node("Mul", ["g0", "half"], ["g"], name="gelu_half"),
        h.make_node("LayerNormalization", ["g", "ln_scale", "ln_bias"],
                    ["n"], name="norm", axis=-1, epsilon=1e-5),
        h.make_node("Gemm", ["n", "w2", "b2"], ["logits"], name="fc2"),
        h.make_node("Softmax", ["logits"], ["probs"], name="softmax",
                    axis=-1),
    ]
    graph = h.make_graph(
        nodes, "classifier",
        [h.make_tensor_value_info("ids", T.INT64, ["batch", 16])],
        [h.make_tensor_value_info("probs", T.FLOAT, ["batch", 4])], inits)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 18)])
    onnx.checker.check_model(model)
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "classifier.onnx")
    weights = path + ".weights"
    if os.path.exists(weights):  # onnx.save appends to it
        os.remove(weights)
    onnx.save(model, path, save_as_external_data=True,
              location="classifier.onnx.weights", size_threshold=1024)
    np.save(os.path.join(out, "ids.npy"),
            rng.integers(0, 1000, (2, 16)).astype(np.int64))
    floats = [t for t in inits if t.data_type == T.FLOAT and len(t.dims) > 0]
    save_safetensors(os.path.join(out, "classifier.safetensors"), floats)
    tuned = [weight(t.name, *t.dims) if t.name in ("w2", "b2") else t
             for t in floats]
    save_safetensors(os.path.join(out, "classifier-tuned.safetensors"), tuned)
    print(path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")

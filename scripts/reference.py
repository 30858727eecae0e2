#!/usr/bin/env python3
"""NumPy references for the example models, independent of tgc.

    reference.py MODEL.mlir INPUT.npy OUTPUT.npy

Weights are read back from the model's dense_resource blobs; the math is
written out here in plain NumPy (float64) from each example's definition.
"""
import math
import re
import sys

import numpy as np


def resources(path):
    text = open(path).read()
    blobs = {}
    for name, hexdata in re.findall(r'(\w+): "0x([0-9A-Fa-f]+)"', text):
        raw = bytes.fromhex(hexdata)[4:]  # drop the alignment prefix
        blobs[name] = np.frombuffer(raw, dtype="<f4").astype(np.float64)
    return blobs


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def layer_norm(x, g, b, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * g + b


def run(model, x):
    r = resources(model)
    name = model.rsplit("/", 1)[-1]
    if name == "mlp.mlir":
        h = gelu(x @ r["mlp_w1"].reshape(32, 64) + r["mlp_b1"])
        return h @ r["mlp_w2"].reshape(64, 10) + r["mlp_b2"]
    if name == "softmax.mlir":
        return softmax(x, axis=1)
    if name == "layernorm.mlir":
        return layer_norm(x, r["ln_gamma"], r["ln_beta"])
    if name == "attention.mlir":
        w = {k: r[f"attn_w{k}"].reshape(32, 32) for k in "qkvo"}
        q, k, v = x @ w["q"], x @ w["k"], x @ w["v"]
        p = softmax(q @ k.T / math.sqrt(32.0), axis=1)
        return (p @ v) @ w["o"]
    raise SystemExit(f"no reference for {name}")


if __name__ == "__main__":
    model, inp, out = sys.argv[1:4]
    x = np.load(inp).astype(np.float64)
    np.save(out, run(model, x).astype(np.float32))

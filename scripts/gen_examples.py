#!/usr/bin/env python3
"""Generates the example models in examples/ with seeded random weights.

Weights are stored as `dense_resource` blobs (as model exporters do), so the
files stay readable; tests rebuild the same arrays from the blobs to compute
NumPy references (see scripts/reference.py).
"""
import pathlib
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent / "examples"


def blob(array):
    # Builtin resource blobs start with a 4-byte little-endian alignment.
    data = np.ascontiguousarray(array, dtype="<f4").tobytes()
    return "0x04000000" + data.hex().upper()


def write(name, body, resources):
    text = body
    if resources:
        entries = ",\n".join(f'      {k}: "{blob(v)}"' for k, v in resources.items())
        text += "\n{-#\n  dialect_resources: {\n    builtin: {\n" + entries + "\n    }\n  }\n#-}\n"
    (ROOT / name).write_text(text)


def mlp():
    rng = np.random.default_rng(1)
    w1 = (rng.standard_normal((32, 64)) / np.sqrt(32)).astype(np.float32)
    b1 = (rng.standard_normal(64) * 0.1).astype(np.float32)
    w2 = (rng.standard_normal((64, 10)) / np.sqrt(64)).astype(np.float32)
    b2 = (rng.standard_normal(10) * 0.1).astype(np.float32)
    body = """// A two-layer perceptron: gelu(x W1 + b1) W2 + b2, weights as constants.
func.func @main(%x: tensor<4x32xf32>) -> tensor<4x10xf32> {
  %w1 = tg.constant dense_resource<mlp_w1> : tensor<32x64xf32>
  %b1 = tg.constant dense_resource<mlp_b1> : tensor<64xf32>
  %w2 = tg.constant dense_resource<mlp_w2> : tensor<64x10xf32>
  %b2 = tg.constant dense_resource<mlp_b2> : tensor<10xf32>
  %0 = tg.matmul %x, %w1 : tensor<4x32xf32>, tensor<32x64xf32> -> tensor<4x64xf32>
  %1 = tg.add %0, %b1 : tensor<4x64xf32>, tensor<64xf32> -> tensor<4x64xf32>
  %2 = tg.gelu %1 : tensor<4x64xf32>
  %3 = tg.matmul %2, %w2 : tensor<4x64xf32>, tensor<64x10xf32> -> tensor<4x10xf32>
  %4 = tg.add %3, %b2 : tensor<4x10xf32>, tensor<10xf32> -> tensor<4x10xf32>
  return %4 : tensor<4x10xf32>
}
"""
    write("mlp.mlir", body, {"mlp_w1": w1, "mlp_b1": b1, "mlp_w2": w2, "mlp_b2": b2})


def softmax():
    body = """// Softmax over the last axis of a batch of logits.
func.func @main(%x: tensor<8x1000xf32>) -> tensor<8x1000xf32> {
  %0 = tg.softmax %x axis = 1 : tensor<8x1000xf32>
  return %0 : tensor<8x1000xf32>
}
"""
    write("softmax.mlir", body, {})


def layernorm():
    rng = np.random.default_rng(2)
    gamma = (1.0 + 0.1 * rng.standard_normal(256)).astype(np.float32)
    beta = (0.1 * rng.standard_normal(256)).astype(np.float32)
    body = """// Layer normalization of 16 tokens with learned scale and shift.
func.func @main(%x: tensor<16x256xf32>) -> tensor<16x256xf32> {
  %g = tg.constant dense_resource<ln_gamma> : tensor<256xf32>
  %b = tg.constant dense_resource<ln_beta> : tensor<256xf32>
  %0 = tg.layer_norm %x weight %g bias %b axis = 1 epsilon = 1.0e-05 : tensor<16x256xf32>, tensor<256xf32>, tensor<256xf32>
  return %0 : tensor<16x256xf32>
}
"""
    write("layernorm.mlir", body, {"ln_gamma": gamma, "ln_beta": beta})


def attention():
    rng = np.random.default_rng(3)
    d = 32
    ws = {f"attn_w{n}": (rng.standard_normal((d, d)) / np.sqrt(d)).astype(np.float32)
          for n in "qkvo"}
    body = """// Single-head scaled dot-product attention over 16 tokens of width 32:
// softmax(q k^T / sqrt(32)) v, projected by Wo.
func.func @main(%x: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %wq = tg.constant dense_resource<attn_wq> : tensor<32x32xf32>
  %wk = tg.constant dense_resource<attn_wk> : tensor<32x32xf32>
  %wv = tg.constant dense_resource<attn_wv> : tensor<32x32xf32>
  %wo = tg.constant dense_resource<attn_wo> : tensor<32x32xf32>
  %scale = tg.constant dense<0.176776695> : tensor<f32>
  %q = tg.matmul %x, %wq : tensor<16x32xf32>, tensor<32x32xf32> -> tensor<16x32xf32>
  %k = tg.matmul %x, %wk : tensor<16x32xf32>, tensor<32x32xf32> -> tensor<16x32xf32>
  %v = tg.matmul %x, %wv : tensor<16x32xf32>, tensor<32x32xf32> -> tensor<16x32xf32>
  %s = tg.matmul %q, %k transpose_b : tensor<16x32xf32>, tensor<16x32xf32> -> tensor<16x16xf32>
  %ss = tg.mul %s, %scale : tensor<16x16xf32>, tensor<f32> -> tensor<16x16xf32>
  %p = tg.softmax %ss axis = 1 : tensor<16x16xf32>
  %o = tg.matmul %p, %v : tensor<16x16xf32>, tensor<16x32xf32> -> tensor<16x32xf32>
  %y = tg.matmul %o, %wo : tensor<16x32xf32>, tensor<32x32xf32> -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}
"""
    write("attention.mlir", body, ws)


def inputs():
    (ROOT / "inputs").mkdir(exist_ok=True)
    x = np.random.default_rng(42).standard_normal((4, 32)).astype(np.float32)
    np.save(ROOT / "inputs" / "mlp_x.npy", x)


if __name__ == "__main__":
    inputs()
    mlp()
    softmax()
    layernorm()
    attention()

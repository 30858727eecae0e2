#!/usr/bin/env python3
"""tgc's host code against what a user would run instead, in one process.

    bench/host_vs_peers.py [--build DIR] [--rounds N] [--only TEXT ...]

Each workload is compiled by tgc for the host and run through the runtime's
C API (ctypes over libtgc_jit.so, which exports it) on NumPy arrays, and the
same computation runs in NumPy (PyPI wheel, OpenBLAS), PyTorch eager and
ONNX Runtime, all on 2 threads, on the same inputs. Outputs are checked
against PyTorch's; times are medians over interleaved rounds (each round runs
every system once). The machine's limits are measured too: the f32 FMA peak
(a small C program, when a C compiler is there) and the copy bandwidth, and
each result is printed as a fraction of the relevant one.

The peers come from PyPI into a venv the script makes next to the build
(BUILD/bench-venv; PyTorch's wheels are large). TGC_BENCH_PYTHON names
another interpreter that has numpy, onnx, onnxruntime and torch.
"""
import argparse
import ctypes
import math
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ["numpy", "onnx", "onnxruntime", "torch"]
THREADS = 2


def ensure_peers(build):
    """Re-runs this script under an interpreter that has the peers."""
    try:
        import numpy, onnx, onnxruntime, torch  # noqa: F401
        return
    except ImportError:
        pass
    python = os.environ.get("TGC_BENCH_PYTHON")
    if not python:
        venv = build / "bench-venv"
        python = str(venv / "bin" / "python")
        if not pathlib.Path(python).exists():
            print(f"host_vs_peers: creating {venv} with {', '.join(PACKAGES)}",
                  flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([python, "-m", "pip", "install", "-q"] + PACKAGES,
                           check=True)
    os.execv(python, [python, __file__] + sys.argv[1:])


#===------------------------------------------------------------------------===#
# tgc through the runtime's C API
#===------------------------------------------------------------------------===#

class TensorView(ctypes.Structure):
    _fields_ = [("dtype", ctypes.c_int), ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("data", ctypes.c_void_p)]


class Runtime:
    def __init__(self, build):
        self.lib = ctypes.CDLL(str(build / "lib" / "libtgc_jit.so"))
        self.lib.tgc_status_message.restype = ctypes.c_char_p
        for name in ["tgc_bundle_open_file", "tgc_device_open",
                     "tgc_module_load", "tgc_session_create",
                     "tgc_module_find_function", "tgc_session_call"]:
            getattr(self.lib, name).restype = ctypes.c_void_p

    def check(self, status):
        if status:
            message = self.lib.tgc_status_message(ctypes.c_void_p(status))
            self.lib.tgc_status_free(ctypes.c_void_p(status))
            raise RuntimeError(message.decode())

    def main(self, path, inputs, outputs):
        """A callable running the bundle's `main` on these arrays in place
        (the host device reads and writes their memory directly)."""
        handles = [ctypes.c_void_p() for _ in range(4)]
        bundle, device, module, session = handles
        self.check(self.lib.tgc_bundle_open_file(str(path).encode(),
                                                 ctypes.byref(bundle)))
        self.check(self.lib.tgc_device_open(b"host", bundle,
                                            ctypes.byref(device)))
        self.check(self.lib.tgc_module_load(device, bundle, None,
                                            ctypes.byref(module)))
        self.check(self.lib.tgc_session_create(module, ctypes.byref(session)))
        index = ctypes.c_size_t()
        self.check(self.lib.tgc_module_find_function(module, b"main",
                                                     ctypes.byref(index)))
        keep = []

        def views(arrays):
            array = (TensorView * len(arrays))()
            for i, a in enumerate(arrays):
                shape = (ctypes.c_int64 * a.ndim)(*a.shape)
                keep.append(shape)
                array[i] = TensorView(0, a.ndim, shape, a.ctypes.data)
            keep.append(array)
            return array
        args = (session, index.value, views(inputs), len(inputs),
                views(outputs), len(outputs))

        def call():
            self.check(self.lib.tgc_session_call(*args))
        call.keep = (keep, handles, inputs, outputs)
        return call


#===------------------------------------------------------------------------===#
# Workloads
#===------------------------------------------------------------------------===#

def T(*shape):
    return f"tensor<{'x'.join(map(str, shape))}xf32>"


class Workload:
    """A tg `main`, its inputs, PyTorch's reference and the peers. `onnx` is
    (model, names of the inputs it takes); the rest are initializers, as an
    exported model would have its weights."""

    def __init__(self, name, mlir, inputs, reference, flops=0, bytes_moved=0,
                 numpy_fn=None, onnx=None, tolerance=1e-3):
        self.name, self.mlir, self.inputs = name, mlir, inputs
        self.reference, self.flops, self.bytes = reference, flops, bytes_moved
        self.numpy_fn, self.onnx, self.tolerance = numpy_fn, onnx, tolerance


def onnx_model(nodes, inputs, output_shape, initializers=(), opset=17,
               microsoft=False):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    graph = helper.make_graph(
        nodes, "main",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(a.shape))
         for n, a in inputs],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT,
                                       list(output_shape))],
        [numpy_helper.from_array(a, n) for n, a in initializers])
    opsets = [helper.make_opsetid("", opset)]
    if microsoft:
        opsets.append(helper.make_opsetid("com.microsoft", 1))
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8
    return model, [n for n, _ in inputs]


def sgemm(rng, n):
    import numpy as np
    from onnx import helper
    a = rng.standard_normal((n, n)).astype(np.float32)
    b = rng.standard_normal((n, n)).astype(np.float32)
    mlir = (f"func.func @main(%a: {T(n, n)}, %b: {T(n, n)}) -> {T(n, n)} {{\n"
            f"  %0 = tg.matmul %a, %b : {T(n, n)}, {T(n, n)} -> {T(n, n)}\n"
            f"  return %0 : {T(n, n)}\n}}\n")
    return Workload(
        f"sgemm {n}^3", mlir, [a, b], lambda a, b: a @ b, flops=2 * n ** 3,
        numpy_fn=lambda a, b: a @ b,
        onnx=onnx_model([helper.make_node("MatMul", ["a", "b"], ["out"])],
                        [("a", a), ("b", b)], (n, n)))


def mlp(rng, transposed, m=256, d=1024, h=4096):
    """gelu(x W1 + b1) W2 + b2; PyTorch's Linear layout is W: [out, in]."""
    import numpy as np
    import torch
    from onnx import helper
    f = lambda *s, scale=1.0: (rng.standard_normal(s) * scale).astype(np.float32)
    x = f(m, d)
    w1, w2 = f(d, h, scale=d ** -0.5), f(h, d, scale=h ** -0.5)
    b1, b2 = f(h, scale=0.1), f(d, scale=0.1)
    if transposed:
        w1, w2 = np.ascontiguousarray(w1.T), np.ascontiguousarray(w2.T)
    tb = " transpose_b" if transposed else ""
    mlir = (
        f"func.func @main(%x: {T(m, d)}, %w1: {T(*w1.shape)}, %b1: {T(h)}, "
        f"%w2: {T(*w2.shape)}, %b2: {T(d)}) -> {T(m, d)} {{\n"
        f"  %0 = tg.matmul %x, %w1{tb} : {T(m, d)}, {T(*w1.shape)} -> {T(m, h)}\n"
        f"  %1 = tg.add %0, %b1 : {T(m, h)}, {T(h)} -> {T(m, h)}\n"
        f"  %2 = tg.gelu %1 : {T(m, h)}\n"
        f"  %3 = tg.matmul %2, %w2{tb} : {T(m, h)}, {T(*w2.shape)} -> {T(m, d)}\n"
        f"  %4 = tg.add %3, %b2 : {T(m, d)}, {T(d)} -> {T(m, d)}\n"
        f"  return %4 : {T(m, d)}\n}}\n")
    F = torch.nn.functional

    def reference(x, w1, b1, w2, b2):
        if transposed:
            return F.linear(F.gelu(F.linear(x, w1, b1)), w2, b2)
        return F.gelu(x @ w1 + b1) @ w2 + b2
    gemm = {"transB": 1} if transposed else {}
    nodes = [helper.make_node("Gemm", ["x", "w1", "b1"], ["h0"], **gemm),
             helper.make_node("Gelu", ["h0"], ["h1"], domain="com.microsoft"),
             helper.make_node("Gemm", ["h1", "w2", "b2"], ["out"], **gemm)]
    layout = "[out, in]" if transposed else "[in, out]"
    return Workload(
        f"MLP {m}x{d}x{h} {layout}", mlir, [x, w1, b1, w2, b2], reference,
        flops=4 * m * d * h,
        onnx=onnx_model(nodes, [("x", x)], (m, d),
                        [("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)],
                        microsoft=True))


def attention(rng, s=512, d=768, heads=12):
    """Self-attention: projections, softmax(q k^T / sqrt(dh)) v per head,
    output projection."""
    import numpy as np
    import torch
    from onnx import helper, numpy_helper
    dh = d // heads
    f = lambda *sh, scale=1.0: (rng.standard_normal(sh) * scale).astype(np.float32)
    x = f(s, d)
    wq, wk, wv, wo = (f(d, d, scale=d ** -0.5) for _ in range(4))
    scale = 1.0 / math.sqrt(dh)
    H = f"{T(s, heads, dh)}"
    P = f"{T(heads, s, dh)}"
    mlir = [f"func.func @main(%x: {T(s, d)}, %wq: {T(d, d)}, %wk: {T(d, d)}, "
            f"%wv: {T(d, d)}, %wo: {T(d, d)}) -> {T(s, d)} {{",
            f"  %scale = tg.constant dense<{scale:.9e}> : tensor<f32>"]
    for n in "qkv":
        mlir += [f"  %{n}0 = tg.matmul %x, %w{n} : {T(s, d)}, {T(d, d)} -> {T(s, d)}",
                 f"  %{n}1 = tg.reshape %{n}0 : {T(s, d)} -> {H}",
                 f"  %{n} = tg.transpose %{n}1 permutation = [1, 0, 2] : {H} -> {P}"]
    mlir += [
        f"  %s0 = tg.matmul %q, %k transpose_b : {P}, {P} -> {T(heads, s, s)}",
        f"  %s1 = tg.mul %s0, %scale : {T(heads, s, s)}, tensor<f32> -> {T(heads, s, s)}",
        f"  %p = tg.softmax %s1 axis = 2 : {T(heads, s, s)}",
        f"  %o0 = tg.matmul %p, %v : {T(heads, s, s)}, {P} -> {P}",
        f"  %o1 = tg.transpose %o0 permutation = [1, 0, 2] : {P} -> {H}",
        f"  %o = tg.reshape %o1 : {H} -> {T(s, d)}",
        f"  %y = tg.matmul %o, %wo : {T(s, d)}, {T(d, d)} -> {T(s, d)}",
        f"  return %y : {T(s, d)}", "}"]

    def reference(x, wq, wk, wv, wo):
        def heads_of(t):
            return (x @ t).reshape(s, heads, dh).transpose(0, 1)
        q, k, v = heads_of(wq), heads_of(wk), heads_of(wv)
        p = torch.softmax(q @ k.transpose(1, 2) * scale, dim=-1)
        return (p @ v).transpose(0, 1).reshape(s, d) @ wo
    shape = numpy_helper.from_array(np.array([s, heads, dh], np.int64), "hs")
    back = numpy_helper.from_array(np.array([s, d], np.int64), "ds")
    nodes = []
    for n in "qkv":
        nodes += [helper.make_node("MatMul", ["x", f"w{n}"], [f"{n}0"]),
                  helper.make_node("Reshape", [f"{n}0", "hs"], [f"{n}1"]),
                  helper.make_node("Transpose", [f"{n}1"], [n], perm=[1, 0, 2])]
    nodes += [
        helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["q", "kt"], ["s0"]),
        helper.make_node("Mul", ["s0", "sc"], ["s1"]),
        helper.make_node("Softmax", ["s1"], ["p"], axis=-1),
        helper.make_node("MatMul", ["p", "v"], ["o0"]),
        helper.make_node("Transpose", ["o0"], ["o1"], perm=[1, 0, 2]),
        helper.make_node("Reshape", ["o1", "ds"], ["o"]),
        helper.make_node("MatMul", ["o", "wo"], ["out"])]
    model, names = onnx_model(
        nodes, [("x", x)], (s, d),
        [("wq", wq), ("wk", wk), ("wv", wv), ("wo", wo),
         ("sc", np.array(scale, np.float32))])
    model.graph.initializer.extend([shape, back])
    return Workload(
        f"attention seq {s} d {d} {heads} heads",
        "\n".join(mlir) + "\n", [x, wq, wk, wv, wo], reference,
        flops=2 * s * d * d * 4 + 4 * s * s * d, onnx=(model, names))


def causal_attention(rng, s=1024, dh=64, heads=8):
    """softmax(q k^T / sqrt(dh), causal) v per head, the mask as a select
    (as PyTorch's is_causal exports), against scaled_dot_product_attention
    with is_causal=True. Fused, each query block stops at its last visible
    key, so the work is about half the full product."""
    import numpy as np
    import torch
    f = lambda *sh: rng.standard_normal(sh).astype(np.float32)
    q, k, v = f(heads, s, dh), f(heads, s, dh), f(heads, s, dh)
    P, S, I = T(heads, s, dh), T(heads, s, s), f"tensor<1x{s}x{s}xi32>"
    mlir = [f"func.func @main(%q: {P}, %k: {P}, %v: {P}) -> {P} {{",
            f"  %scale = tg.constant dense<{dh ** -0.5:.9e}> : tensor<f32>",
            "  %ninf = tg.constant dense<0xFF800000> : tensor<f32>",
            f"  %i = tg.iota dimension = 1 : {I}",
            f"  %j = tg.iota dimension = 2 : {I}",
            f"  %vis = tg.compare le, %j, %i : {I}, {I} -> tensor<1x{s}x{s}xi1>",
            f"  %s0 = tg.matmul %q, %k transpose_b : {P}, {P} -> {S}",
            f"  %s1 = tg.mul %s0, %scale : {S}, tensor<f32> -> {S}",
            f"  %s2 = tg.select %vis, %s1, %ninf : tensor<1x{s}x{s}xi1>, {S}, "
            f"tensor<f32> -> {S}",
            f"  %p = tg.softmax %s2 axis = 2 : {S}",
            f"  %o = tg.matmul %p, %v : {S}, {P} -> {P}",
            f"  return %o : {P}", "}"]

    def reference(q, k, v):
        return torch.nn.functional.scaled_dot_product_attention(
            q, k, v, is_causal=True)
    return Workload(
        f"causal attention {heads}x{s}x{dh}", "\n".join(mlir) + "\n",
        [q, k, v], reference, flops=2 * heads * s * s * dh)


def softmax(rng, n=4096):
    import numpy as np
    import torch
    from onnx import helper
    x = rng.standard_normal((n, n)).astype(np.float32)
    mlir = (f"func.func @main(%x: {T(n, n)}) -> {T(n, n)} {{\n"
            f"  %0 = tg.softmax %x axis = 1 : {T(n, n)}\n"
            f"  return %0 : {T(n, n)}\n}}\n")

    def numpy_fn(x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return Workload(
        f"softmax {n}^2", mlir, [x], lambda x: torch.softmax(x, dim=1),
        bytes_moved=2 * x.nbytes, numpy_fn=numpy_fn,
        onnx=onnx_model([helper.make_node("Softmax", ["x"], ["out"], axis=1)],
                        [("x", x)], (n, n)))


def layer_norm(rng, m=8192, n=1024):
    import numpy as np
    import torch
    from onnx import helper
    x = rng.standard_normal((m, n)).astype(np.float32)
    g = rng.standard_normal(n).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    mlir = (f"func.func @main(%x: {T(m, n)}, %g: {T(n)}, %b: {T(n)}) -> {T(m, n)} {{\n"
            f"  %0 = tg.layer_norm %x weight %g bias %b axis = 1 epsilon = 1.0e-05"
            f" : {T(m, n)}, {T(n)}, {T(n)}\n"
            f"  return %0 : {T(m, n)}\n}}\n")

    def numpy_fn(x, g, b):
        mean = x.mean(axis=1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
        return (x - mean) / np.sqrt(var + np.float32(1e-5)) * g + b
    return Workload(
        f"layer_norm {m}x{n}", mlir, [x, g, b],
        lambda x, g, b: torch.nn.functional.layer_norm(x, (n,), g, b, 1e-5),
        bytes_moved=2 * x.nbytes, numpy_fn=numpy_fn,
        onnx=onnx_model([helper.make_node("LayerNormalization", ["x", "g", "b"],
                                          ["out"], axis=-1, epsilon=1e-5)],
                        [("x", x)], (m, n), [("g", g), ("b", b)]))


def elementwise(rng, n=1 << 24):
    """Five ops on one tensor: memory-bound, judged against copy bandwidth."""
    import numpy as np
    import torch
    from onnx import helper
    x = rng.standard_normal(n).astype(np.float32)
    c = {"two": 2.0, "one": 1.0, "zero": 0.0, "three": 3.0, "half": 0.5}
    lines = [f"  %{k} = tg.constant dense<{v}> : tensor<f32>" for k, v in c.items()]
    ops = [("mul", "two"), ("add", "one"), ("max", "zero"), ("mul", "three"),
           ("sub", "half")]
    prev = "%x"
    for i, (op, k) in enumerate(ops):
        lines.append(f"  %{i} = tg.{op} {prev}, %{k} : {T(n)}, tensor<f32> -> {T(n)}")
        prev = f"%{i}"
    mlir = (f"func.func @main(%x: {T(n)}) -> {T(n)} {{\n" + "\n".join(lines) +
            f"\n  return {prev} : {T(n)}\n}}\n")

    def fn(x):
        return (((x * 2 + 1).clip(min=0) if hasattr(x, "clip")
                 else np.maximum(x * 2 + 1, 0)) * 3 - 0.5)
    nodes = [helper.make_node("Mul", ["x", "two"], ["t0"]),
             helper.make_node("Add", ["t0", "one"], ["t1"]),
             helper.make_node("Max", ["t1", "zero"], ["t2"]),
             helper.make_node("Mul", ["t2", "three"], ["t3"]),
             helper.make_node("Sub", ["t3", "half"], ["out"])]
    inits = [(k, np.array(v, np.float32)) for k, v in c.items()]
    return Workload(
        "elementwise 5 ops 16M", mlir, [x],
        lambda x: torch.clamp(x * 2 + 1, min=0) * 3 - 0.5,
        bytes_moved=2 * x.nbytes,
        numpy_fn=lambda x: np.maximum(x * 2 + 1, 0) * 3 - 0.5,
        onnx=onnx_model(nodes, [("x", x)], (n,), inits))


def bert_layer(rng, batch=2, seq=128, d=384, heads=12, inner=1536):
    """A MiniLM-shaped (all-MiniLM-L6-v2) encoder layer: attention with
    residual and layer_norm, gelu FFN with residual and layer_norm."""
    import numpy as np
    import torch
    from onnx import helper, numpy_helper
    dh, t = d // heads, batch * seq
    f = lambda *sh, scale=1.0: (rng.standard_normal(sh) * scale).astype(np.float32)
    x = f(t, d)
    w = {n: f(d, d, scale=d ** -0.5) for n in ("q", "k", "v", "o")}
    w1, w2 = f(d, inner, scale=d ** -0.5), f(inner, d, scale=inner ** -0.5)
    b = {n: f(k, scale=0.1) for n, k in (("q", d), ("k", d), ("v", d), ("o", d),
                                         ("1", inner), ("2", d))}
    g1, be1, g2, be2 = f(d), f(d, scale=0.1), f(d), f(d, scale=0.1)
    scale = 1.0 / math.sqrt(dh)
    H, P = T(batch, seq, heads, dh), T(batch, heads, seq, dh)
    S = T(batch, heads, seq, seq)
    args = [f"%x: {T(t, d)}"] + [f"%w{n}: {T(d, d)}" for n in "qkvo"] + \
        [f"%w1: {T(d, inner)}", f"%w2: {T(inner, d)}"] + \
        [f"%b{n}: {T(d)}" for n in "qkvo"] + [f"%b1: {T(inner)}", f"%b2: {T(d)}"] + \
        [f"%g1: {T(d)}", f"%be1: {T(d)}", f"%g2: {T(d)}", f"%be2: {T(d)}"]
    m = [f"func.func @main({', '.join(args)}) -> {T(t, d)} {{",
         f"  %scale = tg.constant dense<{scale:.9e}> : tensor<f32>"]
    for n in "qkv":
        m += [f"  %{n}0 = tg.matmul %x, %w{n} : {T(t, d)}, {T(d, d)} -> {T(t, d)}",
              f"  %{n}1 = tg.add %{n}0, %b{n} : {T(t, d)}, {T(d)} -> {T(t, d)}",
              f"  %{n}2 = tg.reshape %{n}1 : {T(t, d)} -> {H}",
              f"  %{n} = tg.transpose %{n}2 permutation = [0, 2, 1, 3] : {H} -> {P}"]
    m += [f"  %s0 = tg.matmul %q, %k transpose_b : {P}, {P} -> {S}",
          f"  %s1 = tg.mul %s0, %scale : {S}, tensor<f32> -> {S}",
          f"  %p = tg.softmax %s1 axis = 3 : {S}",
          f"  %c0 = tg.matmul %p, %v : {S}, {P} -> {P}",
          f"  %c1 = tg.transpose %c0 permutation = [0, 2, 1, 3] : {P} -> {H}",
          f"  %c = tg.reshape %c1 : {H} -> {T(t, d)}",
          f"  %a0 = tg.matmul %c, %wo : {T(t, d)}, {T(d, d)} -> {T(t, d)}",
          f"  %a1 = tg.add %a0, %bo : {T(t, d)}, {T(d)} -> {T(t, d)}",
          f"  %a2 = tg.add %a1, %x : {T(t, d)}, {T(t, d)} -> {T(t, d)}",
          f"  %a = tg.layer_norm %a2 weight %g1 bias %be1 axis = 1 epsilon = 1.0e-12"
          f" : {T(t, d)}, {T(d)}, {T(d)}",
          f"  %f0 = tg.matmul %a, %w1 : {T(t, d)}, {T(d, inner)} -> {T(t, inner)}",
          f"  %f1 = tg.add %f0, %b1 : {T(t, inner)}, {T(inner)} -> {T(t, inner)}",
          f"  %f2 = tg.gelu %f1 : {T(t, inner)}",
          f"  %f3 = tg.matmul %f2, %w2 : {T(t, inner)}, {T(inner, d)} -> {T(t, d)}",
          f"  %f4 = tg.add %f3, %b2 : {T(t, d)}, {T(d)} -> {T(t, d)}",
          f"  %f5 = tg.add %f4, %a : {T(t, d)}, {T(t, d)} -> {T(t, d)}",
          f"  %y = tg.layer_norm %f5 weight %g2 bias %be2 axis = 1 epsilon = 1.0e-12"
          f" : {T(t, d)}, {T(d)}, {T(d)}",
          f"  return %y : {T(t, d)}", "}"]
    inputs = [x, w["q"], w["k"], w["v"], w["o"], w1, w2, b["q"], b["k"],
              b["v"], b["o"], b["1"], b["2"], g1, be1, g2, be2]
    F = torch.nn.functional

    def reference(x, wq, wk, wv, wo, w1, w2, bq, bk, bv, bo, b1, b2, g1, be1,
                  g2, be2):
        def heads_of(wt, bt):
            return (x @ wt + bt).reshape(batch, seq, heads, dh).transpose(1, 2)
        q, k, v = heads_of(wq, bq), heads_of(wk, bk), heads_of(wv, bv)
        p = torch.softmax(q @ k.transpose(-1, -2) * scale, dim=-1)
        c = (p @ v).transpose(1, 2).reshape(t, d)
        a = F.layer_norm(c @ wo + bo + x, (d,), g1, be1, 1e-12)
        return F.layer_norm(F.gelu(a @ w1 + b1) @ w2 + b2 + a, (d,), g2, be2,
                            1e-12)
    hs = numpy_helper.from_array(np.array([batch, seq, heads, dh], np.int64), "hs")
    ds = numpy_helper.from_array(np.array([t, d], np.int64), "ds")
    nodes = []
    for n in "qkv":
        nodes += [helper.make_node("MatMul", ["x", f"w{n}"], [f"{n}0"]),
                  helper.make_node("Add", [f"{n}0", f"b{n}"], [f"{n}1"]),
                  helper.make_node("Reshape", [f"{n}1", "hs"], [f"{n}2"]),
                  helper.make_node("Transpose", [f"{n}2"], [n], perm=[0, 2, 1, 3])]
    nodes += [
        helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["q", "kt"], ["s0"]),
        helper.make_node("Mul", ["s0", "sc"], ["s1"]),
        helper.make_node("Softmax", ["s1"], ["p"], axis=-1),
        helper.make_node("MatMul", ["p", "v"], ["c0"]),
        helper.make_node("Transpose", ["c0"], ["c1"], perm=[0, 2, 1, 3]),
        helper.make_node("Reshape", ["c1", "ds"], ["c"]),
        helper.make_node("MatMul", ["c", "wo"], ["a0"]),
        helper.make_node("Add", ["a0", "bo"], ["a1"]),
        helper.make_node("Add", ["a1", "x"], ["a2"]),
        helper.make_node("LayerNormalization", ["a2", "g1", "be1"], ["a"],
                         axis=-1, epsilon=1e-12),
        helper.make_node("MatMul", ["a", "w1"], ["f0"]),
        helper.make_node("Add", ["f0", "b1"], ["f1"]),
        helper.make_node("Gelu", ["f1"], ["f2"], domain="com.microsoft"),
        helper.make_node("MatMul", ["f2", "w2"], ["f3"]),
        helper.make_node("Add", ["f3", "b2"], ["f4"]),
        helper.make_node("Add", ["f4", "a"], ["f5"]),
        helper.make_node("LayerNormalization", ["f5", "g2", "be2"], ["out"],
                         axis=-1, epsilon=1e-12)]
    inits = [(f"w{n}", w[n]) for n in "qkvo"] + [("w1", w1), ("w2", w2)] + \
        [(f"b{n}", b[n]) for n in "qkvo12"] + \
        [("g1", g1), ("be1", be1), ("g2", g2), ("be2", be2),
         ("sc", np.array(scale, np.float32))]
    model, names = onnx_model(nodes, [("x", x)], (t, d), inits, microsoft=True)
    model.graph.initializer.extend([hs, ds])
    flops = 2 * t * d * d * 4 + 4 * t * seq * d + 4 * t * d * inner
    return Workload(f"BERT layer (MiniLM) {batch}x{seq}", "\n".join(m) + "\n",
                    inputs, reference, flops=flops, onnx=(model, names),
                    tolerance=2e-3)


def example(name, rng):
    """examples/<name>.mlir, its weights read back from the file."""
    import numpy as np
    import torch
    sys.path.insert(0, str(ROOT / "scripts"))
    import reference  # the examples' weights
    src = ROOT / "examples" / f"{name}.mlir"
    r = {k: torch.from_numpy(np.asarray(v, np.float32))
         for k, v in reference.resources(str(src)).items()}
    F = torch.nn.functional
    shapes = {"mlp": (4, 32), "softmax": (8, 1000), "layernorm": (16, 256),
              "attention": (16, 32)}
    x = rng.standard_normal(shapes[name]).astype(np.float32)
    if name == "mlp":
        def fn(x):
            h = F.gelu(x @ r["mlp_w1"].reshape(32, 64) + r["mlp_b1"])
            return h @ r["mlp_w2"].reshape(64, 10) + r["mlp_b2"]
    elif name == "softmax":
        def fn(x):
            return torch.softmax(x, dim=1)
    elif name == "layernorm":
        def fn(x):
            return F.layer_norm(x, (256,), r["ln_gamma"], r["ln_beta"], 1e-5)
    else:
        w = {k: r[f"attn_w{k}"].reshape(32, 32) for k in "qkvo"}

        def fn(x):
            q, k, v = x @ w["q"], x @ w["k"], x @ w["v"]
            p = torch.softmax(q @ k.T / math.sqrt(32), dim=1)
            return p @ v @ w["o"]
    return Workload(f"example {name}", src.read_text(), [x], fn,
                    tolerance=1e-4)


#===------------------------------------------------------------------------===#
# The machine's limits
#===------------------------------------------------------------------------===#

PEAK_C = r"""
#include <omp.h>
#include <stdio.h>
typedef float v __attribute__((vector_size(64)));
/* Twelve independent accumulators in registers: more chains than FMA latency
   times FMA pipes on any current x86 core. */
#define EACH(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define DECLARE(i) v a##i = b * (float)(i + 1);
#define STEP(i) a##i = a##i * b + c;
#define SUM(i) s += a##i[0];
int main(void) {
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    long iters = 20000000;
    double t0 = omp_get_wtime();
#pragma omp parallel num_threads(2)
    {
      v b = {0}, c = {0};
      b += 1.0000001f;
      c += 0.9999999f;
      EACH(DECLARE)
      for (long it = 0; it < iters; ++it) {
        EACH(STEP)
        __asm__ volatile("" ::: "memory");
      }
      float s = 0;
      EACH(SUM)
      if (s == 42) printf("!");
    }
    double flops = 2.0 * 16 * 12 * iters * 2 / (omp_get_wtime() - t0);
    if (flops > best) best = flops;
  }
  printf("%.1f\n", best / 1e9);
  return 0;
}
"""


def fma_peak_gflops(tmp):
    """Two threads of independent 512-bit (or as wide as the CPU has) FMAs."""
    for cc in ("cc", "gcc", "clang"):
        source = tmp / "peak.c"
        source.write_text(PEAK_C)
        binary = tmp / "peak"
        built = subprocess.run([cc, "-O3", "-march=native", "-ffp-contract=fast",
                                "-fopenmp", source, "-o", binary],
                               capture_output=True)
        if built.returncode == 0:
            out = subprocess.run([binary], capture_output=True, text=True)
            return float(out.stdout.strip())
    return None


def copy_bandwidth_gbs():
    """The faster of NumPy's (memcpy) and PyTorch's (threaded) copy of 256
    MiB, counting bytes read plus bytes written."""
    import numpy as np
    import torch
    a = np.ones(1 << 26, np.float32)
    b = np.empty_like(a)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    best = math.inf
    for copy in (lambda: np.copyto(b, a), lambda: tb.copy_(ta)):
        copy()
        for _ in range(5):
            t0 = time.perf_counter()
            copy()
            best = min(best, time.perf_counter() - t0)
    return 2 * a.nbytes / best / 1e9


#===------------------------------------------------------------------------===#
# Running
#===------------------------------------------------------------------------===#

def systems_for(workload, runtime, bundle):
    """name -> (callable, result getter) for every system that has the
    workload."""
    import numpy as np
    import onnxruntime as ort
    import torch
    systems = {}
    out = np.empty(np.asarray(workload.reference(
        *[torch.from_numpy(a) for a in workload.inputs])).shape, np.float32)
    systems["tgc"] = (runtime.main(bundle, workload.inputs, [out]), lambda: out)
    if workload.numpy_fn:
        holder = {}

        def numpy_call():
            holder["r"] = workload.numpy_fn(*workload.inputs)
        systems["numpy"] = (numpy_call, lambda: holder["r"])
    tensors = [torch.from_numpy(a) for a in workload.inputs]
    holder_t = {}

    def torch_call():
        with torch.inference_mode():
            holder_t["r"] = workload.reference(*tensors)
    systems["torch"] = (torch_call, lambda: holder_t["r"].numpy())
    if workload.onnx:
        model, names = workload.onnx
        options = ort.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(model.SerializeToString(), options,
                                       providers=["CPUExecutionProvider"])
        feed = {n: workload.inputs[i] for i, n in enumerate(names)}
        holder_o = {}

        def ort_call():
            holder_o["r"] = session.run(None, feed)[0]
        systems["onnxruntime"] = (ort_call, lambda: holder_o["r"])
    return systems


def run(workload, runtime, bundle, rounds):
    import numpy as np
    systems = systems_for(workload, runtime, bundle)
    times = {name: [] for name in systems}
    for call, _ in systems.values():
        call()  # warm-up, and the results to check
    expected = np.asarray(systems["torch"][1]())
    errors = {}
    for name, (_, result) in systems.items():
        got = np.asarray(result())
        scale = max(1.0, float(np.abs(expected).max()))
        errors[name] = float(np.abs(got - expected).max()) / scale
    for _ in range(rounds):
        for name, (call, _) in systems.items():
            # Each library's worker threads spin for a while after a call;
            # a pause lets the previous system's threads go to sleep, and an
            # untimed call wakes this system's threads and caches.
            time.sleep(0.05)
            call()
            t0 = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - t0)
    return {n: statistics.median(t) * 1e3 for n, t in times.items()}, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=pathlib.Path, default=ROOT / "build")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--only", nargs="*", default=[],
                        help="run workloads whose name contains one of these")
    args = parser.parse_args()
    build = args.build.resolve()
    ensure_peers(build)
    os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(THREADS))
    os.environ.setdefault("TGC_HOST_THREADS", str(THREADS))
    import numpy as np
    import onnxruntime
    import torch
    torch.set_num_threads(THREADS)
    rng = np.random.default_rng(0)
    makers = [lambda: sgemm(rng, 1024), lambda: sgemm(rng, 2048),
              lambda: mlp(rng, False), lambda: mlp(rng, True),
              lambda: attention(rng), lambda: causal_attention(rng),
              lambda: softmax(rng),
              lambda: layer_norm(rng), lambda: elementwise(rng),
              lambda: bert_layer(rng)] + \
        [lambda n=n: example(n, rng) for n in ("mlp", "softmax", "layernorm",
                                               "attention")]
    runtime = Runtime(build)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        peak = fma_peak_gflops(tmp)
        bandwidth = copy_bandwidth_gbs()
        print(f"tgc host code vs peers, {THREADS} threads, median of "
              f"{args.rounds} interleaved rounds; {time.strftime('%Y-%m-%d')}")
        print(f"numpy {np.__version__}, torch {torch.__version__}, "
              f"onnxruntime {onnxruntime.__version__}")
        print(f"machine: f32 FMA peak "
              f"{f'{peak:.0f} GFLOP/s' if peak else 'not measured (no C compiler)'}"
              f", copy bandwidth {bandwidth:.1f} GB/s (read + write)\n")
        header = (f"{'workload':<36}{'tgc ms':>9}{'numpy':>9}{'torch':>9}"
                  f"{'ORT':>9}  {'best peer':>18}  limit")
        print(header)
        print("-" * len(header))
        for make in makers:
            workload = make()
            if args.only and not any(o in workload.name for o in args.only):
                continue
            source = tmp / "model.mlir"
            source.write_text(workload.mlir)
            bundle = tmp / "model.bin"
            subprocess.run([build / "bin" / "tgc", source, "--targets=host",
                            "-o", bundle], check=True)
            ms, errors = run(workload, runtime, bundle, args.rounds)
            peers = {n: t for n, t in ms.items() if n != "tgc"}
            best = min(peers, key=peers.get)
            cells = "".join(f"{ms[n]:>9.3f}" if n in ms else f"{'-':>9}"
                            for n in ("tgc", "numpy", "torch", "onnxruntime"))
            ratio = peers[best] / ms["tgc"]
            limit = ""
            if workload.flops and peak:
                limit = f"{workload.flops / ms['tgc'] / 1e6 / peak:.0%} of FMA peak"
            elif workload.bytes:
                limit = (f"{workload.bytes / ms['tgc'] / 1e6 / bandwidth:.0%} of "
                         "copy bandwidth")
            bad = [n for n, e in errors.items() if e > workload.tolerance]
            note = f"  MISMATCH {bad}" if bad else ""
            print(f"{workload.name:<36}{cells}  {ratio:>5.2f}x {best:<12}"
                  f"{limit}{note}", flush=True)
        print("\nratio: best peer's time / tgc's time (above 1: tgc is faster);"
              " errors are checked against PyTorch's result.")


if __name__ == "__main__":
    main()

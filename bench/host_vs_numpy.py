#!/usr/bin/env python3
"""The host backend against NumPy on the examples, and the dispatch overhead.

    bench/host_vs_numpy.py [BUILD_DIR]

For each example: median latency of `tg-run --device=host --benchmark` and of
the same computation in NumPy (float32, same process for NumPy), and their
ratio (>1: tgc is faster). Then the host dispatch overhead: the latency of a
one-kernel model on four elements, where the work is negligible.
"""
import math
import pathlib
import re
import subprocess
import sys
import tempfile
import timeit

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build")
sys.path.insert(0, str(ROOT / "scripts"))
import reference  # noqa: E402  (weights from the example files)

CALLS = 200


def numpy_model(name, r):
    f = lambda a: a.astype(np.float32)
    erf = np.vectorize(math.erf, otypes=[np.float32])
    if name == "mlp":
        w1, b1 = f(r["mlp_w1"].reshape(32, 64)), f(r["mlp_b1"])
        w2, b2 = f(r["mlp_w2"].reshape(64, 10)), f(r["mlp_b2"])
        def run(x):
            h = x @ w1 + b1
            h = 0.5 * h * (1 + erf(h / np.float32(math.sqrt(2))))
            return h @ w2 + b2
        return run
    if name == "softmax":
        def run(x):
            e = np.exp(x - x.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        return run
    if name == "layernorm":
        g, b = f(r["ln_gamma"]), f(r["ln_beta"])
        def run(x):
            m = x.mean(axis=1, keepdims=True)
            v = ((x - m) ** 2).mean(axis=1, keepdims=True)
            return (x - m) / np.sqrt(v + np.float32(1e-5)) * g + b
        return run
    if name == "attention":
        w = {k: f(r[f"attn_w{k}"].reshape(32, 32)) for k in "qkvo"}
        def run(x):
            q, k, v = x @ w["q"], x @ w["k"], x @ w["v"]
            s = q @ k.T * np.float32(1 / math.sqrt(32))
            e = np.exp(s - s.max(axis=1, keepdims=True))
            return (e / e.sum(axis=1, keepdims=True)) @ v @ w["o"]
        return run
    raise SystemExit(name)


def tg_run_median_ms(bundle, inputs):
    args = [BUILD / "bin" / "tg-run", bundle, "--device=host", f"--benchmark={CALLS}",
            "--print-max-elements=1"] + [f"--input=@{i}" for i in inputs]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return float(re.search(r"latency: min [\d.]+ ms, median ([\d.]+) ms", out).group(1))


def main():
    tgc = BUILD / "bin" / "tgc"
    print(f"host backend vs NumPy {np.__version__} (median of {CALLS} calls)")
    print(f"{'model':<11}{'tgc ms':>10}{'numpy ms':>10}{'ratio':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        shapes = {"mlp": (4, 32), "softmax": (8, 1000), "layernorm": (16, 256),
                  "attention": (16, 32)}
        for name, shape in shapes.items():
            src = ROOT / "examples" / f"{name}.mlir"
            bundle = tmp / f"{name}.bin"
            subprocess.run([tgc, src, "--targets=host", "-o", bundle], check=True)
            x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
            np.save(tmp / "x.npy", x)
            ours = tg_run_median_ms(bundle, [tmp / "x.npy"])
            fn = numpy_model(name, reference.resources(str(src)))
            t = timeit.Timer(lambda: fn(x))
            theirs = min(t.repeat(5, 50)) / 50 * 1e3
            print(f"{name:<11}{ours:>10.4f}{theirs:>10.4f}{theirs / ours:>8.2f}")

        tiny = tmp / "tiny.mlir"
        tiny.write_text("func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
                        "  %0 = tg.exp %x : tensor<4xf32>\n  return %0 : tensor<4xf32>\n}\n")
        subprocess.run([tgc, tiny, "--targets=host", "-o", tmp / "tiny.bin"], check=True)
        np.save(tmp / "t.npy", np.ones(4, np.float32))
        overhead = tg_run_median_ms(tmp / "tiny.bin", [tmp / "t.npy"])
        print(f"host dispatch overhead: {overhead * 1e3:.1f} us per call "
              "(one kernel on 4 elements, including input/output copies)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Compile time of tgc per target and in total.

    bench/compile_time.py [BUILD_DIR]

For each example and a generated model with about 150 kernels, prints the
wall time of `tgc` for each target alone and for the default target set
(host, sm_80, sm_90, gfx1100), the median of a few runs. Goal: the
examples in well under a second.
"""
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build")
TGC = BUILD / "bin" / "tgc"
TARGETS = ["host", "sm_80", "sm_90", "gfx1100"]
RUNS = 3


def generated_model(blocks=30):
    """blocks x (matmul, softmax, layer_norm): about three kernels each."""
    lines = ["// Generated: a deep stack of matmul, softmax and layer_norm.",
             "func.func @main(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {",
             "  %w = tg.constant dense<0.015625> : tensor<64x64xf32>"]
    v = "%x"
    for i in range(blocks):
        lines += [
            f"  %m{i} = tg.matmul {v}, %w : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>",
            f"  %s{i} = tg.softmax %m{i} axis = 1 : tensor<64x64xf32>",
            f"  %l{i} = tg.layer_norm %s{i} axis = 1 epsilon = 1.0e-05 : tensor<64x64xf32>",
        ]
        v = f"%l{i}"
    lines += [f"  return {v} : tensor<64x64xf32>", "}"]
    return "\n".join(lines) + "\n"


def timed(args):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def kernel_count(bundle):
    out = subprocess.run([TGC, "--inspect", bundle], check=True,
                         capture_output=True, text=True).stdout
    return next(int(l.split()[1]) for l in out.splitlines() if l.startswith("kernels:"))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        gen = pathlib.Path(tmp) / "generated.mlir"
        gen.write_text(generated_model())
        models = [ROOT / "examples" / f"{m}.mlir" for m in
                  ("mlp", "softmax", "layernorm", "attention")] + [gen]
        out = pathlib.Path(tmp) / "out.bin"
        header = f"{'model':<12}{'kernels':>8}" + "".join(f"{t:>10}" for t in TARGETS) + f"{'all':>10}"
        print(f"tgc compile time, seconds (median of {RUNS} runs)")
        print(header)
        for model in models:
            row = []
            for target in TARGETS:
                row.append(timed([TGC, model, f"--targets={target}", "-o", out]))
            total = timed([TGC, model, "-o", out])
            print(f"{model.stem:<12}{kernel_count(out):>8}" +
                  "".join(f"{t:>10.3f}" for t in row) + f"{total:>10.3f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""PyTorch timings of the bench/gpu models, for side-by-side comparison with
`tg-run --benchmark` on the same GPU (run by scripts/gpu-check.sh).

    torch_compare.py NAME INPUT.npy...   prints "NAME torch median_ms"
    torch_compare.py --check-gemm A.npy B.npy C.npy
        checks tgc's C = A @ B (f16 or bf16, or f32 computed on tf32 tensor
        cores, from tg-run --output) against torch's f32 product of the same
        inputs on the same GPU; exit 1 if any element is off by more than
        the tolerance below.

bf16 tensors are .npy files of dtype <u2 holding the raw bits (tg-run's
convention: NumPy has no bfloat16).
"""
import sys

import numpy as np
import torch


def load(path):
    array = np.load(path)
    if array.dtype == np.uint16:
        return torch.from_numpy(array.view(np.int16)).view(torch.bfloat16).cuda()
    return torch.from_numpy(array).cuda()


def check_gemm(a_path, b_path, c_path):
    """tgc's tensor-core GEMM against torch in f32 on the same inputs.

    Both accumulate exact products of f16/bf16 values in f32, so they differ
    by the summation order (|error| <= K * 2^-24 * sum |a||b|, tiny here) and
    by the final rounding of C to f16 / bf16: half an ulp, 2^-11 / 2^-8
    relative. The tolerance is four times that rounding plus an absolute term
    for results near zero; a wrong fragment layout gives errors of the order
    of the values themselves.
    """
    a, b = load(a_path), load(b_path)
    c = load(c_path)
    ref = a.float() @ b.float()
    if a.dtype == torch.float32:
        # tgc --allow-tf32: a and b rounded to tf32 (10-bit mantissa, round
        # to nearest: relative error <= u = 2^-11 each), so each product is
        # off by at most (2u + u^2)|a||b| and C by (2u + u^2) (|a| @ |b|),
        # plus f32 summation (K 2^-24 relative, 2^-12 at K = 4096). Twice
        # that bound; a wrong fragment layout is off by about sqrt(K) times
        # the typical product, far more than 2^-9 of the sum of |a||b|.
        bound = 2.0**-9 * (a.abs() @ b.abs())
        err = (c - ref).abs()
        bad = err > bound
        print(f"gemm {tuple(a.shape)}x{tuple(b.shape)} tf32: max |err| {err.max().item():.4g}"
              f" (max bound {bound.max().item():.3g}), {int(bad.sum().item())} elements out of tolerance")
        return 1 if bad.any().item() else 0
    rel = 2.0**-11 if a.dtype == torch.float16 else 2.0**-8
    scale = (a.float().abs() @ b.float().abs()).max().item()
    atol, rtol = 1e-4 * scale, 4 * rel
    err = (c.float() - ref).abs()
    bad = err > atol + rtol * ref.abs()
    print(f"gemm {tuple(a.shape)}x{tuple(b.shape)} {a.dtype}: max |err| {err.max().item():.4g}"
          f" (atol {atol:.3g}, rtol {rtol:.3g}), {int(bad.sum().item())} elements out of tolerance")
    return 1 if bad.any().item() else 0


def model(name, args):
    if name == "softmax_4096":
        return lambda: torch.softmax(args[0], dim=1)
    if name == "layernorm_8192x1024":
        return lambda: torch.nn.functional.layer_norm(args[0], (1024,), args[1], args[2], 1e-5)
    if name == "matmul_gelu_2048":
        return lambda: torch.nn.functional.gelu(args[0] @ args[1] + args[2])
    if name.startswith("gemm_"):
        return lambda: args[0] @ args[1]
    if name == "elementwise_16m":
        x, y = args
        return lambda: torch.sigmoid(torch.exp(x * y + x)) - y
    raise SystemExit(f"unknown model {name}")


def main():
    name = sys.argv[1]
    torch.backends.cuda.matmul.allow_tf32 = False  # compare like with like (f32 FMA)
    if name.startswith("gemm_f32"):
        # tgc --allow-tf32 against cuBLAS's tf32 GEMM.
        torch.backends.cuda.matmul.allow_tf32 = True
    if name == "--check-gemm":
        sys.exit(check_gemm(*sys.argv[2:5]))
    args = [load(p) for p in sys.argv[2:]]
    fn = model(name, args)
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(20):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    rate = ""
    if name.startswith("gemm_"):
        flops = 2 * args[0].shape[0] * args[0].shape[1] * args[1].shape[1]
        rate = f" ({flops / np.median(times) / 1e9:.1f} TFLOP/s)"
    print(f"{name} torch median {np.median(times):.3f} ms min {min(times):.3f} ms{rate}")


if __name__ == "__main__":
    main()

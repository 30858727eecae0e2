#!/usr/bin/env python3
"""PyTorch timings of the bench/gpu models, for side-by-side comparison with
`tg-run --benchmark` on the same GPU (run by scripts/gpu-check.sh).

    torch_compare.py NAME INPUT.npy...   prints "NAME torch median_ms"
"""
import sys

import numpy as np
import torch


def model(name, args):
    if name == "softmax_4096":
        return lambda: torch.softmax(args[0], dim=1)
    if name == "layernorm_8192x1024":
        return lambda: torch.nn.functional.layer_norm(args[0], (1024,), args[1], args[2], 1e-5)
    if name == "matmul_gelu_2048":
        return lambda: torch.nn.functional.gelu(args[0] @ args[1] + args[2])
    if name == "elementwise_16m":
        x, y = args
        return lambda: torch.sigmoid(torch.exp(x * y + x)) - y
    raise SystemExit(f"unknown model {name}")


def main():
    name = sys.argv[1]
    torch.backends.cuda.matmul.allow_tf32 = False  # compare like with like (f32 FMA)
    args = [torch.from_numpy(np.load(p)).cuda() for p in sys.argv[2:]]
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
    print(f"{name} torch median {np.median(times):.3f} ms min {min(times):.3f} ms")


if __name__ == "__main__":
    main()

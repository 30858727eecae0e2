#!/usr/bin/env python3
"""tgc next to PyTorch on the same GPU, for scripts/gpu-check.sh: each
subcommand runs tg-run (timings from its --benchmark profile), checks tgc's
output against torch, times torch the same way and prints the ratio.

    gpu_bench.py op NAME INPUT.npy...      softmax_4096, layernorm_8192x1024:
        numerics vs torch f32, kernel time vs torch's (CUDA events)
    gpu_bench.py transfers X.npy Y.npy     elementwise_16m's inputs: tg-run's
        link peak and achieved copy rates vs torch pinned and pageable copies
    gpu_bench.py attention NAME [--causal] attention_*.bin on q, k, v
        [4, 32, 4096, 128] f32 made here on the GPU: numerics vs
        scaled_dot_product_attention in f32, time vs SDPA f32 (and SDPA bf16
        on the flash backend, for reference only)

Exit status 1 when a numerics check fails or tg-run fails; timings are
reported, never judged. Run from the directory prepared by
scripts/prepare-gpu-check.sh (tg-run and the bundles are there).
"""
import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np
import torch

from torch_compare import load, model

TG_RUN = os.environ.get("TG_RUN", "./tg-run")


def run_tg(bundle, inputs, output, calls, timeout):
    """Runs tg-run once with --output and --benchmark; returns its stdout."""
    cmd = [TG_RUN, bundle, "--device=cuda:0", "--print-max-elements=1",
           f"--benchmark={calls}", f"--output=@{output}"]
    cmd += [f"--input=@{path}" for path in inputs]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"FAIL {bundle}: tg-run took more than {timeout} s")
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-4000:])
        raise SystemExit(f"FAIL {bundle}: tg-run exited with {proc.returncode}")
    return proc.stdout


def kernel_ms(tg_out):
    """The sum of the kernels' median times in tg-run's profile, in ms."""
    medians = re.findall(r"^kernel: step \d+ '[^']*': min [0-9.]+ ms, median ([0-9.]+) ms",
                         tg_out, re.M)
    if not medians:
        raise SystemExit("FAIL: no kernel timings in tg-run's output:\n" + tg_out[-2000:])
    return sum(float(m) for m in medians)


def benchmark_lines(tg_out):
    """tg-run's benchmark summary (latency, link, transfers, kernels)."""
    keep = ("benchmark:", "latency:", "link:", "host->device:", "device->host:",
            "transfers:", "kernel:")
    return [line for line in tg_out.splitlines() if line.startswith(keep)]


def cuda_time_ms(fn, calls=20, warmup=3):
    """Median and min over `calls` of fn's time between two CUDA events."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(calls):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return float(np.median(times)), min(times)


def compare(name, actual, expected, atol, rtol):
    """Prints the error figures; True if every element is within tolerance."""
    err = (actual.double() - expected.double()).abs()
    bound = atol + rtol * expected.double().abs()
    bad = int((err > bound).sum().item()) + int(torch.isnan(actual).sum().item())
    verdict = "PASS" if bad == 0 else "FAIL"
    print(f"{verdict} {name} numerics vs torch: max |err| {err.max().item():.3g}, "
          f"{bad} of {actual.numel()} elements beyond atol {atol:g} + rtol {rtol:g}")
    return bad == 0


def ratio_line(name, tgc_ms, torch_ms, what="torch"):
    print(f"{name}: tgc {tgc_ms:.4f} ms, {what} {torch_ms:.4f} ms, "
          f"tgc/{what.split()[0]} {tgc_ms / torch_ms:.2f}x")


def cmd_op(args):
    """softmax / layer_norm: tgc's output and kernel time against torch's."""
    bundle = args.bundle or f"{args.name}.bin"
    out = f"{bundle}.out.npy"
    tg_out = run_tg(bundle, args.inputs, out, calls=20, timeout=120)
    print("\n".join(benchmark_lines(tg_out)))
    tensors = [load(path) for path in args.inputs]
    fn = model(args.name, tensors)
    ok = compare(args.name, load(out), fn(), atol=1e-5, rtol=1e-4)
    torch_ms, _ = cuda_time_ms(fn)
    ratio_line(args.name, kernel_ms(tg_out), torch_ms)
    return 0 if ok else 1


def wall_gbps(copy, nbytes, calls=10):
    """Best rate of copy() + synchronize over `calls` after one warm-up."""
    copy()
    torch.cuda.synchronize()
    best = float("inf")
    for _ in range(calls):
        start = time.perf_counter()
        copy()
        torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return nbytes / best / 1e9


def cmd_transfers(args):
    """tg-run's link figures next to torch's pinned and pageable copies.

    tg-run runs elementwise_16m (two 64 MiB inputs, one 64 MiB output) and
    prints the link's peak (64 MiB copies through its pinned staging, best
    of 5) and each direction's rate per call; torch copies one of the same
    64 MiB tensors from pinned (tensor.pin_memory(), non_blocking=True, then
    a synchronize) and pageable memory.
    """
    tg_out = run_tg("elementwise_16m.bin", args.inputs, "xfer.out.npy", calls=20, timeout=120)
    lines = benchmark_lines(tg_out)
    print("\n".join(l for l in lines if not l.startswith("kernel:")))
    link = re.search(r"^link: \S+ host->device ([0-9.e+]+) GB/s, device->host ([0-9.e+]+) GB/s",
                     tg_out, re.M)
    achieved = {d: re.search(rf"^{d}: \d+ bytes, median [0-9.]+ ms per call, ([0-9.e+]+) GB/s",
                             tg_out, re.M) for d in ("host->device", "device->host")}

    x = np.load(args.inputs[0])
    nbytes, n = x.nbytes, x.size
    host = torch.from_numpy(x).reshape(-1)
    pinned = host.pin_memory()
    gpu = torch.empty(n, dtype=torch.float32, device="cuda")
    back_pinned = torch.empty(n, dtype=torch.float32).pin_memory()
    back_pageable = torch.empty(n, dtype=torch.float32)
    torch_rates = {
        ("host->device", "pinned"): wall_gbps(
            lambda: gpu.copy_(pinned, non_blocking=True), nbytes),
        ("host->device", "pageable"): wall_gbps(lambda: gpu.copy_(host), nbytes),
        ("device->host", "pinned"): wall_gbps(
            lambda: back_pinned.copy_(gpu, non_blocking=True), nbytes),
        ("device->host", "pageable"): wall_gbps(lambda: back_pageable.copy_(gpu), nbytes),
    }
    ok = True
    for d, index in (("host->device", 1), ("device->host", 2)):
        pinned_rate = torch_rates[(d, "pinned")]
        pageable_rate = torch_rates[(d, "pageable")]
        print(f"{d}: torch pinned {pinned_rate:.3g} GB/s, torch pageable "
              f"{pageable_rate:.3g} GB/s ({nbytes >> 20} MiB, best of 10)")
        if link:
            peak = float(link.group(index))
            print(f"{d}: tgc link peak {peak:.3g} GB/s = {peak / pinned_rate:.2f}x torch pinned, "
                  f"{peak / pageable_rate:.2f}x torch pageable")
        else:
            print(f"FAIL {d}: no link line in tg-run's output")
            ok = False
        if achieved[d]:
            rate = float(achieved[d].group(1))
            print(f"{d}: tgc per call {rate:.3g} GB/s = {rate / pinned_rate:.2f}x torch pinned, "
                  f"{rate / pageable_rate:.2f}x torch pageable")
        else:
            print(f"FAIL {d}: no achieved rate in tg-run's output")
            ok = False
    return 0 if ok else 1


def attention_inputs():
    """q, k, v [4, 32, 4096, 128] f32 made on the GPU (256 MiB each, too big
    to carry), saved for tg-run once; returns them on the GPU."""
    gen = torch.Generator(device="cuda").manual_seed(11)
    qkv = [torch.randn(4, 32, 4096, 128, device="cuda", generator=gen) for _ in range(3)]
    for name, t in zip("qkv", qkv):
        if not os.path.exists(f"attn.{name}.npy"):
            np.save(f"attn.{name}.npy", t.cpu().numpy())
    return qkv


def sdpa_backend(name):
    """A context that restricts SDPA to one backend ("MATH",
    "FLASH_ATTENTION"), on old and new PyTorch alike."""
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
        return sdpa_kernel(getattr(SDPBackend, name))
    except ImportError:  # before PyTorch 2.3
        return torch.backends.cuda.sdp_kernel(enable_math=name == "MATH",
                                              enable_flash=name == "FLASH_ATTENTION",
                                              enable_mem_efficient=False)


def cmd_attention(args):
    import torch.nn.functional as F

    bundle = f"{args.name}.bin"
    if not os.path.exists(bundle):
        print(f"FAIL {args.name}: {bundle} is missing (prepare-gpu-check.sh could not "
              "compile it with --gpu-fused-attention; see its output)")
        return 1
    q, k, v = attention_inputs()
    out = f"{args.name}.out.npy"
    tg_out = run_tg(bundle, ["attn.q.npy", "attn.k.npy", "attn.v.npy"], out,
                    calls=5, timeout=150)
    print("\n".join(benchmark_lines(tg_out)))
    tgc_ms = kernel_ms(tg_out)

    # Reference: the math backend in f32 without TF32, one batch at a time
    # (its 4096x4096 scores per head are 2 GiB per batch).
    actual = load(out)
    with sdpa_backend("MATH"):
        ref = torch.cat([F.scaled_dot_product_attention(q[b:b + 1], k[b:b + 1], v[b:b + 1],
                                                        is_causal=args.causal)
                         for b in range(q.shape[0])])
    ok = compare(args.name, actual, ref, atol=1e-4, rtol=1e-3)
    del ref, actual

    flops = 4 * q.shape[0] * q.shape[1] * q.shape[2] * q.shape[2] * q.shape[3]
    if args.causal:
        flops //= 2
    f32_ms, _ = cuda_time_ms(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=args.causal),
                             calls=10)
    tflops = lambda ms: flops / ms / 1e9
    print(f"{args.name}: tgc {tgc_ms:.3f} ms ({tflops(tgc_ms):.1f} TFLOP/s), "
          f"torch SDPA f32 (default backend) {f32_ms:.3f} ms ({tflops(f32_ms):.1f} TFLOP/s), "
          f"tgc/torch {tgc_ms / f32_ms:.2f}x")
    qb, kb, vb = (t.to(torch.bfloat16) for t in (q, k, v))
    try:
        with sdpa_backend("FLASH_ATTENTION"):
            bf16_ms, _ = cuda_time_ms(
                lambda: F.scaled_dot_product_attention(qb, kb, vb, is_causal=args.causal), calls=10)
        print(f"{args.name}: reference only, other precision: torch SDPA bf16 flash backend "
              f"{bf16_ms:.3f} ms ({tflops(bf16_ms):.1f} TFLOP/s); tgc f32 / SDPA bf16 "
              f"{tgc_ms / bf16_ms:.2f}x")
    except RuntimeError as e:
        print(f"{args.name}: torch SDPA bf16 flash backend unavailable: {e}")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    op = sub.add_parser("op")
    op.add_argument("name")
    op.add_argument("inputs", nargs="+")
    op.add_argument("--bundle", help="the model compiled another way "
                    "(default NAME.bin)")
    xfer = sub.add_parser("transfers")
    xfer.add_argument("inputs", nargs=2)
    attn = sub.add_parser("attention")
    attn.add_argument("name")
    attn.add_argument("--causal", action="store_true")
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False  # compare like with like
    handler = {"op": cmd_op, "transfers": cmd_transfers, "attention": cmd_attention}
    sys.exit(handler[args.command](args))


if __name__ == "__main__":
    main()

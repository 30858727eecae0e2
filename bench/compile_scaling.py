#!/usr/bin/env python3
"""How tgc's compile time grows with the model: ops vs seconds.

    bench/compile_scaling.py [--build BUILD_DIR] [--ops 1000,2000,5000,10000]
                             [--targets host]

Generates models of N ops (blocks of matmul, softmax and layer_norm on
64x64 tensors, as bench/compile_time.py's generated model: about five
kernels per block), compiles each with `tgc --targets=... --mlir-timing`
and prints, per size, the wall time and the CPU time (user + system, of all
tgc's threads), the kernels formed, the wall time of each top-level stage,
and the CPU time's ratio to the smallest size: on a shared machine the
wall time follows the neighbours' load, the CPU time much less. Compile time
that grows linearly keeps `ratio / (ops ratio)` near 1.
"""
import argparse
import pathlib
import re
import resource
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from compile_time import generated_model  # noqa: E402

STAGES = ["tg", "linalg", "kernels", "lower", "backends (parallel)", "bundle"]


def stage_times(timing: str) -> dict:
    """Top-level rows of MLIR's timing report: '  1.23 ( 4.5%)  name'."""
    times = {}
    for line in timing.splitlines():
        m = re.match(r"^\s+([0-9.]+) \(\s*[0-9.]+%\)  (\S.*)$", line)
        if m:
            name = m.group(2)
            key = "lower" if name.startswith("lower ") else name
            times[key] = times.get(key, 0.0) + float(m.group(1))
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(ROOT / "build"))
    parser.add_argument("--ops", default="1000,2000,5000,10000")
    parser.add_argument("--targets", default="host")
    args = parser.parse_args()
    tgc = pathlib.Path(args.build) / "bin" / "tgc"
    sizes = [int(n) for n in args.ops.split(",")]

    print(f"tgc compile time vs model size, --targets={args.targets}")
    header = f"{'ops':>6} {'kernels':>8} {'wall s':>8} {'cpu s':>8} {'ratio':>6} {'per op':>7}  " + \
        "  ".join(f"{s.split()[0]:>8}" for s in STAGES)
    print(header)
    first = None
    with tempfile.TemporaryDirectory() as tmp:
        for ops in sizes:
            model = pathlib.Path(tmp) / f"m{ops}.mlir"
            model.write_text(generated_model(ops // 3))
            bundle = pathlib.Path(tmp) / f"m{ops}.bin"
            start = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            run = subprocess.run(
                [str(tgc), str(model), f"--targets={args.targets}",
                 "--mlir-timing", "-o", str(bundle)],
                capture_output=True, text=True)
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime +
                   after.ru_stime - before.ru_stime)
            if run.returncode != 0:
                sys.exit(f"tgc failed on {ops} ops:\n{run.stderr}")
            inspect = subprocess.run([str(tgc), "--inspect", str(bundle)],
                                     capture_output=True, text=True).stdout
            kernels = next((int(l.split()[1]) for l in inspect.splitlines()
                            if l.startswith("kernels:")), 0)
            times = stage_times(run.stderr)
            first = first or (ops, cpu)
            ratio = cpu / first[1]
            print(f"{ops:>6} {kernels:>8} {seconds:>8.1f} {cpu:>8.1f} "
                  f"{ratio:>6.2f} {1000 * cpu / ops:>5.1f}ms  " +
                  "  ".join(f"{times.get(s, 0.0):>8.2f}" for s in STAGES),
                  flush=True)
            if ops != first[0]:
                print(f"{'':>6} {ops / first[0]:g}x the ops: {ratio:.2f}x the "
                      f"CPU time ({ratio / (ops / first[0]):.2f} of linear)",
                      flush=True)


if __name__ == "__main__":
    main()

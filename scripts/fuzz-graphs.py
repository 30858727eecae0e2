#!/usr/bin/env python3
"""Differential fuzzing of tgc against the reference evaluator.

    fuzz-graphs.py --seed 1 --count 2000 [-j 2] [--keep failures/]

Builds random valid tg graphs (test/fuzz/graphs.py; graph i has seed
SEED + i), compiles them in modules of --per-module functions for the host,
runs each with tg-run and compares every result with tg-eval's. The
tolerance of an element is the per-dtype one (test/e2e-ops/tgtest.py) plus
twice its sensitivity: how far the evaluator's result moves when every op
tgc computes inexactly is perturbed by a rounding-sized error (tg-eval
--sensitivity-runs). That separates wrong answers from ill-conditioned
ones (cancellation, comparisons of rounded values) without hiding either.

Compile failures, crashes, evaluator errors and mismatches are failures;
each is isolated to its graph, and with --keep written out as a standalone
module with its inputs and the commands that reproduce it. Exits 1 if
anything failed.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "fuzz"))
sys.path.insert(0, os.path.join(ROOT, "test", "e2e-ops"))
import graphs  # noqa: E402
from tgtest import TOLERANCE, Group  # noqa: E402

SENSITIVITY_RUNS = 6


def run(cmd, timeout=300):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=timeout)
        return p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        return -1, f"timed out after {timeout} s"
    except OSError as e:  # e.g. a tool being rebuilt under a long run
        return -1, f"cannot run {cmd[0]}: {e}"


def load(path, dtype):
    a = np.load(path)
    if dtype == "bf16":
        a = (a.astype(np.uint32) << np.uint32(16)).view(np.float32)
    return a.astype(np.float64)


def mismatch(actual, expected, sens, dtype):
    """A description of the worst mismatching element, or None."""
    atol, rtol = TOLERANCE[dtype]
    if actual.shape != expected.shape:
        return f"shape {actual.shape}, expected {expected.shape}"
    with np.errstate(invalid="ignore", over="ignore"):
        same = (actual == expected) | (np.isnan(actual) & np.isnan(expected))
        err = np.abs(actual - expected)
        tol = atol + rtol * np.abs(expected) + 2 * sens
        ok = same | (err <= tol) | ~np.isfinite(sens)
    if ok.all():
        return None
    bad = np.flatnonzero(~ok.reshape(-1))
    errs = np.where(np.isnan(err.reshape(-1)[bad]), np.inf,
                    err.reshape(-1)[bad])
    i = bad[int(np.argmax(errs))]
    idx = np.unravel_index(i, actual.shape) if actual.ndim else ()
    return (f"{len(bad)} of {actual.size} elements differ; at {list(idx)}: "
            f"got {actual.reshape(-1)[i]:.7g}, expected "
            f"{expected.reshape(-1)[i]:.7g} (tolerance "
            f"{tol.reshape(-1)[i]:.3g}, sensitivity "
            f"{sens.reshape(-1)[i]:.3g})")


class Fuzzer:
    def __init__(self, args):
        self.args = args

    def check(self, cases, work):
        """Compiles, evaluates and runs cases as one module; returns failures
        as (case name, kind, message)."""
        os.makedirs(work, exist_ok=True)
        mlir = os.path.join(work, "fuzz.mlir")
        with open(mlir, "w") as f:
            f.write(Group("fuzz", cases).module_text())
        io = os.path.join(work, "io")
        os.makedirs(io, exist_ok=True)
        for c in cases:
            for i, a in enumerate(c.inputs):
                np.save(os.path.join(io, f"{c.name}.in{i}.npy"), a)
        bundle = os.path.join(work, "fuzz.bin")
        rc, err = run([self.args.tgc, mlir, "--targets=host", "-o", bundle])
        if rc != 0:
            return self.isolate(cases, work, "tgc", err)
        rc, err = run([self.args.tg_eval, mlir, "--all", f"--io-dir={io}",
                       f"--sensitivity-runs={SENSITIVITY_RUNS}"])
        if rc != 0:
            return self.isolate(cases, work, "tg-eval", err)
        failures = []
        for c in cases:
            base = os.path.join(io, c.name)
            outs = [f"{base}.out{j}.npy" for j in range(len(c.results))]
            cmd = [self.args.tg_run, bundle, f"--function={c.name}",
                   "--device=host", "--print-max-elements=1"]
            cmd += [f"--input=@{base}.in{i}.npy" for i in range(len(c.inputs))]
            cmd += [f"--output=@{o}" for o in outs]
            rc, err = run(cmd)
            if rc != 0:
                failures.append((c.name, "tg-run",
                                 err.strip() or f"exit status {rc}"))
                continue
            for j, r in enumerate(c.results):
                problem = mismatch(load(outs[j], r.dtype),
                                   load(f"{base}.ref{j}.npy", r.dtype),
                                   np.load(f"{base}.sens{j}.npy").astype(
                                       np.float64), r.dtype)
                if problem:
                    failures.append((c.name, "mismatch",
                                     f"result {j} ({r.type}): {problem}"))
        return failures

    def isolate(self, cases, work, tool, err):
        """A whole-module failure: find the graphs that cause it."""
        if len(cases) == 1:
            return [(cases[0].name, tool, err.strip())]
        failures = []
        for c in cases:
            failures += self.check([c], os.path.join(work, c.name))
        if not failures:  # only together: report the module
            failures.append((cases[0].name, tool,
                             "fails only as a module: " + err.strip()))
        return failures

    def reduce(self, seed, kind, message, work):
        """Greedily shrinks graph `seed` while it fails the same way: keep one
        result, then cut ops off (their results become inputs)."""
        g = graphs.generator(seed, self.args.max_ops,
                             self.args.new_ops)
        signature = failure_signature(kind, message)
        tries = [0]

        def fails(case):
            tries[0] += 1
            fs = self.check([case], os.path.join(work, f"r{tries[0]}"))
            return any(failure_signature(k, m) == signature
                       for _, k, m in fs)

        best = g.case
        results = list(best.results)
        for r in results:
            c = graphs.subgraph(g, [r])
            if len(results) > 1 and fails(c):
                best, results = c, [r]
                break
        cut = []
        changed = True
        while changed:
            changed = False
            ops = [v for v in g.pool if v.ssa in g.ops and v not in results
                   and v not in cut and any(l == g.ops[v.ssa][0]
                                            for l in best.lines)]
            for v in ops:
                c = graphs.subgraph(g, results, cut + [v])
                if len(c.lines) < len(best.lines) and fails(c):
                    best, cut, changed = c, cut + [v], True
                    break
        return best

    def keep(self, seed, kind, message, work):
        """Writes a reduced, standalone reproducer of one failing graph."""
        case = self.reduce(seed, kind, message, work)
        out = os.path.join(self.args.keep, f"g{seed}")
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "graph.mlir"), "w") as f:
            f.write(f"// fuzz-graphs.py seed {seed} ({kind}), reduced from "
                    f"{len(graphs.graph(seed, self.args.max_ops, self.args.new_ops).lines)} to "
                    f"{len(case.lines)} ops:\n")
            for line in message.splitlines()[:6]:
                f.write(f"// {line}\n")
            f.write(Group("g", [case]).module_text())
        inputs = []
        for i, a in enumerate(case.inputs):
            np.save(os.path.join(out, f"in{i}.npy"), a)
            inputs.append(f"--input=@{out}/in{i}.npy")
        with open(os.path.join(out, "repro.sh"), "w") as f:
            f.write(f"tgc {out}/graph.mlir --targets=host -o {out}/g.bin\n")
            f.write(f"tg-run {out}/g.bin {' '.join(inputs)}\n")
            f.write(f"tg-eval {out}/graph.mlir {' '.join(inputs)}\n")
        return out


def failure_signature(kind, message):
    """What must stay the same while reducing: the tool and, for errors,
    the first message without its location and names."""
    import re
    first = next((l for l in message.splitlines() if "error" in l or
                  "Stack dump" in l or "#4 " in l), message.splitlines()[0]
                 if message else "")
    if kind == "mismatch":
        return kind
    first = re.sub(r"^\S*:\d+:\d+: ", "", first.strip())
    first = re.sub(r"%\w+|0x[0-9a-f]+|\d+", "N", first)
    return (kind, first)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--per-module", type=int, default=25)
    ap.add_argument("--max-ops", type=int, default=20)
    ap.add_argument("--new-ops", action="store_true",
                    help="also erf, floor, ceil, round, cumsum, argmax, "
                         "argmin, clamp and iota (other graphs per seed)")
    ap.add_argument("--work", default=None, help="scratch directory")
    ap.add_argument("--keep", default=None,
                    help="write reproducers of failures here")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--tgc", default="tgc")
    ap.add_argument("--tg-eval", default="tg-eval")
    ap.add_argument("--tg-run", default="tg-run")
    args = ap.parse_args()
    work = args.work or f"/tmp/fuzz-graphs-{os.getpid()}"
    if os.path.isdir(work):
        shutil.rmtree(work)
    fuzzer = Fuzzer(args)
    seeds = list(range(args.seed, args.seed + args.count))
    chunks = [seeds[i:i + args.per_module]
              for i in range(0, len(seeds), args.per_module)]
    start = time.time()
    failures = []
    def check_chunk(chunk):
        cases = [graphs.graph(s, args.max_ops, args.new_ops) for s in chunk]
        return fuzzer.check(cases, os.path.join(work, f"m{chunk[0]}"))

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for fs in pool.map(check_chunk, chunks):
            for name, kind, msg in fs:
                # Reported as they are found: long runs may be cut short.
                print(f"FAIL seed {name[1:]} ({kind}): " +
                      msg.replace("\n", "\n    "), flush=True)
                failures.append((int(name[1:]), kind, msg))
    ops = sum(len(graphs.graph(s, args.max_ops, args.new_ops).lines) for s in seeds)
    for seed, kind, message in sorted(failures):
        if args.keep:
            out = fuzzer.keep(seed, kind, message,
                              os.path.join(work, f"reduce{seed}"))
            print(f"    reduced reproducer: {out}/graph.mlir")
    print(f"fuzz-graphs: {args.count} graphs ({ops} ops), seeds "
          f"{args.seed}..{args.seed + args.count - 1}, "
          f"{len(failures)} failure(s), {time.time() - start:.1f} s")
    if not args.work and not failures:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs the end-to-end op suite: compile with tgc, evaluate with tg-eval,
run with tg-run on a device, compare (tolerances: tgtest.TOLERANCE).

    run-e2e.py --work DIR [--family F ...] [--device host]
    # on a GPU machine without LLVM, in two halves:
    run-e2e.py --work DIR --prepare-only --targets=host,sm_90 --combined
    run-e2e.py --work DIR --run-only --device=cuda:0 --tg-run=./tg-run
    # opt-in GPU kernels: --tgc-arg=--gpu-fused-attention

--combined puts each module's cases into one function, so a device run
costs one tg-run process (one driver start) per module instead of one per
case. Prints one line per failure (with the command that reproduces it) and
a summary; exits 1 if anything failed.
"""
import argparse
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tgtest  # noqa: E402

SRC_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", required=True, help="scratch directory")
    ap.add_argument("--family", action="append",
                    help="case family (default: all); repeatable")
    ap.add_argument("--device", default="host")
    ap.add_argument("--targets", default="host")
    ap.add_argument("--host-cpu", help="tgc --host-cpu for host code")
    ap.add_argument("--tgc-arg", action="append", default=[],
                    help="another tgc option (e.g. --gpu-fused-attention); "
                    "repeatable")
    ap.add_argument("--combined", action="store_true")
    ap.add_argument("--prepare-only", action="store_true")
    ap.add_argument("--run-only", action="store_true")
    ap.add_argument("--tgc", default="tgc")
    ap.add_argument("--tg-eval", default="tg-eval")
    ap.add_argument("--tg-run", default="tg-run")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    args = ap.parse_args()

    start = time.time()
    failures = []
    if not args.run_only:
        import cases  # needs numpy, which --run-only does not
        families = args.family or list(cases.FAMILIES) + ["examples"]
        if os.path.isdir(args.work):
            shutil.rmtree(args.work)
        groups = [g for f in families for g in cases.groups(f, SRC_ROOT)]
        failures += tgtest.prepare(groups, args.work, args.tgc, args.tg_eval,
                                   args.targets, args.combined, args.jobs,
                                   ([f"--host-cpu={args.host_cpu}"]
                                    if args.host_cpu else []) +
                                   args.tgc_arg)
        ncases = sum(len(g.cases) for g in groups)
        print(f"prepared {ncases} cases in {len(groups)} modules "
              f"({time.time() - start:.1f} s)")
    if not args.prepare_only:
        checked, run_failures = tgtest.run(args.work, args.tg_run,
                                           args.device, args.jobs)
        failures += run_failures
        print(f"checked {checked} results on {args.device} "
              f"({time.time() - start:.1f} s)")
    for f in failures:
        print("FAIL " + f)
    print(f"e2e-ops: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

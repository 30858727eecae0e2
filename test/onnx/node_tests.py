"""The ONNX backend node tests, through tgc and tg-run.

Generates the node tests in memory (onnx.backend.test.loader; the wheel no
longer ships the .pb files), keeps those whose ops tgc's importer claims
(`tgc --onnx-ops`), compiles each with `tgc model.onnx --targets=host`, runs
it with tg-run and compares every output with the test's expected one. A
test is

  passed       compiled, ran, and every output matched;
  unsupported  tgc refused the model with an import error that names what
               it does not support (an attribute, an element type, ...);
  failed       anything else: a wrong result, a crash, a compile error
               that is not an "unsupported" one.

Prints one line per op (passed / failed / unsupported), then the totals;
exits non-zero if any test failed. Needs onnx and numpy (the venv of
scripts/onnx-venv.sh).
"""
import argparse
import os
import re
import subprocess
import sys
import warnings
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import numpy as np

warnings.filterwarnings("ignore")

# Messages of import errors for things tgc does not support; any other
# error is a failure.
UNSUPPORTED = re.compile(
    r"not supported|does not compute with|is not supported by tgc|"
    r"tg tensors have no size-0|needs it at compile time|newer than tgc")

# tgc's tolerances for its element types (docs/testing.md); a test's own
# rtol/atol apply when they are looser.
TOLERANCE = {np.float32: (1e-5, 1e-4), np.float16: (1e-3, 2e-3)}


def snake(op):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", op).lower()


def claimed_ops(tgc):
    out = subprocess.run([tgc, "--onnx-ops"], capture_output=True, text=True,
                         check=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def op_of(test, ops):
    """The op a test exercises: its node's, or for expanded (function
    body) tests the claimed op its name starts with."""
    types = {n.op_type for n in test.model.graph.node}
    if len(types) == 1:
        return next(iter(types))
    name = test.name[len("test_"):]
    best = max((o for o in ops if name.startswith(snake(o))), key=len,
               default=None)
    return (best or "+".join(sorted(types))) + " (expanded)"


def storage(a):
    """An array as tg-run reads it: int64 narrowed (tg-run does that too,
    but a value beyond i32 is an unsupported input, not a failure)."""
    a = np.asarray(a)
    if a.dtype == np.int64 and a.size and (a.min() < -2**31 or
                                           a.max() >= 2**31):
        return None
    return a


def run_test(test, tools, work, index):
    import onnx
    d = os.path.join(work, f"{index:04d}-{test.name}")
    os.makedirs(d, exist_ok=True)
    model = os.path.join(d, "model.onnx")
    onnx.save(test.model, model)
    inputs, expected = test.data_sets[0]
    r = subprocess.run([os.path.join(tools, "tgc"), model, "--targets=host",
                        "-o", os.path.join(d, "model.bin")],
                       capture_output=True, text=True)
    if r.returncode:
        msg = (r.stderr.strip().splitlines() or ["(no message)"])[0]
        kind = "unsupported" if UNSUPPORTED.search(r.stderr) and \
            r.returncode == 1 else "failed"
        return kind, msg
    args = []
    for i, x in enumerate(inputs):
        x = storage(x)
        if x is None:
            return "unsupported", "an input does not fit in int32"
        p = os.path.join(d, f"in{i}.npy")
        np.save(p, x)
        args.append(f"--input=@{p}")
    outs = [os.path.join(d, f"out{i}.npy") for i in range(len(expected))]
    r = subprocess.run([os.path.join(tools, "tg-run"),
                        os.path.join(d, "model.bin"), "--device=host", *args,
                        *[f"--output=@{o}" for o in outs]],
                       capture_output=True, text=True)
    if r.returncode:
        return "failed", "tg-run: " + r.stderr.strip()[:300]
    for i, (o, want) in enumerate(zip(outs, expected)):
        got = np.load(o)
        want = np.asarray(want)
        if got.shape != want.shape:
            return "failed", f"output {i}: shape {got.shape}, " \
                             f"expected {want.shape}"
        if want.dtype == np.bool_ or np.issubdtype(want.dtype, np.integer):
            if not np.array_equal(got.astype(np.int64),
                                  want.astype(np.int64)):
                return "failed", f"output {i}: {got.ravel()[:8]} != " \
                                 f"{want.ravel()[:8]}"
            continue
        atol, rtol = TOLERANCE.get(want.dtype.type, (1e-5, 1e-4))
        atol, rtol = max(atol, test.atol), max(rtol, test.rtol)
        g, w = got.astype(np.float64), want.astype(np.float64)
        close = np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
        if not close.all():
            k = int(np.argmin(close.ravel()))
            return "failed", f"output {i}: element {k} is {g.ravel()[k]}, " \
                             f"expected {w.ravel()[k]}"
    return "passed", ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tools", required=True, help="directory of tgc, tg-run")
    ap.add_argument("--work", required=True)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--filter", default="", help="regex on test names")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print unsupported tests too, not only failures")
    a = ap.parse_args()
    from onnx.backend.test.loader import load_model_tests
    ops = claimed_ops(os.path.join(a.tools, "tgc"))
    tests = [t for t in load_model_tests(kind="node")
             if re.search(a.filter, t.name)
             and all(n.op_type in ops and n.domain in ("", "ai.onnx")
                     for n in t.model.graph.node)]
    os.makedirs(a.work, exist_ok=True)
    with ThreadPoolExecutor(a.jobs) as pool:
        results = list(pool.map(lambda it: run_test(it[1], a.tools, a.work,
                                                     it[0]),
                                 enumerate(tests)))
    counts = defaultdict(lambda: defaultdict(int))
    for test, (kind, msg) in zip(tests, results):
        counts[op_of(test, ops)][kind] += 1
        if kind == "failed" or (a.verbose and kind == "unsupported"):
            print(f"{kind.upper()}: {test.name}: {msg}")
    for op in sorted(counts):
        c = counts[op]
        print(f"{op}: {c['passed']} passed, {c['failed']} failed, "
              f"{c['unsupported']} unsupported")
    total = defaultdict(int)
    for c in counts.values():
        for k, v in c.items():
            total[k] += v
    print(f"node tests: {total['passed']} passed, {total['failed']} failed, "
          f"{total['unsupported']} unsupported ({len(counts)} ops)")
    sys.exit(1 if total["failed"] else 0)


if __name__ == "__main__":
    main()

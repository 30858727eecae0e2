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

tgc compiles static shapes, so shapes, axes, starts, repeats and the like
must be constants. Node tests often pass them as graph inputs; when tgc
says such an input is needed at compile time, the test is compiled again
with its integer and bool inputs made initializers holding the test's data
(as an exported model has them) and counts as passed only if that runs.

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


NUMPY = {1: np.float32, 10: np.float16, 6: np.int32, 7: np.int64,
         3: np.int8, 9: np.bool_}
BFLOAT16 = 16


def storage(a, elem_type):
    """An array as tg-run reads it: bf16 as its bits ('<u2'), int64 as is
    (tg-run narrows it; a value beyond i32 is an unsupported input, not a
    failure). None if tg-run cannot take it."""
    a = as_array(a)
    if a is None:
        return None  # sequences, optionals
    if elem_type == BFLOAT16:
        f = np.asarray(a.astype(np.float32), dtype=np.float32)
        bits = f.view(np.uint32).astype(np.uint64)
        r = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
        return np.where(np.isnan(f), 0x7FC0, r).astype("<u2")
    if elem_type not in NUMPY:
        return None
    try:
        a = a.astype(NUMPY[elem_type])
    except (TypeError, ValueError):
        return None
    if a.dtype == np.int64 and a.size and (a.min() < -2**31 or
                                           a.max() >= 2**31):
        return None
    return a


def as_array(x):
    """Test data as an array: numpy scalars and TensorProtos converted;
    None for sequences and optionals."""
    import onnx
    from onnx import numpy_helper
    if isinstance(x, onnx.TensorProto):
        return numpy_helper.to_array(x)
    if isinstance(x, (np.ndarray, np.generic)):
        return np.asarray(x)
    return None


def loaded(path, elem_type):
    """A tg-run output as float64 or int64 (bf16 bits decoded)."""
    a = np.load(path)
    if elem_type == BFLOAT16:
        return (a.astype(np.uint32) << 16).view(np.float32)
    return a


def freeze(model, inputs, everything):
    """The model with its integer and bool inputs (all with `everything`)
    made initializers."""
    import onnx
    from onnx import numpy_helper
    m = onnx.ModelProto()
    m.CopyFrom(model)
    kept, values = [], []
    for info, x in zip(m.graph.input, inputs):
        t = info.type.tensor_type.elem_type
        x = as_array(x)
        if x is not None and (t in (6, 7, 9, 3) or everything):
            m.graph.initializer.append(numpy_helper.from_array(x, info.name))
        else:
            kept.append(info)
            values.append(x)
    del m.graph.input[:]
    m.graph.input.extend(kept)
    return m, values


def compile_model(tools, model, d):
    import onnx
    path = os.path.join(d, "model.onnx")
    onnx.save(model, path)
    return subprocess.run([os.path.join(tools, "tgc"), path,
                           "--targets=host", "-o",
                           os.path.join(d, "model.bin")],
                          capture_output=True, text=True)


def run_test(test, tools, work, index):
    d = os.path.join(work, f"{index:04d}-{test.name}")
    os.makedirs(d, exist_ok=True)
    model = test.model
    inputs, expected = test.data_sets[0]
    r = compile_model(tools, model, d)
    if r.returncode == 1 and re.search(
            r"needs it at compile time|must be known at compile time|"
            r"graph input '[^']*' has shape \[([0-9]+,)*0[],]", r.stderr):
        everything = "must be known at compile time" in r.stderr
        model, inputs = freeze(model, inputs, everything)
        r = compile_model(tools, model, d)
    if r.returncode:
        msg = (r.stderr.strip().splitlines() or ["(no message)"])[0]
        kind = "unsupported" if UNSUPPORTED.search(r.stderr) and \
            r.returncode == 1 else "failed"
        return kind, msg
    args = []
    for i, (x, info) in enumerate(zip(inputs, model.graph.input)):
        x = storage(x, info.type.tensor_type.elem_type)
        if x is None:
            return "unsupported", f"input {i} does not fit a tg-run type"
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
        elem_type = model.graph.output[i].type.tensor_type.elem_type
        got = loaded(o, elem_type)
        want = as_array(want)
        if elem_type == BFLOAT16:
            want = want.astype(np.float32)
        if got.shape != want.shape:
            return "failed", f"output {i}: shape {got.shape}, " \
                             f"expected {want.shape}"
        if want.dtype == np.bool_ or np.issubdtype(want.dtype, np.integer):
            if not np.array_equal(got.astype(np.int64),
                                  want.astype(np.int64)):
                return "failed", f"output {i}: {got.ravel()[:8]} != " \
                                 f"{want.ravel()[:8]}"
            continue
        atol, rtol = (8e-3, 1.6e-2) if elem_type == BFLOAT16 else \
            TOLERANCE.get(want.dtype.type, (1e-5, 1e-4))
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

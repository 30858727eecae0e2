"""Shared machinery of the end-to-end op suite (test/e2e-ops) and the
differential graph fuzzer (test/fuzz, scripts/fuzz-graphs.py).

A Case is one tg function built op by op with its inputs; Groups of cases
become one module each. `prepare` compiles every module with tgc, writes the
inputs as .npy and has tg-eval (the reference evaluator) compute the
expected results; `run` calls each function with tg-run on a device and
compares with the per-dtype tolerances below. The two halves are separate so
that modules can be prepared on a machine with LLVM and run on a GPU machine
that only has a static tg-run (see docs/testing.md).
"""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

try:
    import numpy as np
except ImportError:  # enough for `run` (a GPU machine may lack numpy)
    np = None

FLOATS = ["f32", "f16", "bf16"]
INTS = ["i32", "i8"]
NUMERIC = FLOATS + INTS
ALL = NUMERIC + ["i1"]

# |actual - expected| <= atol + rtol * |expected|, per result element type.
# The evaluator rounds once from double; tgc computes f16/bf16 in f32 and
# rounds each op's result, uses polynomial exp/log/tanh/erf/sin/cos (a few
# f32 ulp), and reassociates sums. So: f32 a few ulp plus summation error,
# f16/bf16 two ulp of the type (2^-10 and 2^-7 relative), integers exact.
TOLERANCE = {
    "f32": (1e-5, 1e-4),
    "f16": (1e-3, 2e-3),
    "bf16": (8e-3, 1.6e-2),
    "i32": (0.0, 0.0),
    "i8": (0.0, 0.0),
    "i1": (0.0, 0.0),
}


def tensor_type(shape, dtype):
    return "tensor<" + "".join(f"{d}x" for d in shape) + dtype + ">"


def bf16_bits(values):
    """float64 values -> bf16 bit patterns (round to nearest even)."""
    f = np.asarray(values, dtype=np.float64).astype(np.float32)
    u = f.view(np.uint32).astype(np.uint64)
    one, shift = np.uint64(1), np.uint64(16)
    rounded = ((u + np.uint64(0x7FFF) + ((u >> shift) & one)) >> shift)
    rounded = rounded.astype(np.uint16)
    return np.where(np.isnan(f), np.uint16(0x7FC0), rounded).astype("<u2")


def storage(values, dtype):
    """The array tg-run and tg-eval read for a tensor of `dtype` (.npy)."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore"):  # out-of-range inputs are on purpose
        if dtype == "f32":
            return v.astype("<f4")
        if dtype == "f16":
            return v.astype("<f2")
    if dtype == "bf16":
        return bf16_bits(v)
    if dtype == "i1":
        return (v != 0).astype("|b1")
    info = np.iinfo(np.int32 if dtype == "i32" else np.int8)
    return np.clip(np.nan_to_num(v), info.min, info.max).astype(
        "<i4" if dtype == "i32" else "|i1")


class Val:
    def __init__(self, ssa, shape, dtype):
        self.ssa, self.shape, self.dtype = ssa, tuple(shape), dtype

    @property
    def type(self):
        return tensor_type(self.shape, self.dtype)

    def __str__(self):
        return self.ssa


class Case:
    """One function: arguments with their input values, ops, results.

    SSA names carry the case name, so the bodies of several cases can also
    be pasted into one function (Group.module_text(combined=True)).
    """

    def __init__(self, name, tolerance=None):
        self.name = name
        self.args, self.inputs, self.lines, self.results = [], [], [], []
        self.tolerance = tolerance  # (atol, rtol); default from result dtype
        self._count = 0

    def _ssa(self, kind):
        self._count += 1
        return f"%{self.name}_{kind}{self._count}"

    def arg(self, shape, dtype, values):
        v = Val(self._ssa("a"), shape, dtype)
        self.args.append(v)
        self.inputs.append(storage(np.broadcast_to(values, shape), dtype))
        return v

    def op(self, text, shape, dtype):
        v = Val(self._ssa("v"), shape, dtype)
        self.lines.append(f"  {v} = {text}")
        return v

    def ret(self, *vals):
        self.results.extend(vals)
        return self

    def tolerances(self):
        tols = [TOLERANCE[r.dtype] for r in self.results]
        if self.tolerance:
            tols = [self.tolerance for _ in self.results]
        return tols

    def function_text(self):
        args = ", ".join(f"{a}: {a.type}" for a in self.args)
        results = ", ".join(r.type for r in self.results)
        body = "\n".join(self.lines)
        ret = ", ".join(str(r) for r in self.results)
        return (f"func.func @{self.name}({args}) -> ({results}) {{\n{body}\n"
                f"  return {ret} : {results}\n}}\n")


class Group:
    """Cases compiled as one module."""

    def __init__(self, name, cases, resources=""):
        self.name, self.cases, self.resources = name, cases, resources

    def functions(self, combined):
        """(function name, cases it checks) for each function to run."""
        if combined:
            return [("all", self.cases)]
        return [(c.name, [c]) for c in self.cases]

    def module_text(self, combined=False):
        if not combined:
            text = "\n".join(c.function_text() for c in self.cases)
        else:
            args = ", ".join(f"{a}: {a.type}" for c in self.cases
                             for a in c.args)
            rs = [r for c in self.cases for r in c.results]
            types = ", ".join(r.type for r in rs)
            body = "\n".join(l for c in self.cases for l in c.lines)
            ret = ", ".join(str(r) for r in rs)
            text = (f"func.func @all({args}) -> ({types}) {{\n{body}\n"
                    f"  return {ret} : {types}\n}}\n")
        return text + self.resources


def _run(cmd, timeout=600):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def prepare(groups, work, tgc="tgc", tg_eval="tg-eval", targets="host",
            combined=False, jobs=1, tgc_args=()):
    """Compiles every group, writes inputs and references and manifest.json.

    Returns a list of failures (strings): compile or evaluation errors.
    """
    os.makedirs(work, exist_ok=True)
    manifest, failures = [], []

    def one(group):
        mlir = os.path.join(work, group.name + ".mlir")
        with open(mlir, "w") as f:
            f.write(group.module_text(combined))
        io = os.path.join(work, group.name + ".io")
        os.makedirs(io, exist_ok=True)
        entries = []
        for fn, cs in group.functions(combined):
            inputs = [a for c in cs for a in c.inputs]
            for i, a in enumerate(inputs):
                np.save(os.path.join(io, f"{fn}.in{i}.npy"), a)
            tols = [t for c in cs for t in c.tolerances()]
            names = [c.name for c in cs for _ in c.results]
            entries.append({
                "module": group.name, "function": fn,
                "inputs": [f"{group.name}.io/{fn}.in{i}.npy"
                           for i in range(len(inputs))],
                "refs": [f"{group.name}.io/{fn}.ref{j}.npy"
                         for j in range(len(tols))],
                # One tg-run call checks all results with one tolerance.
                "atol": max(t[0] for t in tols),
                "rtol": max(t[1] for t in tols),
                "cases": names,
            })
        errors = []
        rc, _, err = _run([tgc, mlir, f"--targets={targets}", *tgc_args,
                           "-o", os.path.join(work, group.name + ".bin")])
        if rc != 0:
            errors.append(f"{group.name}: tgc failed:\n{err.strip()}")
        rc, _, err = _run([tg_eval, mlir, "--all", f"--io-dir={io}"])
        if rc != 0:
            errors.append(f"{group.name}: tg-eval failed:\n{err.strip()}")
        return entries, errors

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for entries, errors in pool.map(one, groups):
            manifest.extend(entries)
            failures.extend(errors)
    with open(os.path.join(work, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=0)
    return failures


def run(work, tg_run="tg-run", device="host", jobs=1, verbose=False):
    """Runs every manifest entry with tg-run; returns (checked, failures)."""
    with open(os.path.join(work, "manifest.json")) as f:
        manifest = json.load(f)

    def one(entry):
        bundle = os.path.join(work, entry["module"] + ".bin")
        if not os.path.exists(bundle):
            return None  # prepare already reported the compile failure
        cmd = [tg_run, bundle, f"--device={device}",
               f"--function={entry['function']}", "--print-max-elements=1",
               f"--atol={entry['atol']}", f"--rtol={entry['rtol']}"]
        cmd += [f"--input=@{os.path.join(work, p)}" for p in entry["inputs"]]
        cmd += [f"--expected-output=@{os.path.join(work, p)}"
                for p in entry["refs"]]
        rc, _, err = _run(cmd)
        if rc == 0:
            return None
        lines = []
        for line in err.strip().splitlines():
            # Name the case a combined function's result index belongs to.
            if "result[" in line:
                k = int(line.split("result[")[1].split("]")[0])
                if k < len(entry["cases"]):
                    line = f"[{entry['cases'][k]}] " + line
            lines.append(line)
        return (f"{entry['module']}.mlir @{entry['function']} "
                f"(atol {entry['atol']}, rtol {entry['rtol']}):\n  " +
                "\n  ".join(lines) + "\n  rerun: " + " ".join(cmd))

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(one, manifest))
    failures = [r for r in results if r]
    checked = sum(len(e["cases"]) for e in manifest)
    return checked, failures

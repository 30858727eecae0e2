"""Random valid tg graphs for differential fuzzing (tgc against tg-eval).

`graph(seed)` builds one function of 1-20 ops from a seed: element types,
shapes, broadcasting, axes, keep_dims, transposes and composites all vary,
and every op is valid by construction (the verifier would reject anything
else, which would only test the verifier). The same seed always gives the
same graph, so a failure is reproduced by its seed alone.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e-ops"))
from tgtest import (ALL, FLOATS, INTS, NUMERIC, Case, storage,  # noqa: E402
                    tensor_type)

UNARY_FLOAT = ["exp", "log", "sqrt", "rsqrt", "reciprocal", "tanh",
               "sigmoid", "silu", "sin", "cos", "gelu", "gelu tanh"]
# The ops added for ONNX models are generated only with `new_ops` (fuzz-
# graphs.py --new-ops): in the default mix they would change every seed's
# graph, and the fixed seeds of test/fuzz/differential-*.test are regression
# tests.
NEW_UNARY_FLOAT = ["erf", "floor", "ceil", "round"]
UNARY_NUMERIC = ["neg", "abs", "relu"]
BINARY = ["add", "sub", "mul", "div", "max", "min"]
PREDICATES = ["eq", "ne", "lt", "le", "gt", "ge"]
REDUCTIONS = ["reduce_sum", "reduce_max", "reduce_min", "reduce_mean"]
DTYPE_WEIGHTS = {"f32": 5, "f16": 2, "bf16": 2, "i32": 2, "i8": 1}
MAX_ELEMENTS = 4096


def prod(shape):
    n = 1
    for d in shape:
        n *= d
    return n


class Gen:
    def __init__(self, seed, name=None, new_ops=False):
        self.new_ops = new_ops
        self.rng = np.random.default_rng(seed)
        self.case = Case(name or f"g{seed}")
        self.pool = []  # values ops may use, in creation order
        self.used = set()
        self.ops = {}  # result ssa -> (text, operands), for reduce()
        self.arg_values = {}  # argument ssa -> stored input

    # -- random choices -------------------------------------------------------

    def chance(self, p):
        return self.rng.random() < p

    def choice(self, items):
        return items[int(self.rng.integers(len(items)))]

    def dtype(self, allowed=None):
        names = [d for d in DTYPE_WEIGHTS if allowed is None or d in allowed]
        w = np.array([DTYPE_WEIGHTS[d] for d in names], dtype=float)
        return names[int(self.rng.choice(len(names), p=w / w.sum()))]

    def dim(self):
        if self.chance(0.08):
            return self.choice([33, 67, 130])  # vector loops with a tail
        return self.choice([1, 1, 2, 3, 4, 5, 6, 8])

    def shape(self, rank=None):
        rank = self.choice([0, 1, 2, 2, 3, 3, 4]) if rank is None else rank
        while True:
            s = tuple(self.dim() for _ in range(rank))
            if prod(s) <= MAX_ELEMENTS:
                return s

    # -- values ---------------------------------------------------------------

    def values(self, shape, dtype):
        g = self.rng
        if dtype == "i1":
            return g.integers(0, 2, shape)
        if dtype == "i32":
            if self.chance(0.3):
                return g.integers(-2**31, 2**31, shape, dtype=np.int64)
            return g.integers(-10, 11, shape)
        if dtype == "i8":
            return g.integers(-128, 128, shape)
        v = g.standard_normal(shape) * self.choice([1.0, 1.0, 3.0])
        if self.chance(0.1):  # exact ties and signed zeros
            v = np.round(v * 2) / 2 * self.choice([1.0, -1.0])
        return v

    def arg(self, shape, dtype, values=None):
        v = self.case.arg(shape, dtype, self.values(shape, dtype)
                          if values is None else values)
        self.arg_values[v.ssa] = self.case.inputs[-1]
        self.pool.append(v)
        return v

    def op(self, text, shape, dtype, *operands):
        for o in operands:
            self.used.add(o.ssa)
        v = self.case.op(text, shape, dtype)
        self.ops[v.ssa] = (self.case.lines[-1], operands)
        self.pool.append(v)
        return v

    def pick(self, pred=lambda v: True):
        """A value satisfying `pred`, preferring recent ones (deep graphs)."""
        cands = [v for v in self.pool if pred(v)]
        if not cands:
            return None
        if self.chance(0.6):
            return cands[-1 - int(self.rng.integers(min(3, len(cands))))]
        return self.choice(cands)

    def value(self, pred, make):
        """An existing value satisfying `pred`, or `make()` (a new input)."""
        v = self.pick(pred) if self.chance(0.7) else None
        return v if v is not None else make()

    def broadcast_partner(self, v):
        """A shape that broadcasts with v's (NumPy rules)."""
        s = list(v.shape)
        kind = self.rng.integers(5)
        if kind == 0:
            return tuple(s)
        if kind == 1:  # drop leading dims
            return tuple(s[int(self.rng.integers(len(s) + 1)):])
        if kind == 2:  # unit dims
            return tuple(1 if self.chance(0.5) else d for d in s)
        if kind == 3:  # extra leading dims (v stretches)
            extra = self.shape(int(self.rng.integers(1, 3)))
            out = extra + tuple(s)
            return out if prod(out) <= MAX_ELEMENTS else tuple(s)
        return ()

    def operand_like(self, v, dtype=None):
        dtype = dtype or v.dtype
        shape = self.broadcast_partner(v)
        if self.chance(0.15) and dtype != "i1":
            # A constant operand: splat or dense.
            vals = self.values(shape, dtype)
            return self.constant(shape, dtype, vals)
        return self.value(lambda u: u.dtype == dtype and
                          _broadcastable(u.shape, v.shape),
                          lambda: self.arg(shape, dtype))

    def constant(self, shape, dtype, vals):
        vals = np.asarray(vals)
        if dtype in FLOATS:
            vals = vals.astype(np.float32).astype(np.float64)
        if self.chance(0.5) or vals.size == 0:
            lit = _literal(vals.flat[0] if vals.size else 0, dtype)
        else:
            lit = _nested(vals.reshape(shape), dtype)
        return self.op(f"tg.constant dense<{lit}> : "
                       f"{tensor_type(shape, dtype)}", shape, dtype)

    # -- ops ------------------------------------------------------------------

    def unary(self):
        v = self.pick(lambda u: u.dtype in NUMERIC)
        if v is None:
            return None
        ops = UNARY_NUMERIC + (UNARY_FLOAT if v.dtype in FLOATS else [])
        if self.new_ops and v.dtype in FLOATS:
            ops = ops + NEW_UNARY_FLOAT
        op = self.choice(ops)
        if op in ("log", "sqrt", "rsqrt") and self.chance(0.7):
            v = self.op(f"tg.abs {v} : {v.type}", v.shape, v.dtype, v)
        mnemonic, _, attr = op.partition(" ")
        attr = f" {attr}" if attr else ""
        return self.op(f"tg.{mnemonic} {v}{attr} : {v.type}", v.shape,
                       v.dtype, v)

    def binary(self):
        v = self.pick(lambda u: u.dtype in NUMERIC)
        if v is None:
            return None
        ops = BINARY + (["pow"] if v.dtype in FLOATS else [])
        op = self.choice(ops)
        w = self.operand_like(v)
        if self.chance(0.5):
            v, w = w, v
        shape = _broadcast(v.shape, w.shape)
        if prod(shape) > MAX_ELEMENTS:
            return None
        return self.op(f"tg.{op} {v}, {w} : {v.type}, {w.type} -> "
                       f"{tensor_type(shape, v.dtype)}", shape, v.dtype, v, w)

    def compare(self):
        v = self.pick()
        w = self.operand_like(v)
        shape = _broadcast(v.shape, w.shape)
        p = self.choice(PREDICATES)
        return self.op(f"tg.compare {p}, {v}, {w} : {v.type}, {w.type} -> "
                       f"{tensor_type(shape, 'i1')}", shape, "i1", v, w)

    def select(self):
        v = self.pick(lambda u: u.dtype != "i1") or self.pick()
        w = self.operand_like(v)
        values = Val_shape(_broadcast(v.shape, w.shape))
        c = self.value(lambda u: u.dtype == "i1" and _broadcastable(
                           u.shape, values.shape),
                       lambda: self.arg(self.broadcast_partner(values), "i1"))
        shape = _broadcast(_broadcast(v.shape, w.shape), c.shape)
        if prod(shape) > MAX_ELEMENTS:
            return None
        return self.op(f"tg.select {c}, {v}, {w} : {c.type}, {v.type}, "
                       f"{w.type} -> {tensor_type(shape, v.dtype)}", shape,
                       v.dtype, c, v, w)

    def cast(self):
        v = self.pick()
        to = self.choice(ALL)
        return self.op(f"tg.cast {v} : {v.type} to "
                       f"{tensor_type(v.shape, to)}", v.shape, to, v)

    def reduce(self):
        v = self.pick(lambda u: u.dtype in NUMERIC and len(u.shape) > 0)
        if v is None:
            return None
        rank = len(v.shape)
        axes = sorted(int(a) for a in self.rng.choice(
            rank, int(self.rng.integers(1, rank + 1)), replace=False))
        if self.chance(0.3):
            axes = list(self.rng.permutation(axes))  # any order is valid
            axes = [int(a) for a in axes]
        keep = self.chance(0.5)
        out = tuple(1 if d in axes else s for d, s in enumerate(v.shape)
                    if keep or d not in axes)
        op = self.choice(REDUCTIONS)
        return self.op(f"tg.{op} {v} axes = {axes}"
                       f"{' keep_dims' if keep else ''} : {v.type} -> "
                       f"{tensor_type(out, v.dtype)}", out, v.dtype, v)

    def scan(self):
        """cumsum, argmax/argmin, clamp and iota."""
        v = self.pick(lambda u: u.dtype in NUMERIC and len(u.shape) > 0)
        if v is None:
            return None
        axis = int(self.rng.integers(0, len(v.shape)))
        kind = self.choice(["cumsum", "argmax", "argmin", "clamp", "iota"])
        if kind == "cumsum":
            flags = "".join(f for f in [" exclusive", " reverse"]
                            if self.chance(0.5))
            return self.op(f"tg.cumsum {v} axis = {axis}{flags} : {v.type}",
                           v.shape, v.dtype, v)
        if kind == "clamp":
            lo = self.operand_like(v)
            hi = self.operand_like(v)
            if not (_broadcastable(lo.shape, v.shape) and
                    _broadcast(lo.shape, v.shape) == tuple(v.shape) and
                    _broadcastable(hi.shape, v.shape) and
                    _broadcast(hi.shape, v.shape) == tuple(v.shape)):
                return None
            return self.op(f"tg.clamp {v}, {lo}, {hi} : {v.type}, "
                           f"{lo.type}, {hi.type}", v.shape, v.dtype, v, lo,
                           hi)
        if kind == "iota":
            return self.op(f"tg.iota dimension = {axis} : {v.type}", v.shape,
                           v.dtype)
        keep = self.chance(0.5)
        flags = (" keep_dims" if keep else "") + \
            (" select_last_index" if self.chance(0.5) else "")
        out = tuple(1 if d == axis else n for d, n in enumerate(v.shape)
                    if keep or d != axis)
        return self.op(f"tg.{kind} {v} axis = {axis}{flags} : {v.type} -> "
                       f"{tensor_type(out, 'i32')}", out, "i32", v)

    def matmul(self):
        v = self.pick(lambda u: u.dtype in ("f32", "f16", "bf16", "i32")
                      and len(u.shape) >= 2)
        if v is None:
            dt = self.dtype(["f32", "f16", "bf16", "i32"])
            v = self.arg(self.shape(self.choice([2, 2, 3])), dt)
        ta, tb = self.chance(0.3), self.chance(0.3)
        m = v.shape[-1] if ta else v.shape[-2]
        k = v.shape[-2] if ta else v.shape[-1]
        n = self.dim()
        batch = self.broadcast_partner(Val_shape(v.shape[:-2]))
        rshape = tuple(batch) + ((n, k) if tb else (k, n))
        w = self.value(lambda u: u.dtype == v.dtype and u.shape == rshape,
                       lambda: self.arg(rshape, v.dtype))
        shape = _broadcast(v.shape[:-2], w.shape[:-2]) + (m, n)
        if prod(shape) > MAX_ELEMENTS:
            return None
        attrs = (" transpose_a" if ta else "") + (" transpose_b" if tb else "")
        return self.op(f"tg.matmul {v}, {w}{attrs} : {v.type}, {w.type} -> "
                       f"{tensor_type(shape, v.dtype)}", shape, v.dtype, v, w)

    def reshape(self):
        v = self.pick()
        n = prod(v.shape)
        dims = []
        rest = n
        for _ in range(int(self.rng.integers(0, 4))):
            divisors = [d for d in range(1, min(rest, 16) + 1) if rest % d == 0]
            d = self.choice(divisors)
            dims.append(d)
            rest //= d
        if rest != 1 or not dims:
            dims.append(rest)
        shape = tuple(int(d) for d in self.rng.permutation(dims))
        return self.op(f"tg.reshape {v} : {v.type} -> "
                       f"{tensor_type(shape, v.dtype)}", shape, v.dtype, v)

    def transpose(self):
        v = self.pick(lambda u: len(u.shape) >= 2)
        if v is None:
            return None
        perm = [int(p) for p in self.rng.permutation(len(v.shape))]
        shape = tuple(v.shape[p] for p in perm)
        return self.op(f"tg.transpose {v} permutation = {perm} : {v.type} -> "
                       f"{tensor_type(shape, v.dtype)}", shape, v.dtype, v)

    def broadcast_to(self):
        v = self.pick()
        shape = tuple(self.dim() if d == 1 and self.chance(0.5) else d
                      for d in v.shape)
        shape = self.shape(int(self.rng.integers(0, 2))) + shape
        if prod(shape) > MAX_ELEMENTS:
            return None
        return self.op(f"tg.broadcast_to {v} : {v.type} -> "
                       f"{tensor_type(shape, v.dtype)}", shape, v.dtype, v)

    def slice(self):
        v = self.pick(lambda u: len(u.shape) > 0 and prod(u.shape) > 0)
        if v is None:
            return None
        start, size, stride = [], [], []
        for d in v.shape:
            s = int(self.rng.integers(d))
            st = int(self.choice([1, 1, 1, 2, 3]))
            most = (d - 1 - s) // st + 1
            start.append(s)
            stride.append(st)
            size.append(int(self.rng.integers(1, most + 1)))
        return self.op(f"tg.slice {v} start = {start} size = {size} stride = "
                       f"{stride} : {v.type} -> "
                       f"{tensor_type(size, v.dtype)}", tuple(size), v.dtype,
                       v)

    def concat(self):
        v = self.pick(lambda u: len(u.shape) > 0)
        if v is None:
            return None
        axis = int(self.rng.integers(len(v.shape)))
        parts = [v]
        for _ in range(int(self.rng.integers(1, 3))):
            s = list(v.shape)
            s[axis] = self.dim()
            parts.append(self.value(
                lambda u: u.dtype == v.dtype and len(u.shape) == len(s) and
                all(a == b for i, (a, b) in enumerate(zip(u.shape, s))
                    if i != axis),
                lambda: self.arg(tuple(s), v.dtype)))
        shape = list(v.shape)
        shape[axis] = sum(p.shape[axis] for p in parts)
        if prod(shape) > MAX_ELEMENTS:
            return None
        return self.op(f"tg.concat {', '.join(map(str, parts))} axis = "
                       f"{axis} : {', '.join(p.type for p in parts)} -> "
                       f"{tensor_type(shape, v.dtype)}", tuple(shape),
                       v.dtype, *parts)

    def gather(self):
        v = self.pick(lambda u: len(u.shape) > 0 and u.shape[0] > 0)
        if v is None:
            return None
        ishape = self.shape(self.choice([0, 1, 1, 2]))
        rows = v.shape[0]
        ids = self.arg(ishape, "i32", self.rng.integers(-2, rows + 2, ishape))
        shape = tuple(ishape) + tuple(v.shape[1:])
        if prod(shape) > MAX_ELEMENTS:
            return None
        return self.op(f"tg.gather {v}[{ids}] : {v.type}, {ids.type} -> "
                       f"{tensor_type(shape, v.dtype)}", shape, v.dtype, v,
                       ids)

    def dynamic_update_slice(self):
        v = self.pick(lambda u: len(u.shape) > 0)
        if v is None:
            return None
        ushape = tuple(int(self.rng.integers(1, d + 1)) if d else 0
                       for d in v.shape)
        u = self.value(lambda w: w.dtype == v.dtype and w.shape == ushape,
                       lambda: self.arg(ushape, v.dtype))
        # Offsets past either end are clamped; tensor<i32> or tensor<1xi32>.
        offsets = []
        for d in v.shape:
            oshape = self.choice([(), (1,)])
            offsets.append(self.arg(oshape, "i32", np.reshape(
                self.rng.integers(-2, d + 3, 1), oshape)))
        return self.op(f"tg.dynamic_update_slice {v}, {u}, "
                       f"{', '.join(map(str, offsets))} : {v.type}, {u.type}, "
                       f"{', '.join(o.type for o in offsets)} -> {v.type}",
                       v.shape, v.dtype, v, u, *offsets)

    def composite(self):
        v = self.pick(lambda u: u.dtype in FLOATS and len(u.shape) > 0)
        if v is None:
            return None
        axis = int(self.rng.integers(len(v.shape)))
        kind = self.choice(["softmax", "layer_norm", "rms_norm"])
        if kind == "softmax":
            return self.op(f"tg.softmax {v} axis = {axis} : {v.type}",
                           v.shape, v.dtype, v)
        text, types, operands = f"tg.{kind} {v}", [v.type], [v]
        pshape = v.shape[axis:]
        for name in ["weight", "bias"]:
            if (name == "bias" and kind == "rms_norm") or self.chance(0.4):
                continue
            p = self.value(lambda u: u.dtype == v.dtype and u.shape == pshape,
                           lambda: self.arg(pshape, v.dtype))
            text += f" {name} {p}"
            types.append(p.type)
            operands.append(p)
        eps = self.choice(["1.0e-05", "1.0e-06", "1.000000e-03"])
        return self.op(f"{text} axis = {axis} epsilon = {eps} : "
                       f"{', '.join(types)}", v.shape, v.dtype, *operands)

    OPS = [("unary", 6), ("binary", 7), ("compare", 1), ("select", 1),
           ("cast", 2), ("reduce", 3), ("matmul", 2), ("reshape", 2),
           ("transpose", 2), ("broadcast_to", 1), ("slice", 2), ("concat", 1),
           ("gather", 1), ("composite", 2)]
    NEW_OPS = [("scan", 2), ("dynamic_update_slice", 2)]

    def build(self, max_ops=20):
        n_ops = int(self.rng.integers(1, max_ops + 1))
        for _ in range(int(self.rng.integers(1, 3))):
            self.arg(self.shape(), self.dtype())
        kinds = self.OPS + (self.NEW_OPS if self.new_ops else [])
        names = [n for n, _ in kinds]
        w = np.array([w for _, w in kinds], dtype=float)
        made = 0
        for _ in range(n_ops * 4):
            if made == n_ops:
                break
            kind = names[int(self.rng.choice(len(names), p=w / w.sum()))]
            if getattr(self, kind)() is not None:
                made += 1
        # Return every op result nothing else used (at most 4, newest first).
        ops = [v for v in self.pool if "_v" in v.ssa]
        sinks = [v for v in ops if v.ssa not in self.used][::-1][:4]
        if not sinks:
            sinks = [self.op(f"tg.neg {self.pool[0]} : {self.pool[0].type}",
                             self.pool[0].shape, self.pool[0].dtype,
                             self.pool[0])] if self.pool[0].dtype != "i1" \
                else [self.cast_of(self.pool[0])]
        self.case.ret(*sinks)
        return self.case

    def cast_of(self, v):
        return self.op(f"tg.cast {v} : {v.type} to "
                       f"{tensor_type(v.shape, 'i8')}", v.shape, "i8", v)


class Val_shape:  # noqa: N801 - a shape posing as a value for broadcasts
    def __init__(self, shape):
        self.shape = tuple(shape)


def _broadcast(a, b):
    return tuple(np.broadcast_shapes(tuple(a), tuple(b)))


def _broadcastable(a, b):
    try:
        np.broadcast_shapes(tuple(a), tuple(b))
        return True
    except ValueError:
        return False


def _literal(x, dtype):
    if dtype == "i1":
        return "true" if x else "false"
    if dtype in INTS:
        return str(int(x))
    return repr(float(x))


def _nested(a, dtype):
    if a.ndim == 0:
        return _literal(a.item(), dtype)
    return "[" + ", ".join(_nested(x, dtype) for x in a) + "]"


def generator(seed, max_ops=20, new_ops=False):
    """The generator after building graph `seed` (see subgraph)."""
    g = Gen(seed, new_ops=new_ops)
    g.build(max_ops)
    return g


def graph(seed, max_ops=20, new_ops=False):
    return generator(seed, max_ops, new_ops).case


def subgraph(g, results, cut=()):
    """The part of generator g's graph that computes `results`, with the
    values in `cut` (op results) turned into inputs with fresh random
    values. What a test-case reducer tries."""
    cut = {v.ssa for v in cut}
    needed, stack = {}, list(results)
    while stack:
        v = stack.pop()
        if v.ssa in needed:
            continue
        needed[v.ssa] = v
        if v.ssa in g.ops and v.ssa not in cut:
            stack.extend(g.ops[v.ssa][1])
    c = Case(g.case.name)
    for v in g.pool:  # creation order is a topological order
        if v.ssa not in needed:
            continue
        if v.ssa in g.ops and v.ssa not in cut:
            c.lines.append(g.ops[v.ssa][0])
            continue
        c.args.append(v)
        c.inputs.append(g.arg_values[v.ssa] if v.ssa in g.arg_values else
                        storage(np.broadcast_to(g.values(v.shape, v.dtype),
                                                v.shape), v.dtype))
    return c.ret(*results)

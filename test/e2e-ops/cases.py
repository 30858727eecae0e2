"""The end-to-end op cases: every tg op x every element type it accepts x
its broadcasting, axis, keep_dims and transpose variants, plus special
values (NaN, infinities, signed zeros, integer extremes) and the examples.

`groups(family)` returns the tgtest.Groups of one family; FAMILIES lists
them (one lit test each, see *.test). Inputs are seeded, so every run checks
the same cases.
"""
import glob
import math
import os
import re
import zlib

import numpy as np

from tgtest import (ALL, FLOATS, INTS, NUMERIC, Case, Group, Val,
                    tensor_type)

NAN, INF = float("nan"), float("inf")

# Value ranges that keep each op's result finite and well conditioned, so a
# tolerance violation means a wrong answer, not an ill-posed comparison.
UNARY_FLOAT = {
    "exp": (-5, 5), "log": (0.05, 20), "sqrt": (0, 20), "rsqrt": (0.05, 20),
    "reciprocal": "nonzero", "tanh": (-6, 6), "sigmoid": (-12, 12),
    "silu": (-12, 12), "sin": (-10, 10), "cos": (-10, 10), "gelu": (-6, 6),
    "gelu tanh": (-6, 6), "erf": (-4, 4), "floor": (-10, 10),
    "ceil": (-10, 10), "round": (-10, 10),
}
UNARY_NUMERIC = ["neg", "abs", "relu"]
BINARY = ["add", "sub", "mul", "div", "max", "min"]
PREDICATES = ["eq", "ne", "lt", "le", "gt", "ge"]
REDUCTIONS = ["reduce_sum", "reduce_max", "reduce_min", "reduce_mean"]

# Binary broadcasting: equal shapes, trailing vector, both stretched, a
# rank-0 operand, a rank-3/rank-2 mix, and a row long enough for vector
# loops with a remainder.
BROADCAST_PAIRS = [((2, 3), (2, 3)), ((4, 5), (5,)), ((3, 1), (1, 4)),
                   ((), (2, 3)), ((2, 1, 3), (4, 1)), ((3, 67), (3, 67))]
UNARY_SHAPES = [(), (17,), (3, 33), (2, 3, 5)]

SPECIAL_FLOATS = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0,
                  1e-3, -7.25, 100.0, -100.0, 1e4, 6e4]


class Rng:
    """Seeded per case name, so adding cases does not change others."""

    def __init__(self, name):
        self.g = np.random.default_rng(zlib.crc32(name.encode()))

    def values(self, shape, dtype, domain=None):
        g = self.g
        if dtype == "i1":
            return g.integers(0, 2, shape)
        if dtype in INTS:
            if domain == "small":
                return g.integers(-20, 21, shape)
            info = np.iinfo(np.int32 if dtype == "i32" else np.int8)
            return g.integers(info.min, int(info.max) + 1, shape,
                              dtype=np.int64)
        if domain is None or domain == "small":
            return g.standard_normal(shape)
        if domain == "nonzero":
            return g.uniform(0.2, 5, shape) * g.choice([-1, 1], shape)
        lo, hi = domain
        return g.uniform(lo, hi, shape)


def name_of(*parts):
    s = "_".join(str(p) for p in parts if p != "")
    return re.sub(r"[^A-Za-z0-9_]", "_", s)


def shape_name(shape):
    return "x".join(str(d) for d in shape) or "scalar"


def broadcast(*shapes):
    return tuple(np.broadcast_shapes(*shapes))


#===------------------------------------------------------------------------===#
# Elementwise
#===------------------------------------------------------------------------===#

def unary_case(op, dtype, shape, values=None, domain=None):
    c = Case(name_of(op, dtype, shape_name(shape),
                     "special" if values is not None else ""))
    rng = Rng(c.name)
    if values is None:
        values = rng.values(shape, dtype, domain)
    x = c.arg(shape, dtype, values)
    mnemonic, _, attr = op.partition(" ")
    attr = f" {attr}" if attr else ""
    return c.ret(c.op(f"tg.{mnemonic} {x}{attr} : {x.type}", shape, dtype))


def unary_groups():
    groups = []
    for dtype in FLOATS:
        cases = []
        for op, domain in UNARY_FLOAT.items():
            for shape in UNARY_SHAPES:
                cases.append(unary_case(op, dtype, shape, domain=domain))
        for op in UNARY_NUMERIC:
            for shape in UNARY_SHAPES[1:3]:
                cases.append(unary_case(op, dtype, shape))
        for op in list(UNARY_FLOAT) + UNARY_NUMERIC:
            cases.append(unary_case(op, dtype, (len(SPECIAL_FLOATS),),
                                    values=SPECIAL_FLOATS))
        groups.append(Group(f"unary_{dtype}", cases))
    cases = []
    for dtype in INTS:
        for op in UNARY_NUMERIC:
            for shape in UNARY_SHAPES[1:3]:
                cases.append(unary_case(op, dtype, shape))
            # The extremes: -INT_MIN and |INT_MIN| wrap to INT_MIN.
            info = np.iinfo(np.int32 if dtype == "i32" else np.int8)
            cases.append(unary_case(op, dtype, (6,), values=[
                info.min, info.max, -1, 0, 1, info.min + 1]))
    groups.append(Group("unary_int", cases))
    return groups


def binary_case(op, dtype, lhs, rhs, lv=None, rv=None, domain=None,
                suffix=""):
    c = Case(name_of(op, dtype, shape_name(lhs), shape_name(rhs), suffix))
    rng = Rng(c.name)
    x = c.arg(lhs, dtype, rng.values(lhs, dtype, domain) if lv is None else lv)
    if rv is None:
        rv = rng.values(rhs, dtype, "nonzero" if op == "div" and dtype
                        in FLOATS else domain)
        if op == "pow":
            rv = rng.values(rhs, dtype, (-3, 3))
    y = c.arg(rhs, dtype, rv)
    shape = broadcast(lhs, rhs)
    return c.ret(c.op(f"tg.{op} {x}, {y} : {x.type}, {y.type} -> "
                      f"{tensor_type(shape, dtype)}", shape, dtype))


def special_pairs():
    """Every pair of special values, as two flat operands."""
    s = SPECIAL_FLOATS
    return [a for a in s for _ in s], [b for _ in s for b in s]


def binary_groups():
    groups = []
    for dtype in NUMERIC:
        cases = []
        for op in BINARY + (["pow"] if dtype in FLOATS else []):
            domain = (0.1, 4) if op == "pow" else None
            for lhs, rhs in BROADCAST_PAIRS:
                cases.append(binary_case(op, dtype, lhs, rhs, domain=domain))
        if dtype in FLOATS:
            lv, rv = special_pairs()
            n = len(lv)
            for op in BINARY + ["pow"]:
                cases.append(binary_case(op, dtype, (n,), (n,), lv, rv,
                                         suffix="special"))
            # Integer powers of negative bases are real: (-2)^3 = -8.
            cases.append(binary_case("pow", dtype, (8,), (8,),
                                     [-2, -2, -0.5, -3, -1, -1, -2, -4],
                                     [3, 2, 2, -1, 0.5, 5, -2, 0.5],
                                     suffix="negative_base"))
        else:
            info = np.iinfo(np.int32 if dtype == "i32" else np.int8)
            edges = [info.min, info.max, -1, 0, 1, 7, -7, 2]
            lv = [a for a in edges for _ in edges]
            rv = [b for _ in edges for b in edges]
            for op in BINARY:
                # Wrapping overflow, division by zero (0) and INT_MIN / -1.
                cases.append(binary_case(op, dtype, (len(lv),), (len(lv),),
                                         lv, rv, suffix="edges"))
        groups.append(Group(f"binary_{dtype}", cases))
    return groups


def compare_groups():
    cases = []
    for dtype in ALL:
        for p in PREDICATES:
            for lhs, rhs in [((3, 4), (3, 4)), ((2, 1, 5), (3, 1))]:
                c = Case(name_of("compare", p, dtype, shape_name(lhs),
                                 shape_name(rhs)))
                rng = Rng(c.name)
                # Few distinct values, so equality happens often.
                vals = lambda s: (rng.g.integers(-2, 3, s) if dtype != "i1"
                                  else rng.g.integers(0, 2, s))
                x, y = c.arg(lhs, dtype, vals(lhs)), c.arg(rhs, dtype,
                                                           vals(rhs))
                shape = broadcast(lhs, rhs)
                cases.append(c.ret(c.op(
                    f"tg.compare {p}, {x}, {y} : {x.type}, {y.type} -> "
                    f"{tensor_type(shape, 'i1')}", shape, "i1")))
            if dtype in FLOATS:
                lv, rv = special_pairs()
                n = len(lv)
                c = Case(name_of("compare", p, dtype, "special"))
                x, y = c.arg((n,), dtype, lv), c.arg((n,), dtype, rv)
                cases.append(c.ret(c.op(
                    f"tg.compare {p}, {x}, {y} : {x.type}, {y.type} -> "
                    f"{tensor_type((n,), 'i1')}", (n,), "i1")))
    return [Group("compare", cases)]


def select_groups():
    cases = []
    for dtype in ALL:
        for cs, ts, fs in [((2, 3), (2, 3), (2, 3)), ((3, 1), (4,), ()),
                           ((5,), (2, 1), (2, 5))]:
            c = Case(name_of("select", dtype, shape_name(cs), shape_name(ts),
                             shape_name(fs)))
            rng = Rng(c.name)
            m = c.arg(cs, "i1", rng.values(cs, "i1"))
            t = c.arg(ts, dtype, rng.values(ts, dtype))
            f = c.arg(fs, dtype, rng.values(fs, dtype))
            shape = broadcast(cs, ts, fs)
            cases.append(c.ret(c.op(
                f"tg.select {m}, {t}, {f} : {m.type}, {t.type}, {f.type} -> "
                f"{tensor_type(shape, dtype)}", shape, dtype)))
    for dtype in NUMERIC:
        for xs, bs in [((2, 3), ()), ((4, 5), (5,)), ((3, 67), (1, 67))]:
            c = Case(name_of("clamp", dtype, shape_name(xs), shape_name(bs)))
            rng = Rng(c.name)
            x = c.arg(xs, dtype, rng.values(xs, dtype))
            lo = c.arg(bs, dtype, rng.values(bs, dtype) - (0 if dtype in
                                                           FLOATS else 5))
            hi = c.arg(bs, dtype, rng.values(bs, dtype))
            cases.append(c.ret(c.op(
                f"tg.clamp {x}, {lo}, {hi} : {x.type}, {lo.type}, {hi.type}",
                xs, dtype)))
        # NaN in the input or a bound gives NaN.
        if dtype in FLOATS:
            c = Case(name_of("clamp", dtype, "special"))
            n = len(SPECIAL_FLOATS)
            x = c.arg((n,), dtype, SPECIAL_FLOATS)
            lo = c.arg((n,), dtype, list(reversed(SPECIAL_FLOATS)))
            hi = c.arg((), dtype, 2.0)
            cases.append(c.ret(c.op(
                f"tg.clamp {x}, {lo}, {hi} : {x.type}, {lo.type}, {hi.type}",
                (n,), dtype)))
    return [Group("select", cases)]


CAST_SPECIALS = [NAN, INF, -INF, 0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 127.5,
                 -128.5, 128.0, -129.0, 255.0, 300.7, -300.7, 65504.0,
                 70000.0, 2147483520.0, 2147483648.0, 3e9, -2147483648.0,
                 -3e9, 1e20, -1e20, 3.4e38, 1e-5, 5.96e-8, 1.0009765625,
                 1.00390625, 1.01171875, 33.3]


def cast_groups():
    cases = []
    for src in ALL:
        for dst in ALL:
            if src == dst:
                continue
            c = Case(name_of("cast", src, dst))
            rng = Rng(c.name)
            if src in FLOATS:
                vals = np.concatenate([CAST_SPECIALS,
                                       rng.g.standard_normal(31) * 100])
            elif src == "i1":
                vals = rng.values((64,), "i1")
            else:
                info = np.iinfo(np.int32 if src == "i32" else np.int8)
                vals = np.concatenate([
                    [info.min, info.max, 0, -1, 1, 127, -128, 255, 256,
                     65504, 65519, 65520, 16777217, 2049],
                    rng.values((50,), src)])
                vals = np.clip(vals, info.min, info.max)
            n = len(vals)
            x = c.arg((n,), src, vals)
            cases.append(c.ret(c.op(f"tg.cast {x} : {x.type} to "
                                    f"{tensor_type((n,), dst)}", (n,), dst)))
    return [Group("cast", cases)]


#===------------------------------------------------------------------------===#
# Reductions, matmul
#===------------------------------------------------------------------------===#

REDUCE_VARIANTS = [((4, 6, 5), [0]), ((4, 6, 5), [1]), ((4, 6, 5), [2]),
                   ((4, 6, 5), [0, 2]), ((4, 6, 5), [0, 1, 2]),
                   ((3, 300), [1]), ((37,), [0]), ((2, 3, 4, 5), [1, 3])]


def reduce_groups():
    groups = []
    for dtype in NUMERIC:
        cases = []
        for op in REDUCTIONS:
            for i, (shape, axes) in enumerate(REDUCE_VARIANTS):
                keep = i % 2 == 1
                c = Case(name_of(op, dtype, shape_name(shape), "axes",
                                 *axes, "keep" if keep else ""))
                rng = Rng(c.name)
                # Integer sums wrap like the compiler's; small values keep
                # means meaningful.
                x = c.arg(shape, dtype, rng.values(
                    shape, dtype, "small" if op == "reduce_mean" else None))
                out = tuple(1 if d in axes else s for d, s in enumerate(shape)
                            if keep or d not in axes)
                cases.append(c.ret(c.op(
                    f"tg.{op} {x} axes = {list(axes)}"
                    f"{' keep_dims' if keep else ''} : {x.type} -> "
                    f"{tensor_type(out, dtype)}", out, dtype)))
        groups.append(Group(f"reduce_{dtype}", cases))
    return groups


MATMUL_VARIANTS = [
    ((3, 5), (5, 4), False, False), ((5, 3), (5, 4), True, False),
    ((3, 5), (4, 5), False, True), ((5, 3), (4, 5), True, True),
    ((2, 3, 5), (2, 5, 4), False, False), ((1, 3, 5), (4, 5, 4), False, False),
    ((2, 3, 5), (5, 4), False, False), ((2, 1, 5, 3), (3, 4, 5), True, True),
    ((33, 65), (65, 17), False, False), ((1, 1), (1, 1), False, False),
    ((16, 64), (32, 64), False, True),
    # Deeper than one K slice of the host kernel (256), edges in every
    # dimension, both weight layouts.
    ((37, 520), (520, 29), False, False), ((37, 520), (29, 520), False, True),
    ((520, 37), (520, 29), True, False),
]


def matmul_groups():
    cases = []
    for dtype in ["f32", "f16", "bf16", "i32"]:
        for a, b, ta, tb in MATMUL_VARIANTS:
            c = Case(name_of("matmul", dtype, shape_name(a), shape_name(b),
                             "ta" if ta else "", "tb" if tb else ""))
            rng = Rng(c.name)
            # Full-range i32 products wrap identically on both sides.
            x = c.arg(a, dtype, rng.values(a, dtype))
            y = c.arg(b, dtype, rng.values(b, dtype))
            m = a[-1] if ta else a[-2]
            n = b[-2] if tb else b[-1]
            shape = broadcast(a[:-2], b[:-2]) + (m, n)
            attrs = (" transpose_a" if ta else "") + (" transpose_b" if tb
                                                      else "")
            cases.append(c.ret(c.op(
                f"tg.matmul {x}, {y}{attrs} : {x.type}, {y.type} -> "
                f"{tensor_type(shape, dtype)}", shape, dtype)))
    # Operands that are reshapes of kernel inputs (the host kernel reads
    # them through memref views): a collapsed [40, 3, 16] lhs, an expanded
    # rhs, and a collapsed [N, K] weight read with transpose_b.
    for tb in [False, True]:
        c = Case(name_of("matmul", "f32", "reshaped", "tb" if tb else ""))
        rng = Rng(c.name)
        a = c.arg((40, 3, 16), "f32", rng.values((40, 3, 16), "f32"))
        a2 = c.op(f"tg.reshape {a} : {a.type} -> tensor<40x48xf32>", (40, 48),
                  "f32")
        b_shape = (2, 35, 48) if tb else (48, 5, 7)
        b = c.arg(b_shape, "f32", rng.values(b_shape, "f32"))
        b2_shape = (70, 48) if tb else (48, 35)
        b2 = c.op(f"tg.reshape {b} : {b.type} -> {tensor_type(b2_shape, 'f32')}",
                  b2_shape, "f32")
        n = 70 if tb else 35
        attrs = " transpose_b" if tb else ""
        cases.append(c.ret(c.op(
            f"tg.matmul {a2}, {b2}{attrs} : {a2.type}, {b2.type} -> "
            f"{tensor_type((40, n), 'f32')}", (40, n), "f32")))
    return [Group("matmul", cases)]


def scan_groups():
    """cumsum, argmax and argmin along each axis, with their flags."""
    cases = []
    for dtype in NUMERIC:
        for shape, axis in [((4, 6, 5), 0), ((4, 6, 5), 1), ((3, 70), 1),
                            ((9,), 0)]:
            for flags in ["", " exclusive", " reverse", " exclusive reverse"]:
                c = Case(name_of("cumsum", dtype, shape_name(shape), axis,
                                 flags.replace(" ", "_")))
                rng = Rng(c.name)
                x = c.arg(shape, dtype, rng.values(shape, dtype, "small"))
                cases.append(c.ret(c.op(
                    f"tg.cumsum {x} axis = {axis}{flags} : {x.type}", shape,
                    dtype)))
            for op in ["argmax", "argmin"]:
                for flags in ["", " keep_dims select_last_index"]:
                    c = Case(name_of(op, dtype, shape_name(shape), axis,
                                     flags.replace(" ", "_")))
                    rng = Rng(c.name)
                    # Few distinct values, so ties (first/last) happen.
                    x = c.arg(shape, dtype, rng.g.integers(-3, 4, shape))
                    keep = "keep_dims" in flags
                    out = tuple(1 if d == axis else s for d, s in
                                enumerate(shape) if keep or d != axis)
                    cases.append(c.ret(c.op(
                        f"tg.{op} {x} axis = {axis}{flags} : {x.type} -> "
                        f"{tensor_type(out, 'i32')}", out, "i32")))
        if dtype in FLOATS:
            for op in ["argmax", "argmin"]:
                c = Case(name_of(op, dtype, "nan"))
                x = c.arg((2, 4), dtype, np.reshape(
                    [1, NAN, 3, NAN, -INF, INF, 0, -0.0], (2, 4)))
                cases.append(c.ret(c.op(
                    f"tg.{op} {x} axis = 1 : {x.type} -> tensor<2xi32>", (2,),
                    "i32")))
    for dtype in NUMERIC:
        for shape, dim in [((5,), 0), ((3, 4), 0), ((3, 4), 1),
                           ((2, 3, 70), 2)]:
            c = Case(name_of("iota", dtype, shape_name(shape), dim))
            x = c.arg((1,), dtype, [0])
            cases.append(c.ret(c.op(
                f"tg.iota dimension = {dim} : {tensor_type(shape, dtype)}",
                shape, dtype)))
    return [Group("scan", cases)]


#===------------------------------------------------------------------------===#
# Shape ops, constants
#===------------------------------------------------------------------------===#

def shape_groups():
    cases = []
    for dtype in ALL:
        def case(kind, shape):
            c = Case(name_of(kind, dtype, shape_name(shape)))
            rng = Rng(c.name)
            return c, c.arg(shape, dtype, rng.values(shape, dtype))

        for src, dst in [((2, 3, 4), (6, 4)), ((12,), (2, 1, 3, 2)),
                         ((1, 1), ())]:
            c, x = case("reshape", src)
            cases.append(c.ret(c.op(f"tg.reshape {x} : {x.type} -> "
                                    f"{tensor_type(dst, dtype)}", dst,
                                    dtype)))
        for shape, perm in [((3, 5), [1, 0]), ((2, 3, 4), [2, 0, 1]),
                            ((2, 3, 4, 5), [3, 1, 0, 2]),
                            ((17, 33), [1, 0])]:
            c, x = case("transpose" + "".join(map(str, perm)), shape)
            out = tuple(shape[p] for p in perm)
            cases.append(c.ret(c.op(
                f"tg.transpose {x} permutation = {perm} : {x.type} -> "
                f"{tensor_type(out, dtype)}", out, dtype)))
        for src, dst in [((3,), (2, 3)), ((4, 1), (2, 4, 6)),
                         ((1, 3, 1), (2, 3, 5)), ((), (2, 2))]:
            c, x = case("broadcast_to_" + shape_name(dst), src)
            cases.append(c.ret(c.op(f"tg.broadcast_to {x} : {x.type} -> "
                                    f"{tensor_type(dst, dtype)}", dst,
                                    dtype)))
        for shape, start, size, stride in [
                ((4, 8), [0, 1], [2, 3], [1, 2]),
                ((5, 6, 7), [1, 0, 2], [2, 3, 2], [2, 2, 3]),
                ((9,), [8], [1], [5])]:
            c, x = case("slice_" + "_".join(map(str, start + size + stride)),
                        shape)
            cases.append(c.ret(c.op(
                f"tg.slice {x} start = {start} size = {size} stride = "
                f"{stride} : {x.type} -> {tensor_type(size, dtype)}",
                tuple(size), dtype)))
        for shapes, axis in [([(1, 3), (2, 3)], 0),
                             ([(2, 1, 4), (2, 3, 4), (2, 2, 4)], 1),
                             ([(3, 2), (3, 5)], 1)]:
            c = Case(name_of("concat", dtype, axis,
                             *[shape_name(s) for s in shapes]))
            rng = Rng(c.name)
            xs = [c.arg(s, dtype, rng.values(s, dtype)) for s in shapes]
            out = list(shapes[0])
            out[axis] = sum(s[axis] for s in shapes)
            cases.append(c.ret(c.op(
                f"tg.concat {', '.join(map(str, xs))} axis = {axis} : "
                f"{', '.join(x.type for x in xs)} -> "
                f"{tensor_type(out, dtype)}", out, dtype)))
        for table, ids, vals in [((10, 4), (5,), [0, 9, 3, -2, 100]),
                                 ((6,), (2, 3), [5, 0, -1, 6, 2, 3]),
                                 ((7, 2, 3), (4,), [6, 1, -7, 2147483647])]:
            c = Case(name_of("gather", dtype, shape_name(table),
                             shape_name(ids)))
            rng = Rng(c.name)
            t = c.arg(table, dtype, rng.values(table, dtype))
            i = c.arg(ids, "i32", np.reshape(vals, ids))
            out = ids + table[1:]
            cases.append(c.ret(c.op(
                f"tg.gather {t}[{i}] : {t.type}, {i.type} -> "
                f"{tensor_type(out, dtype)}", out, dtype)))
        # Offsets read at run time, clamped so the update lies inside; the
        # last case is a KV-cache append (one row at a position).
        for shape, ushape, offs in [
                ((5,), (2,), [[1], [-3], [4]]),
                ((4, 6), (2, 3), [[1, 2], [9, -1], [0, 3]]),
                ((2, 8, 3), (2, 1, 3), [[0, 5], [0, 7], [1, 100]]),
                ((3, 4), (3, 4), [[1, 1]])]:
            for k, off in enumerate(offs):
                off = list(off) + [0] * (len(shape) - len(off))
                c = Case(name_of("dynamic_update_slice", dtype,
                                 shape_name(shape), shape_name(ushape), k))
                rng = Rng(c.name)
                x = c.arg(shape, dtype, rng.values(shape, dtype))
                u = c.arg(ushape, dtype, rng.values(ushape, dtype))
                os_ = [c.arg((1,) if d % 2 else (), "i32",
                             np.reshape(o, (1,) if d % 2 else ()))
                       for d, o in enumerate(off)]
                cases.append(c.ret(c.op(
                    f"tg.dynamic_update_slice {x}, {u}, "
                    f"{', '.join(map(str, os_))} : {x.type}, {u.type}, "
                    f"{', '.join(o.type for o in os_)} -> {x.type}", shape,
                    dtype)))
        # An update of a computed value (here a broadcast) rather than of
        # an argument: an elementwise kernel over it, not an update_slice
        # kernel after a copy.
        c = Case(name_of("dynamic_update_slice", dtype, "computed"))
        rng = Rng(c.name)
        x = c.arg((1, 8, 3), dtype, rng.values((1, 8, 3), dtype))
        u = c.arg((2, 1, 3), dtype, rng.values((2, 1, 3), dtype))
        p = c.arg((), "i32", np.array(5, dtype=np.int32))
        full = tensor_type((2, 8, 3), dtype)
        b = c.op(f"tg.broadcast_to {x} : {x.type} -> {full}", (2, 8, 3), dtype)
        zero = c.op("tg.constant dense<0> : tensor<i32>", (), "i32")
        cases.append(c.ret(c.op(
            f"tg.dynamic_update_slice {b}, {u}, {zero}, {p}, {zero} : {full}, "
            f"{u.type}, tensor<i32>, tensor<i32>, tensor<i32> -> {full}",
            (2, 8, 3), dtype)))
    return [Group("shape", cases)]


def dense_literal(values, dtype):
    if dtype == "i1":
        return "[" + ", ".join("true" if v else "false" for v in values) + "]"
    if dtype in INTS:
        return "[" + ", ".join(str(int(v)) for v in values) + "]"
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def resource_hex(values, dtype):
    from tgtest import storage
    raw = storage(values, dtype).tobytes()
    return "0x04000000" + raw.hex().upper()  # alignment 4, then the bytes


def constant_groups():
    cases, blobs = [], []
    for dtype in ALL:
        c = Case(name_of("constant", dtype))
        rng = Rng(c.name)
        x = c.arg((2, 3), dtype, rng.values((2, 3), dtype))
        vals = rng.values((3,), dtype) if dtype not in FLOATS else \
            [1.5, -2.25, 0.1]
        dense = c.op(f"tg.constant dense<{dense_literal(vals, dtype)}> : "
                     f"{tensor_type((3,), dtype)}", (3,), dtype)
        splat_val = "true" if dtype == "i1" else ("3" if dtype in INTS
                                                  else "-0.75")
        splat = c.op(f"tg.constant dense<{splat_val}> : "
                     f"{tensor_type((2, 3), dtype)}", (2, 3), dtype)
        outs = [x, dense, splat]
        if dtype != "i1":  # dense_resource i1 is rejected by tgc
            blob = f"blob_{dtype}"
            rv = rng.values((2, 3), dtype)
            blobs.append(f"      {blob}: \"{resource_hex(rv, dtype)}\"")
            outs.append(c.op(f"tg.constant dense_resource<{blob}> : "
                             f"{tensor_type((2, 3), dtype)}", (2, 3), dtype))
        if dtype == "i1":
            r = outs[0]
            for o in outs[1:]:
                r = c.op(f"tg.select {o}, {r}, {o} : {o.type}, {r.type}, "
                         f"{o.type} -> {tensor_type((2, 3), dtype)}", (2, 3),
                         dtype)
        else:
            r = outs[0]
            for o in outs[1:]:
                r = c.op(f"tg.add {r}, {o} : {r.type}, {o.type} -> "
                         f"{tensor_type((2, 3), dtype)}", (2, 3), dtype)
        cases.append(c.ret(r, dense))
    resources = ("{-#\n  dialect_resources: {\n    builtin: {\n" +
                 ",\n".join(blobs) + "\n    }\n  }\n#-}\n")
    return [Group("constant", cases, resources)]


#===------------------------------------------------------------------------===#
# Composites
#===------------------------------------------------------------------------===#

def composite_groups():
    cases = []
    for dtype in FLOATS:
        for shape, axis in [((4, 16), 1), ((4, 16), 0), ((2, 3, 50), 2),
                            ((2, 3, 5), 1), ((3, 1000), 1)]:
            c = Case(name_of("softmax", dtype, shape_name(shape), axis))
            x = c.arg(shape, dtype, Rng(c.name).values(shape, dtype, (-4, 4)))
            cases.append(c.ret(c.op(f"tg.softmax {x} axis = {axis} : "
                                    f"{x.type}", shape, dtype)))
        for norm in ["layer_norm", "rms_norm"]:
            for shape, axis, params in [((4, 32), 1, "wb"), ((4, 32), 1, ""),
                                        ((2, 3, 8), 1, "w"),
                                        ((2, 3, 8), 2, "b"),
                                        ((3, 256), 1, "wb")]:
                if norm == "rms_norm":
                    params = params.replace("b", "")
                c = Case(name_of(norm, dtype, shape_name(shape), axis,
                                 params))
                rng = Rng(c.name)
                x = c.arg(shape, dtype, rng.values(shape, dtype) * 2 + 0.5)
                pshape = shape[axis:]
                text, types = f"tg.{norm} {x}", [x.type]
                if "w" in params:
                    w = c.arg(pshape, dtype, rng.values(pshape, dtype))
                    text += f" weight {w}"
                    types.append(w.type)
                if "b" in params:
                    b = c.arg(pshape, dtype, rng.values(pshape, dtype))
                    text += f" bias {b}"
                    types.append(b.type)
                eps = "1.0e-05" if norm == "layer_norm" else "1.0e-06"
                text += f" axis = {axis} epsilon = {eps} : {', '.join(types)}"
                cases.append(c.ret(c.op(text, shape, dtype)))
    return [Group("composite", cases)]


#===------------------------------------------------------------------------===#
# Attention: the patterns tgc-fuse-attention turns into one host kernel
#===------------------------------------------------------------------------===#

def attention_case(name, q_shape, k_shape, v_shape, scale="mul", key="tb",
                   mask=None, mask_shape=None):
    """softmax(q k^T scale [+ mask]) v. `key`: "tb" (transpose_b), "op"
    (k given as [..., D, N] and read through matmul without transposes),
    "tr" (a tg.transpose of [..., N, D]). `scale`: "mul", "lmul" (constant
    on the left), "div" or None."""
    c = Case(name_of("attention", name))
    rng = Rng(c.name)
    q = c.arg(q_shape, "f32", rng.values(q_shape, "f32", (-2, 2)))
    k_in = k_shape if key != "op" else k_shape[:-2] + (k_shape[-1], k_shape[-2])
    k = c.arg(k_in, "f32", rng.values(k_in, "f32", (-2, 2)))
    v = c.arg(v_shape, "f32", rng.values(v_shape, "f32", (-2, 2)))
    n = k_shape[-2]
    s_shape = broadcast(q_shape[:-2], k_shape[:-2]) + (q_shape[-2], n)
    st = tensor_type(s_shape, "f32")
    if key == "tb":
        s = c.op(f"tg.matmul {q}, {k} transpose_b : {q.type}, {k.type} -> "
                 f"{st}", s_shape, "f32")
    elif key == "op":
        s = c.op(f"tg.matmul {q}, {k} : {q.type}, {k.type} -> {st}",
                 s_shape, "f32")
    else:
        kt_shape = k_shape[:-2] + (k_shape[-1], k_shape[-2])
        perm = list(range(len(k_shape) - 2)) + [len(k_shape) - 1,
                                                 len(k_shape) - 2]
        kt = c.op(f"tg.transpose {k} permutation = {perm} : {k.type} -> "
                  f"{tensor_type(kt_shape, 'f32')}", kt_shape, "f32")
        s = c.op(f"tg.matmul {q}, {kt} : {q.type}, {kt.type} -> {st}",
                 s_shape, "f32")
    if scale:
        value = 1.0 / math.sqrt(q_shape[-1])
        if scale == "div":
            cst = c.op(f"tg.constant dense<{math.sqrt(q_shape[-1]):.9e}> : "
                       "tensor<f32>", (), "f32")
            s = c.op(f"tg.div {s}, {cst} : {st}, tensor<f32> -> {st}",
                     s_shape, "f32")
        else:
            cst = c.op(f"tg.constant dense<{value:.9e}> : tensor<f32>", (),
                       "f32")
            lhs, rhs = (cst, s) if scale == "lmul" else (s, cst)
            s = c.op(f"tg.mul {lhs}, {rhs} : {lhs.type}, {rhs.type} -> {st}",
                     s_shape, "f32")
    if mask is not None:
        m = c.arg(mask_shape, "f32", mask)
        s = c.op(f"tg.add {s}, {m} : {st}, {m.type} -> {st}", s_shape, "f32")
    p = c.op(f"tg.softmax {s} axis = {len(s_shape) - 1} : {st}", s_shape,
             "f32")
    o_shape = broadcast(s_shape[:-2], v_shape[:-2]) + (s_shape[-1 - 1],
                                                        v_shape[-1])
    return c.ret(c.op(f"tg.matmul {p}, {v} : {p.type}, {v.type} -> "
                      f"{tensor_type(o_shape, 'f32')}", o_shape, "f32"))


def decode_case(name, pos, kv, group, ctx, d, form="select"):
    """One decode step's attention as examples/llm/make_model.py writes it:
    `group` queries per key/value head against a cache of `ctx` rows, keys
    0..pos visible (`form` "select": select(iota <= pos, s, -inf); "added":
    s + select(pos > iota, 0, -inf), keys 0..pos-1). Fused, the visible keys
    become a run-time key count; pos past the cache shows every row."""
    c = Case(name_of("attention", name))
    rng = Rng(c.name)
    q = c.arg((kv, group, d), "f32", rng.values((kv, group, d), "f32", (-2, 2)))
    k = c.arg((kv, ctx, d), "f32", rng.values((kv, ctx, d), "f32", (-2, 2)))
    v = c.arg((kv, ctx, d), "f32", rng.values((kv, ctx, d), "f32", (-2, 2)))
    p = c.arg((), "i32", np.array(pos, dtype=np.int32))
    t = lambda sh, dt="f32": tensor_type(sh, dt)
    ss, row = (kv, group, ctx), (1, 1, ctx)
    s = c.op(f"tg.matmul {q}, {k} transpose_b : {q.type}, {k.type} -> "
             f"{t(ss)}", ss, "f32")
    cst = c.op(f"tg.constant dense<{d ** -0.5:.9e}> : tensor<f32>", (), "f32")
    s = c.op(f"tg.mul {s}, {cst} : {t(ss)}, tensor<f32> -> {t(ss)}", ss, "f32")
    ninf = c.op("tg.constant dense<0xFF800000> : tensor<f32>", (), "f32")
    iota = c.op(f"tg.iota dimension = 2 : {t(row, 'i32')}", row, "i32")
    if form == "select":
        vis = c.op(f"tg.compare le, {iota}, {p} : {t(row, 'i32')}, "
                   f"tensor<i32> -> {t(row, 'i1')}", row, "i1")
        s = c.op(f"tg.select {vis}, {s}, {ninf} : {t(row, 'i1')}, {t(ss)}, "
                 f"tensor<f32> -> {t(ss)}", ss, "f32")
    else:
        vis = c.op(f"tg.compare gt, {p}, {iota} : tensor<i32>, "
                   f"{t(row, 'i32')} -> {t(row, 'i1')}", row, "i1")
        zero = c.op("tg.constant dense<0.0> : tensor<f32>", (), "f32")
        mask = c.op(f"tg.select {vis}, {zero}, {ninf} : {t(row, 'i1')}, "
                    f"tensor<f32>, tensor<f32> -> {t(row)}", row, "f32")
        s = c.op(f"tg.add {s}, {mask} : {t(ss)}, {t(row)} -> {t(ss)}", ss,
                 "f32")
    pr = c.op(f"tg.softmax {s} axis = 2 : {t(ss)}", ss, "f32")
    o = (kv, group, d)
    return c.ret(c.op(f"tg.matmul {pr}, {v} : {t(ss)}, {k.type} -> {t(o)}", o,
                      "f32"))


def causal_select_case(name, heads, m, n, d, e, predicate="le"):
    """softmax(select(key <= query + (n - m), s, -inf)) v, the causal mask
    as a select (PyTorch's is_causal for a prompt after n - m cached keys),
    which the fused kernels take as a key count per query; with `predicate`
    "ne" every key but key query + (n - m) is visible, which they take as a
    `visible` operand. A NaN in the last key row, hidden from the earlier
    queries: the select drops it for them, and so must the fused kernel."""
    c = Case(name_of("attention", name))
    rng = Rng(c.name)
    k_values = rng.values((heads, n, d), "f32", (-2, 2))
    k_values[0, n - 1, 0] = NAN
    q = c.arg((heads, m, d), "f32", rng.values((heads, m, d), "f32", (-2, 2)))
    k = c.arg((heads, n, d), "f32", k_values)
    v = c.arg((heads, n, e), "f32", rng.values((heads, n, e), "f32", (-2, 2)))
    t = lambda sh, dt="f32": tensor_type(sh, dt)
    ss, sm = (heads, m, n), (1, m, n)
    s = c.op(f"tg.matmul {q}, {k} transpose_b : {q.type}, {k.type} -> "
             f"{t(ss)}", ss, "f32")
    cst = c.op(f"tg.constant dense<{d ** -0.5:.9e}> : tensor<f32>", (), "f32")
    s = c.op(f"tg.mul {s}, {cst} : {t(ss)}, tensor<f32> -> {t(ss)}", ss, "f32")
    i = c.op(f"tg.iota dimension = 1 : {t(sm, 'i32')}", sm, "i32")
    j = c.op(f"tg.iota dimension = 2 : {t(sm, 'i32')}", sm, "i32")
    off = c.op(f"tg.constant dense<{n - m}> : tensor<i32>", (), "i32")
    last = c.op(f"tg.add {i}, {off} : {t(sm, 'i32')}, tensor<i32> -> "
                f"{t(sm, 'i32')}", sm, "i32")
    vis = c.op(f"tg.compare {predicate}, {j}, {last} : {t(sm, 'i32')}, "
               f"{t(sm, 'i32')} -> {t(sm, 'i1')}", sm, "i1")
    ninf = c.op("tg.constant dense<0xFF800000> : tensor<f32>", (), "f32")
    s = c.op(f"tg.select {vis}, {s}, {ninf} : {t(sm, 'i1')}, {t(ss)}, "
             f"tensor<f32> -> {t(ss)}", ss, "f32")
    p = c.op(f"tg.softmax {s} axis = 2 : {t(ss)}", ss, "f32")
    o = (heads, m, e)
    return c.ret(c.op(f"tg.matmul {p}, {v} : {t(ss)}, {v.type} -> {t(o)}", o,
                      "f32"))


def attention_groups():
    # Causal mask with one query that sees no key (its row is NaN, as the
    # unfused softmax gives) and one key hidden from every query.
    m, n = 37, 45
    causal = np.where(np.arange(n)[None, :] <= np.arange(m)[:, None] + 5,
                      0.0, -INF)
    causal[3, :] = -INF
    causal[:, 7] = -INF
    cases = [
        attention_case("single", (16, 32), (16, 32), (16, 32)),
        attention_case("heads-transposed-key", (3, 37, 20), (3, 45, 20),
                       (3, 45, 13), scale="div", key="op"),
        attention_case("causal", (2, m, 24), (2, n, 24), (2, n, 17),
                       mask=causal, mask_shape=(m, n)),
        attention_case("grouped-heads", (2, 4, 8, 16), (2, 1, 24, 16),
                       (2, 1, 24, 8), scale="lmul", key="tr"),
        attention_case("long-keys", (5, 7), (300, 7), (300, 40)),
        # Wider values than a GPU workgroup keeps (128 columns): split.
        attention_case("wide-values", (2, 20, 36), (2, 70, 36),
                       (2, 70, 260)),
        attention_case("unscaled-many-queries", (2, 70, 12), (2, 130, 12),
                       (2, 130, 12), scale=None),
    ]
    cases.append(multi_head_case(s=10, d=24, heads=4))
    cases.append(causal_select_case("causal-select", heads=3, m=70, n=90,
                                    d=20, e=24))
    cases.append(causal_select_case("causal-select-prompt", heads=2, m=16,
                                    n=16, d=8, e=8))
    cases.append(causal_select_case("select-not-diagonal", heads=2, m=40,
                                    n=50, d=12, e=8, predicate="ne"))
    # Decode steps at positions around the key blocks (96 keys with
    # AVX-512, 48 with AVX2): the first key, block edges, the last row and
    # past the cache; one query per head and grouped queries.
    for pos in (0, 1, 47, 48, 95, 96, 150, 199, 230):
        cases.append(decode_case(f"decode-{pos}", pos, kv=2, group=3,
                                 ctx=200, d=16))
    cases.append(decode_case("decode-mha", 70, kv=4, group=1, ctx=130, d=8))
    for pos in (0, 1, 64):
        cases.append(decode_case(f"decode-added-{pos}", pos, kv=1, group=2,
                                 ctx=64, d=12, form="added"))
    return [Group("attention", cases)]


def multi_head_case(s, d, heads):
    """Projections, heads split and transposed, attention, the transpose
    back (written by the fused kernel directly) and the output projection,
    as a transformer layer has them."""
    dh = d // heads
    c = Case(name_of("attention", "multi-head"))
    rng = Rng(c.name)
    x = c.arg((s, d), "f32", rng.values((s, d), "f32", (-2, 2)))
    w = {n: c.arg((d, d), "f32", rng.values((d, d), "f32", (-0.5, 0.5)))
         for n in "qkvo"}
    sd, hs, hp = (s, d), (s, heads, dh), (heads, s, dh)
    t = lambda sh: tensor_type(sh, "f32")
    per_head = {}
    for n in "qkv":
        m = c.op(f"tg.matmul {x}, {w[n]} : {x.type}, {w[n].type} -> {t(sd)}",
                 sd, "f32")
        r = c.op(f"tg.reshape {m} : {t(sd)} -> {t(hs)}", hs, "f32")
        per_head[n] = c.op(f"tg.transpose {r} permutation = [1, 0, 2] : "
                           f"{t(hs)} -> {t(hp)}", hp, "f32")
    q, k, v = per_head["q"], per_head["k"], per_head["v"]
    ss = (heads, s, s)
    sc = c.op(f"tg.matmul {q}, {k} transpose_b : {t(hp)}, {t(hp)} -> {t(ss)}",
              ss, "f32")
    cst = c.op(f"tg.constant dense<{dh ** -0.5:.9e}> : tensor<f32>", (), "f32")
    sc = c.op(f"tg.mul {sc}, {cst} : {t(ss)}, tensor<f32> -> {t(ss)}", ss,
              "f32")
    p = c.op(f"tg.softmax {sc} axis = 2 : {t(ss)}", ss, "f32")
    o = c.op(f"tg.matmul {p}, {v} : {t(ss)}, {t(hp)} -> {t(hp)}", hp, "f32")
    o = c.op(f"tg.transpose {o} permutation = [1, 0, 2] : {t(hp)} -> {t(hs)}",
             hs, "f32")
    o = c.op(f"tg.reshape {o} : {t(hs)} -> {t(sd)}", sd, "f32")
    return c.ret(c.op(f"tg.matmul {o}, {w['o']} : {t(sd)}, {w['o'].type} -> "
                      f"{t(sd)}", sd, "f32"))


def example_groups(src_root):
    """The example models, with their weights, on seeded inputs."""
    groups = []
    for path in sorted(glob.glob(os.path.join(src_root, "examples",
                                              "*.mlir"))):
        name = os.path.splitext(os.path.basename(path))[0]
        text = open(path).read()
        m = re.search(r"func\.func @main\(([^)]*)\)", text)
        args = re.findall(r"tensor<([0-9x]*)(f32|f16|bf16|i32|i8|i1)>",
                          m.group(1))
        c = Case(f"example_{name}")
        rng = Rng(c.name)
        for dims, dtype in args:
            shape = tuple(int(d) for d in dims.split("x") if d)
            c.arg(shape, dtype, rng.values(shape, dtype))
        # One f32 result (all examples have one); the module is used as is.
        c.ret(Val("%result", (), "f32"))
        groups.append(ExampleGroup(f"example_{name}", [c], text))
    return groups


class ExampleGroup(Group):
    """A module taken as written; its one case names only the inputs."""

    def __init__(self, name, cases, text):
        super().__init__(name, cases)
        self.text = text
        self.cases[0].name = "main"

    def functions(self, combined):
        return [("main", self.cases)]

    def module_text(self, combined=False):
        return self.text


FAMILIES = {
    "unary": unary_groups, "binary": binary_groups, "compare": compare_groups,
    "select": select_groups, "cast": cast_groups, "reduce": reduce_groups,
    "matmul": matmul_groups, "shape": shape_groups, "scan": scan_groups,
    "constant": constant_groups, "composite": composite_groups,
    "attention": attention_groups,
}


def groups(family, src_root):
    if family == "examples":
        return example_groups(src_root)
    return FAMILIES[family]()

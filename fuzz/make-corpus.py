#!/usr/bin/env python3
"""Regenerates the seed corpora in fuzz/corpus/ (they are committed).

    fuzz/make-corpus.py BUILD_DIR     (needs BUILD_DIR/bin/tgc, numpy, zstd)

frontend/: the examples and small tg modules covering every op (e2e-ops
cases and fuzzer graphs, one function each). bundle/: host and GPU bundles
of a few of them, whole (raw form) and as section lists (the harness's
second form, see fuzz/bundle.cpp). codeobject/: the cubins (sm_80, sm_90,
when ptxas is installed) and HSACO (gfx1100) of the softmax example. npy/: .npy files of every dtype, header
version and layout the parser accepts, and tensor-text strings.
"""
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "test", "e2e-ops"))
sys.path.insert(0, os.path.join(ROOT, "test", "fuzz"))
import cases  # noqa: E402
import graphs  # noqa: E402
from tgtest import Group, storage  # noqa: E402


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def frontend(out):
    for name in sorted(os.listdir(os.path.join(ROOT, "examples"))):
        if name.endswith(".mlir"):
            with open(os.path.join(ROOT, "examples", name)) as f:
                write(os.path.join(out, "example-" + name), f.read())
    # One small case per op and dtype family, and some random graphs.
    seen = set()
    for family in cases.FAMILIES:
        for g in cases.groups(family, ROOT):
            for c in g.cases:
                key = c.name.split("_")[0] + (c.name.split("_")[1]
                                              if "_" in c.name else "")
                if key in seen or sum(a.size for a in c.inputs) > 256:
                    continue
                seen.add(key)
                write(os.path.join(out, c.name + ".mlir"),
                      Group("m", [c], g.resources).module_text())
    for seed in range(1, 41):
        c = graphs.graph(seed, max_ops=8)
        write(os.path.join(out, f"graph-{seed}.mlir"),
              Group("m", [c]).module_text())


def sections(bundle):
    """[(kind, raw bytes)] of a bundle; zstd sections decompressed."""
    n = struct.unpack_from("<I", bundle, 12)[0]
    result = []
    for i in range(n):
        kind, comp, off, stored, raw, _, _ = struct.unpack_from(
            "<IIQQQQQ", bundle, 64 + 48 * i)
        data = bundle[off:off + stored]
        if comp == 1:
            data = subprocess.run(["zstd", "-d", "-c"], input=data,
                                  stdout=subprocess.PIPE, check=True).stdout
        result.append((kind, data))
    return result


def section_form(secs):
    """The harness's section-list input for these sections."""
    flags, body = 0, b""
    for i, (kind, data) in enumerate(secs[:4]):
        if i > 0 and kind == 3:
            flags |= 1 << (2 * i + 1)
        if len(data) > 512:
            flags |= 1 << (2 * i)  # compress the big ones, as tgc does
        body += struct.pack("<I", len(data)) + data
    return bytes([flags]) + body


def bundles(out, tgc, modules):
    with tempfile.TemporaryDirectory() as tmp:
        for name, targets in [("example-mlp.mlir", "host"),
                              ("example-softmax.mlir", "host,sm_90"),
                              ("example-layernorm.mlir", "host"),
                              ("constant_f32.mlir", "host"),
                              ("gather_i1_10x4_5.mlir", "host,gfx1100"),
                              ("graph-3.mlir", "host")]:
            src = os.path.join(modules, name)
            if not os.path.exists(src):
                continue
            binary = os.path.join(tmp, "m.bin")
            subprocess.run([tgc, src, f"--targets={targets}", "-o", binary],
                           check=True, stderr=subprocess.DEVNULL)
            with open(binary, "rb") as f:
                data = f.read()
            stem = os.path.splitext(name)[0]
            write(os.path.join(out, stem + ".bin"), data)
            write(os.path.join(out, stem + ".sections"),
                  section_form(sections(data)))


def code_objects(out, tgc):
    """Cubins and an HSACO for hal/codeobject's loaders (fuzz/codeobject.cpp).
    A cubin needs ptxas; without it only the HSACO is written."""
    src = os.path.join(ROOT, "examples", "softmax.mlir")
    for target, ext in [("sm_80", "cubin"), ("sm_90", "cubin"),
                        ("gfx1100", "hsaco")]:
        path = os.path.join(out, f"softmax-{target}.{ext}")
        os.makedirs(out, exist_ok=True)
        result = subprocess.run([tgc, src, f"--emit={ext}",
                                 f"--targets={target}", "-o", path],
                                stderr=subprocess.DEVNULL)
        if result.returncode != 0:
            print(f"make-corpus: skipped {path} (tgc --emit={ext} failed; "
                  "ptxas missing?)", file=sys.stderr)


def npy(out):
    rng = np.random.default_rng(0)
    for dtype in ["f32", "f16", "bf16", "i32", "i8", "i1"]:
        for shape in [(), (3,), (2, 3), (1, 0, 2)]:
            a = storage(rng.standard_normal(shape) * 10, dtype)
            path = os.path.join(out, f"{dtype}-{'x'.join(map(str, shape))}"
                                f".npy")
            os.makedirs(out, exist_ok=True)
            np.save(path, a)
    a = np.asfortranarray(np.arange(6, dtype="<f4"))
    np.save(os.path.join(out, "fortran-1d.npy"), a)
    # Format 2.0 (4-byte header length) and 3.0 (utf-8 header).
    for version in [(2, 0), (3, 0)]:
        with open(os.path.join(out, f"v{version[0]}.npy"), "wb") as f:
            np.lib.format.write_array(f, np.ones((2, 2), "<i4"),
                                      version=version)
    for i, text in enumerate(["2x3xf32=1 2 3 4 5 6", "f16=nan",
                              "4xi1=true false 1 0", "2x2xbf16=[[1, -2], "
                              "[inf, 3.5]]", "0x4xi8", "3xi32=7"]):
        write(os.path.join(out, f"text-{i}.txt"), text)


def main():
    build = sys.argv[1]
    tgc = os.path.join(build, "bin", "tgc")
    corpus = os.path.join(HERE, "corpus")
    frontend(os.path.join(corpus, "frontend"))
    bundles(os.path.join(corpus, "bundle"), tgc,
            os.path.join(corpus, "frontend"))
    code_objects(os.path.join(corpus, "codeobject"), tgc)
    npy(os.path.join(corpus, "npy"))


if __name__ == "__main__":
    main()

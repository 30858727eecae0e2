"""Regenerates the ONNX models of test/onnx/errors.test (and the other
test/onnx inputs): each is small and wrong in one way, or exercises one
import path. Run with the venv of scripts/onnx-venv.sh:

  build/onnx-venv/bin/python3 test/onnx/Inputs/make_inputs.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

HERE = os.path.dirname(os.path.abspath(__file__))


def model(nodes, inputs, outputs, inits=(), opset=18, domains=()):
    g = h.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)] +
                     [h.make_opsetid(d, 1) for d in domains])
    m.ir_version = 8
    return m


def vi(name, elem=T.FLOAT, shape=(2, 3)):
    return h.make_tensor_value_info(name, elem, shape)


def save(name, m):
    onnx.save(m, os.path.join(HERE, name))


def main():
    x, y = vi("x"), vi("y")
    relu = model([h.make_node("Relu", ["x"], ["y"], name="relu")], [x], [y])
    save("relu.onnx", relu)
    raw = relu.SerializeToString()
    with open(os.path.join(HERE, "truncated.onnx"), "wb") as f:
        f.write(raw[:len(raw) // 2])
    with open(os.path.join(HERE, "garbage.onnx"), "wb") as f:
        f.write(b"\x08\x07\xff\xff\xff\xff garbage, not a protobuf")
    save("unsupported-op.onnx", model(
        [h.make_node("Einsum", ["x", "x"], ["y"], name="einsum",
                     equation="ij,ij->ij")], [x], [y]))
    save("unsupported-attr.onnx", model(
        [h.make_node("Relu", ["x"], ["y"], name="relu", bogus=1)], [x], [y]))
    save("float64.onnx", model(
        [h.make_node("Relu", ["x"], ["y"], name="relu")],
        [vi("x", T.DOUBLE)], [vi("y", T.DOUBLE)]))
    save("dynamic.onnx", model(
        [h.make_node("Relu", ["x"], ["y"], name="relu")],
        [vi("x", shape=("batch", 3))], [vi("y", shape=("batch", 3))]))
    save("runtime-shape.onnx", model(
        [h.make_node("Reshape", ["x", "s"], ["y"], name="reshape")],
        [x, vi("s", T.INT64, (2,))], [vi("y", shape=(3, 2))]))
    big = nh.from_array(np.array([2**40, 1], dtype=np.int64), "big")
    save("int64-range.onnx", model(
        [h.make_node("Add", ["i", "big"], ["y"], name="add")],
        [vi("i", T.INT64, (2,))], [vi("y", T.INT64, (2,))], [big]))
    save("domain.onnx", model(
        [h.make_node("FusedGemm", ["x", "x"], ["y"], name="fused",
                     domain="com.microsoft")], [x], [y],
        domains=["com.microsoft"]))
    save("old-opset.onnx", model(
        [h.make_node("Softmax", ["x"], ["y"], name="softmax")], [x], [y],
        opset=11))
    save("no-output.onnx", model(
        [h.make_node("Relu", ["x"], ["y"], name="relu")], [x], [vi("z")]))
    save("empty-result.onnx", model(
        [h.make_node("Slice", ["x", "st", "en"], ["y"], name="slice")], [x],
        [y], [nh.from_array(np.array([1], np.int64), "st"),
              nh.from_array(np.array([1], np.int64), "en")]))
    save("bad-broadcast.onnx", model(
        [h.make_node("Add", ["x", "w"], ["y"], name="add")], [x], [y],
        [nh.from_array(np.ones((4,), np.float32), "w")]))
    # External data: a weight in a file next to the model, then the same
    # model with the file missing, too short, and outside its directory.
    w = nh.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "w")
    ext = model([h.make_node("Add", ["x", "w"], ["y"], name="add")], [x],
                [y], [w])
    # onnx.save appends to an existing data file.
    if os.path.exists(os.path.join(HERE, "external.weights")):
        os.remove(os.path.join(HERE, "external.weights"))
    onnx.save(ext, os.path.join(HERE, "external.onnx"),
              save_as_external_data=True, location="external.weights",
              size_threshold=0)
    for name, location, length in [("external-missing", "missing.weights",
                                     None),
                                    ("external-short", "external.weights",
                                     4096),
                                    ("external-escape", "../outside.weights",
                                     None)]:
        m = onnx.load(os.path.join(HERE, "external.onnx"),
                      load_external_data=False)
        t = m.graph.initializer[0]
        for e in t.external_data:
            if e.key == "location":
                e.value = location
        if length is not None:
            e = t.external_data.add()
            e.key, e.value = "length", str(length)
        save(name + ".onnx", m)


if __name__ == "__main__":
    main()


def more():
    # Import paths checked by import.test.
    x = vi("x", shape=(2, 8))
    w = nh.from_array(np.linspace(0.5, 1.5, 8).astype(np.float32), "scale")
    save("simplified-layernorm.onnx", model(
        [h.make_node("SimplifiedLayerNormalization", ["x", "scale"], ["y"],
                     name="rms", axis=-1, epsilon=1e-6)], [x],
        [vi("y", shape=(2, 8))], [w], opset=17))
    big = nh.from_array(np.ones((64, 64), np.float32), "big_weight")
    save("weights.onnx", model(
        [h.make_node("MatMul", ["x", "big_weight"], ["y"], name="mm")],
        [vi("x", shape=(2, 64))], [vi("y", shape=(2, 64))], [big]))


if __name__ == "__main__":
    more()


def safetensors(path, tensors, header_size=None, offsets=None):
    """Writes a safetensors file (8-byte header length, JSON, data) by
    hand: the format is that simple, and the venv has no safetensors."""
    import json
    import struct
    header, data = {}, b""
    for name, (dtype, array) in tensors.items():
        raw = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": offsets or [len(data),
                                                    len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    with open(os.path.join(HERE, path), "wb") as f:
        f.write(struct.pack("<Q", header_size or len(text)) + text + data)


def weights_from_files():
    x = vi("x")
    w = np.arange(6, dtype=np.float32).reshape(2, 3)
    add = [h.make_node("Add", ["x", "w"], ["y"], name="add")]
    # A model exported without its parameters (w is a graph input) and one
    # whose initializer the file replaces.
    save("st-input.onnx", model(add, [x, vi("w")], [vi("y")]))
    save("st-init.onnx", model(add, [x], [vi("y")],
                               [nh.from_array(np.zeros((2, 3), np.float32),
                                              "w")]))
    safetensors("w.safetensors", {"w": ("F32", w)})
    safetensors("w-f16.safetensors", {"w": ("F16", w.astype(np.float16))})
    safetensors("other.safetensors", {"v": ("F32", w)})
    safetensors("bad-header.safetensors", {"w": ("F32", w)},
                header_size=1 << 40)
    safetensors("bad-offsets.safetensors", {"w": ("F32", w)},
                offsets=[0, 4096])
    safetensors("bad-dtype.safetensors", {"w": ("C64", w)})


if __name__ == "__main__":
    weights_from_files()


def arity():
    # Input counts against ONNX's schemas, checked by errors.test.
    x = vi("x")
    save("missing-input.onnx", model(
        [h.make_node("Add", ["x"], ["y"], name="add")], [x], [vi("y")]))
    save("omitted-input.onnx", model(
        [h.make_node("CastLike", ["x", ""], ["y"], name="cast")], [x],
        [vi("y")]))


if __name__ == "__main__":
    arity()

"""weights_files.py OUTDIR: writes the safetensors files of
test/onnx/external-weights.test into OUTDIR: new weights for st-init.onnx's
`w` (same dtype and shape, other values), and one file for each way a
weights file can be wrong. Plain Python (struct and json), like the format."""
import json
import os
import struct
import sys


def safetensors(path, tensors, header_size=None, data=None):
    header, blob = {}, b""
    for name, (dtype, shape, raw, offsets) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": offsets or [len(blob),
                                                    len(blob) + len(raw)]}
        blob += raw
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text) if header_size is None
                            else header_size) + text +
                (blob if data is None else data))


def floats(values):
    return struct.pack("<%df" % len(values), *values)


def main(out):
    w = floats([0, 1, 2, 3, 4, 5])
    put = lambda name, *args, **kw: safetensors(os.path.join(out, name),
                                                *args, **kw)
    put("w2.safetensors", {"w": ("F32", [2, 3],
                                 floats([10, 20, 30, 40, 50, 60]), None)})
    put("truncated.safetensors", {"w": ("F32", [2, 3], w, None)},
        data=w[:20])
    put("f16.safetensors", {"w": ("F16", [2, 3], b"\0" * 12, None)})
    put("shape.safetensors", {"w": ("F32", [3, 2], w, None)})
    put("missing.safetensors", {"v": ("F32", [2, 3], w, None)})
    put("past-end.safetensors", {"w": ("F32", [2, 3], w, [0, 4096])})
    put("huge-header.safetensors", {"w": ("F32", [2, 3], w, None)},
        header_size=1 << 40)
    put("overlap.safetensors", {"w": ("F32", [2, 3], w, [0, 24]),
                                "v": ("F32", [2, 3], w, [8, 32])},
        data=w + w[:8])
    put("size.safetensors", {"w": ("F32", [2, 3], w[:16], None)})
    with open(os.path.join(out, "not-json.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", 5) + b"{w: 1" + w)


if __name__ == "__main__":
    main(sys.argv[1])

"""damage.py BUNDLE OUTDIR: writes damaged copies of a bundle for the
bundle error tests: empty, header only, truncated, format versions 1 (before
signatures) and 4 (newer than any reader), one flipped bit in the section table, in the metadata and
in the code.
Offsets come from the container layout of docs/bundle-format.md."""
import struct
import sys

bundle, out = sys.argv[1], sys.argv[2]
data = open(bundle, "rb").read()


def write(name, content):
    with open(f"{out}/{name}.bin", "wb") as f:
        f.write(content)


def flipped(offset):
    d = bytearray(data)
    d[offset] ^= 0x01
    return bytes(d)


def section(i):
    kind, comp, offset, stored = struct.unpack_from("<IIQQ", data, 64 + 48 * i)
    return offset, stored


write("empty", b"")
write("header-only", data[:40])
write("truncated", data[:len(data) // 2])
for version in (1, 4):
    d = bytearray(data)
    struct.pack_into("<I", d, 8, version)
    write(f"version{version}", bytes(d))
write("bad-table", flipped(64 + 8))  # the metadata section's offset
meta_offset, meta_size = section(0)
write("bad-metadata", flipped(meta_offset + meta_size // 2))
code_offset, code_size = section(1)
write("bad-code", flipped(code_offset + code_size // 2))

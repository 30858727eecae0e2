"""flip-code-byte.py BUNDLE OUT: copies a bundle with one bit flipped in the
middle of its last code section (a cubin when ptxas made one, else PTX, for a
bundle whose last target is an sm_XX) and prints that section's index.
Offsets come from the container layout of docs/bundle-format.md."""
import struct
import sys

data = bytearray(open(sys.argv[1], "rb").read())
count = struct.unpack_from("<I", data, 12)[0]
code = [i for i in range(count)
        if struct.unpack_from("<I", data, 64 + 48 * i)[0] == 2]
last = code[-1]
offset, stored = struct.unpack_from("<QQ", data, 64 + 48 * last + 8)
data[offset + stored // 2] ^= 0x01
open(sys.argv[2], "wb").write(bytes(data))
print(f"flipped a bit of section {last}")

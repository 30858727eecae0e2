"""corrupt-cache.py DIR: overwrites the middle of every cache entry
(*.tgck) in DIR, as a crash or a bad disk might."""
import os
import sys

for name in os.listdir(sys.argv[1]):
    if name.endswith(".tgck"):
        path = os.path.join(sys.argv[1], name)
        with open(path, "r+b") as f:
            size = os.path.getsize(path)
            f.seek(size // 2)
            f.write(b"\xde\xad\xbe\xef")

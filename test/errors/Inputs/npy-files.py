"""npy-files.py OUTDIR: .npy inputs for the call error tests."""
import sys

import numpy as np

out = sys.argv[1]
np.save(f"{out}/f16.npy", np.ones((2, 3), np.float16))
np.save(f"{out}/f64.npy", np.ones((2, 3), np.float64))
with open(f"{out}/bad-header.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00\x10\x00{garbage}      \n")
full = open(f"{out}/f16.npy", "rb").read()
with open(f"{out}/short.npy", "wb") as f:
    f.write(full[:-4])  # data cut short

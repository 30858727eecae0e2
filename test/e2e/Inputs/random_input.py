"""random_input.py SHAPE OUT.npy [SEED]: a seeded standard-normal f32 array."""
import sys

import numpy as np

shape = tuple(int(d) for d in sys.argv[1].split("x"))
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
np.save(sys.argv[2], np.random.default_rng(seed).standard_normal(shape).astype(np.float32))

"""Modules and the JIT from several Python threads."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np

import tgc
from conftest import RELU


def test_calls_from_threads():
    m = tgc.compile(RELU.replace("tensor<4xf32>", "tensor<4096xf32>"))
    rng = np.random.default_rng(2)
    inputs = [rng.standard_normal(4096, np.float32) for _ in range(32)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(m, inputs))
    for x, y in zip(inputs, results):
        np.testing.assert_array_equal(y, np.maximum(x, 0))


def test_threads_compiling_one_model_share_it():
    model = RELU.replace("tg.relu", "tg.sigmoid")
    with ThreadPoolExecutor(max_workers=4) as pool:
        modules = list(pool.map(lambda _: tgc.compile(model), range(4)))
    caches = sorted(m.compile_info["cache"] for m in modules)
    # One compiled (or found it on disk); the others shared that module.
    assert caches.count("already loaded") == 3
    x = np.array([0, 1, -1, 2], np.float32)
    for m in modules:
        np.testing.assert_allclose(m(x), 1 / (1 + np.exp(-x)), rtol=1e-6)

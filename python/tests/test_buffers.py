"""Device buffers: upload, download, donation (a KV cache in place)."""

import numpy as np
import pytest

import tgc
from conftest import ROOT


@pytest.fixture(scope="module")
def decode():
    return tgc.compile(ROOT / "examples" / "kv-cache" / "decode.mlir")


def reference_step(kc, vc, k, v, q, pos):
    kc, vc = kc.copy(), vc.copy()
    kc[pos], vc[pos] = k[0], v[0]
    s = (q @ kc[: pos + 1].T) * np.float32(0.353553385)
    p = np.exp(s - s.max())
    p /= p.sum()
    return p @ vc[: pos + 1], kc, vc


def test_upload_download_roundtrip(decode):
    data = np.arange(128, dtype=np.float32).reshape(16, 8)
    buffer = decode.buffer("f32", (16, 8), data)
    assert buffer.shape == (16, 8) and buffer.dtype == "f32"
    assert buffer.nbytes == 16 * 8 * 4
    np.testing.assert_array_equal(buffer.numpy(), data)
    same_type = decode.buffer(decode.decode.inputs[0])
    assert same_type.type == buffer.type


def test_kv_cache_updated_in_place(decode):
    rng = np.random.default_rng(1)
    f = decode.decode
    decode.check_donation("decode", 0, 1)  # kcache may become output 1
    kbuf = decode.buffer("f32", (16, 8), np.zeros((16, 8), np.float32))
    vbuf = decode.buffer("f32", (16, 8), np.zeros((16, 8), np.float32))
    kc = np.zeros((16, 8), np.float32)
    vc = np.zeros((16, 8), np.float32)
    for pos in range(5):
        k, v, q = (rng.standard_normal((1, 8), np.float32) for _ in range(3))
        out, kret, vret = f(kbuf, vbuf, k, v, q, np.int32(pos),
                            out=[None, kbuf, vbuf])
        assert kret is kbuf and vret is vbuf
        want, kc, vc = reference_step(kc, vc, k, v, q, pos)
        np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(kbuf.numpy(), kc)
    np.testing.assert_allclose(vbuf.numpy(), vc)


def test_donation_that_is_not_allowed(decode):
    with pytest.raises(tgc.Error) as info:
        decode.check_donation("decode", 2, 1)  # k is 1x8, output 1 is 16x8
    assert info.value.code == "INVALID_ARGUMENT"


def test_buffer_misuse(decode):
    buffer = decode.buffer("f32", (16, 8))
    with pytest.raises(tgc.Error, match="expected f32"):
        buffer.upload(np.zeros((16, 8), np.int32))
    with pytest.raises(tgc.Error):
        buffer.upload(np.zeros((8, 16), np.float32))
    with pytest.raises(tgc.Error, match="unknown dtype"):
        decode.buffer("f64", (2,))
    buffer.release()
    assert "released" in repr(buffer)
    with pytest.raises(tgc.Error) as info:
        buffer.numpy()
    assert info.value.code == "FAILED_PRECONDITION"
    x = np.zeros((1, 8), np.float32)
    with pytest.raises(tgc.Error, match="released"):
        decode.decode(buffer, buffer, x, x, x, np.int32(0))

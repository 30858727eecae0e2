"""tgc.load (bundles and their signatures) and the compile cache."""

import numpy as np
import pytest

import tgc
from conftest import RELU


def test_load_bundle_written_by_tgc(tmp_path, tgc_tool):
    source = tmp_path / "relu.mlir"
    source.write_text(RELU)
    bundle = tmp_path / "relu.bin"
    tgc_tool(source, "--targets=host", "-o", bundle)
    m = tgc.load(bundle)
    assert m.compile_info is None
    np.testing.assert_array_equal(m(np.array([-1, 2, -3, 4], np.float32)),
                                  [0, 2, 0, 4])


def test_bundle_of_an_untrusted_signer(tmp_path, tgc_tool):
    source = tmp_path / "relu.mlir"
    source.write_text(RELU)
    key = tmp_path / "stranger"
    tgc_tool("trust", "new-key", key)
    bundle = tmp_path / "stranger.bin"
    tgc_tool(source, "--targets=host", f"--sign-key={key}", "-o", bundle)
    with pytest.raises(tgc.Error) as info:
        tgc.load(bundle)
    assert info.value.code == "PERMISSION_DENIED"
    assert "not trusted" in info.value.message
    x = np.array([-1, 2, -3, 4], np.float32)
    trusted = tgc.load(bundle, trusted_keys=[str(key) + ".pub"])
    np.testing.assert_array_equal(trusted(x), [0, 2, 0, 4])
    allowed = tgc.load(bundle, allow_unsigned=True)
    np.testing.assert_array_equal(allowed(x), [0, 2, 0, 4])


def test_corrupt_and_missing_bundles(tmp_path, tgc_tool):
    source = tmp_path / "relu.mlir"
    source.write_text(RELU)
    bundle = tmp_path / "relu.bin"
    tgc_tool(source, "--targets=host", "-o", bundle)
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0xFF
    broken = tmp_path / "broken.bin"
    broken.write_bytes(bytes(data))
    with pytest.raises(tgc.Error) as info:
        tgc.load(broken)
    assert info.value.code in ("DATA_LOSS", "PERMISSION_DENIED")
    truncated = tmp_path / "truncated.bin"
    truncated.write_bytes(bytes(data[:100]))
    with pytest.raises(tgc.Error) as info:
        tgc.load(truncated)
    assert info.value.code == "DATA_LOSS"
    with pytest.raises(tgc.Error) as info:
        tgc.load(tmp_path / "absent.bin")
    assert info.value.code == "NOT_FOUND"


def test_compile_cache(tmp_path, run_python):
    cache = tmp_path / "cache"
    model = RELU.replace("tg.relu", "tg.abs")
    first = tgc.compile(model, cache_dir=cache)
    assert first.compile_info["cache"] == "miss, compiled and stored"
    assert tgc.compile(model, cache_dir=cache).compile_info["cache"] == \
        "already loaded"
    # Another process finds it on disk.
    out = run_python(
        "import tgc\n"
        f"m = tgc.compile({model!r}, cache_dir={str(cache)!r})\n"
        "print(m.compile_info['cache'])\n")
    assert out.strip() == "hit"
    off = tgc.compile(model.replace("tg.abs", "tg.neg"), cache=False)
    assert off.compile_info["cache"] == "disabled, compiled"

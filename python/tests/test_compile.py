"""tgc.compile: sources, paths, options, diagnostics."""

import numpy as np
import pytest

import tgc
from conftest import RELU, ROOT

MLP = """
func.func @mlp(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>,
               %b: tensor<4xf32>) -> tensor<8x4xf32> {
  %0 = tg.matmul %x, %w : tensor<8x16xf32>, tensor<16x4xf32> -> tensor<8x4xf32>
  %1 = tg.add %0, %b : tensor<8x4xf32>, tensor<4xf32> -> tensor<8x4xf32>
  %2 = tg.relu %1 : tensor<8x4xf32>
  return %2 : tensor<8x4xf32>
}
"""


def test_compile_text_matches_numpy():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 16), np.float32)
    w = rng.standard_normal((16, 4), np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    m = tgc.compile(MLP, device="host")
    y = m.mlp(x, w, b)
    assert isinstance(y, np.ndarray) and y.dtype == np.float32
    np.testing.assert_allclose(y, np.maximum(x @ w + b, 0), rtol=1e-5,
                               atol=1e-5)
    assert m.functions == ["mlp"]
    f = m.function("mlp")
    assert [str(t) for t in f.inputs] == [
        "tensor<8x16xf32>", "tensor<16x4xf32>", "tensor<4xf32>"]
    assert f.outputs == [tgc.TensorType("f32", (8, 4))]
    assert "host" in m.code_description


def test_compile_example_file(tmp_path):
    m = tgc.compile(ROOT / "examples" / "mlp.mlir")
    x = np.load(ROOT / "examples" / "inputs" / "mlp_x.npy")
    y = m(x)
    assert y.shape == tuple(m.function(m.functions[0]).outputs[0].shape)
    assert np.all(np.isfinite(y))
    # The same model as text is the same model.
    again = tgc.compile((ROOT / "examples" / "mlp.mlir").read_text())
    np.testing.assert_array_equal(again(x), y)


def test_compile_error_is_located():
    bad = RELU.replace("tg.relu %x : tensor<4xf32>", "tg.relu %x : tensor<5xf32>")
    with pytest.raises(tgc.Error) as info:
        tgc.compile(bad)
    assert info.value.code == "INVALID_ARGUMENT"
    assert "<source>:3:" in info.value.message
    assert "tensor<5xf32>" in info.value.message


def test_unknown_op_names_it():
    with pytest.raises(tgc.Error, match="tg.frobnicate"):
        tgc.compile(RELU.replace("tg.relu", "tg.frobnicate"))


def test_missing_file():
    with pytest.raises(tgc.Error) as info:
        tgc.compile("/nonexistent/model.mlir")
    assert info.value.code == "NOT_FOUND"


def test_bad_device_and_target():
    with pytest.raises(tgc.Error):
        tgc.compile(RELU, device="nonsense:7")
    with pytest.raises(tgc.Error, match="sm_1"):
        tgc.compile(RELU, targets=["sm_1"])


def test_several_functions():
    source = RELU + RELU.replace("@main", "@other").replace("tg.relu", "tg.neg")
    m = tgc.compile(source)
    assert sorted(m.functions) == ["main", "other"]
    x = np.array([-1, 2, -3, 4], np.float32)
    np.testing.assert_array_equal(m.other(x), -x)
    with pytest.raises(tgc.Error, match="call one by name"):
        m(x)
    with pytest.raises(AttributeError, match="main, other|other, main"):
        m.missing
    with pytest.raises(tgc.Error) as info:
        m.function("missing")
    assert info.value.code == "NOT_FOUND"


def test_onnx_model_with_dims():
    path = ROOT / "test" / "onnx" / "Inputs" / "dynamic.onnx"
    m = tgc.compile(path, dims={"batch": 2})
    x = np.array([[-1, 2, -3], [4, -5, 6]], np.float32)
    np.testing.assert_array_equal(m(x), np.maximum(x, 0))
    m7 = tgc.compile(path, input_shapes={"x": (7, 3)})
    assert m7.function("main").inputs[0].shape == (7, 3)


def test_onnx_errors():
    inputs = ROOT / "test" / "onnx" / "Inputs"
    with pytest.raises(tgc.Error, match="--dim=batch=<size>"):
        tgc.compile(inputs / "dynamic.onnx")
    with pytest.raises(tgc.Error, match="node 'fused' \\(FusedGemm\\)"):
        tgc.compile(inputs / "domain.onnx")
    with pytest.raises(tgc.Error, match="positive integer"):
        tgc.compile(inputs / "dynamic.onnx", dims={"batch": 0})
    with pytest.raises(tgc.Error, match="ONNX models only"):
        tgc.compile(RELU, dims={"batch": 1})


def test_version_and_devices():
    assert tgc.__version__.count(".") == 2
    devices = tgc.devices()
    assert devices[0].id == "host" and devices[0].kind == "host"
    assert devices[0].compute_units >= 1

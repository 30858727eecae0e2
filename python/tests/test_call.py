"""Calling functions: dtypes, shapes, conversions, out=, DLPack."""

import numpy as np
import pytest

import tgc
from conftest import RELU


def model(body: str, args: str, result: str) -> str:
    return (f"func.func @main({args}) -> {result} {{\n{body}\n"
            f"  return %r : {result}\n}}\n")


@pytest.fixture(scope="module")
def relu():
    return tgc.compile(RELU)


def test_lists_and_scalars_are_converted():
    m = tgc.compile(model(
        "  %r = tg.mul %x, %s : tensor<3xi32>, tensor<i32> -> tensor<3xi32>",
        "%x: tensor<3xi32>, %s: tensor<i32>", "tensor<3xi32>"))
    np.testing.assert_array_equal(m([1, 2, 3], 4), [4, 8, 12])
    assert m(np.array([1, 2, 3], np.int32), np.int32(-1)).dtype == np.int32


@pytest.mark.parametrize("dtype,np_dtype", [("f16", np.float16),
                                            ("i8", np.int8),
                                            ("f32", np.float32)])
def test_dtypes(dtype, np_dtype):
    m = tgc.compile(model(f"  %r = tg.neg %x : tensor<5x{dtype}>",
                          f"%x: tensor<5x{dtype}>", f"tensor<5x{dtype}>"))
    x = np.arange(-2, 3).astype(np_dtype)
    y = m(x)
    assert y.dtype == np_dtype
    np.testing.assert_array_equal(y, -x)


def test_bool_outputs():
    m = tgc.compile(model(
        "  %r = tg.compare gt, %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xi1>",
        "%x: tensor<4xf32>, %y: tensor<4xf32>", "tensor<4xi1>"))
    y = m(np.array([1, 2, 3, 4], np.float32), np.full(4, 2.5, np.float32))
    assert y.dtype == np.bool_
    np.testing.assert_array_equal(y, [False, False, True, True])


def test_bf16_as_raw_bits():
    m = tgc.compile(model(
        "  %r = tg.cast %x : tensor<3xbf16> to tensor<3xf32>",
        "%x: tensor<3xbf16>", "tensor<3xf32>"))
    values = np.array([1.5, -2.0, 0.25], np.float32)
    bits = (values.view(np.uint32) >> 16).astype(np.uint16)  # exact in bf16
    np.testing.assert_array_equal(m(bits), values)
    with pytest.raises(tgc.Error, match="bf16"):
        m(values)


def test_wrong_dtype_is_not_converted(relu):
    with pytest.raises(tgc.Error) as info:
        relu(np.zeros(4))  # float64
    assert info.value.code == "INVALID_ARGUMENT"
    assert "expected f32" in info.value.message
    assert "float64" in info.value.message


def test_wrong_shape_and_count(relu):
    with pytest.raises(tgc.Error, match="expected tensor<4xf32>, got tensor<5xf32>"):
        relu(np.zeros(5, np.float32))
    with pytest.raises(tgc.Error, match="takes 1 inputs"):
        relu()
    with pytest.raises(tgc.Error, match="out= gives 2"):
        relu(np.zeros(4, np.float32), out=[None, None])
    with pytest.raises(tgc.Error, match="not str"):
        relu(np.zeros(4, np.float32), out=["x"])


def test_non_contiguous_input_is_copied(relu):
    x = np.array([-1, 5, 2, -6, -3, 7, 4, -8], np.float32)[::2]
    assert not x.flags.c_contiguous
    np.testing.assert_array_equal(relu(x), np.maximum(x, 0))


def test_out_arrays_are_written_in_place(relu):
    out = np.full(4, 99, np.float32)
    y = relu(np.array([-1, 2, -3, 4], np.float32), out=[out])
    assert y is out
    np.testing.assert_array_equal(out, [0, 2, 0, 4])
    frozen = np.zeros(4, np.float32)
    frozen.setflags(write=False)
    with pytest.raises(tgc.Error, match="writable"):
        relu(np.zeros(4, np.float32), out=[frozen])
    with pytest.raises(tgc.Error, match="expected f32"):
        relu(np.zeros(4, np.float32), out=[np.zeros(4, np.int32)])


class DLPackOnly:
    """A producer that is not a NumPy array, only speaks DLPack."""

    def __init__(self, array):
        self._array = array

    def __dlpack__(self, **kwargs):
        return self._array.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._array.__dlpack_device__()


def test_dlpack_producer(relu):
    x = np.array([-1, 2, -3, 4], np.float32)
    np.testing.assert_array_equal(relu(DLPackOnly(x)), [0, 2, 0, 4])


def test_torch_cpu_tensor(relu):
    torch = pytest.importorskip("torch")
    x = torch.tensor([-1.0, 2.0, -3.0, 4.0])
    np.testing.assert_array_equal(relu(x), [0, 2, 0, 4])

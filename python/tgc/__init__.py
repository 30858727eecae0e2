"""tgc: compile tensor models (tg MLIR or ONNX) and run them on the CPU or a GPU.

    >>> import numpy as np, tgc
    >>> m = tgc.compile('''
    ... func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    ...   %0 = tg.relu %x : tensor<4xf32>
    ...   return %0 : tensor<4xf32>
    ... }''')
    >>> m(np.array([-1, 2, -3, 4], np.float32))
    array([0., 2., 0., 4.], dtype=float32)

``compile`` goes through the JIT and its persistent compile cache (a model is
compiled once per machine); ``load`` opens a bundle that ``tgc`` wrote. A
module's functions take NumPy arrays (or anything with ``__dlpack__``, e.g. a
CPU ``torch.Tensor``, or lists and scalars) and return NumPy arrays; device
buffers (``Module.buffer``) keep tensors on the device between calls. Every
failure is a ``tgc.Error`` whose ``code`` is the runtime's status name.
docs/python.md has the whole guide.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from . import _tgc
from ._errors import Error

__all__ = [
    "Buffer",
    "Device",
    "Error",
    "Function",
    "Module",
    "TensorType",
    "compile",
    "devices",
    "load",
    "__version__",
]

__version__: str = _tgc.runtime_version()

_NUMPY_DTYPES = {
    "f32": np.dtype(np.float32),
    "f16": np.dtype(np.float16),
    "i32": np.dtype(np.int32),
    "i8": np.dtype(np.int8),
    "i1": np.dtype(np.bool_),
}


def _bf16_dtype() -> np.dtype:
    """bf16 has no NumPy type: ml_dtypes' bfloat16 when installed, else its
    raw bits as uint16."""
    try:
        import ml_dtypes  # type: ignore

        return np.dtype(ml_dtypes.bfloat16)
    except ImportError:
        return np.dtype(np.uint16)


@dataclass(frozen=True)
class TensorType:
    """A static tensor type: ``dtype`` is "f32", "f16", "bf16", "i32", "i8"
    or "i1"; ``shape`` a tuple (``()`` for a scalar)."""

    dtype: str
    shape: tuple[int, ...]

    @property
    def numpy_dtype(self) -> np.dtype:
        """The NumPy dtype of arrays of this type (bf16: see _bf16_dtype)."""
        if self.dtype == "bf16":
            return _bf16_dtype()
        return _NUMPY_DTYPES[self.dtype]

    def __str__(self) -> str:
        dims = "x".join(str(d) for d in self.shape)
        return f"tensor<{dims + 'x' if dims else ''}{self.dtype}>"


@dataclass(frozen=True)
class Device:
    """A device the runtime can see (``tgc.devices()``)."""

    id: str  # "host", "cuda:0", "hip:1", "tinygpu:0"
    kind: str  # "host", "cuda", "hip", "tinygpu"
    name: str
    arch: str  # "x86_64", "sm_90", "gfx1100"
    driver_version: str
    memory_bytes: int
    compute_units: int
    details: str


def devices() -> list[Device]:
    """The devices present, the host CPU always among them."""
    found, _notes = _tgc.devices()
    return [Device(**d) for d in found]


class Buffer:
    """A tensor that stays on its module's device between calls.

    Pass it to a call instead of an array and nothing is copied; pass the
    same buffer as an input and as an output (``out=``) and the output is
    written over it, where the function allows that (a KV cache updated in
    place). Make one with ``Module.buffer``.
    """

    def __init__(self, raw: Any):
        self._raw = raw

    @property
    def type(self) -> TensorType:
        dtype, shape = self._raw.type
        return TensorType(dtype, tuple(shape))

    @property
    def dtype(self) -> str:
        return self.type.dtype

    @property
    def shape(self) -> tuple[int, ...]:
        return self.type.shape

    @property
    def nbytes(self) -> int:
        return self._raw.nbytes

    def upload(self, data: Any) -> None:
        """Copies host data (same shape, the buffer's dtype) into the buffer."""
        self._raw.upload(_as_array(data, self.type, "upload"))

    def numpy(self) -> np.ndarray:
        """Copies the buffer into a new NumPy array."""
        t = self.type
        out = np.empty(t.shape, t.numpy_dtype)
        self._raw.download(_raw_bits(out))
        return out

    def release(self) -> None:
        """Frees the device memory now (also done when the object dies);
        using the buffer afterwards raises tgc.Error FAILED_PRECONDITION."""
        self._raw.release()

    def __repr__(self) -> str:
        if self._raw.released:
            return "tgc.Buffer(released)"
        return f"tgc.Buffer({self.type})"


def _as_array(value: Any, expected: TensorType, what: str) -> np.ndarray:
    """What a call or an upload hands the runtime: NumPy arrays as they are
    (their dtype must be the signature's: never converted), DLPack producers
    viewed without a copy, lists and scalars converted to the expected
    dtype. Only arrays that are not in C order are copied."""
    if isinstance(value, np.ndarray):
        array = value
    elif hasattr(value, "__dlpack__"):
        array = np.from_dlpack(value)
    else:
        array = np.asarray(value, dtype=expected.numpy_dtype)
    _check_dtype(array, expected, what)
    if not array.flags.c_contiguous:
        array = array.copy(order="C")
    return _raw_bits(array)


def _check_dtype(array: np.ndarray, expected: TensorType, what: str) -> None:
    ok = array.dtype == expected.numpy_dtype
    if expected.dtype == "bf16":  # ml_dtypes' bfloat16, or raw uint16 bits
        ok = array.dtype.name == "bfloat16" or array.dtype == np.uint16
    if not ok:
        raise Error(f"{what}: expected {expected.dtype} elements "
                    f"(NumPy {expected.numpy_dtype.name}), got NumPy "
                    f"{array.dtype.name}", "INVALID_ARGUMENT")


def _raw_bits(array: np.ndarray) -> np.ndarray:
    """bfloat16 arrays as their uint16 bits: the buffer protocol, through
    which the extension reads arrays, does not know ml_dtypes' types."""
    return array.view(np.uint16) if array.dtype.name == "bfloat16" else array


class Function:
    """One entry function of a module; call it like a Python function."""

    def __init__(self, module: "Module", index: int, name: str):
        self._module = module
        self._index = index
        self.name = name
        raw = module._raw
        self.inputs = [TensorType(d, tuple(s)) for d, s in raw.inputs(index)]
        self.outputs = [TensorType(d, tuple(s)) for d, s in raw.outputs(index)]

    def __call__(self, *inputs: Any, out: Sequence[Any] | None = None) -> Any:
        """Runs the function and waits for it.

        ``inputs``: one per input, each a NumPy array, a DLPack producer, a
        list/scalar or a ``Buffer``. ``out``: optional, one per output, each
        None (a new array), a NumPy array to write into, or a ``Buffer``.
        Returns the outputs (the ``out`` objects where given): the one
        output itself, or a tuple when there are several.
        """
        if len(inputs) != len(self.inputs):
            raise Error(
                f"'{self.name}' takes {len(self.inputs)} inputs "
                f"({', '.join(map(str, self.inputs))}), got {len(inputs)}",
                "INVALID_ARGUMENT")
        if out is None:
            out = [None] * len(self.outputs)
        elif len(out) != len(self.outputs):
            raise Error(
                f"'{self.name}' has {len(self.outputs)} outputs, out= gives "
                f"{len(out)}", "INVALID_ARGUMENT")
        args = [
            x._raw if isinstance(x, Buffer)
            else _as_array(x, t, f"'{self.name}' input {i}")
            for i, (x, t) in enumerate(zip(inputs, self.inputs))]
        results = [np.empty(t.shape, t.numpy_dtype) if o is None else o
                   for o, t in zip(out, self.outputs)]
        raw_results = []
        for i, (r, t) in enumerate(zip(results, self.outputs)):
            if isinstance(r, Buffer):
                raw_results.append(r._raw)
                continue
            if not isinstance(r, np.ndarray):
                raise Error(f"'{self.name}' output {i}: out= takes NumPy "
                            f"arrays, tgc.Buffers or None, not "
                            f"{type(r).__name__}", "INVALID_ARGUMENT")
            _check_dtype(r, t, f"'{self.name}' output {i}")
            raw_results.append(_raw_bits(r))
        self._module._raw.call(self._index, args, raw_results)
        return results[0] if len(results) == 1 else tuple(results)

    def __repr__(self) -> str:
        ins = ", ".join(map(str, self.inputs))
        outs = ", ".join(map(str, self.outputs))
        return f"<tgc.Function {self.name}({ins}) -> ({outs})>"


class Module:
    """Compiled code loaded on a device, with its weights resident.

    ``module.main(x)`` or ``module.function("main")(x)`` calls a function;
    a module with one function can be called directly, ``module(x)``.
    Calls from several threads are safe (they take turns; the GIL is
    released while each runs).
    """

    def __init__(self, raw: Any):
        self._raw = raw
        self._functions: dict[str, Function] = {}

    @property
    def functions(self) -> list[str]:
        return list(self._raw.functions)

    def function(self, name: str) -> Function:
        """The function called ``name``; tgc.Error NOT_FOUND (listing the
        functions) if there is none."""
        f = self._functions.get(name)
        if f is None:
            f = Function(self, self._raw.find_function(name), name)
            self._functions[name] = f
        return f

    def __getattr__(self, name: str) -> Function:
        if name.startswith("_") or name not in self._raw.functions:
            raise AttributeError(
                f"tgc.Module has no attribute or function '{name}' "
                f"(functions: {', '.join(self._raw.functions)})")
        return self.function(name)

    def __call__(self, *inputs: Any, out: Sequence[Any] | None = None) -> Any:
        names = self._raw.functions
        if len(names) != 1:
            raise Error(
                f"the module has {len(names)} functions "
                f"({', '.join(names)}): call one by name",
                "INVALID_ARGUMENT")
        return self.function(names[0])(*inputs, out=out)

    def buffer(self, dtype: str | TensorType, shape: Iterable[int] = (),
               data: Any = None) -> Buffer:
        """A device buffer of ``dtype`` and ``shape`` (or of a TensorType,
        e.g. ``module.decode.inputs[2]``), filled from ``data`` if given."""
        if isinstance(dtype, TensorType):
            dtype, shape = dtype.dtype, dtype.shape
        buffer = Buffer(self._raw.buffer(dtype, [int(d) for d in shape]))
        if data is not None:
            buffer.upload(data)
        return buffer

    def check_donation(self, function: str, input: int, output: int) -> None:
        """Raises tgc.Error (saying why) unless one buffer may be passed as
        ``input`` and ``output`` of ``function``."""
        self._raw.check_donation(self._raw.find_function(function), input,
                                 output)

    @property
    def code_description(self) -> str:
        """How the code was loaded, e.g. "host_elf_so x86_64-...", "cubin sm_90"."""
        return self._raw.code_description

    @property
    def compile_info(self) -> dict[str, Any] | None:
        """For a compiled module: {"cache": "hit"/"miss, compiled and
        stored"/..., "milliseconds": ..., "key": ...}; None for a loaded one."""
        return self._raw.compile_info

    def __repr__(self) -> str:
        return (f"<tgc.Module functions={self.functions} "
                f"code={self.code_description!r}>")


_jits: dict[tuple, Any] = {}
_jits_lock = threading.Lock()


def _jit(device: str, targets: Sequence[str] | None, opt_level: int,
         host_cpu: str | None, cache_dir: str | os.PathLike | None,
         cache: bool) -> Any:
    """One JIT per configuration, kept for the process: its in-memory cache
    gives the same loaded module for the same model."""
    key = (device, tuple(targets or ()), opt_level, host_cpu or "",
           os.fspath(cache_dir) if cache_dir else "", cache)
    with _jits_lock:
        jit = _jits.get(key)
        if jit is None:
            jit = _tgc.Jit(key[0], list(key[1]), key[2], key[3], key[4],
                           key[5])
            _jits[key] = jit
        return jit


def _is_onnx(path: str) -> bool:
    if path.lower().endswith(".onnx"):
        return True
    try:
        with open(path, "rb") as f:
            return f.read(1) == b"\x08"  # ModelProto field 1, ir_version
    except OSError:
        return False  # the JIT reports it


def compile(model: str | os.PathLike, *, device: str = "auto",
            targets: Sequence[str] | None = None, opt_level: int = 2,
            host_cpu: str | None = None,
            cache_dir: str | os.PathLike | None = None, cache: bool = True,
            dims: Mapping[str, int] | None = None,
            input_shapes: Mapping[str, Sequence[int]] | None = None,
            weights: Sequence[str | os.PathLike] | None = None) -> Module:
    """Compiles a model and loads it on ``device``.

    ``model``: MLIR text (a string holding a newline or a brace), or the
    path of a .mlir or .onnx file. ``device``: "auto" (the first CUDA GPU,
    else AMD GPU, else the host CPU), "host", "cuda:N" or "hip:N".
    ``targets``: compile targets ("host", "sm_90", "gfx1100"; default: what
    the device needs). ``cache_dir``/``cache``: the persistent compile
    cache (default ~/.cache/tgc). For ONNX models, ``dims`` sizes symbolic
    dimensions ({"batch": 1}), ``input_shapes`` gives inputs whole shapes
    and ``weights`` names safetensors files, as tgc's --dim,
    --input-shape and --safetensors do.

    A model that does not compile raises tgc.Error INVALID_ARGUMENT whose
    message is the compiler's diagnostic, with locations.
    """
    jit = _jit(device, targets, opt_level, host_cpu, cache_dir, cache)
    onnx_options = dims or input_shapes or weights
    if isinstance(model, str) and ("\n" in model or "{" in model):
        if onnx_options:
            raise Error("dims, input_shapes and weights apply to ONNX models "
                        "only", "INVALID_ARGUMENT")
        return Module(jit.compile_source(model, "<source>"))
    path = os.fspath(model)
    if not _is_onnx(path):
        if onnx_options:
            raise Error(f"dims, input_shapes and weights apply to ONNX models "
                        f"only, and '{path}' is not one", "INVALID_ARGUMENT")
        return Module(jit.compile_file(path))
    dim_args = [f"{name}={int(size)}" for name, size in (dims or {}).items()]
    shape_args = [
        f"{name}={'x'.join(str(int(d)) for d in shape) or 'scalar'}"
        for name, shape in (input_shapes or {}).items()]
    return Module(jit.compile_onnx(path, dim_args, shape_args,
                                   [os.fspath(w) for w in weights or ()]))


def load(path: str | os.PathLike, *, device: str = "auto",
         allow_unsigned: bool = False,
         trusted_keys: Sequence[str] = ()) -> Module:
    """Loads a bundle written by ``tgc model.mlir -o model.bin``.

    A bundle is code: it is opened only if a trusted key signed it (your own
    key, keys added with ``tgc trust add``, or ``trusted_keys``: .pub texts
    or paths); ``allow_unsigned=True`` (or TGC_ALLOW_UNSIGNED=1) opens any
    bundle whose signature, if present, verifies. ``device`` as for
    ``compile``; "auto" picks the best device the bundle has code for.
    """
    return Module(_tgc.load(os.fspath(path), device, allow_unsigned,
                            list(trusted_keys)))

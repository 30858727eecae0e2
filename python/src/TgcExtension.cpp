//===- TgcExtension.cpp - the _tgc extension module ---------------------===//
//
// pybind11 bindings over libtgc_jit's C APIs (tgc/jit.h, tgc/runtime.h),
// through their header-only C++ layers. They stay thin: compiling, loading,
// signatures, calls and device buffers. The Python package (tgc/__init__.py)
// turns what users pass (lists, DLPack producers, keyword options) into what
// these take, and this file checks what reaches the runtime: every array's
// dtype against the signature, C order, and the buffers' owners.
//
// pybind11 rather than nanobind: Debian 12 packages pybind11 (pybind11-dev),
// so the main build needs nothing from PyPI; nanobind it does not.
//
//===----------------------------------------------------------------------===//

#include "tgc/jit.hpp"
#include "tgc/runtime.hpp"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

/// An error found here rather than by the runtime; raised in Python as
/// tgc.Error, like the runtime's, with the status name it would have had.
struct BindingError {
  std::string code;
  std::string message;
};

[[noreturn]] void raise(const char *code, const std::string &message) {
  throw BindingError{code, message};
}

/// Raises tgc.Error (defined in Python, tgc/_errors.py).
void setPythonError(const std::string &message, const std::string &code) {
  py::object type = py::module_::import("tgc._errors").attr("Error");
  py::object instance = type(message, code);
  PyErr_SetObject(type.ptr(), instance.ptr());
}

/// A loaded module, whichever way it came (JIT or bundle file), with the
/// session its calls run on. Calls from several Python threads take turns on
/// that session; each releases the GIL while it runs.
class LoadedModule {
public:
  LoadedModule(std::shared_ptr<void> owner, tgc_module_t *module,
               std::optional<tgc::CompileInfo> compileInfo)
      : owner_(std::move(owner)), module_(module),
        compileInfo_(std::move(compileInfo)) {
    tgc_session_t *session = nullptr;
    tgc::detail::check(tgc_session_create(module_, &session));
    session_.reset(session);
  }

  tgc_module_t *get() const { return module_; }
  tgc_session_t *session() const { return session_.get(); }
  std::mutex &mutex() { return mutex_; }
  const std::optional<tgc::CompileInfo> &compileInfo() const {
    return compileInfo_;
  }

private:
  std::shared_ptr<void> owner_; // the JitModule, or bundle + device + module
  tgc_module_t *module_;
  std::optional<tgc::CompileInfo> compileInfo_;
  std::mutex mutex_;
  tgc::detail::Handle<tgc_session_t, tgc_session_destroy> session_;
};

/// A device buffer and the module whose session moves its data.
struct DeviceBuffer {
  std::shared_ptr<LoadedModule> module;
  tgc::detail::Handle<tgc_buffer_t, tgc_buffer_destroy> handle;
};

tgc_dtype_t dtypeFromName(const std::string &name) {
  static const std::pair<const char *, tgc_dtype_t> names[] = {
      {"f32", TGC_DTYPE_F32}, {"f16", TGC_DTYPE_F16}, {"bf16", TGC_DTYPE_BF16},
      {"i32", TGC_DTYPE_I32}, {"i8", TGC_DTYPE_I8},   {"i1", TGC_DTYPE_I1}};
  for (const auto &[spelling, dtype] : names)
    if (name == spelling)
      return dtype;
  raise("INVALID_ARGUMENT", "unknown dtype '" + name +
                                "' (expected f32, f16, bf16, i32, i8 or i1)");
}

/// A Python buffer (a NumPy array) held for the duration of a call.
/// Through the buffer protocol rather than pybind11's NumPy accessors: those
/// read NumPy's struct layouts, which NumPy 2 changed, while the protocol is
/// stable. The Python layer has checked the dtype (it knows bf16 and bool);
/// this checks what the runtime relies on: C order, element size,
/// writability.
class HeldBuffer {
public:
  HeldBuffer(py::handle object, tgc_dtype_t dtype, bool writable,
             const std::string &what) {
    int flags = PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(object.ptr(), &view_, flags) != 0) {
      PyErr_Clear();
      raise("INVALID_ARGUMENT",
            what + (writable ? ": expected a writable array in C order"
                             : ": expected an array in C order"));
    }
    if (size_t itemSize = view_.itemsize; itemSize != tgc_dtype_size(dtype)) {
      // Released here: a constructor that throws runs no destructor.
      PyBuffer_Release(&view_);
      raise("INVALID_ARGUMENT", what + ": expected " + tgc_dtype_name(dtype) +
                                    " elements, got " +
                                    std::to_string(itemSize) + "-byte ones");
    }
    held_ = true;
    shape_.assign(view_.shape, view_.shape + view_.ndim);
  }
  ~HeldBuffer() {
    if (held_)
      PyBuffer_Release(&view_);
  }
  HeldBuffer(const HeldBuffer &) = delete;
  HeldBuffer &operator=(const HeldBuffer &) = delete;

  tgc_tensor_view_t view(tgc_dtype_t dtype) const {
    tgc_tensor_view_t v;
    v.dtype = dtype;
    v.rank = int32_t(shape_.size());
    v.shape = shape_.data();
    v.data = view_.buf;
    return v;
  }

private:
  Py_buffer view_{};
  bool held_ = false;
  std::vector<int64_t> shape_;
};

py::tuple typeTuple(const tgc_tensor_view_t &view) {
  py::tuple shape(view.rank);
  for (int32_t i = 0; i < view.rank; ++i)
    shape[i] = view.shape[i];
  return py::make_tuple(tgc_dtype_name(view.dtype), shape);
}

/// [(dtype name, shape)] of a function's inputs or outputs.
py::list signature(const LoadedModule &module, size_t function, bool inputs) {
  size_t count = inputs
                     ? tgc_module_function_input_count(module.get(), function)
                     : tgc_module_function_output_count(module.get(), function);
  py::list types;
  for (size_t i = 0; i < count; ++i) {
    tgc_tensor_view_t view;
    tgc::detail::check(
        inputs ? tgc_module_function_input(module.get(), function, i, &view)
               : tgc_module_function_output(module.get(), function, i, &view));
    types.append(typeTuple(view));
  }
  return types;
}

/// One call argument: a device buffer, or an array held for the call.
tgc_arg_t bindArg(py::handle value, const tgc_tensor_view_t &expected,
                  bool writable, const std::string &what,
                  std::vector<std::unique_ptr<HeldBuffer>> &held) {
  tgc_arg_t arg{};
  if (py::isinstance<DeviceBuffer>(value)) {
    auto &buffer = value.cast<DeviceBuffer &>();
    if (!buffer.handle)
      raise("FAILED_PRECONDITION", what + ": the buffer was released");
    arg.buffer = buffer.handle.get();
    return arg;
  }
  held.push_back(
      std::make_unique<HeldBuffer>(value, expected.dtype, writable, what));
  arg.tensor = held.back()->view(expected.dtype);
  return arg;
}

/// Runs `function` with `inputs` into `outputs` (arrays or buffers; the
/// caller allocated the arrays). Shapes are checked by the runtime, whose
/// message names both.
void call(const std::shared_ptr<LoadedModule> &module, size_t function,
          const py::list &inputs, const py::list &outputs) {
  size_t inputCount = tgc_module_function_input_count(module->get(), function);
  size_t outputCount =
      tgc_module_function_output_count(module->get(), function);
  std::string name = tgc_module_function_name(module->get(), function);
  if (inputs.size() != inputCount)
    raise("INVALID_ARGUMENT", "'" + name + "' takes " +
                                  std::to_string(inputCount) + " inputs, got " +
                                  std::to_string(inputs.size()));
  if (outputs.size() != outputCount)
    raise("INVALID_ARGUMENT",
          "'" + name + "' has " + std::to_string(outputCount) +
              " outputs, got " + std::to_string(outputs.size()));
  std::vector<std::unique_ptr<HeldBuffer>> held;
  std::vector<tgc_arg_t> rawIn, rawOut;
  for (size_t i = 0; i < inputCount; ++i) {
    tgc_tensor_view_t expected;
    tgc::detail::check(
        tgc_module_function_input(module->get(), function, i, &expected));
    rawIn.push_back(bindArg(inputs[i], expected, /*writable=*/false,
                            "'" + name + "' input " + std::to_string(i), held));
  }
  for (size_t i = 0; i < outputCount; ++i) {
    tgc_tensor_view_t expected;
    tgc::detail::check(
        tgc_module_function_output(module->get(), function, i, &expected));
    rawOut.push_back(bindArg(outputs[i], expected, /*writable=*/true,
                             "'" + name + "' output " + std::to_string(i),
                             held));
  }
  // The held buffers keep the arrays' memory while the GIL is out.
  py::gil_scoped_release release;
  std::lock_guard<std::mutex> lock(module->mutex());
  tgc::detail::check(tgc_session_call_args(module->session(), function,
                                           rawIn.data(), rawIn.size(),
                                           rawOut.data(), rawOut.size()));
}

/// Copies between a device buffer and an array (upload or download).
void transfer(DeviceBuffer &buffer, py::handle array, bool download) {
  if (!buffer.handle)
    raise("FAILED_PRECONDITION", "the buffer was released");
  tgc_tensor_view_t type;
  tgc::detail::check(tgc_buffer_type(buffer.handle.get(), &type));
  HeldBuffer held(array, type.dtype, /*writable=*/download,
                  download ? "download" : "upload");
  // The runtime checks the shape against the buffer's.
  tgc_tensor_view_t view = held.view(type.dtype);
  py::gil_scoped_release release;
  std::lock_guard<std::mutex> lock(buffer.module->mutex());
  tgc::detail::check(download ? tgc_session_download(buffer.module->session(),
                                                     buffer.handle.get(), &view)
                              : tgc_session_upload(buffer.module->session(),
                                                   buffer.handle.get(), &view));
}

py::dict deviceDict(const tgc::DeviceInfo &d) {
  static const char *kinds[] = {"host", "cuda", "hip", "tinygpu"};
  py::dict info;
  info["id"] = d.id;
  info["kind"] = unsigned(d.kind) < 4 ? kinds[d.kind] : "unknown";
  info["name"] = d.name;
  info["arch"] = d.arch;
  info["driver_version"] = d.driverVersion;
  info["memory_bytes"] = d.memoryBytes;
  info["compute_units"] = d.computeUnits;
  info["details"] = d.details;
  return info;
}

std::shared_ptr<LoadedModule> fromJit(tgc::JitModule module) {
  auto owner = std::make_shared<tgc::JitModule>(std::move(module));
  return std::make_shared<LoadedModule>(owner, owner->runtimeModule(),
                                        owner->compileInfo());
}

/// A bundle file loaded on a device; the three handles live together.
struct BundleModule {
  tgc::Bundle bundle;
  tgc::Device device;
  tgc::Module module;
};

} // namespace

PYBIND11_MODULE(_tgc, m) {
  m.doc() = "tgc's extension module; use the `tgc` package instead.";

  py::register_exception_translator([](std::exception_ptr pending) {
    try {
      if (pending)
        std::rethrow_exception(pending);
    } catch (const tgc::Error &error) {
      setPythonError(error.what(), tgc_status_code_name(error.code()));
    } catch (const BindingError &error) {
      setPythonError(error.message, error.code);
    }
  });

  m.def("runtime_version", [] { return std::string(tgc_runtime_version()); });

  m.def(
      "devices",
      [] {
        tgc::DeviceInventory inventory = tgc::listDevices();
        py::list devices;
        for (const tgc::DeviceInfo &d : inventory.devices)
          devices.append(deviceDict(d));
        return py::make_tuple(devices, inventory.notes);
      },
      "([device dict], [note]) for the devices present.");

  py::class_<LoadedModule, std::shared_ptr<LoadedModule>>(m, "Module")
      .def_property_readonly(
          "functions",
          [](const LoadedModule &self) {
            std::vector<std::string> names;
            for (size_t i = 0; i < tgc_module_function_count(self.get()); ++i)
              names.push_back(tgc_module_function_name(self.get(), i));
            return names;
          })
      .def("find_function",
           [](const LoadedModule &self, const std::string &name) {
             size_t index = 0;
             tgc::detail::check(
                 tgc_module_find_function(self.get(), name.c_str(), &index));
             return index;
           })
      .def("inputs",
           [](const LoadedModule &self, size_t function) {
             return signature(self, function, /*inputs=*/true);
           })
      .def("outputs",
           [](const LoadedModule &self, size_t function) {
             return signature(self, function, /*inputs=*/false);
           })
      .def_property_readonly("code_description",
                             [](const LoadedModule &self) {
                               return std::string(
                                   tgc_module_code_description(self.get()));
                             })
      .def_property_readonly("compile_info",
                             [](const LoadedModule &self) -> py::object {
                               if (!self.compileInfo())
                                 return py::none();
                               py::dict info;
                               info["cache"] = self.compileInfo()->cacheName();
                               info["milliseconds"] =
                                   self.compileInfo()->milliseconds;
                               info["key"] = self.compileInfo()->key;
                               return info;
                             })
      .def("call", &call, py::arg("function"), py::arg("inputs"),
           py::arg("outputs"))
      .def("check_donation",
           [](const LoadedModule &self, size_t function, size_t input,
              size_t output) {
             tgc::detail::check(tgc_module_function_check_donation(
                 self.get(), function, input, output));
           })
      .def("buffer", [](const std::shared_ptr<LoadedModule> &self,
                        const std::string &dtype,
                        const std::vector<int64_t> &shape) {
        tgc_buffer_t *handle = nullptr;
        tgc::detail::check(tgc_buffer_create(self->get(), dtypeFromName(dtype),
                                             int32_t(shape.size()),
                                             shape.data(), &handle));
        auto buffer = std::make_unique<DeviceBuffer>();
        buffer->module = self;
        buffer->handle.reset(handle);
        return buffer;
      });

  py::class_<DeviceBuffer>(m, "Buffer")
      .def_property_readonly(
          "type",
          [](const DeviceBuffer &self) {
            if (!self.handle)
              raise("FAILED_PRECONDITION", "the buffer was released");
            tgc_tensor_view_t view;
            tgc::detail::check(tgc_buffer_type(self.handle.get(), &view));
            return typeTuple(view);
          })
      .def_property_readonly("nbytes",
                             [](const DeviceBuffer &self) {
                               return tgc_buffer_byte_size(self.handle.get());
                             })
      .def("upload",
           [](DeviceBuffer &self, py::handle array) {
             transfer(self, array, /*download=*/false);
           })
      .def("download",
           [](DeviceBuffer &self, py::handle array) {
             transfer(self, array, /*download=*/true);
           })
      .def("release", [](DeviceBuffer &self) { self.handle.reset(); })
      .def_property_readonly(
          "released", [](const DeviceBuffer &self) { return !self.handle; });

  py::class_<tgc::Jit>(m, "Jit")
      .def(py::init([](const std::string &device,
                       const std::vector<std::string> &targets, int optLevel,
                       const std::string &hostCpu, const std::string &cacheDir,
                       bool cache) {
             tgc::JitOptions options;
             options.device = device;
             options.targets = targets;
             options.optLevel = optLevel;
             options.hostCpu = hostCpu;
             options.cacheDirectory = cacheDir;
             options.cache = cache;
             py::gil_scoped_release release;
             return std::make_unique<tgc::Jit>(options);
           }),
           py::arg("device"), py::arg("targets"), py::arg("opt_level"),
           py::arg("host_cpu"), py::arg("cache_dir"), py::arg("cache"))
      .def_property_readonly(
          "device",
          [](const tgc::Jit &self) { return deviceDict(self.device()); })
      .def_property_readonly("targets", &tgc::Jit::targets)
      .def("compile_source",
           [](tgc::Jit &self, const std::string &source,
              const std::string &name) {
             py::gil_scoped_release release;
             return fromJit(self.compile(source, name));
           })
      .def("compile_file",
           [](tgc::Jit &self, const std::string &path) {
             py::gil_scoped_release release;
             return fromJit(self.compileFile(path));
           })
      .def("compile_onnx", [](tgc::Jit &self, const std::string &path,
                              const std::vector<std::string> &dims,
                              const std::vector<std::string> &inputShapes,
                              const std::vector<std::string> &weightFiles) {
        py::gil_scoped_release release;
        return fromJit(self.compileOnnx(path, dims, inputShapes, weightFiles));
      });

  m.def(
      "load",
      [](const std::string &path, const std::string &device, bool allowUnsigned,
         const std::vector<std::string> &trustedKeys) {
        py::gil_scoped_release release;
        tgc::BundleOptions options;
        options.allowUnsigned = options.allowUnsigned || allowUnsigned;
        options.trustedKeys = trustedKeys;
        tgc::Bundle bundle = tgc::Bundle::openFile(path, options);
        tgc::Device opened = tgc::Device::open(device, &bundle);
        tgc::Module module = tgc::Module::load(opened, bundle);
        tgc_module_t *raw = module.get();
        auto owner = std::make_shared<BundleModule>(BundleModule{
            std::move(bundle), std::move(opened), std::move(module)});
        return std::make_shared<LoadedModule>(owner, raw, std::nullopt);
      },
      py::arg("path"), py::arg("device"), py::arg("allow_unsigned"),
      py::arg("trusted_keys"));
}

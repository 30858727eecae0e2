//===- OnnxModel.cpp - an ONNX model file and its tensors -----------------===//

#include "compiler/frontends/onnx/OnnxModel.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

#include <climits>
#include <cmath>
#include <cstring>

using namespace tgc::onnx_import;
using llvm::APFloat;

std::string tgc::onnx_import::dataTypeName(int32_t type) {
  switch (type) {
  case kFloat:
    return "float32";
  case kUint8:
    return "uint8";
  case kInt8:
    return "int8";
  case kUint16:
    return "uint16";
  case kInt16:
    return "int16";
  case kInt32:
    return "int32";
  case kInt64:
    return "int64";
  case kString:
    return "string";
  case kBool:
    return "bool";
  case kFloat16:
    return "float16";
  case kDouble:
    return "float64";
  case kUint32:
    return "uint32";
  case kUint64:
    return "uint64";
  case kBfloat16:
    return "bfloat16";
  case 14:
    return "complex64";
  case 15:
    return "complex128";
  case 17:
  case 18:
  case 19:
  case 20:
    return "float8 (type " + std::to_string(type) + ")";
  case 21:
    return "uint4";
  case 22:
    return "int4";
  case 23:
    return "float4e2m1";
  default:
    return "data type " + std::to_string(type);
  }
}

bool tgc::onnx_import::isFloatType(int32_t type) {
  return type == kFloat || type == kFloat16 || type == kBfloat16 ||
         type == kDouble;
}

size_t tgc::onnx_import::dataTypeSize(int32_t type) {
  switch (type) {
  case kUint8:
  case kInt8:
  case kBool:
    return 1;
  case kUint16:
  case kInt16:
  case kFloat16:
  case kBfloat16:
    return 2;
  case kFloat:
  case kInt32:
  case kUint32:
    return 4;
  case kInt64:
  case kDouble:
  case kUint64:
    return 8;
  default:
    return 0;
  }
}

std::optional<int64_t>
tgc::onnx_import::elementCount(llvm::ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0 || (d != 0 && n > INT64_MAX / d))
      return std::nullopt;
    n *= d;
  }
  return n;
}

//===----------------------------------------------------------------------===//
// HostTensor
//===----------------------------------------------------------------------===//

HostTensor::HostTensor(int32_t type, std::vector<int64_t> shape)
    : type(type), shape(std::move(shape)) {
  int64_t n = numElements();
  if (isFloat())
    floats.assign(n, 0.0);
  else
    ints.assign(n, 0);
}

HostTensor HostTensor::ofInts(int32_t type, std::vector<int64_t> shape,
                              std::vector<int64_t> values) {
  HostTensor t(type, std::move(shape));
  for (size_t i = 0; i < values.size(); ++i)
    t.set(i, double(values[i])), t.setInt(i, values[i]);
  return t;
}

HostTensor HostTensor::scalar(int32_t type, double value) {
  HostTensor t(type, {});
  t.set(0, value);
  return t;
}

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

static double roundToSemantics(double v, const llvm::fltSemantics &sem) {
  APFloat f(v);
  bool lost;
  f.convert(sem, APFloat::rmNearestTiesToEven, &lost);
  f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return f.convertToDouble();
}

void HostTensor::set(int64_t i, double v) {
  switch (type) {
  case kFloat:
    floats[i] = double(float(v));
    return;
  case kFloat16:
    floats[i] = roundToSemantics(v, APFloat::IEEEhalf());
    return;
  case kBfloat16:
    floats[i] = roundToSemantics(v, APFloat::BFloat());
    return;
  case kDouble:
    floats[i] = v;
    return;
  case kBool:
    ints[i] = v != 0;
    return;
  default:
    // Float to integer: truncation toward zero, as ONNX's Cast does; values
    // beyond int64 saturate (ONNX leaves them undefined).
    if (std::isnan(v))
      ints[i] = 0;
    else if (v >= 9.2233720368547758e18)
      ints[i] = INT64_MAX;
    else if (v <= -9.2233720368547758e18)
      ints[i] = INT64_MIN;
    else
      setInt(i, int64_t(v));
    return;
  }
}

void HostTensor::setInt(int64_t i, int64_t v) {
  if (isFloat())
    return set(i, double(v));
  // Integers wrap to their width, as the typed arithmetic would.
  switch (type) {
  case kInt8:
    v = int8_t(uint8_t(v));
    break;
  case kUint8:
    v = uint8_t(v);
    break;
  case kInt16:
    v = int16_t(uint16_t(v));
    break;
  case kUint16:
    v = uint16_t(v);
    break;
  case kInt32:
    v = int32_t(uint32_t(v));
    break;
  case kUint32:
    v = uint32_t(v);
    break;
  case kBool:
    v = v != 0;
    break;
  default:
    break;
  }
  ints[i] = v;
}

//===----------------------------------------------------------------------===//
// OnnxModel
//===----------------------------------------------------------------------===//

OnnxModel::OnnxModel() : model(std::make_unique<onnx::ModelProto>()) {}
OnnxModel::~OnnxModel() = default;

std::shared_ptr<OnnxModel> OnnxModel::load(llvm::StringRef path,
                                           std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot open input file '" + path.str() +
            "': " + buffer.getError().message();
    return nullptr;
  }
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (bytes.empty()) {
    error = "the file is empty, not an ONNX model";
    return nullptr;
  }
  if (bytes.size() > size_t(INT_MAX)) {
    error = "the file is " + std::to_string(bytes.size()) +
            " bytes; an ONNX protobuf must be under 2 GiB (larger models "
            "keep their weights in external data files)";
    return nullptr;
  }
  std::shared_ptr<OnnxModel> result(new OnnxModel());
  result->modelPath = path.str();
  if (!result->model->ParseFromArray(bytes.data(), int(bytes.size()))) {
    error = "not a valid ONNX model: the protobuf does not parse (truncated "
            "or corrupted file?)";
    return nullptr;
  }
  const onnx::ModelProto &m = *result->model;
  if (!m.has_graph() || m.ir_version() <= 0) {
    error = "not a valid ONNX model: " +
            std::string(m.has_graph() ? "no ir_version" : "no graph") +
            " (truncated or corrupted file, or another protobuf?)";
    return nullptr;
  }
  // The file's bytes are not kept: inline weights live on in the parsed
  // strings, so the model is held in memory once.
  return result;
}

/// `location` resolved against the model's directory; empty (and `error`
/// set) when it is absolute or leaves the directory.
static std::string resolveExternal(llvm::StringRef modelPath,
                                   llvm::StringRef location,
                                   std::string &error) {
  if (location.empty() || llvm::sys::path::is_absolute(location)) {
    error = "external data location '" + location.str() +
            "' must be a path relative to the model's directory";
    return "";
  }
  for (auto it = llvm::sys::path::begin(location),
            end = llvm::sys::path::end(location);
       it != end; ++it)
    if (*it == "..") {
      error = "external data location '" + location.str() +
              "' leaves the model's directory";
      return "";
    }
  llvm::SmallString<256> full(llvm::sys::path::parent_path(modelPath));
  llvm::sys::path::append(full, location);
  return std::string(full);
}

std::optional<llvm::ArrayRef<char>>
OnnxModel::rawData(const onnx::TensorProto &tensor, std::string &error) {
  if (tensor.data_location() != onnx::TensorProto::EXTERNAL) {
    if (!tensor.has_raw_data())
      return std::nullopt;
    const std::string &raw = tensor.raw_data();
    return llvm::ArrayRef<char>(raw.data(), raw.size());
  }
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : tensor.external_data()) {
    auto number = [&](int64_t &out) {
      if (llvm::StringRef(entry.value()).getAsInteger(10, out) || out < 0) {
        error = "external data " + entry.key() + " '" + entry.value() +
                "' is not a byte count";
        return false;
      }
      return true;
    };
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset" && !number(offset))
      return llvm::ArrayRef<char>();
    else if (entry.key() == "length" && !number(length))
      return llvm::ArrayRef<char>();
  }
  std::string path = resolveExternal(modelPath, location, error);
  if (path.empty())
    return llvm::ArrayRef<char>();
  auto &file = externalFiles[path];
  if (!file) {
    // Mapped, not read: weights stay in the page cache, and only the parts
    // a compile touches are brought in.
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      externalFiles.erase(path);
      error = "cannot open external data file '" + path +
              "': " + buffer.getError().message();
      return llvm::ArrayRef<char>();
    }
    file = std::move(*buffer);
  }
  uint64_t size = file->getBufferSize();
  if (uint64_t(offset) > size ||
      (length >= 0 && uint64_t(length) > size - uint64_t(offset))) {
    error = "external data file '" + path + "' has " + std::to_string(size) +
            " bytes, too few for offset " + std::to_string(offset) +
            " and length " + std::to_string(length) + " (truncated?)";
    return llvm::ArrayRef<char>();
  }
  uint64_t n = length >= 0 ? uint64_t(length) : size - uint64_t(offset);
  return llvm::ArrayRef<char>(file->getBufferStart() + offset, n);
}

static double decodeHalf(uint16_t bits, bool bf16);

std::optional<HostTensor>
tgc::onnx_import::decodeRaw(int32_t type, std::vector<int64_t> shape,
                            llvm::ArrayRef<char> raw, std::string &error) {
  std::optional<int64_t> count = elementCount(shape);
  size_t width = dataTypeSize(type);
  if (!count || !width) {
    error = "has an invalid shape or element type";
    return std::nullopt;
  }
  if (raw.size() != uint64_t(*count) * width) {
    error = "holds " + std::to_string(raw.size()) + " bytes but " +
            dataTypeName(type) + " x " + std::to_string(*count) + " needs " +
            std::to_string(uint64_t(*count) * width);
    return std::nullopt;
  }
  HostTensor out(type, std::move(shape));
  {
    const char *p = raw.data();
    for (int64_t i = 0; i < *count; ++i, p += width) {
      uint64_t bits = 0;
      std::memcpy(&bits, p, width); // little-endian hosts only
      switch (type) {
      case kFloat: {
        float f;
        std::memcpy(&f, p, 4);
        out.floats[i] = f;
        break;
      }
      case kDouble: {
        double d;
        std::memcpy(&d, p, 8);
        out.floats[i] = d;
        break;
      }
      case kFloat16:
      case kBfloat16:
        out.floats[i] = decodeHalf(uint16_t(bits), type == kBfloat16);
        break;
      case kInt8:
        out.ints[i] = int8_t(bits);
        break;
      case kInt16:
        out.ints[i] = int16_t(bits);
        break;
      case kInt32:
        out.ints[i] = int32_t(bits);
        break;
      case kBool:
        out.ints[i] = bits != 0;
        break;
      default: // unsigned and int64
        out.ints[i] = int64_t(bits);
        break;
      }
    }
    return out;
  }
}

static double decodeHalf(uint16_t bits, bool bf16) {
  APFloat f(bf16 ? APFloat::BFloat() : APFloat::IEEEhalf(),
            llvm::APInt(16, bits));
  bool lost;
  f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return f.convertToDouble();
}

std::optional<HostTensor> OnnxModel::decode(const onnx::TensorProto &tensor,
                                            std::string &error,
                                            int64_t maxElements) {
  int32_t type = tensor.data_type();
  std::vector<int64_t> dims(tensor.dims().begin(), tensor.dims().end());
  std::optional<int64_t> count = elementCount(dims);
  if (!count) {
    error = "tensor '" + tensor.name() + "' has invalid dimensions";
    return std::nullopt;
  }
  if (*count > maxElements) {
    error = "tensor '" + tensor.name() + "' has " + std::to_string(*count) +
            " elements, more than tgc evaluates at import time (" +
            std::to_string(maxElements) + ")";
    return std::nullopt;
  }
  size_t width = dataTypeSize(type);
  if (!width) {
    error = "tensor '" + tensor.name() + "' has element type " +
            dataTypeName(type) + ", which tgc does not read";
    return std::nullopt;
  }
  HostTensor out(type, dims);
  std::optional<llvm::ArrayRef<char>> raw = rawData(tensor, error);
  if (!error.empty())
    return std::nullopt;
  if (raw) {
    std::optional<HostTensor> decoded = decodeRaw(type, dims, *raw, error);
    if (!decoded)
      error = "tensor '" + tensor.name() + "' " + error;
    return decoded;
  }
  auto mismatch = [&](int64_t have) {
    error = "tensor '" + tensor.name() + "' holds " + std::to_string(have) +
            " values but its shape needs " + std::to_string(*count);
    return std::nullopt;
  };
  switch (type) {
  case kFloat:
    if (tensor.float_data_size() != *count)
      return mismatch(tensor.float_data_size());
    for (int64_t i = 0; i < *count; ++i)
      out.floats[i] = tensor.float_data(i);
    break;
  case kDouble:
    if (tensor.double_data_size() != *count)
      return mismatch(tensor.double_data_size());
    for (int64_t i = 0; i < *count; ++i)
      out.floats[i] = tensor.double_data(i);
    break;
  case kInt64:
    if (tensor.int64_data_size() != *count)
      return mismatch(tensor.int64_data_size());
    for (int64_t i = 0; i < *count; ++i)
      out.ints[i] = tensor.int64_data(i);
    break;
  case kUint32:
  case kUint64:
    if (tensor.uint64_data_size() != *count)
      return mismatch(tensor.uint64_data_size());
    for (int64_t i = 0; i < *count; ++i)
      out.ints[i] = int64_t(tensor.uint64_data(i));
    break;
  default: // int32_data holds the narrower types, f16/bf16 as bit patterns
    if (tensor.int32_data_size() != *count)
      return mismatch(tensor.int32_data_size());
    for (int64_t i = 0; i < *count; ++i) {
      int32_t v = tensor.int32_data(i);
      if (type == kFloat16 || type == kBfloat16)
        out.floats[i] = decodeHalf(uint16_t(v), type == kBfloat16);
      else
        out.setInt(i, v);
    }
    break;
  }
  return out;
}

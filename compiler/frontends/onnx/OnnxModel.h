//===- OnnxModel.h - an ONNX model file and its tensors ---------*- C++ -*-===//
//
// Loading a model with Debian's ONNX protobuf library and reading the data of
// its tensors: inline (raw_data or the typed fields) or external (a file next
// to the model, mapped rather than read). Small tensors can be decoded into a
// HostTensor, the importer's form for shape arithmetic folded at import
// time; weights are only ever referenced where they lie.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_FRONTENDS_ONNX_ONNXMODEL_H
#define TGC_COMPILER_FRONTENDS_ONNX_ONNXMODEL_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
class TensorProto;
} // namespace onnx

namespace tgc::onnx_import {

/// ONNX TensorProto.DataType codes the importer names.
enum DataType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kBfloat16 = 16,
};

/// "float32", "int64", ... (ONNX's names as NumPy spells them).
std::string dataTypeName(int32_t type);
bool isFloatType(int32_t type);
/// Bytes per element for fixed-size types, else 0.
size_t dataTypeSize(int32_t type);

/// A small tensor known at import time, with ONNX's element type. Integers
/// (and bools) are held exactly as int64, floats as double (every f32, f16,
/// bf16 and f64 value exactly).
struct HostTensor {
  int32_t type = kFloat;
  std::vector<int64_t> shape;
  std::vector<int64_t> ints;  // integer and bool types
  std::vector<double> floats; // float types

  HostTensor() = default;
  HostTensor(int32_t type, std::vector<int64_t> shape);
  static HostTensor ofInts(int32_t type, std::vector<int64_t> shape,
                           std::vector<int64_t> values);
  static HostTensor scalar(int32_t type, double value);

  bool isFloat() const { return isFloatType(type); }
  int64_t numElements() const;
  double at(int64_t i) const { return isFloat() ? floats[i] : double(ints[i]); }
  int64_t intAt(int64_t i) const {
    return isFloat() ? int64_t(floats[i]) : ints[i];
  }
  /// Sets element i, rounded to the element type as ONNX would store it.
  void set(int64_t i, double v);
  void setInt(int64_t i, int64_t v);
};

/// The model and everything its tensors point into: the parsed protobuf
/// (inline weights are strings inside it) and the mapped external data
/// files. Shared by the dense_resource blobs made from its weights, so it
/// lives as long as the last of them.
class OnnxModel {
public:
  ~OnnxModel();

  /// Parses `path`. On failure `error` says what is wrong with the file.
  static std::shared_ptr<OnnxModel> load(llvm::StringRef path,
                                         std::string &error);

  const onnx::ModelProto &proto() const { return *model; }
  llvm::StringRef path() const { return modelPath; }

  /// The bytes of a tensor stored as raw little-endian data (raw_data or
  /// external data). nullopt when the tensor uses the typed fields; an
  /// error (missing or short external file, bad location) sets `error`.
  std::optional<llvm::ArrayRef<char>> rawData(const onnx::TensorProto &tensor,
                                              std::string &error);

  /// Decodes a tensor of at most `maxElements` elements into a HostTensor.
  std::optional<HostTensor> decode(const onnx::TensorProto &tensor,
                                   std::string &error,
                                   int64_t maxElements = int64_t(1) << 20);

private:
  OnnxModel();
  std::unique_ptr<onnx::ModelProto> model;
  std::string modelPath;
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> externalFiles;
};

/// Decodes little-endian bytes of `type` into a HostTensor of `shape`.
std::optional<HostTensor> decodeRaw(int32_t type, std::vector<int64_t> shape,
                                    llvm::ArrayRef<char> raw,
                                    std::string &error);

/// Element count of a tensor's dims, or nullopt on a negative dimension or
/// overflow.
std::optional<int64_t> elementCount(llvm::ArrayRef<int64_t> dims);

} // namespace tgc::onnx_import

#endif // TGC_COMPILER_FRONTENDS_ONNX_ONNXMODEL_H

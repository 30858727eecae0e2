//===- Safetensors.h - weights from a safetensors file ----------*- C++ -*-===//
//
// A safetensors file (the format Hugging Face checkpoints come in): an
// 8-byte little-endian header length, a JSON header naming each tensor's
// dtype, shape and byte range, then the data. The file is mapped, not read;
// every offset and size in the header is checked before use, so a truncated
// or corrupted file is an error, never an out-of-bounds read.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_FRONTENDS_ONNX_SAFETENSORS_H
#define TGC_COMPILER_FRONTENDS_ONNX_SAFETENSORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>
#include <vector>

namespace tgc::onnx_import {

class SafetensorsFile {
public:
  struct Tensor {
    int32_t type; // ONNX TensorProto.DataType code
    std::vector<int64_t> shape;
    llvm::ArrayRef<char> data;
  };

  /// Maps and validates `path`; null with `error` set on failure.
  static std::shared_ptr<SafetensorsFile> open(llvm::StringRef path,
                                               std::string &error);

  const Tensor *find(llvm::StringRef name) const {
    auto it = tensors.find(name);
    return it == tensors.end() ? nullptr : &it->second;
  }
  llvm::StringRef path() const { return filePath; }

private:
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::string filePath;
  llvm::StringMap<Tensor> tensors;
};

} // namespace tgc::onnx_import

#endif // TGC_COMPILER_FRONTENDS_ONNX_SAFETENSORS_H

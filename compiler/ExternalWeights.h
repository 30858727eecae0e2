//===- ExternalWeights.h - weights a bundle leaves in their files -*- C++
//-*-===//
//
// With `tgc --weights=external` a bundle refers to the tensors of its
// safetensors files instead of holding their bytes, so that new weights need
// no recompile. The front end records here each tensor it made a
// dense_resource constant of, by the address of the bytes the blob points at
// (inside the mapped file); the schedule turns a constant whose bytes are
// exactly such a tensor into a reference. A constant the compiler computed
// from a weight (a folded transpose, a narrowed int64) has other bytes and
// stays in the bundle.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_EXTERNALWEIGHTS_H
#define TGC_COMPILER_EXTERNALWEIGHTS_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tgc {

struct ExternalWeights {
  struct Tensor {
    uint32_t file;              // index into `files`
    std::string name;           // its name in the file
    std::vector<int64_t> shape; // as the file has it
    uint64_t size;              // bytes
  };
  /// The weights files as the bundle names them (relative to its
  /// directory), in the order of the front end's weight files.
  std::vector<std::string> files;
  /// By the address of the tensor's bytes.
  std::map<const void *, Tensor> tensors;
};

} // namespace tgc

#endif // TGC_COMPILER_EXTERNALWEIGHTS_H

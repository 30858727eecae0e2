//===- Weights.h - external weights: safetensors files ----------*- C++ -*-===//
//
// A bundle compiled with `tgc --weights=external` keeps its weights in
// safetensors files beside it, so that new weights need no recompile. The
// runtime opens those files when it loads a module, checks their header in
// full (every size and offset, against the file's size and each other) and
// every tensor the bundle uses (present, same dtype, same shape), and only
// then allocates and reads: a swapped, truncated or hostile file is an error
// naming the file and the tensor, never an out-of-bounds read or a large
// allocation the file did not pay for.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_RUNTIME_WEIGHTS_H
#define TGC_RUNTIME_WEIGHTS_H

#include "runtime/Bundle.h"
#include "support/Status.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tgc::rt {

/// The safetensors format's own limit on its JSON header.
inline constexpr uint64_t kMaxSafetensorsHeaderBytes = 100ull << 20;

/// One tensor of a safetensors header.
struct SafetensorsTensor {
  std::string dtype; // as written: "F32", "BF16", ...
  std::vector<int64_t> shape;
  uint64_t begin, end; // byte range from the start of the file
};

/// Parses and checks the JSON header of a safetensors file of `fileSize`
/// bytes whose header is `size` bytes: every entry has a dtype, a shape of
/// non-negative dimensions and data_offsets within the file, holding exactly
/// the bytes its dtype and shape need (for dtypes safetensors defines), and
/// no two tensors overlap. Errors are DATA_LOSS and name the tensor, not the
/// file.
Status parseSafetensorsHeader(const char *json, size_t size, uint64_t fileSize,
                              std::map<std::string, SafetensorsTensor> &out);

/// The safetensors dtype that holds a tg dtype ("F32", ..., "BOOL" for i1).
const char *safetensorsDType(DType dtype);

/// The weights files of a module: `given` (one per file the bundle names,
/// in order) if not empty, else the bundle's own names resolved against its
/// directory. INVALID_ARGUMENT when `given` does not fit the bundle,
/// FAILED_PRECONDITION for a bundle read from memory without `given`.
Status resolveWeightFiles(const Bundle &bundle,
                          const std::vector<std::string> &given,
                          std::vector<std::string> &paths);

/// Opens and checks the weights files at `paths` (from resolveWeightFiles)
/// and every external constant of `desc` against them, then reads those
/// constants into `constants` at their offsets; `constants` is grown to
/// desc.constantsSize (it holds the constants section already). Errors name
/// the bundle (`bundleName`), the file and the tensor.
Status readExternalConstants(const ModuleDesc &desc,
                             const std::vector<std::string> &paths,
                             const std::string &bundleName,
                             std::vector<uint8_t> &constants);

} // namespace tgc::rt

#endif // TGC_RUNTIME_WEIGHTS_H

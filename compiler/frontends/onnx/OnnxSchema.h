//===- OnnxSchema.h - ONNX's operator schemas, input and output counts ----===//
//
// ONNX's schema headers need C++ exceptions, which the LLVM-style importer
// is built without, so the lookup lives in OnnxSchema.cpp (built with
// -fexceptions) behind this plain interface.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_FRONTENDS_ONNX_ONNXSCHEMA_H
#define TGC_COMPILER_FRONTENDS_ONNX_ONNXSCHEMA_H

#include <optional>
#include <string>
#include <vector>

namespace tgc::onnx_import {

/// What ONNX's definition of an op at one opset allows.
struct OnnxArity {
  int minInputs = 0, maxInputs = 0, minOutputs = 0, maxOutputs = 0;
  /// False when the model's opset is newer than the schemas ONNX's library
  /// knows (Debian's is 1.12: opset 17): the op may have gained optional
  /// inputs or outputs since, so only the minimum input count holds.
  bool current = true;
  /// The formal inputs' names (required ones come first).
  std::vector<std::string> inputNames;
};

/// The arity of `opType` of the default domain at `opset`, or nullopt when
/// ONNX does not define it (tgc's own extensions).
std::optional<OnnxArity> onnxArity(const std::string &opType, int opset);

} // namespace tgc::onnx_import

#endif // TGC_COMPILER_FRONTENDS_ONNX_ONNXSCHEMA_H

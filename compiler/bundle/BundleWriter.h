//===- BundleWriter.h - schedule and bundle serialization -------*- C++ -*-===//

#ifndef TGC_COMPILER_BUNDLEWRITER_H
#define TGC_COMPILER_BUNDLEWRITER_H

#include "compiler/targets/TargetBackend.h"

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tgc {

/// Builds the host schedule of every entry function (buffers with lifetime
/// based reuse of scratch memory, constants, dispatches and copies) from a
/// module after dispatch formation and kernel generation, and serializes
/// it with the code objects into the bundle format of
/// docs/bundle-format.md. Emits a located diagnostic on failure.
mlir::FailureOr<std::vector<uint8_t>>
writeBundle(mlir::ModuleOp module, const std::vector<CodeObject> &code,
            const std::string &producer);

} // namespace tgc

#endif // TGC_COMPILER_BUNDLEWRITER_H

//===- BundleWriter.h - bundle serialization --------------------*- C++ -*-===//

#ifndef TGC_COMPILER_BUNDLE_BUNDLEWRITER_H
#define TGC_COMPILER_BUNDLE_BUNDLEWRITER_H

#include "compiler/schedule/Schedule.h"
#include "compiler/targets/TargetBackend.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tgc {

/// Encodes a schedule and the code objects into the bundle format of
/// docs/bundle-format.md. Fails, with a diagnostic at the kernel, when
/// something does not fit the format (a launch larger than 32 bits).
mlir::FailureOr<std::vector<uint8_t>>
writeBundle(const Schedule &schedule, const std::vector<CodeObject> &code,
            const std::string &producer);

} // namespace tgc

#endif // TGC_COMPILER_BUNDLE_BUNDLEWRITER_H

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
/// something does not fit the format (a launch larger than 32 bits). The
/// constants and code bytes are moved into the bundle, not copied: a
/// model's weights are then held once by the schedule or the bundle.
mlir::FailureOr<std::vector<uint8_t>>
writeBundle(Schedule &&schedule, std::vector<CodeObject> &&code,
            const std::string &producer);

} // namespace tgc

#endif // TGC_COMPILER_BUNDLE_BUNDLEWRITER_H

//===- Limits.h - sizes the compiler and the runtime both enforce -*- C++
//-*-===//
//
// The compiler's verifier rejects what the runtime would reject, with the
// same numbers: a tensor has at most kMaxRank dimensions and at most
// kMaxTensorBytes bytes (below 2^48, so offset + size sums of checked
// sizes never overflow 64 bits). Plain constants, no dependencies.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_FORMAT_LIMITS_H
#define TGC_FORMAT_LIMITS_H

#include <cstddef>
#include <cstdint>

namespace tgc::format {

inline constexpr size_t kMaxRank = 64;
inline constexpr uint64_t kMaxTensorBytes = 1ull << 48;

} // namespace tgc::format

#endif // TGC_FORMAT_LIMITS_H

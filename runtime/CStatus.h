//===- CStatus.h - Status to tgc_status_t for other C APIs ------*- C++ -*-===//
//
// Libraries layered on the runtime (the JIT) return the runtime's
// tgc_status_t from their own C API; tgc_status_s is private to
// RuntimeCApi.cpp, so they make one here.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_RUNTIME_CSTATUS_H
#define TGC_RUNTIME_CSTATUS_H

#include "support/Status.h"

namespace tgc::rt {

/// NULL for success; otherwise a status the caller of the C API frees with
/// tgc_status_free. Never fails (out of memory gives a static status).
tgc_status_t toCStatus(const Status &status);

} // namespace tgc::rt

#endif // TGC_RUNTIME_CSTATUS_H

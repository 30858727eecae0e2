//===- HalStatus.h - device errors as runtime statuses ----------*- C++ -*-===//

#ifndef TGC_RUNTIME_HALSTATUS_H
#define TGC_RUNTIME_HALSTATUS_H

#include "hal/Device.h"
#include "support/Status.h"

namespace tgc::rt {

/// Wraps a device status; `context` says what the runtime was doing.
inline Status fromHal(const hal::Status &status, const std::string &context,
                      tgc_status_code_t code = TGC_STATUS_DEVICE_ERROR) {
  if (status.ok())
    return Status::ok();
  return {code, context.empty() ? status.message()
                                : context + ": " + status.message()};
}

} // namespace tgc::rt

#endif // TGC_RUNTIME_HALSTATUS_H

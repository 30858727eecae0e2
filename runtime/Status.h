//===- Status.h - runtime status with a code --------------------*- C++ -*-===//
//
// The runtime's error type: a tgc_status_code_t plus a one-line message. The
// C API turns it into a tgc_status_t; driver errors (hal::Status) are wrapped
// with fromHal so every failure keeps the message of where it happened.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_RUNTIME_STATUS_H
#define TGC_RUNTIME_STATUS_H

#include "Device.h"
#include "tgc/runtime.h"

#include <cstdint>
#include <string>
#include <utility>

namespace tgc::rt {

class [[nodiscard]] Status {
public:
  Status() = default;
  Status(tgc_status_code_t code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }
  static Status invalidArgument(std::string m) {
    return {TGC_STATUS_INVALID_ARGUMENT, std::move(m)};
  }
  static Status notFound(std::string m) {
    return {TGC_STATUS_NOT_FOUND, std::move(m)};
  }
  static Status dataLoss(std::string m) {
    return {TGC_STATUS_DATA_LOSS, std::move(m)};
  }
  static Status unavailable(std::string m) {
    return {TGC_STATUS_UNAVAILABLE, std::move(m)};
  }
  static Status failedPrecondition(std::string m) {
    return {TGC_STATUS_FAILED_PRECONDITION, std::move(m)};
  }
  static Status ioError(std::string m) {
    return {TGC_STATUS_IO_ERROR, std::move(m)};
  }
  static Status internal(std::string m) {
    return {TGC_STATUS_INTERNAL, std::move(m)};
  }
  /// Wraps a driver status; `context` says what the runtime was doing.
  static Status fromHal(const hal::Status &status, const std::string &context,
                        tgc_status_code_t code = TGC_STATUS_DEVICE_ERROR) {
    if (status.ok())
      return ok();
    return {code, context.empty() ? status.message()
                                  : context + ": " + status.message()};
  }

  bool isOk() const { return code_ == TGC_STATUS_OK; }
  explicit operator bool() const { return isOk(); }
  tgc_status_code_t code() const { return code_; }
  const std::string &message() const { return message_; }

  /// Prepends "context: " to the message of an error.
  Status withContext(const std::string &context) const {
    if (isOk())
      return *this;
    return {code_, context + ": " + message_};
  }

private:
  tgc_status_code_t code_ = TGC_STATUS_OK;
  std::string message_;
};

/// "1 input", "3 inputs": counts in messages read as English.
inline std::string countOf(uint64_t n, const std::string &noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

#define TGC_RETURN_IF_ERROR(expr)                                              \
  do {                                                                         \
    ::tgc::rt::Status tgcStatus_ = (expr);                                     \
    if (!tgcStatus_.isOk())                                                    \
      return tgcStatus_;                                                       \
  } while (false)

} // namespace tgc::rt

#endif // TGC_RUNTIME_STATUS_H

//===- Status.h - runtime status with a code --------------------*- C++ -*-===//
//
// The error type of the runtime and the libraries around it (JIT, caches): a
// tgc_status_code_t plus a one-line message. The C API turns it into a
// tgc_status_t; the runtime wraps device errors with rt::fromHal so every
// failure keeps the message of where it happened.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_SUPPORT_STATUS_H
#define TGC_SUPPORT_STATUS_H

#include "tgc/runtime.h"

#include <cstdint>
#include <string>
#include <utility>

namespace tgc {

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
    ::tgc::Status tgcStatus_ = (expr);                                         \
    if (!tgcStatus_.isOk())                                                    \
      return tgcStatus_;                                                       \
  } while (false)

} // namespace tgc

#endif // TGC_SUPPORT_STATUS_H

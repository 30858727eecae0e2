//===- ScheduleKinds.h - buffer and step kinds, shared ----------*- C++ -*-===//
//
// What a schedule is made of, as the compiler's schedule builds it and the
// runtime runs it: plain enums with the values of bundle.fbs (checked in
// CodeFormat.cpp), so this header needs nothing.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_FORMAT_SCHEDULEKINDS_H
#define TGC_FORMAT_SCHEDULEKINDS_H

#include <cstdint>

namespace tgc {

/// A device allocation of a function's schedule: the caller's input or
/// output, a resident constant, or scratch the session owns.
enum class BufferKind : uint8_t {
  Input = 0,
  Output = 1,
  Constant = 2,
  Scratch = 3
};
inline constexpr uint8_t kMaxBufferKind = uint8_t(BufferKind::Scratch);

/// "input", "output", "constant", "scratch"; "?" for a value that is not one.
constexpr const char *bufferKindName(BufferKind kind) {
  switch (kind) {
  case BufferKind::Input:
    return "input";
  case BufferKind::Output:
    return "output";
  case BufferKind::Constant:
    return "constant";
  case BufferKind::Scratch:
    return "scratch";
  }
  return "?";
}

/// A step: launch a kernel on bindings, or copy bytes between two bindings.
enum class StepKind : uint8_t { Dispatch = 0, Copy = 1 };
inline constexpr uint8_t kMaxStepKind = uint8_t(StepKind::Copy);

} // namespace tgc

#endif // TGC_FORMAT_SCHEDULEKINDS_H

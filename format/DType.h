//===- DType.h - tensor element types, shared by every layer ----*- C++ -*-===//
//
// The one definition of the element types of tg tensors: the bundle records
// them (bundle.fbs DType), the runtime checks, sizes and names them (its C
// API's tgc_dtype_t has the same values, checked in RuntimeCApi.cpp), tools
// print them and the reference evaluator computes in them. A plain enum with
// the values of bundle.fbs (checked in CodeFormat.cpp) and constexpr tables, so
// this header needs nothing, not even FlatBuffers, and no library to link.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_FORMAT_DTYPE_H
#define TGC_FORMAT_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tgc {

enum class DType : uint8_t {
  F32 = 0,
  F16 = 1,
  BF16 = 2,
  I32 = 3,
  I8 = 4,
  I1 = 5 // stored as one byte per element, 0 or 1
};
inline constexpr int kNumDTypes = 6;

/// Whether `value` is a DType (for values read from files or the C API).
constexpr bool isDType(int value) { return value >= 0 && value < kNumDTypes; }

/// Bytes per element; 0 for a value that is not a DType.
constexpr size_t dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I8:
  case DType::I1:
    return 1;
  }
  return 0;
}

/// The tg dialect's and the bundle's names: "f32", "f16", "bf16", "i32",
/// "i8", "i1"; "?" for a value that is not a DType.
constexpr const char *dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::I32:
    return "i32";
  case DType::I8:
    return "i8";
  case DType::I1:
    return "i1";
  }
  return "?";
}

/// Parses a name of dtypeName.
constexpr bool parseDType(std::string_view text, DType &out) {
  for (int i = 0; i < kNumDTypes; ++i) {
    if (text == dtypeName(DType(i))) {
      out = DType(i);
      return true;
    }
  }
  return false;
}

} // namespace tgc

#endif // TGC_FORMAT_DTYPE_H

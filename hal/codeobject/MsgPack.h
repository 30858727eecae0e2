//===- MsgPack.h - a small bounds-checked MessagePack reader -----*- C++
//-*-===//
//
// The AMDGPU metadata note (NT_AMDGPU_METADATA) is a MessagePack map. A
// hand-written reader rather than a library: hal/ ships inside host
// applications and on macOS and depends on the OS only, and no MessagePack
// library is a build dependency of tgc (Debian's msgpack-cxx is a header
// library with Boost in its interface). The metadata uses the common subset —
// maps, arrays, strings, integers, booleans — and this reads all of
// MessagePack except extension payloads' meaning (they are skipped), with a
// nesting limit and every length checked against the bytes left.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_HAL_CODEOBJECT_MSGPACK_H
#define TGC_HAL_CODEOBJECT_MSGPACK_H

#include "hal/Device.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tgc::hal::msgpack {

struct Value {
  enum class Kind { Nil, Bool, Int, Uint, Float, String, Binary, Array, Map };
  Kind kind = Kind::Nil;
  bool boolean = false;
  int64_t integer = 0;    // Int (negative fixint, int8..int64)
  uint64_t unsigned_ = 0; // Uint (positive fixint, uint8..uint64)
  double number = 0;
  std::string string; // String and Binary
  std::vector<Value> array;
  std::vector<std::pair<Value, Value>> map;

  /// The value of key `name` in a map with string keys, or nullptr.
  const Value *find(const std::string &name) const;
  /// Int or Uint that fits in uint64_t and is not negative.
  bool asUnsigned(uint64_t &out) const;
};

/// Parses exactly one value from [bytes, bytes + size); trailing bytes are an
/// error. Messages give the offset of the bad byte.
Status parse(const uint8_t *bytes, size_t size, Value &out);

} // namespace tgc::hal::msgpack

#endif // TGC_HAL_CODEOBJECT_MSGPACK_H

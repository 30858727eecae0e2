//===- MsgPack.cpp - a small bounds-checked MessagePack reader ------------===//

#include "hal/codeobject/MsgPack.h"

#include <cstring>

namespace tgc::hal::msgpack {

namespace {

// Metadata nests four levels deep; the limit only stops a hostile input
// from exhausting the stack.
constexpr int kMaxDepth = 32;

/// Big-endian, as MessagePack stores numbers.
uint64_t loadBE(const uint8_t *p, unsigned bytes) {
  uint64_t value = 0;
  for (unsigned i = 0; i < bytes; ++i)
    value = (value << 8) | p[i];
  return value;
}

class Reader {
public:
  Reader(const uint8_t *bytes, size_t size) : bytes_(bytes), size_(size) {}

  Status read(Value &out, int depth) {
    if (depth > kMaxDepth)
      return fail("nesting deeper than " + std::to_string(kMaxDepth));
    uint8_t tag;
    if (Status s = take(1, "a value"); !s)
      return s;
    tag = bytes_[at_ - 1];
    if (tag <= 0x7f)
      return setUnsigned(out, tag);
    if (tag >= 0xe0)
      return setSigned(out, int8_t(tag));
    if ((tag & 0xf0) == 0x80)
      return readMap(out, tag & 0x0f, depth);
    if ((tag & 0xf0) == 0x90)
      return readArray(out, tag & 0x0f, depth);
    if ((tag & 0xe0) == 0xa0)
      return readString(out, tag & 0x1f, Value::Kind::String);
    uint64_t n;
    switch (tag) {
    case 0xc0:
      out.kind = Value::Kind::Nil;
      return Status();
    case 0xc2:
    case 0xc3:
      out.kind = Value::Kind::Bool;
      out.boolean = tag == 0xc3;
      return Status();
    case 0xc4:
    case 0xc5:
    case 0xc6:
      if (Status s = number(1u << (tag - 0xc4), n); !s)
        return s;
      return readString(out, n, Value::Kind::Binary);
    case 0xc7:
    case 0xc8:
    case 0xc9: // ext 8/16/32: length, type byte, payload
      if (Status s = number(1u << (tag - 0xc7), n); !s)
        return s;
      return skip(n + 1);
    case 0xca:
    case 0xcb: {
      unsigned width = tag == 0xca ? 4 : 8;
      if (Status s = number(width, n); !s)
        return s;
      out.kind = Value::Kind::Float;
      if (width == 4) {
        uint32_t bits = uint32_t(n);
        float f;
        std::memcpy(&f, &bits, 4);
        out.number = f;
      } else {
        std::memcpy(&out.number, &n, 8);
      }
      return Status();
    }
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
      if (Status s = number(1u << (tag - 0xcc), n); !s)
        return s;
      return setUnsigned(out, n);
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
      unsigned width = 1u << (tag - 0xd0);
      if (Status s = number(width, n); !s)
        return s;
      // Sign-extend from `width` bytes.
      unsigned shift = 64 - 8 * width;
      return setSigned(out, int64_t(n << shift) >> shift);
    }
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8: // fixext 1..16: type byte, payload
      return skip(1 + (1u << (tag - 0xd4)));
    case 0xd9:
    case 0xda:
    case 0xdb:
      if (Status s = number(1u << (tag - 0xd9), n); !s)
        return s;
      return readString(out, n, Value::Kind::String);
    case 0xdc:
    case 0xdd:
      if (Status s = number(tag == 0xdc ? 2 : 4, n); !s)
        return s;
      return readArray(out, n, depth);
    case 0xde:
    case 0xdf:
      if (Status s = number(tag == 0xde ? 2 : 4, n); !s)
        return s;
      return readMap(out, n, depth);
    default: // 0xc1 is never used
      at_ -= 1;
      return fail("invalid type byte 0xc1");
    }
  }

  size_t offset() const { return at_; }

  Status fail(const std::string &message) const {
    return Status::error("msgpack: offset " + std::to_string(at_) + ": " +
                         message);
  }

private:
  Status take(uint64_t n, const char *what) {
    if (n > size_ - at_)
      return fail(std::string("truncated: ") + what + " needs " +
                  std::to_string(n) + " bytes, " + std::to_string(size_ - at_) +
                  " left");
    at_ += n;
    return Status();
  }
  Status skip(uint64_t n) { return take(n, "an extension"); }
  Status number(unsigned width, uint64_t &out) {
    if (Status s = take(width, "a number"); !s)
      return s;
    out = loadBE(bytes_ + at_ - width, width);
    return Status();
  }
  static Status setUnsigned(Value &out, uint64_t v) {
    out.kind = Value::Kind::Uint;
    out.unsigned_ = v;
    return Status();
  }
  static Status setSigned(Value &out, int64_t v) {
    out.kind = Value::Kind::Int;
    out.integer = v;
    return Status();
  }
  Status readString(Value &out, uint64_t n, Value::Kind kind) {
    if (Status s = take(n, "a string"); !s)
      return s;
    out.kind = kind;
    out.string.assign(reinterpret_cast<const char *>(bytes_ + at_ - n), n);
    return Status();
  }
  // Every element takes at least one byte, so a count above the bytes left
  // is corrupt; checking first keeps it from sizing a huge vector.
  Status readArray(Value &out, uint64_t n, int depth) {
    if (n > size_ - at_)
      return fail("array of " + std::to_string(n) + " elements in " +
                  std::to_string(size_ - at_) + " bytes");
    out.kind = Value::Kind::Array;
    out.array.resize(n);
    for (Value &element : out.array)
      if (Status s = read(element, depth + 1); !s)
        return s;
    return Status();
  }
  Status readMap(Value &out, uint64_t n, int depth) {
    if (n > (size_ - at_) / 2)
      return fail("map of " + std::to_string(n) + " entries in " +
                  std::to_string(size_ - at_) + " bytes");
    out.kind = Value::Kind::Map;
    out.map.resize(n);
    for (auto &[key, value] : out.map) {
      if (Status s = read(key, depth + 1); !s)
        return s;
      if (Status s = read(value, depth + 1); !s)
        return s;
    }
    return Status();
  }

  const uint8_t *bytes_;
  size_t size_;
  size_t at_ = 0;
};

} // namespace

const Value *Value::find(const std::string &name) const {
  if (kind != Kind::Map)
    return nullptr;
  for (const auto &[key, value] : map)
    if (key.kind == Kind::String && key.string == name)
      return &value;
  return nullptr;
}

bool Value::asUnsigned(uint64_t &out) const {
  if (kind == Kind::Uint) {
    out = unsigned_;
    return true;
  }
  if (kind == Kind::Int && integer >= 0) {
    out = uint64_t(integer);
    return true;
  }
  return false;
}

Status parse(const uint8_t *bytes, size_t size, Value &out) {
  Reader reader(bytes, size);
  if (Status s = reader.read(out, 0); !s)
    return s;
  if (reader.offset() != size)
    return reader.fail(std::to_string(size - reader.offset()) +
                       " bytes follow the value");
  return Status();
}

} // namespace tgc::hal::msgpack

//===- TensorIO.cpp - .npy files, tensor text, printing, comparing --------===//

#include "tools/common/TensorIO.h"

#include "support/SafeFiles.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <new>

using namespace tgc;
using namespace tgc::io;

namespace {

/// Bounds that keep hostile inputs from asking for absurd allocations or
/// overflowing size arithmetic.
constexpr size_t kMaxRank = 64;
constexpr uint64_t kMaxBytes = 1ull << 48;
constexpr size_t kMaxNpyHeader = 1 << 20;

uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float bitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
    return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool parseDTypeName(const std::string &name, tgc_dtype_t &out) {
  for (int d = TGC_DTYPE_F32; d <= TGC_DTYPE_I1; ++d) {
    if (name == tgc_dtype_name(tgc_dtype_t(d))) {
      out = tgc_dtype_t(d);
      return true;
    }
  }
  return false;
}

bool isFloat(tgc_dtype_t dtype) {
  return dtype == TGC_DTYPE_F32 || dtype == TGC_DTYPE_F16 ||
         dtype == TGC_DTYPE_BF16;
}

/// Element count of `shape` if its bytes stay under kMaxBytes.
bool checkedByteSize(const std::vector<int64_t> &shape, size_t elementSize,
                     uint64_t &bytes) {
  uint64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return false;
    if (dim != 0 && count > kMaxBytes / elementSize / uint64_t(dim))
      return false;
    count *= uint64_t(dim);
  }
  bytes = count * elementSize;
  return true;
}

std::string shapeTuple(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

} // namespace

//===----------------------------------------------------------------------===//
// 16-bit floats
//===----------------------------------------------------------------------===//

float tgc::io::halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  if (exponent == 0) // zero or subnormal: mantissa * 2^-24
    return bitsFloat(sign) +
           (sign ? -1.f : 1.f) * float(mantissa) * (1.f / 16777216.f);
  if (exponent == 31) // inf or NaN; keep the payload
    return bitsFloat(sign | 0x7f800000 | (mantissa << 13));
  return bitsFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t tgc::io::floatToHalf(float value) {
  uint32_t f = floatBits(value);
  uint16_t sign = uint16_t((f >> 16) & 0x8000);
  uint32_t magnitude = f & 0x7fffffff;
  if (magnitude > 0x7f800000) // NaN: stay a (quiet) NaN
    return sign | 0x7e00 | uint16_t((magnitude >> 13) & 0x1ff);
  if (magnitude >= 0x477ff000) // >= 65520 rounds to infinity
    return sign | 0x7c00;
  if (magnitude < 0x38800000) { // below the smallest normal half
    // Scaling by 2^24 is exact; nearbyint rounds half to even.
    float scaled = bitsFloat(magnitude) * 16777216.f;
    return sign | uint16_t(std::nearbyint(scaled));
  }
  uint32_t exponent = (magnitude >> 23) - 112, mantissa = magnitude & 0x7fffff;
  uint32_t half = (exponent << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // a carry into the exponent is the correct rounding
  return sign | uint16_t(half);
}

float tgc::io::bfloat16ToFloat(uint16_t bits) {
  return bitsFloat(uint32_t(bits) << 16);
}

uint16_t tgc::io::floatToBfloat16(float value) {
  uint32_t f = floatBits(value);
  if ((f & 0x7fffffff) > 0x7f800000)
    return uint16_t((f >> 16) | 0x40); // quiet NaN
  return uint16_t((f + 0x7fff + ((f >> 16) & 1)) >> 16);
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

namespace {

struct NpyDType {
  const char *code; // without the byte-order character
  tgc_dtype_t dtype;
};
constexpr NpyDType kNpyDTypes[] = {
    {"f4", TGC_DTYPE_F32}, {"f2", TGC_DTYPE_F16}, {"u2", TGC_DTYPE_BF16},
    {"i4", TGC_DTYPE_I32}, {"i1", TGC_DTYPE_I8},  {"b1", TGC_DTYPE_I1},
};
constexpr const char *kSupportedNpy =
    "supported: <f4 (f32), <f2 (f16), <u2 (bf16 bits), <i4 (i32), |i1 (i8), "
    "|b1 (i1), <i8 (int64, narrowed to i32)";

/// The header is a Python dict literal; this accepts exactly the subset
/// NumPy writes: {'descr': str, 'fortran_order': bool, 'shape': tuple}.
class NpyHeaderParser {
public:
  explicit NpyHeaderParser(const std::string &text) : text_(text) {}

  bool parse(std::string &descr, bool &fortranOrder,
             std::vector<int64_t> &shape, std::string &error) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    if (!expect('{', error))
      return false;
    while (true) {
      skipSpace();
      if (peek() == '}')
        break;
      std::string key;
      if (!parseString(key, error) || !expect(':', error))
        return false;
      bool ok;
      if (key == "descr") {
        ok = !haveDescr && parseString(descr, error);
        haveDescr = true;
      } else if (key == "fortran_order") {
        ok = !haveOrder && parseBool(fortranOrder, error);
        haveOrder = true;
      } else if (key == "shape") {
        ok = !haveShape && parseShape(shape, error);
        haveShape = true;
      } else {
        error = "unexpected key '" + key + "' in the header";
        return false;
      }
      if (!ok) {
        if (error.empty())
          error = "key '" + key + "' appears twice in the header";
        return false;
      }
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') {
        error = "expected ',' or '}' at header offset " + std::to_string(pos_);
        return false;
      }
    }
    ++pos_; // '}'
    for (; pos_ < text_.size(); ++pos_)
      if (text_[pos_] != ' ' && text_[pos_] != '\n') {
        error = "unexpected text after the header dict";
        return false;
      }
    if (!haveDescr || !haveOrder || !haveShape) {
      error = std::string("header lacks '") +
              (!haveDescr   ? "descr"
               : !haveOrder ? "fortran_order"
                            : "shape") +
              "'";
      return false;
    }
    return true;
  }

private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n'))
      ++pos_;
  }
  bool expect(char c, std::string &error) {
    skipSpace();
    if (peek() != c) {
      error = std::string("expected '") + c + "' at header offset " +
              std::to_string(pos_);
      return false;
    }
    ++pos_;
    return true;
  }
  bool parseString(std::string &out, std::string &error) {
    skipSpace();
    char quote = peek();
    if (quote != '\'' && quote != '"') {
      error = "expected a string at header offset " + std::to_string(pos_);
      return false;
    }
    size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string::npos) {
      error = "unterminated string in the header";
      return false;
    }
    out = text_.substr(pos_ + 1, end - pos_ - 1);
    if (out.find('\\') != std::string::npos) {
      error = "escapes in header strings are not supported";
      return false;
    }
    pos_ = end + 1;
    return true;
  }
  bool parseBool(bool &out, std::string &error) {
    skipSpace();
    if (text_.compare(pos_, 4, "True") == 0) {
      out = true;
      pos_ += 4;
      return true;
    }
    if (text_.compare(pos_, 5, "False") == 0) {
      out = false;
      pos_ += 5;
      return true;
    }
    error = "fortran_order must be True or False";
    return false;
  }
  bool parseShape(std::vector<int64_t> &shape, std::string &error) {
    if (!expect('(', error))
      return false;
    shape.clear();
    while (true) {
      skipSpace();
      if (peek() == ')')
        break;
      if (peek() < '0' || peek() > '9') {
        error = "shape entries must be non-negative integers (header offset " +
                std::to_string(pos_) + ")";
        return false;
      }
      int64_t dim = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (dim > (int64_t(1) << 56)) {
          error = "shape entry is too large";
          return false;
        }
        dim = dim * 10 + (peek() - '0');
        ++pos_;
      }
      if (peek() == 'L') // Python 2 longs, in files from old NumPy
        ++pos_;
      if (shape.size() == kMaxRank) {
        error = "shape has more than " + std::to_string(kMaxRank) + " entries";
        return false;
      }
      shape.push_back(dim);
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')') {
        error = "expected ',' or ')' in the shape";
        return false;
      }
    }
    ++pos_;
    return true;
  }

  const std::string &text_;
  size_t pos_ = 0;
};

bool mapNpyDescr(const std::string &descr, tgc_dtype_t &out,
                 std::string &error) {
  if (descr.size() == 3) {
    char order = descr[0];
    std::string code = descr.substr(1);
    for (const NpyDType &d : kNpyDTypes) {
      if (code != d.code)
        continue;
      bool oneByte = code[1] == '1';
      if (order == '<' || order == '=' ||
          (oneByte && (order == '|' || order == '>'))) {
        out = d.dtype;
        return true;
      }
      if (order == '>') {
        error = "dtype '" + descr +
                "' is big-endian; only little-endian "
                ".npy files are supported";
        return false;
      }
    }
  }
  error = "dtype '" + descr + "' is not supported (" + kSupportedNpy + ")";
  return false;
}

const char *npyDescr(tgc_dtype_t dtype) {
  switch (dtype) {
  case TGC_DTYPE_F32:
    return "<f4";
  case TGC_DTYPE_F16:
    return "<f2";
  case TGC_DTYPE_BF16:
    return "<u2";
  case TGC_DTYPE_I32:
    return "<i4";
  case TGC_DTYPE_I8:
    return "|i1";
  case TGC_DTYPE_I1:
    return "|b1";
  }
  return "?";
}

bool readWholeFile(const std::string &path, std::vector<uint8_t> &out,
                   std::string &error) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  out.clear();
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), file)) > 0)
    out.insert(out.end(), chunk, chunk + n);
  bool failed = std::ferror(file);
  int err = errno;
  std::fclose(file);
  if (failed) {
    error = "cannot read '" + path + "': " + std::strerror(err);
    return false;
  }
  return true;
}

} // namespace

bool tgc::io::parseNpy(const uint8_t *data, size_t size, Tensor &out,
                       std::string &error) {
  static const uint8_t kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (size < 10 || std::memcmp(data, kMagic, 6) != 0) {
    error = "not a .npy file (missing \\x93NUMPY magic)";
    return false;
  }
  uint8_t major = data[6], minor = data[7];
  size_t headerSize, headerStart;
  if (major == 1) {
    headerSize = size_t(data[8]) | size_t(data[9]) << 8;
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) {
      error = ".npy file is truncated inside its preamble";
      return false;
    }
    headerSize = size_t(data[8]) | size_t(data[9]) << 8 |
                 size_t(data[10]) << 16 | size_t(data[11]) << 24;
    headerStart = 12;
  } else {
    error = ".npy format version " + std::to_string(major) + "." +
            std::to_string(minor) + " is not supported (1.0, 2.0, 3.0 are)";
    return false;
  }
  if (headerSize > kMaxNpyHeader) {
    error = ".npy header of " + std::to_string(headerSize) +
            " bytes is implausibly large";
    return false;
  }
  if (headerSize > size - headerStart) {
    error = ".npy header (" + std::to_string(headerSize) +
            " bytes) runs past the end of the file";
    return false;
  }
  std::string header(reinterpret_cast<const char *>(data) + headerStart,
                     headerSize);
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
  std::string headerError;
  if (!NpyHeaderParser(header).parse(descr, fortranOrder, shape, headerError)) {
    error = "bad .npy header: " + headerError;
    return false;
  }
  // int64 arrays (NumPy's default for token ids, ONNX's for indices) are
  // read as i32, which is how tgc computes int64 models; every value must
  // fit.
  bool int64 = descr == "<i8" || descr == "=i8";
  tgc_dtype_t dtype = TGC_DTYPE_I32;
  if (!int64 && !mapNpyDescr(descr, dtype, error))
    return false;
  if (fortranOrder) {
    size_t nonUnit = 0;
    for (int64_t dim : shape)
      nonUnit += dim > 1;
    // With at most one dimension above 1 both orders are the same bytes.
    if (nonUnit > 1) {
      error = "Fortran-order arrays are not supported (save "
              "np.ascontiguousarray(x) instead)";
      return false;
    }
  }
  size_t elementSize = int64 ? 8 : tgc_dtype_size(dtype);
  uint64_t bytes;
  size_t available = size - headerStart - headerSize;
  if (!checkedByteSize(shape, elementSize, bytes) || bytes > available) {
    error = "shape " + shapeTuple(shape) + " of " + descr +
            " needs more than the " + std::to_string(available) +
            " data bytes in the file (truncated?)";
    return false;
  }
  if (bytes != available) {
    error = ".npy file has " + std::to_string(available - bytes) +
            " bytes after the " + std::to_string(bytes) + " bytes of data";
    return false;
  }
  Tensor tensor(dtype, shape);
  if (int64) {
    const uint8_t *p = data + headerStart + headerSize;
    for (uint64_t i = 0; i < bytes / 8; ++i) {
      int64_t v;
      std::memcpy(&v, p + 8 * i, 8);
      if (v < INT32_MIN || v > INT32_MAX) {
        error = "int64 value " + std::to_string(v) + " at " +
                formatIndex(shape, i) +
                " does not fit in i32 (tgc computes int64 tensors as i32)";
        return false;
      }
      tensor.dataAs<int32_t>()[i] = int32_t(v);
    }
  } else if (bytes) {
    std::memcpy(tensor.data(), data + headerStart + headerSize, bytes);
  }
  if (dtype == TGC_DTYPE_I1) // NumPy writes 0/1; treat any other byte as true
    for (size_t i = 0; i < bytes; ++i)
      tensor.dataAs<uint8_t>()[i] = tensor.dataAs<uint8_t>()[i] != 0;
  out = std::move(tensor);
  return true;
}

bool tgc::io::readNpyFile(const std::string &path, Tensor &out,
                          std::string &error) {
  std::vector<uint8_t> bytes;
  if (!readWholeFile(path, bytes, error))
    return false;
  if (!parseNpy(bytes.data(), bytes.size(), out, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

std::vector<uint8_t> tgc::io::writeNpy(const Tensor &tensor) {
  std::string dict =
      std::string("{'descr': '") + npyDescr(tensor.dtype()) +
      "', 'fortran_order': False, 'shape': " + shapeTuple(tensor.shape()) +
      ", }";
  // Data starts at a multiple of 64 bytes; the header ends with '\n'.
  size_t preamble = dict.size() + 1 + 10 > 65535 ? 12 : 10;
  size_t total = (preamble + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - preamble - dict.size() - 1, ' ');
  dict += '\n';
  std::vector<uint8_t> out = {
      0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(preamble == 10 ? 1 : 2), 0};
  size_t headerSize = dict.size();
  for (size_t i = 0; i < preamble - 8; ++i)
    out.push_back(uint8_t(headerSize >> (8 * i)));
  out.insert(out.end(), dict.begin(), dict.end());
  const auto *data = static_cast<const uint8_t *>(tensor.data());
  out.insert(out.end(), data, data + tensor.byteSize());
  return out;
}

bool tgc::io::writeNpyFile(const std::string &path, const Tensor &tensor,
                           std::string &error) {
  std::vector<uint8_t> bytes = writeNpy(tensor);
  // Through a temporary file renamed at the end, like tgc's outputs: a full
  // disk leaves no partial .npy and an existing file untouched.
  Status status = writeFileAtomically(path, bytes.data(), bytes.size());
  if (!status) {
    error = status.message();
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Tensor text
//===----------------------------------------------------------------------===//

bool tgc::io::parseTensorType(const std::string &text, TensorType &out,
                              std::string &error) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t x = text.find('x', start);
    parts.push_back(text.substr(start, x - start));
    if (x == std::string::npos)
      break;
    start = x + 1;
  }
  TensorType type;
  if (!parseDTypeName(parts.back(), type.dtype)) {
    error = "'" + text +
            "' is not a tensor type like 2x3xf32 (unknown "
            "element type '" +
            parts.back() + "'; expected f32, f16, bf16, i32, i8 or i1)";
    return false;
  }
  if (parts.size() - 1 > kMaxRank) {
    error = "'" + text + "' has more than " + std::to_string(kMaxRank) +
            " dimensions";
    return false;
  }
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string &p = parts[i];
    bool digits = !p.empty() && p.size() <= 15 &&
                  p.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) {
      error = "'" + text + "': dimension " + std::to_string(i) + " ('" + p +
              "') is not a non-negative integer";
      return false;
    }
    type.shape.push_back(std::stoll(p));
  }
  uint64_t bytes;
  if (!checkedByteSize(type.shape, tgc_dtype_size(type.dtype), bytes)) {
    error = "'" + text + "' is too large";
    return false;
  }
  out = std::move(type);
  return true;
}

static bool parseValue(const std::string &token, tgc_dtype_t dtype, void *dst,
                       std::string &error) {
  const char *begin = token.c_str();
  char *end = nullptr;
  errno = 0;
  auto bad = [&](const char *why) {
    error = "value '" + token + "' " + why + " for " + tgc_dtype_name(dtype);
    return false;
  };
  if (isFloat(dtype)) {
    double v = std::strtod(begin, &end);
    if (end == begin || *end != '\0')
      return bad("is not a number");
    // "1e999" overflows a double: strtod says ERANGE and returns inf. Only
    // "inf" spelled out means infinity.
    if (errno == ERANGE && std::isinf(v))
      return bad("is out of range");
    bool finiteInput = std::isfinite(v) && errno != ERANGE;
    float f = float(v);
    if (dtype == TGC_DTYPE_F32) {
      if (finiteInput && std::isinf(f))
        return bad("is out of range");
      std::memcpy(dst, &f, 4);
      return true;
    }
    uint16_t h = dtype == TGC_DTYPE_F16 ? floatToHalf(f) : floatToBfloat16(f);
    float back = dtype == TGC_DTYPE_F16 ? halfToFloat(h) : bfloat16ToFloat(h);
    if (finiteInput && std::isinf(back))
      return bad("is out of range");
    std::memcpy(dst, &h, 2);
    return true;
  }
  if (dtype == TGC_DTYPE_I1) {
    uint8_t b;
    if (token == "0" || token == "false")
      b = 0;
    else if (token == "1" || token == "true")
      b = 1;
    else
      return bad("is not 0, 1, true or false");
    std::memcpy(dst, &b, 1);
    return true;
  }
  long long v = std::strtoll(begin, &end, 10);
  if (end == begin || *end != '\0')
    return bad("is not an integer");
  if (dtype == TGC_DTYPE_I32) {
    if (errno == ERANGE || v < INT32_MIN || v > INT32_MAX)
      return bad("is out of range");
    int32_t i = int32_t(v);
    std::memcpy(dst, &i, 4);
    return true;
  }
  if (errno == ERANGE || v < INT8_MIN || v > INT8_MAX)
    return bad("is out of range");
  int8_t i = int8_t(v);
  std::memcpy(dst, &i, 1);
  return true;
}

bool tgc::io::parseTensorText(const std::string &text, Tensor &out,
                              std::string &error, uint64_t maxBytes) {
  size_t eq = text.find('=');
  TensorType type;
  if (!parseTensorType(trim(text.substr(0, eq)), type, error))
    return false;
  // A short string can ask for a huge tensor (zeros or one splatted value).
  if (type.byteSize() > maxBytes) {
    error = type.str() + " is " + std::to_string(type.byteSize()) +
            " bytes, more than the limit of " + std::to_string(maxBytes);
    return false;
  }
  Tensor tensor;
  try {
    tensor = Tensor(type);
  } catch (const std::bad_alloc &) {
    error = "not enough memory for " + type.str() + " (" +
            std::to_string(type.byteSize()) + " bytes)";
    return false;
  }
  if (eq == std::string::npos) {
    out = std::move(tensor);
    return true;
  }
  std::string values = text.substr(eq + 1);
  for (char &c : values)
    if (c == '[' || c == ']' || c == ',' || c == '\t' || c == '\n' || c == '\r')
      c = ' ';
  std::vector<std::string> tokens;
  size_t pos = 0;
  while (pos < values.size()) {
    size_t b = values.find_first_not_of(' ', pos);
    if (b == std::string::npos)
      break;
    size_t e = values.find(' ', b);
    tokens.push_back(values.substr(b, e == std::string::npos ? e : e - b));
    pos = e;
  }
  size_t count = tensor.elementCount();
  if (tokens.size() != count && !(tokens.size() == 1 && count > 0)) {
    error = "'" + trim(text.substr(0, eq)) + "' needs " +
            std::to_string(count) + " values (or 1 to fill it), got " +
            std::to_string(tokens.size());
    return false;
  }
  size_t elementSize = tgc_dtype_size(type.dtype);
  auto *data = static_cast<uint8_t *>(tensor.data());
  for (size_t i = 0; i < tokens.size(); ++i)
    if (!parseValue(tokens[i], type.dtype, data + i * elementSize, error))
      return false;
  if (tokens.size() == 1)
    for (size_t i = 1; i < count; ++i)
      std::memcpy(data + i * elementSize, data, elementSize);
  out = std::move(tensor);
  return true;
}

//===----------------------------------------------------------------------===//
// Printing and comparing
//===----------------------------------------------------------------------===//

double tgc::io::elementAsDouble(const Tensor &tensor, size_t index) {
  const auto *p = static_cast<const uint8_t *>(tensor.data()) +
                  index * tgc_dtype_size(tensor.dtype());
  switch (tensor.dtype()) {
  case TGC_DTYPE_F32: {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  case TGC_DTYPE_F16:
  case TGC_DTYPE_BF16: {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return tensor.dtype() == TGC_DTYPE_F16 ? halfToFloat(h)
                                           : bfloat16ToFloat(h);
  }
  case TGC_DTYPE_I32: {
    int32_t i;
    std::memcpy(&i, p, 4);
    return i;
  }
  case TGC_DTYPE_I8:
    return double(int8_t(*p));
  case TGC_DTYPE_I1:
    return *p ? 1.0 : 0.0;
  }
  return 0;
}

std::string tgc::io::formatNumber(double value, tgc_dtype_t dtype) {
  if (!isFloat(dtype))
    return std::to_string((long long)value);
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value < 0 ? "-inf" : "inf";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", value);
  return buf;
}

std::string tgc::io::formatIndex(const std::vector<int64_t> &shape,
                                 size_t flatIndex) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] == 0)
      return "[]";
    index[d] = int64_t(flatIndex % uint64_t(shape[d]));
    flatIndex /= uint64_t(shape[d]);
  }
  std::string s = "[";
  for (size_t d = 0; d < index.size(); ++d)
    s += (d ? ", " : "") + std::to_string(index[d]);
  return s + "]";
}

std::string tgc::io::formatValues(const Tensor &tensor, size_t maxElements) {
  const std::vector<int64_t> &shape = tensor.shape();
  size_t count = tensor.elementCount();
  if (shape.empty())
    return formatNumber(elementAsDouble(tensor, 0), tensor.dtype());
  if (count == 0)
    return "(empty)";
  bool elide = maxElements != 0 && count > maxElements;
  constexpr int64_t kEdge = 3;
  // Indices shown along a dimension; -1 marks the "..." gap.
  auto shown = [&](int64_t size) {
    std::vector<int64_t> indices;
    if (elide && size > 2 * kEdge) {
      for (int64_t i = 0; i < kEdge; ++i)
        indices.push_back(i);
      indices.push_back(-1);
      for (int64_t i = size - kEdge; i < size; ++i)
        indices.push_back(i);
    } else {
      for (int64_t i = 0; i < size; ++i)
        indices.push_back(i);
    }
    return indices;
  };
  std::vector<size_t> strides(shape.size(), 1);
  for (size_t d = shape.size() - 1; d-- > 0;)
    strides[d] = strides[d + 1] * size_t(shape[d + 1]);

  std::string text;
  auto emit = [&](auto &self, size_t dim, size_t offset) -> void {
    if (dim + 1 == shape.size()) {
      if (!text.empty())
        text += '\n';
      bool first = true;
      for (int64_t i : shown(shape[dim])) {
        text += first ? "" : " ";
        first = false;
        text += i < 0
                    ? "..."
                    : formatNumber(elementAsDouble(tensor, offset + size_t(i)),
                                   tensor.dtype());
      }
      return;
    }
    for (int64_t i : shown(shape[dim])) {
      if (i < 0)
        text += "\n...";
      else
        self(self, dim + 1, offset + size_t(i) * strides[dim]);
    }
  };
  emit(emit, 0, 0);
  return text;
}

Comparison tgc::io::compare(const Tensor &actual, const Tensor &expected,
                            double atol, double rtol) {
  Comparison result;
  bool haveMax = false, worstIsMismatch = false;
  for (size_t i = 0; i < actual.elementCount(); ++i) {
    double a = elementAsDouble(actual, i), b = elementAsDouble(expected, i);
    double error;
    bool equal;
    if (std::isnan(a) || std::isnan(b)) {
      equal = std::isnan(a) && std::isnan(b);
      error = equal ? 0 : std::numeric_limits<double>::infinity();
    } else if (std::isinf(a) || std::isinf(b)) {
      equal = a == b;
      error = equal ? 0 : std::numeric_limits<double>::infinity();
    } else {
      error = std::fabs(a - b);
      equal = error <= atol + rtol * std::fabs(b);
    }
    result.mismatches += !equal;
    // Once something mismatches, report the worst mismatch, not a larger
    // error that rtol allowed.
    bool worse = !haveMax || (!equal && !worstIsMismatch) ||
                 (equal == !worstIsMismatch && error > result.maxError);
    if (worse) {
      haveMax = true;
      worstIsMismatch = !equal;
      result.maxError = error;
      result.maxIndex = i;
      result.actual = a;
      result.expected = b;
    }
  }
  return result;
}

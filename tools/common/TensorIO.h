//===- TensorIO.h - .npy files, tensor text, printing, comparing -*- C++
//-*-===//
//
// What tg-run needs to turn files and command-line strings into tensors and
// back. Parsers take untrusted bytes (they will be fuzzed): they never throw
// for malformed input, never allocate more than the input justifies, and
// return false with a one-line message naming what is wrong.
//
// bf16 in .npy: NumPy has no bfloat16, so bf16 tensors are written with
// descr '<u2' (the raw 16 bits, as ml_dtypes' bfloat16.view(np.uint16)
// gives) and '<u2' files are read as bf16. tgc has no u16 type, so this is
// unambiguous.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_TOOLS_COMMON_TENSORIO_H
#define TGC_TOOLS_COMMON_TENSORIO_H

#include "tgc/runtime.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tgc::io {

float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
float bfloat16ToFloat(uint16_t bits);
uint16_t floatToBfloat16(float value);

/// Parses a .npy file (format 1.0, 2.0 or 3.0; little-endian; C order, or
/// Fortran order for rank <= 1). dtypes: <f4 f32, <f2 f16, <u2 bf16, <i4
/// i32, |i1 i8, |b1 i1, and <i8 (int64) read as i32 when every value fits.
bool parseNpy(const uint8_t *data, size_t size, Tensor &out,
              std::string &error);
bool readNpyFile(const std::string &path, Tensor &out, std::string &error);
/// Writes format 1.0 (2.0 if the header would not fit).
std::vector<uint8_t> writeNpy(const Tensor &tensor);
bool writeNpyFile(const std::string &path, const Tensor &tensor,
                  std::string &error);

/// "2x3xf32", "f32" (a scalar), "0x4xi8".
bool parseTensorType(const std::string &text, TensorType &out,
                     std::string &error);
/// "2x3xf32=1 2 3 4 5 6". Values are separated by spaces or commas;
/// brackets are ignored (so printed results parse back); one value fills
/// the whole tensor; no "=" gives zeros. Floats accept nan/inf; i1 accepts
/// 0/1/true/false. Tensors over `maxBytes` are refused (fuzzers bound it;
/// tg-run allows anything below 2^48 and reports when memory runs out).
bool parseTensorText(const std::string &text, Tensor &out, std::string &error,
                     uint64_t maxBytes = uint64_t(1) << 48);

/// Element `index` as a double (i1 -> 0/1).
double elementAsDouble(const Tensor &tensor, size_t index);

/// The values, one innermost row per line, separated by single spaces:
/// floats as %.6g ("nan", "inf", "-inf"), integers in decimal, i1 as 0/1.
/// Tensors with more than `maxElements` elements (0: no limit) show only the
/// first and last 3 entries of each dimension longer than 6, with "..." in
/// place of the rest ("..." inside a row, a "..." line between rows).
std::string formatValues(const Tensor &tensor, size_t maxElements);

/// "[1, 2]" for flat index 5 of a 2x3 tensor; "[]" for a scalar.
std::string formatIndex(const std::vector<int64_t> &shape, size_t flatIndex);
/// %.6g with nan/inf spelled consistently.
std::string formatNumber(double value, tgc_dtype_t dtype);

struct Comparison {
  size_t mismatches = 0;
  /// The mismatching element with the largest |actual - expected| (NaN and
  /// infinity mismatches count as infinitely large), or the largest error
  /// overall when all match; meaningful when the tensor is not empty.
  double maxError = 0;
  size_t maxIndex = 0;
  double actual = 0, expected = 0;
};

/// Elementwise |actual - expected| <= atol + rtol * |expected|; NaN equals
/// only NaN, infinities only themselves. Types must already match.
Comparison compare(const Tensor &actual, const Tensor &expected, double atol,
                   double rtol);

} // namespace tgc::io

#endif // TGC_TOOLS_COMMON_TENSORIO_H

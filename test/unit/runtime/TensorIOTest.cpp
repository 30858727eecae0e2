//===- TensorIOTest.cpp - .npy, tensor text, printing, comparison ---------===//

#include "tools/common/TensorIO.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace tgc;
using namespace tgc::io;

namespace {

/// A .npy file laid out the way NumPy writes one.
std::vector<uint8_t> npy(const std::string &dict,
                         const std::vector<uint8_t> &data, int major = 1) {
  size_t preamble = major == 1 ? 10 : 12;
  std::string header = dict;
  size_t total = (preamble + header.size() + 1 + 63) / 64 * 64;
  header.append(total - preamble - header.size() - 1, ' ');
  header += '\n';
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  for (size_t i = 0; i < preamble - 8; ++i)
    out.push_back(uint8_t(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

template <typename T> std::vector<uint8_t> raw(std::vector<T> values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

Tensor parsed(const std::vector<uint8_t> &bytes) {
  Tensor t;
  std::string error;
  EXPECT_TRUE(parseNpy(bytes.data(), bytes.size(), t, error)) << error;
  return t;
}

std::string npyError(const std::vector<uint8_t> &bytes) {
  Tensor t;
  std::string error;
  EXPECT_FALSE(parseNpy(bytes.data(), bytes.size(), t, error));
  return error;
}

Tensor text(const std::string &s) {
  Tensor t;
  std::string error;
  EXPECT_TRUE(parseTensorText(s, t, error)) << s << ": " << error;
  return t;
}

std::string textError(const std::string &s) {
  Tensor t;
  std::string error;
  EXPECT_FALSE(parseTensorText(s, t, error)) << s;
  return error;
}

} // namespace

TEST(Half, Conversions) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(floatToHalf(65504.f), 0x7bff);
  EXPECT_EQ(floatToHalf(65519.f), 0x7bff);
  EXPECT_EQ(floatToHalf(65520.f), 0x7c00); // ties to even: infinity
  EXPECT_EQ(floatToHalf(std::ldexp(1.f, -24)), 0x0001);
  EXPECT_EQ(floatToHalf(std::ldexp(1.f, -25)), 0x0000); // tie to even (0)
  EXPECT_EQ(floatToHalf(std::ldexp(3.f, -25)), 0x0002); // tie to even (2)
  EXPECT_EQ(floatToHalf(std::ldexp(1.f, -14)), 0x0400); // smallest normal
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.f, -11)), 0x3c00); // tie: even
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(3.f, -11)), 0x3c02);
  EXPECT_EQ(floatToHalf(INFINITY), 0x7c00);
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(NAN))));
  EXPECT_EQ(halfToFloat(0x3555), 0.333251953125f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.f, -24));
  EXPECT_EQ(halfToFloat(0x8400), -std::ldexp(1.f, -14));
  for (uint32_t h = 0; h < 0x10000; ++h) {
    float f = halfToFloat(uint16_t(h));
    if (!std::isnan(f)) {
      ASSERT_EQ(floatToHalf(f), h) << std::hex << h;
    }
  }
}

TEST(BFloat16, Conversions) {
  EXPECT_EQ(floatToBfloat16(1.0f), 0x3f80);
  EXPECT_EQ(bfloat16ToFloat(0x3f80), 1.0f);
  EXPECT_EQ(floatToBfloat16(1.0f + std::ldexp(1.f, -8)), 0x3f80); // tie: even
  EXPECT_EQ(floatToBfloat16(1.0f + std::ldexp(3.f, -8)), 0x3f82);
  EXPECT_TRUE(std::isnan(bfloat16ToFloat(floatToBfloat16(NAN))));
}

TEST(Npy, ReadsWhatNumPyWrites) {
  Tensor t =
      parsed(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                 raw<float>({1, 2, 3, 4, 5, 6})));
  EXPECT_EQ(t.type().str(), "tensor<2x3xf32>");
  EXPECT_EQ(t.dataAs<float>()[5], 6.f);
  t = parsed(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }",
                 raw<int32_t>({-1, 0, 7})));
  EXPECT_EQ(t.type().str(), "tensor<3xi32>");
  t = parsed(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (), }",
                 raw<uint16_t>({0x3c00})));
  EXPECT_EQ(t.type().str(), "tensor<f16>");
  t = parsed(npy("{'descr': '|i1', 'fortran_order': False, 'shape': (1, 2), }",
                 raw<int8_t>({-128, 127})));
  EXPECT_EQ(t.type().str(), "tensor<1x2xi8>");
  t = parsed(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
                 raw<uint8_t>({1, 0, 5})));
  EXPECT_EQ(t.type().str(), "tensor<3xi1>");
  EXPECT_EQ(t.dataAs<uint8_t>()[2], 1);
  t = parsed(npy("{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }",
                 raw<uint16_t>({0x3f80})));
  EXPECT_EQ(t.type().str(), "tensor<1xbf16>");
  // int64 (token ids, ONNX indices) is narrowed to i32.
  t = parsed(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
                 raw<int64_t>({-2147483648ll, 0, 2147483647})));
  EXPECT_EQ(t.type().str(), "tensor<3xi32>");
  EXPECT_EQ(t.dataAs<int32_t>()[0], INT32_MIN);
  EXPECT_EQ(t.dataAs<int32_t>()[2], INT32_MAX);
  // Format 2.0, other key order, double quotes, Python 2 longs.
  t = parsed(
      npy("{\"shape\": (2L, 1L), \"fortran_order\": False, \"descr\": \"<f4\"}",
          raw<float>({1, 2}), 2));
  EXPECT_EQ(t.type().str(), "tensor<2x1xf32>");
  // Empty arrays and Fortran order where it is the same layout.
  t = parsed(
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", {}));
  EXPECT_EQ(t.type().str(), "tensor<0x3xf32>");
  t = parsed(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }",
                 raw<float>({1, 2, 3})));
  EXPECT_EQ(t.type().str(), "tensor<1x3xf32>");
}

TEST(Npy, RoundTripsEveryDType) {
  for (tgc_dtype_t dtype : {TGC_DTYPE_F32, TGC_DTYPE_F16, TGC_DTYPE_BF16,
                            TGC_DTYPE_I32, TGC_DTYPE_I8, TGC_DTYPE_I1}) {
    for (std::vector<int64_t> shape :
         {std::vector<int64_t>{}, {5}, {2, 3}, {0, 4}, {1, 2, 3, 4}}) {
      Tensor t(dtype, shape);
      auto *bytes = static_cast<uint8_t *>(t.data());
      for (size_t i = 0; i < t.byteSize(); ++i)
        bytes[i] = dtype == TGC_DTYPE_I1 ? i % 2 : uint8_t(i * 37 + 1);
      std::vector<uint8_t> file = writeNpy(t);
      EXPECT_EQ((file.size() - t.byteSize()) % 64, 0u);
      Tensor back = parsed(file);
      EXPECT_EQ(back.type(), t.type());
      // Empty tensors have no data pointer, which memcmp must not get.
      if (t.byteSize() > 0)
        EXPECT_EQ(std::memcmp(back.data(), t.data(), t.byteSize()), 0);
    }
  }
  Tensor t(TGC_DTYPE_F32, {2, 3});
  std::vector<uint8_t> file = writeNpy(t);
  std::string header(file.begin() + 10, file.begin() + 128);
  EXPECT_EQ(header.substr(0, 59),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  EXPECT_EQ(header.back(), '\n');
}

TEST(Npy, RejectsMalformedFiles) {
  auto f4 = [](const std::string &shape) {
    return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  };
  EXPECT_EQ(npyError({1, 2, 3}), "not a .npy file (missing \\x93NUMPY magic)");
  std::vector<uint8_t> v4 = npy(f4("(1,)"), raw<float>({1}));
  v4[6] = 4;
  EXPECT_EQ(npyError(v4),
            ".npy format version 4.0 is not supported (1.0, 2.0, 3.0 are)");
  EXPECT_EQ(npyError(npy(f4("(2, 3)"), raw<float>({1, 2, 3}))),
            "shape (2, 3) of <f4 needs more than the 12 data bytes in the file "
            "(truncated?)");
  EXPECT_EQ(npyError(npy(f4("(1,)"), raw<float>({1, 2}))),
            ".npy file has 4 bytes after the 4 bytes of data");
  EXPECT_EQ(
      npyError(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                   raw<double>({1}))),
      "dtype '<f8' is not supported (supported: <f4 (f32), <f2 (f16), "
      "<u2 (bf16 bits), <i4 (i32), |i1 (i8), |b1 (i1), <i8 (int64, narrowed "
      "to i32))");
  // int64 is read as i32 when every value fits, else refused by name.
  EXPECT_EQ(
      npyError(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
                   raw<int64_t>({1, int64_t(1) << 31}))),
      "int64 value 2147483648 at [1] does not fit in i32 (tgc computes int64 "
      "tensors as i32)");
  EXPECT_EQ(
      npyError(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
                   raw<float>({1}))),
      "dtype '>f4' is big-endian; only little-endian .npy files are "
      "supported");
  EXPECT_EQ(
      npyError(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                   raw<float>({1, 2, 3, 4}))),
      "Fortran-order arrays are not supported (save "
      "np.ascontiguousarray(x) instead)");
  EXPECT_EQ(npyError(npy("{'descr': '<f4', 'shape': (1,), }", raw<float>({1}))),
            "bad .npy header: header lacks 'fortran_order'");
  EXPECT_EQ(npyError(npy(f4("(-1,)"), {})),
            "bad .npy header: shape entries must be non-negative integers "
            "(header offset 51)");
  EXPECT_EQ(npyError(npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': "
                         "False, 'shape': (1,), }",
                         raw<float>({1}))),
            "bad .npy header: key 'descr' appears twice in the header");
  EXPECT_EQ(npyError(npy(f4("(1,)") + " junk", raw<float>({1}))),
            "bad .npy header: unexpected text after the header dict");
  EXPECT_EQ(npyError(npy("{'descr': '<f4', 'fortran_order': False, 'shape': "
                         "(99999999999, 99999999999, 99999999999), }",
                         {})),
            "shape (99999999999, 99999999999, 99999999999) of <f4 needs more "
            "than the 0 data bytes in the file (truncated?)");
}

TEST(Npy, EveryPrefixFailsWithoutCrashing) {
  std::vector<uint8_t> file =
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
          raw<float>({1, 2, 3, 4, 5, 6}));
  for (size_t n = 0; n < file.size(); ++n) {
    std::vector<uint8_t> prefix(file.begin(), file.begin() + n);
    Tensor t;
    std::string error;
    EXPECT_FALSE(parseNpy(prefix.data(), prefix.size(), t, error)) << n;
    EXPECT_FALSE(error.empty());
  }
  // Byte flips: any outcome but a crash.
  for (size_t i = 0; i < file.size(); ++i) {
    std::vector<uint8_t> flipped = file;
    flipped[i] ^= 0xff;
    Tensor t;
    std::string error;
    parseNpy(flipped.data(), flipped.size(), t, error);
  }
}

TEST(TensorText, Parses) {
  Tensor t = text("2x3xf32=1 2 3 4 5 6");
  EXPECT_EQ(t.type().str(), "tensor<2x3xf32>");
  EXPECT_EQ(t.dataAs<float>()[4], 5.f);
  t = text("2x2xi32=[[1, -2] [3, 4]]");
  EXPECT_EQ(t.dataAs<int32_t>()[1], -2);
  t = text("3xf16=0.5");
  EXPECT_EQ(t.dataAs<uint16_t>()[2], 0x3800);
  t = text("2xbf16=1 -inf");
  EXPECT_EQ(t.dataAs<uint16_t>()[1], 0xff80);
  t = text("4xi1=1 0 true false");
  EXPECT_EQ(t.dataAs<uint8_t>()[2], 1);
  t = text("f32=nan");
  EXPECT_TRUE(std::isnan(t.dataAs<float>()[0]));
  t = text("2x2xi8");
  EXPECT_EQ(t.dataAs<int8_t>()[3], 0);
  t = text("0x5xf32=");
  EXPECT_EQ(t.elementCount(), 0u);
}

TEST(TensorText, Errors) {
  EXPECT_EQ(textError("2x3xf32=1 2 3 4"),
            "'2x3xf32' needs 6 values (or 1 to fill it), got 4");
  EXPECT_EQ(textError("2x3xf64=1"),
            "'2x3xf64' is not a tensor type like 2x3xf32 (unknown element type "
            "'f64'; expected f32, f16, bf16, i32, i8 or i1)");
  EXPECT_EQ(textError("2x-3xf32=1"),
            "'2x-3xf32': dimension 1 ('-3') is not a non-negative integer");
  EXPECT_EQ(textError("2xxf32=1"),
            "'2xxf32': dimension 1 ('') is not a non-negative integer");
  EXPECT_EQ(textError("2xi8=1 200"), "value '200' is out of range for i8");
  EXPECT_EQ(textError("2xi32=1 2.5"), "value '2.5' is not an integer for i32");
  EXPECT_EQ(textError("f32=abc"), "value 'abc' is not a number for f32");
  EXPECT_EQ(textError("f32=1e39"), "value '1e39' is out of range for f32");
  EXPECT_EQ(textError("f16=70000"), "value '70000' is out of range for f16");
  EXPECT_EQ(textError("i1=2"), "value '2' is not 0, 1, true or false for i1");
  EXPECT_EQ(textError("100000000x100000000x100000000xf32"),
            "'100000000x100000000x100000000xf32' is too large");
}

TEST(Printing, Format) {
  EXPECT_EQ(formatValues(text("2x3xf32=1 2.5 -3 1e-7 nan -inf"), 1024),
            "1 2.5 -3\n1e-07 nan -inf");
  EXPECT_EQ(formatValues(text("f32=3.14159265"), 1024), "3.14159");
  EXPECT_EQ(formatValues(text("3xi8=-1 0 7"), 1024), "-1 0 7");
  EXPECT_EQ(formatValues(text("2xi1=1 0"), 1024), "1 0");
  EXPECT_EQ(formatValues(text("2x2x2xi32=1 2 3 4 5 6 7 8"), 1024),
            "1 2\n3 4\n5 6\n7 8");
  EXPECT_EQ(formatValues(text("0x3xf32"), 1024), "(empty)");
  EXPECT_EQ(formatValues(text("1xbf16=1.5"), 1024), "1.5");
  // Elision: first and last 3 of every dimension longer than 6.
  Tensor big(TGC_DTYPE_I32, {8, 10});
  for (int i = 0; i < 80; ++i)
    big.dataAs<int32_t>()[i] = i;
  EXPECT_EQ(formatValues(big, 50), "0 1 2 ... 7 8 9\n"
                                   "10 11 12 ... 17 18 19\n"
                                   "20 21 22 ... 27 28 29\n"
                                   "...\n"
                                   "50 51 52 ... 57 58 59\n"
                                   "60 61 62 ... 67 68 69\n"
                                   "70 71 72 ... 77 78 79");
  EXPECT_EQ(formatValues(big, 0).size(), formatValues(big, 80).size());
  EXPECT_EQ(formatIndex({2, 3}, 5), "[1, 2]");
  EXPECT_EQ(formatIndex({}, 0), "[]");
}

TEST(Compare, ToleranceAndNaN) {
  Tensor a = text("4xf32=1 2 nan inf"), b = text("4xf32=1 2.001 nan inf");
  Comparison c = compare(a, b, 1e-5, 1e-5);
  EXPECT_EQ(c.mismatches, 1u);
  EXPECT_EQ(c.maxIndex, 1u);
  EXPECT_EQ(c.expected, double(2.001f));
  c = compare(a, b, 1e-2, 0);
  EXPECT_EQ(c.mismatches, 0u);
  c = compare(text("2xf32=nan 1"), text("2xf32=1 1"), 1, 1);
  EXPECT_EQ(c.mismatches, 1u);
  EXPECT_TRUE(std::isinf(c.maxError));
  c = compare(text("1xf32=inf"), text("1xf32=-inf"), 1, 1);
  EXPECT_EQ(c.mismatches, 1u);
  // The worst mismatch is reported even when a larger error was tolerated.
  c = compare(text("2xf32=1000 0"), text("2xf32=1000.5 0.1"), 0.01, 1e-3);
  EXPECT_EQ(c.mismatches, 1u);
  EXPECT_EQ(c.maxIndex, 1u);
}

//===- WeightsTest.cpp - external weights (safetensors) -------------------===//
//
// The runtime's side of tgc --weights=external: the safetensors header
// checks, and a hand-written bundle whose constant is a tensor of a weights
// file, run on the host device with the file beside the bundle, given
// explicitly, changed between loads, and replaced by every kind of wrong
// file.
//
//===----------------------------------------------------------------------===//

#include "test/unit/runtime/TestBundle.h"

#include "runtime/Weights.h"
#include "tgc/runtime.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace tgc;
using namespace tgc::test;

namespace {

/// A safetensors file: 8-byte little-endian header length, header, data.
std::string safetensors(const std::string &header, const std::string &data,
                        uint64_t headerLength = ~0ull) {
  if (headerLength == ~0ull)
    headerLength = header.size();
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i)
    file[i] = char(headerLength >> (8 * i));
  return file + header + data;
}

std::string floatBytes(const std::vector<float> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(float));
}

/// The weights of the test module: w, f32 [2, 3].
std::string weightsFile(const std::vector<float> &w) {
  return safetensors(
      R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],)"
      R"("data_offsets":[0,24]}})",
      floatBytes(w));
}

Status parse(const std::string &header, uint64_t dataBytes,
             std::map<std::string, rt::SafetensorsTensor> &out) {
  return rt::parseSafetensorsHeader(header.data(), header.size(),
                                    8 + header.size() + dataBytes, out);
}

std::string parseError(const std::string &header, uint64_t dataBytes = 24) {
  std::map<std::string, rt::SafetensorsTensor> tensors;
  Status status = parse(header, dataBytes, tensors);
  EXPECT_FALSE(status.isOk()) << header;
  EXPECT_EQ(status.code(), TGC_STATUS_DATA_LOSS) << status.message();
  return status.message();
}

class ExternalWeights : public testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/tgc-weights-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    write("m.bin",
          bytesOf(buildExternalBundle(hostKernelLibrary(), externalModule())));
    write("w.safetensors", weightsFile({1, 2, 3, 4, 5, 6}));
  }
  void TearDown() override {
    std::string command = "rm -rf '" + dir_ + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
  }

  static std::string bytesOf(const std::vector<uint8_t> &bytes) {
    return std::string(bytes.begin(), bytes.end());
  }
  std::string path(const std::string &name) const { return dir_ + "/" + name; }
  void write(const std::string &name, const std::string &bytes) const {
    std::ofstream(path(name), std::ios::binary | std::ios::trunc) << bytes;
  }

  /// (x + y) * w of the test module's main, with x = 1 and y = 0.
  std::vector<float> run(const std::vector<std::string> &files = {}) {
    Bundle bundle = Bundle::openFile(path("m.bin"));
    Device device = Device::open("host", &bundle);
    std::vector<const char *> paths;
    for (const std::string &file : files)
      paths.push_back(file.c_str());
    tgc_module_options_t options;
    tgc_module_options_init(&options);
    options.weight_files = paths.data();
    options.weight_file_count = paths.size();
    Module module = Module::load(device, bundle, &options);
    Session session(module);
    Tensor x(TGC_DTYPE_F32, {2, 3}), y(TGC_DTYPE_F32, {2, 3});
    std::fill(x.dataAs<float>(), x.dataAs<float>() + 6, 1.0f);
    std::vector<Tensor> out = session.call("main", {x, y});
    return std::vector<float>(out[1].dataAs<float>(),
                              out[1].dataAs<float>() + 6);
  }

  /// The error of loading the module; `code` is checked.
  std::string loadError(tgc_status_code_t code,
                        const std::vector<std::string> &files = {}) {
    try {
      run(files);
    } catch (const Error &e) {
      EXPECT_EQ(e.code(), code)
          << tgc_status_code_name(e.code()) << ": " << e.what();
      return e.what();
    }
    ADD_FAILURE() << "no error";
    return "";
  }

  std::string dir_;
};

} // namespace

TEST(SafetensorsHeader, AcceptsAWellFormedHeader) {
  std::map<std::string, rt::SafetensorsTensor> tensors;
  std::string header =
      R"({"__metadata__":{"a":"b"},"w":{"dtype":"F32","shape":[2,3],)"
      R"("data_offsets":[0,24]},"b":{"dtype":"BF16","shape":[],)"
      R"("data_offsets":[24,26]},"e":{"dtype":"F32","shape":[0],)"
      R"("data_offsets":[26,26]},"c":{"dtype":"C64","shape":[1],)"
      R"("data_offsets":[26,34]}})";
  ASSERT_TRUE(parse(header, 34, tensors).isOk());
  ASSERT_EQ(tensors.size(), 4u);
  EXPECT_EQ(tensors["w"].dtype, "F32");
  EXPECT_EQ(tensors["w"].shape, (std::vector<int64_t>{2, 3}));
  // Offsets count from the start of the file.
  EXPECT_EQ(tensors["w"].begin, 8 + header.size());
  EXPECT_EQ(tensors["w"].end, 8 + header.size() + 24);
  EXPECT_TRUE(tensors["b"].shape.empty());
}

TEST(SafetensorsHeader, EveryLieIsRefused) {
  EXPECT_EQ(parseError("{\"w\": [1, 2"),
            parseError("{\"w\": [1, 2")); // deterministic
  EXPECT_NE(parseError("{\"w\": [1, 2").find("the header is not valid JSON"),
            std::string::npos);
  EXPECT_EQ(parseError("[1, 2]"), "the header is not a JSON object");
  EXPECT_EQ(parseError(R"({"w": 3})"), "tensor 'w' is not a JSON object");
  EXPECT_EQ(parseError(R"({"w": {"dtype": "F32", "shape": [2, 3]}})"),
            "tensor 'w' needs dtype (a string), shape (a list) and "
            "data_offsets [begin, end]");
  EXPECT_EQ(parseError(R"({"w": {"dtype": 1, "shape": [6],)"
                       R"( "data_offsets": [0, 24]}})"),
            "tensor 'w' needs dtype (a string), shape (a list) and "
            "data_offsets [begin, end]");
  EXPECT_EQ(parseError(R"({"w": {"dtype": "F32", "shape": [2, -3],)"
                       R"( "data_offsets": [0, 24]}})"),
            "tensor 'w': its shape has a dimension that is not a "
            "non-negative integer");
  EXPECT_EQ(parseError(R"({"w": {"dtype": "F32", "shape": [2.5],)"
                       R"( "data_offsets": [0, 24]}})"),
            "tensor 'w': its shape has a dimension that is not a "
            "non-negative integer");
  // Past the end of the data, reversed, and beyond 64 bits.
  EXPECT_EQ(parseError(R"({"w": {"dtype": "F32", "shape": [2, 3],)"
                       R"( "data_offsets": [0, 4096]}})"),
            "tensor 'w': data_offsets [0,4096] do not lie within the 24 "
            "data bytes of the file (truncated?)");
  EXPECT_EQ(parseError(R"({"w": {"dtype": "F32", "shape": [2, 3],)"
                       R"( "data_offsets": [24, 0]}})"),
            "tensor 'w': data_offsets [24,0] do not lie within the 24 data "
            "bytes of the file (truncated?)");
  EXPECT_NE(parseError(R"({"w": {"dtype": "F32", "shape": [2, 3],)"
                       R"( "data_offsets": [0, 18446744073709551616]}})")
                .find("do not lie within the 24 data bytes"),
            std::string::npos);
  // Sizes that do not match the dtype and shape, including a shape whose
  // byte count overflows 64 bits into a small number.
  EXPECT_EQ(parseError(R"({"w": {"dtype": "F32", "shape": [2, 2],)"
                       R"( "data_offsets": [0, 24]}})"),
            "tensor 'w' ('F32' [2, 2]) holds 24 bytes, which is not what its "
            "dtype and shape need");
  EXPECT_EQ(
      parseError(R"({"w": {"dtype": "F32", "shape": )"
                 R"([4611686018427387904, 6], "data_offsets": [0, 24]}})"),
      "tensor 'w' ('F32' [4611686018427387904, 6]) holds 24 bytes, which "
      "is not what its dtype and shape need");
  // Two tensors over the same bytes.
  EXPECT_EQ(parseError(R"({"a": {"dtype": "F32", "shape": [4],)"
                       R"( "data_offsets": [0, 16]}, "b": {"dtype": "F32",)"
                       R"( "shape": [2], "data_offsets": [8, 16]}})"),
            "tensors 'a' and 'b' overlap in the file (a damaged header)");
  // Names are shown on one line.
  EXPECT_EQ(parseError(R"({"a\nb": 1})"), "tensor 'a?b' is not a JSON object");
}

TEST_F(ExternalWeights, AreReadFromBesideTheBundle) {
  EXPECT_EQ(run(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  // New weights of the same shape: no new bundle.
  write("w.safetensors", weightsFile({10, 20, 30, 40, 50, 60}));
  EXPECT_EQ(run(), (std::vector<float>{10, 20, 30, 40, 50, 60}));
}

TEST_F(ExternalWeights, CanBeGivenExplicitly) {
  write("other.safetensors", weightsFile({-1, -2, -3, -4, -5, -6}));
  EXPECT_EQ(run({path("other.safetensors")}),
            (std::vector<float>{-1, -2, -3, -4, -5, -6}));
  EXPECT_EQ(loadError(TGC_STATUS_INVALID_ARGUMENT, {"a", "b"}),
            path("m.bin") +
                ": 2 weights files given, but the bundle names 1 weights "
                "file ('w.safetensors'): give one for each, in that order");
}

TEST_F(ExternalWeights, TheBundleNamesItsFiles) {
  Bundle bundle = Bundle::openFile(path("m.bin"));
  EXPECT_EQ(bundle.weightFiles(), std::vector<std::string>{"w.safetensors"});
  std::vector<uint8_t> inline_ = buildAddBundle(hostKernelLibrary());
  EXPECT_TRUE(
      Bundle::openMemory(inline_.data(), inline_.size()).weightFiles().empty());
}

TEST_F(ExternalWeights, ABundleInMemoryNeedsThemGiven) {
  std::vector<uint8_t> bytes =
      buildExternalBundle(hostKernelLibrary(), externalModule());
  Bundle bundle = Bundle::openMemory(bytes.data(), bytes.size(), "mem.bin");
  Device device = Device::open("host", &bundle);
  try {
    Module::load(device, bundle);
    ADD_FAILURE() << "no error";
  } catch (const Error &e) {
    EXPECT_EQ(e.code(), TGC_STATUS_FAILED_PRECONDITION);
    EXPECT_STREQ(e.what(),
                 "mem.bin: the bundle keeps its weights in 'w.safetensors' "
                 "beside it, but it was read from memory: give the weights "
                 "files (tgc_module_options_t.weight_files)");
  }
  std::string file = path("w.safetensors");
  const char *files[] = {file.c_str()};
  tgc_module_options_t options;
  tgc_module_options_init(&options);
  options.weight_files = files;
  options.weight_file_count = 1;
  Module::load(device, bundle, &options);
}

TEST_F(ExternalWeights, AreRefusedForABundleWithout) {
  write("m.bin", bytesOf(buildAddBundle(hostKernelLibrary())));
  EXPECT_EQ(loadError(TGC_STATUS_INVALID_ARGUMENT, {path("w.safetensors")}),
            path("m.bin") +
                ": weights files were given, but the bundle keeps its weights "
                "inside (it was not compiled with --weights=external)");
}

TEST_F(ExternalWeights, EveryBadFileIsAClearError) {
  std::string where = path("m.bin") + ": ";
  std::string file = "weights file '" + path("w.safetensors") + "'";
  ASSERT_EQ(::unlink(path("w.safetensors").c_str()), 0);
  EXPECT_EQ(loadError(TGC_STATUS_NOT_FOUND),
            where + "cannot open " + file + ": No such file or directory");

  ASSERT_EQ(::mkdir(path("w.safetensors").c_str(), 0700), 0);
  EXPECT_EQ(loadError(TGC_STATUS_IO_ERROR),
            where + file + " is a directory, not a safetensors file");
  ASSERT_EQ(::rmdir(path("w.safetensors").c_str()), 0);

  // Opened without blocking, whoever is (not) writing to it.
  ASSERT_EQ(::mkfifo(path("w.safetensors").c_str(), 0600), 0);
  EXPECT_EQ(loadError(TGC_STATUS_IO_ERROR),
            where + file + " is a FIFO, not a safetensors file");
  ASSERT_EQ(::unlink(path("w.safetensors").c_str()), 0);

  std::string good = weightsFile({1, 2, 3, 4, 5, 6});
  write("w.safetensors", good.substr(0, 5));
  EXPECT_EQ(loadError(TGC_STATUS_DATA_LOSS),
            where + file +
                " is 5 bytes, shorter than a safetensors header length "
                "(truncated?)");
  write("w.safetensors", good.substr(0, good.size() - 4));
  EXPECT_EQ(loadError(TGC_STATUS_DATA_LOSS),
            where + file +
                ": tensor 'w': data_offsets [0,24] do not lie within the 20 "
                "data bytes of the file (truncated?)");
  write("w.safetensors", safetensors("{}", "", 1ull << 40));
  EXPECT_EQ(loadError(TGC_STATUS_DATA_LOSS),
            where + file +
                ": header length 1099511627776 is more than the 100 MiB "
                "safetensors allows (not a safetensors file?)");
  write("w.safetensors", safetensors("{}", "", 1000));
  EXPECT_EQ(loadError(TGC_STATUS_DATA_LOSS),
            where + file +
                ": header length 1000 does not fit the 10-byte file "
                "(truncated, or not safetensors)");

  write("w.safetensors", safetensors(R"({"v":{"dtype":"F32","shape":[2,3],)"
                                     R"("data_offsets":[0,24]}})",
                                     floatBytes({1, 2, 3, 4, 5, 6})));
  EXPECT_EQ(loadError(TGC_STATUS_INVALID_ARGUMENT),
            where + file +
                " has no tensor 'w' (the bundle needs it, F32 [2, 3])");
  write("w.safetensors", safetensors(R"({"w":{"dtype":"F32","shape":[3,2],)"
                                     R"("data_offsets":[0,24]}})",
                                     floatBytes({1, 2, 3, 4, 5, 6})));
  EXPECT_EQ(loadError(TGC_STATUS_INVALID_ARGUMENT),
            where + file +
                ": tensor 'w' is F32 [3, 2] but the bundle needs F32 [2, 3] "
                "(external weights may change values without a recompile, "
                "not dtypes or shapes)");
  write("w.safetensors", safetensors(R"({"w":{"dtype":"I32","shape":[2,3],)"
                                     R"("data_offsets":[0,24]}})",
                                     floatBytes({1, 2, 3, 4, 5, 6})));
  EXPECT_EQ(loadError(TGC_STATUS_INVALID_ARGUMENT),
            where + file +
                ": tensor 'w' is I32 [2, 3] but the bundle needs F32 [2, 3] "
                "(external weights may change values without a recompile, "
                "not dtypes or shapes)");
}

//===- HostEndToEndTest.cpp - a hand-written bundle on the host device ----===//
//
// The bundle's host code object is host_kernels.c, built as a shared library
// with the tests, so this runs the whole path (reader, device selection,
// module load, constants, schedule, copies) without a compiler or a GPU.
//
//===----------------------------------------------------------------------===//

#include "test/unit/runtime/TestBundle.h"

#include "support/Trust.h"
#include "tgc/runtime.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace tgc;
using namespace tgc::test;

namespace {

class HostEndToEnd : public testing::Test {
protected:
  void SetUp() override { bytes_ = buildAddBundle(hostKernelLibrary()); }
  Bundle bundle() {
    return Bundle::openMemory(bytes_.data(), bytes_.size(), "add.bin");
  }

  static Tensor floats(std::vector<int64_t> shape, std::vector<float> values) {
    Tensor t(TGC_DTYPE_F32, std::move(shape));
    EXPECT_EQ(t.elementCount(), values.size());
    std::copy(values.begin(), values.end(), t.dataAs<float>());
    return t;
  }
  static std::vector<float> values(const Tensor &t) {
    return std::vector<float>(t.dataAs<float>(),
                              t.dataAs<float>() + t.elementCount());
  }

  std::vector<uint8_t> bytes_;
};

/// Runs `body`, which must throw tgc::Error; returns its message.
template <typename Fn> std::string errorOf(Fn &&body, tgc_status_code_t code) {
  try {
    body();
  } catch (const Error &e) {
    EXPECT_EQ(e.code(), code)
        << tgc_status_code_name(e.code()) << ": " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

} // namespace

TEST_F(HostEndToEnd, CallComputesAllOutputs) {
  Bundle b = bundle();
  EXPECT_EQ(b.codeObjects(),
            std::vector<std::string>{"host_elf_so " + hostTriple()});
  Device device = Device::open("auto", &b);
  EXPECT_EQ(device.info().id, "host");
  Module module = Module::load(device, b);
  EXPECT_EQ(module.codeDescription(), "host_elf_so " + hostTriple());
  Session session(module);
  Tensor x = floats({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor y = floats({2, 3}, {10, 20, 30, 40, 50, 60});
  std::vector<Tensor> out = session.call("main", {x, y});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].type().str(), "tensor<2x3xf32>");
  EXPECT_EQ(values(out[0]), (std::vector<float>{11, 22, 33, 44, 55, 66}));
  EXPECT_EQ(values(out[1]), (std::vector<float>{11, 44, 99, 176, 275, 396}));
  EXPECT_EQ(values(out[2]), values(x));

  // Buffers are reused: a second call with other inputs gives new results.
  out = session.call("main", {y, y});
  EXPECT_EQ(values(out[0]), (std::vector<float>{20, 40, 60, 80, 100, 120}));
}

TEST_F(HostEndToEnd, BooleanFunction) {
  Bundle b = bundle();
  Device device = Device::open("host", &b);
  Module module = Module::load(device, b);
  Session session(module);
  Tensor m(TGC_DTYPE_I1, {4});
  uint8_t in[4] = {1, 0, 0, 1};
  std::copy(in, in + 4, m.dataAs<uint8_t>());
  std::vector<Tensor> out = session.call("negate", {m});
  const uint8_t *r = out[0].dataAs<uint8_t>();
  EXPECT_EQ(std::vector<uint8_t>(r, r + 4), (std::vector<uint8_t>{0, 1, 1, 0}));
}

TEST_F(HostEndToEnd, SignatureErrors) {
  Bundle b = bundle();
  Device device = Device::open("host", &b);
  Module module = Module::load(device, b);
  Session session(module);
  Tensor good = floats({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(errorOf(
                [&] {
                  session.call("main", {good, Tensor(TGC_DTYPE_F32, {3, 2})});
                },
                TGC_STATUS_INVALID_ARGUMENT),
            "function 'main' input 1: expected tensor<2x3xf32>, got "
            "tensor<3x2xf32>");
  EXPECT_EQ(errorOf(
                [&] {
                  session.call("main", {Tensor(TGC_DTYPE_I32, {2, 3}), good});
                },
                TGC_STATUS_INVALID_ARGUMENT),
            "function 'main' input 0: expected tensor<2x3xf32>, got "
            "tensor<2x3xi32>");
  EXPECT_EQ(errorOf(
                [&] {
                  session.call("main", {good, Tensor(TGC_DTYPE_F32, {6})});
                },
                TGC_STATUS_INVALID_ARGUMENT),
            "function 'main' input 1: expected tensor<2x3xf32>, got "
            "tensor<6xf32>");
  EXPECT_EQ(errorOf([&] { session.call("main", {good}); },
                    TGC_STATUS_INVALID_ARGUMENT),
            "function 'main' takes 2 inputs, got 1");
  EXPECT_EQ(
      errorOf([&] { session.call("nope", {good}); }, TGC_STATUS_NOT_FOUND),
      "no function 'nope' in the bundle (it has 'main', 'negate')");
  // Outputs are checked too.
  std::vector<Tensor> wrongOutputs = {Tensor(TGC_DTYPE_F32, {2, 3})};
  EXPECT_EQ(errorOf(
                [&] {
                  session.callInto(0, {good, good}, wrongOutputs);
                },
                TGC_STATUS_INVALID_ARGUMENT),
            "function 'main' takes 3 outputs, got 1");
  // The session still works after errors.
  EXPECT_EQ(session.call("main", {good, good}).size(), 3u);
}

TEST_F(HostEndToEnd, CApiNullAndRangeErrors) {
  tgc_status_t status = tgc_bundle_open_file(nullptr, nullptr);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(tgc_status_message(status),
               "tgc_bundle_open_file: path is null");
  tgc_status_free(status);
  EXPECT_STREQ(tgc_status_message(nullptr), "OK");

  tgc_bundle_t *bundle = nullptr;
  status = tgc_bundle_open_file("/nonexistent/model.bin", &bundle);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_NOT_FOUND);
  EXPECT_STREQ(
      tgc_status_message(status),
      "cannot open '/nonexistent/model.bin': No such file or directory");
  tgc_status_free(status);
  EXPECT_EQ(bundle, nullptr);

  ASSERT_EQ(tgc_bundle_open_memory(bytes_.data(), bytes_.size(), "m", &bundle),
            nullptr);
  tgc_device_t *device = nullptr;
  ASSERT_EQ(tgc_device_open("host", bundle, &device), nullptr);
  tgc_module_t *module = nullptr;
  tgc_module_options_t options = {nullptr, true};
  ASSERT_EQ(tgc_module_load(device, bundle, &options, &module), nullptr);
  tgc_session_t *session = nullptr;
  ASSERT_EQ(tgc_session_create(module, &session), nullptr);
  // Handles may go in any order: the session keeps the module alive.
  tgc_module_destroy(module);
  tgc_device_destroy(device);
  tgc_bundle_destroy(bundle);

  status = tgc_session_call(session, 7, nullptr, 0, nullptr, 0);
  EXPECT_STREQ(tgc_status_message(status),
               "function index 7 is out of range (2 functions)");
  tgc_status_free(status);
  tgc_call_profile_t profile;
  status = tgc_session_last_profile(session, &profile);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_FAILED_PRECONDITION);
  tgc_status_free(status);

  float x[6] = {1, 2, 3, 4, 5, 6}, out[3][6];
  int64_t shape[2] = {2, 3};
  tgc_tensor_view_t in[2] = {{TGC_DTYPE_F32, 2, shape, x},
                             {TGC_DTYPE_F32, 2, shape, x}};
  tgc_tensor_view_t outs[3] = {{TGC_DTYPE_F32, 2, shape, out[0]},
                               {TGC_DTYPE_F32, 2, shape, out[1]},
                               {TGC_DTYPE_F32, 2, shape, nullptr}};
  status = tgc_session_call(session, 0, in, 2, outs, 3);
  EXPECT_STREQ(tgc_status_message(status),
               "function 'main' output 2: data pointer is null");
  tgc_status_free(status);
  outs[2].data = out[2];
  ASSERT_EQ(tgc_session_call(session, 0, in, 2, outs, 3), nullptr);
  EXPECT_EQ(out[1][5], 72.f);
  const tgc_module_t *borrowed = tgc_session_module(session);
  EXPECT_STREQ(tgc_module_function_name(borrowed, 1), "negate");
  tgc_session_destroy(session);
}

TEST_F(HostEndToEnd, CallerMemoryThatAliasesOrIsMisaligned) {
  // On the host, kernels use the caller's memory directly where they can;
  // an output overlapping an input, or a misaligned tensor, goes through
  // the session's own buffers and must give the same results.
  tgc_bundle_t *bundle = nullptr;
  ASSERT_EQ(tgc_bundle_open_memory(bytes_.data(), bytes_.size(), "m", &bundle),
            nullptr);
  tgc_device_t *device = nullptr;
  ASSERT_EQ(tgc_device_open("host", bundle, &device), nullptr);
  tgc_module_t *module = nullptr;
  ASSERT_EQ(tgc_module_load(device, bundle, nullptr, &module), nullptr);
  tgc_session_t *session = nullptr;
  ASSERT_EQ(tgc_session_create(module, &session), nullptr);
  int64_t shape[2] = {2, 3};

  // out[0] = x + y written over x itself.
  float x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {10, 20, 30, 40, 50, 60};
  float product[6], copy[6];
  tgc_tensor_view_t in[2] = {{TGC_DTYPE_F32, 2, shape, x},
                             {TGC_DTYPE_F32, 2, shape, y}};
  tgc_tensor_view_t outs[3] = {{TGC_DTYPE_F32, 2, shape, x},
                               {TGC_DTYPE_F32, 2, shape, product},
                               {TGC_DTYPE_F32, 2, shape, copy}};
  ASSERT_EQ(tgc_session_call(session, 0, in, 2, outs, 3), nullptr);
  EXPECT_EQ(std::vector<float>(x, x + 6),
            (std::vector<float>{11, 22, 33, 44, 55, 66}));
  EXPECT_EQ(product[5], 6.f * 66.f);
  EXPECT_EQ(copy[5], 6.f);

  // Inputs and outputs one byte off their element alignment.
  alignas(8) uint8_t raw[4][6 * sizeof(float) + 1];
  float xs[6] = {1, 2, 3, 4, 5, 6};
  std::memcpy(raw[0] + 1, xs, sizeof(xs));
  std::memcpy(raw[1] + 1, y, sizeof(y));
  in[0].data = raw[0] + 1;
  in[1].data = raw[1] + 1;
  outs[0].data = raw[2] + 1;
  outs[1].data = raw[3] + 1;
  ASSERT_EQ(tgc_session_call(session, 0, in, 2, outs, 3), nullptr);
  float sum[6];
  std::memcpy(sum, raw[2] + 1, sizeof(sum));
  EXPECT_EQ(std::vector<float>(sum, sum + 6),
            (std::vector<float>{11, 22, 33, 44, 55, 66}));
  tgc_session_destroy(session);
  tgc_module_destroy(module);
  tgc_device_destroy(device);
  tgc_bundle_destroy(bundle);
}

TEST_F(HostEndToEnd, AsyncCallsAndProfiling) {
  Bundle b = bundle();
  Device device = Device::open("host", &b);
  Module module = Module::load(device, b);
  Session session(module);
  session.setProfiling(true);
  Tensor x = floats({2, 3}, {1, 2, 3, 4, 5, 6});
  std::vector<Tensor> first = session.makeOutputs(0),
                      second = session.makeOutputs(0);
  Tensor y = floats({2, 3}, {1, 1, 1, 1, 1, 1});
  session.callAsync(0, {x, x}, first);
  session.callAsync(0, {x, y}, second);
  session.synchronize();
  EXPECT_EQ(values(first[0]), (std::vector<float>{2, 4, 6, 8, 10, 12}));
  EXPECT_EQ(values(second[0]), (std::vector<float>{2, 3, 4, 5, 6, 7}));
  CallProfile profile = session.lastProfile();
  EXPECT_EQ(profile.hostToDeviceBytes, 48u);
  EXPECT_EQ(profile.deviceToHostBytes, 72u);
  ASSERT_EQ(profile.dispatches.size(), 2u);
  EXPECT_EQ(profile.dispatches[0].kernelName, "add");
  EXPECT_EQ(profile.dispatches[1].step, 2u);
  EXPECT_EQ(profile.dispatches[1].kernelName, "mul");
}

TEST_F(HostEndToEnd, ConcurrentSessionsOnTwoThreads) {
  Bundle b = bundle();
  Device device = Device::open("host", &b);
  Module module = Module::load(device, b);
  std::atomic<int> failures{0};
  auto worker = [&](float base) {
    try {
      Session session(module);
      for (int i = 0; i < 300; ++i) {
        float v = base + float(i);
        Tensor x = floats({2, 3}, {v, v, v, v, v, v});
        std::vector<Tensor> out = session.call(0, {x, x});
        for (float r : values(out[0]))
          failures += r != 2 * v;
        for (float r : values(out[2]))
          failures += r != v;
      }
    } catch (const Error &e) {
      ADD_FAILURE() << e.what();
      ++failures;
    }
  };
  std::thread a(worker, 1000.f), c(worker, -5000.f);
  a.join();
  c.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(HostEndToEnd, MissingSymbolFailsAtLoad) {
  TModule m = addModule();
  m.codeObjects[0].launches[1].symbol = "tgc_test_missing";
  std::vector<uint8_t> bytes = buildAddBundle(hostKernelLibrary(), m);
  Bundle b = Bundle::openMemory(bytes.data(), bytes.size(), "broken.bin");
  Device device = Device::open("host", &b);
  std::string message =
      errorOf([&] { Module::load(device, b); }, TGC_STATUS_DATA_LOSS);
  EXPECT_EQ(
      message.rfind("broken.bin on host (host_elf_so " + hostTriple() +
                        "): kernel 1 ('mul'): symbol 'tgc_test_missing': ",
                    0),
      0u)
      << message;
}

TEST_F(HostEndToEnd, CorruptCodeSectionFailsAtLoad) {
  std::vector<uint8_t> bytes = bytes_;
  format::Container container;
  std::string error;
  ASSERT_TRUE(container.parse(bytes.data(), bytes.size(), error));
  bytes[container.section(1).offset + 10] ^= 1;
  Bundle b = Bundle::openMemory(bytes.data(), bytes.size(), "flip.bin");
  Device device = Device::open("host", &b);
  EXPECT_EQ(errorOf([&] { Module::load(device, b); }, TGC_STATUS_DATA_LOSS),
            "flip.bin: section 1 (code): checksum mismatch (corrupted data)");
}

// Issue 14, F8: a grid from the bundle beyond what the device launches is
// refused when the module loads; this one ran for hours on the host.
TEST_F(HostEndToEnd, GridsBeyondTheDeviceAreRefused) {
  TModule m = addModule();
  m.codeObjects[0].launches[0].grid = {1, 4294967041u, 255};
  std::vector<uint8_t> bytes = buildAddBundle(hostKernelLibrary(), m);
  Bundle b = Bundle::openMemory(bytes.data(), bytes.size(), "grid.bin");
  Device device = Device::open("host", &b);
  std::string message =
      errorOf([&] { Module::load(device, b); }, TGC_STATUS_UNAVAILABLE);
  EXPECT_EQ(message, "grid.bin on host (host_elf_so " + hostTriple() +
                         "): kernel 0 ('add'): its grid [1, 4294967041, 255] "
                         "exceeds what host launches ([4294967295, 1, 1])");
  // A host launch has a block of one.
  m = addModule();
  m.codeObjects[0].launches[2].block = {2, 1, 1};
  bytes = buildAddBundle(hostKernelLibrary(), m);
  Bundle block = Bundle::openMemory(bytes.data(), bytes.size(), "block.bin");
  message =
      errorOf([&] { Module::load(device, block); }, TGC_STATUS_UNAVAILABLE);
  EXPECT_NE(message.find("kernel 2 ('not'): its block [2, 1, 1] exceeds what "
                         "host launches ([1, 1, 1])"),
            std::string::npos)
      << message;
}

// Issue 14, F7: a bundle whose host code is someone else's shared library,
// with every checksum right, is refused before the library is loaded: its
// constructor never runs.
TEST_F(HostEndToEnd, ForeignCodeIsNeverLoaded) {
  std::string marker = ::testing::TempDir() + "/tgc-evil-constructor-ran";
  std::remove(marker.c_str());
  ::setenv("TGC_TEST_EVIL_MARKER", marker.c_str(), 1);
  std::vector<uint8_t> evil = readFileBytes(TGC_TEST_EVIL_LIBRARY);
  std::vector<uint8_t> unsignedBytes = buildBundle(
      addModule(),
      {{format::SectionKind::Code, evil, true},
       {format::SectionKind::Constants, std::vector<uint8_t>(24), false}},
      true, /*sign=*/false);
  std::string message = errorOf(
      [&] {
        Bundle b = Bundle::openMemory(unsignedBytes.data(),
                                      unsignedBytes.size(), "evil.bin");
        Device device = Device::open("host", &b);
        Module::load(device, b);
      },
      TGC_STATUS_PERMISSION_DENIED);
  EXPECT_EQ(message.rfind("evil.bin: the bundle is not signed", 0), 0u)
      << message;
  EXPECT_FALSE(std::ifstream(marker).good()) << "the constructor ran";

  // Signed by someone this machine does not trust: refused the same way.
  char dir[] = "/tmp/tgc-evil-key-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  trust::KeyPair stranger;
  ASSERT_TRUE(trust::createKeyPair(std::string(dir) + "/key", stranger).isOk());
  std::vector<uint8_t> signedBytes = unsignedBytes;
  std::string error;
  ASSERT_TRUE(format::signContainer(signedBytes, stranger.secret, error))
      << error;
  message = errorOf(
      [&] {
        Bundle b = Bundle::openMemory(signedBytes.data(), signedBytes.size(),
                                      "evil.bin");
        Device device = Device::open("host", &b);
        Module::load(device, b);
      },
      TGC_STATUS_PERMISSION_DENIED);
  EXPECT_NE(message.find("which is not trusted here"), std::string::npos)
      << message;
  std::remove((std::string(dir) + "/key").c_str());
  std::remove((std::string(dir) + "/key.pub").c_str());
  ::rmdir(dir);
  EXPECT_FALSE(std::ifstream(marker).good()) << "the constructor ran";
  ::unsetenv("TGC_TEST_EVIL_MARKER");
}

TEST_F(HostEndToEnd, DeviceErrorsNameWhatIsMissing) {
  Bundle b = bundle();
  EXPECT_EQ(
      errorOf([&] { Device::open("gpu", &b); }, TGC_STATUS_INVALID_ARGUMENT),
      "unknown device 'gpu' (expected auto, host, cuda:N, hip:N or tinygpu:N)");
  EXPECT_EQ(
      errorOf([&] { Device::open("cuda:x", &b); }, TGC_STATUS_INVALID_ARGUMENT),
      "unknown device 'cuda:x' (expected auto, host, cuda:N, hip:N or "
      "tinygpu:N)");
  EXPECT_EQ(errorOf([&] { Device::open("auto"); }, TGC_STATUS_INVALID_ARGUMENT),
            "device 'auto' needs a bundle to choose by; name a device instead");
  std::string missing =
      errorOf([&] { Device::open("hip:3", &b); }, TGC_STATUS_NOT_FOUND);
  EXPECT_EQ(missing.rfind("device hip:3 not found; present devices: ", 0), 0u)
      << missing;

  // A bundle with GPU code only.
  TModule m = addModule();
  m.codeObjects[0] = {k::cuda, k::cubin, "sm_90", 1, m.codeObjects[0].launches};
  std::vector<uint8_t> bytes = buildAddBundle({1, 2, 3}, m);
  Bundle gpuOnly = Bundle::openMemory(bytes.data(), bytes.size(), "gpu.bin");
  std::string message =
      errorOf([&] { Device::open("host", &gpuOnly); }, TGC_STATUS_UNAVAILABLE);
  EXPECT_EQ(message.rfind("the bundle has no code for host (", 0), 0u)
      << message;
  EXPECT_NE(message.find("): it has cubin sm_90"), std::string::npos)
      << message;
  bool hasGpu = false;
  for (const DeviceInfo &d : listDevices().devices)
    hasGpu |= d.kind != TGC_DEVICE_HOST;
  if (!hasGpu) {
    message = errorOf([&] { Device::open("auto", &gpuOnly); },
                      TGC_STATUS_UNAVAILABLE);
    EXPECT_EQ(message.rfind("no present device can run this bundle: it has "
                            "cubin sm_90; present devices: host (",
                            0),
              0u)
        << message;
  }
}

//===- GpuEndToEndTest.cpp - the test bundle on a CUDA device -------------===//
//
// Skipped without a CUDA device (CI has none); run on the borrowed GPU
// machine. The kernels are the hand-written PTX of TestBundle.cpp, so this
// covers PTX compiled by the driver through the kernel cache, exact cubins,
// constants in device memory, profiling events and concurrent sessions.
//
//===----------------------------------------------------------------------===//

#include "hal/Device.h"
#include "test/unit/runtime/TestBundle.h"

#include "tgc/runtime.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>

using namespace tgc;
using namespace tgc::test;

namespace {

class GpuEndToEnd : public testing::Test {
protected:
  void SetUp() override {
    for (const DeviceInfo &d : listDevices().devices)
      if (d.kind == TGC_DEVICE_CUDA && !gpu_)
        gpu_ = d;
    if (!gpu_)
      GTEST_SKIP() << "no CUDA device";
    char pattern[] = "/tmp/tgc-gpu-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    cacheDir_ = pattern;
    std::string ptx = testPtx();
    bytes_ = buildGpuBundle(hostKernelLibrary(),
                            std::vector<uint8_t>(ptx.begin(), ptx.end()));
  }
  void TearDown() override {
    if (!cacheDir_.empty())
      std::filesystem::remove_all(cacheDir_);
  }

  Module load(Device &device, const Bundle &bundle) {
    tgc_module_options_t options = {cacheDir_.c_str(), false};
    return Module::load(device, bundle, &options);
  }

  static Tensor floats(std::vector<float> values) {
    Tensor t(TGC_DTYPE_F32, {2, 3});
    std::copy(values.begin(), values.end(), t.dataAs<float>());
    return t;
  }
  static std::vector<float> values(const Tensor &t) {
    return std::vector<float>(t.dataAs<float>(),
                              t.dataAs<float>() + t.elementCount());
  }
  static void checkMain(Session &session) {
    std::vector<Tensor> out = session.call(
        "main", {floats({1, 2, 3, 4, 5, 6}), floats({10, 20, 30, 40, 50, 60})});
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(values(out[0]), (std::vector<float>{11, 22, 33, 44, 55, 66}));
    EXPECT_EQ(values(out[1]), (std::vector<float>{11, 44, 99, 176, 275, 396}));
    EXPECT_EQ(values(out[2]), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  }

  std::optional<DeviceInfo> gpu_;
  std::string cacheDir_;
  std::vector<uint8_t> bytes_;
};

} // namespace

TEST_F(GpuEndToEnd, AutoPicksTheGpuAndCachesCompiledPtx) {
  Bundle bundle = Bundle::openMemory(bytes_.data(), bytes_.size(), "gpu.bin");
  Device device = Device::open("auto", &bundle);
  EXPECT_EQ(device.info().kind, TGC_DEVICE_CUDA);
  std::string arch = device.info().arch;
  {
    Module module = load(device, bundle);
    EXPECT_EQ(module.codeDescription(),
              "ptx sm_50 compiled by the CUDA driver for " + arch +
                  " (kernel cache: miss, compiled and stored)");
    Session session(module);
    checkMain(session);
  }
  Module module = load(device, bundle);
  EXPECT_EQ(module.codeDescription(),
            "ptx sm_50 compiled by the CUDA driver for " + arch +
                " (kernel cache: hit)");
  Session session(module);
  checkMain(session);
  Tensor m(TGC_DTYPE_I1, {4});
  m.dataAs<uint8_t>()[1] = 1;
  std::vector<Tensor> out = session.call("negate", {m});
  const uint8_t *r = out[0].dataAs<uint8_t>();
  EXPECT_EQ(std::vector<uint8_t>(r, r + 4), (std::vector<uint8_t>{1, 0, 1, 1}));
}

namespace {

/// Keeps the one thing a backend compiles through it.
struct CaughtCode final : hal::CompiledCodeCache {
  hal::Status getOrCompile(const Key &, const CompileFn &compile,
                           std::vector<uint8_t> &out) override {
    hal::Status status = compile(out);
    bytes = out;
    return status;
  }
  std::vector<uint8_t> bytes;
};

} // namespace

TEST_F(GpuEndToEnd, ExactCubinIsPreferred) {
  std::unique_ptr<hal::Device> raw;
  ASSERT_TRUE(hal::openCudaDevice(gpu_->ordinal, raw).ok());
  std::string ptx = testPtx();
  CaughtCode caught;
  hal::ProgramOptions options;
  options.compiledCodeCache = &caught;
  std::unique_ptr<hal::Program> program;
  hal::Status compiled = raw->loadProgram(CodeFormat::Ptx, ptx.data(),
                                          ptx.size(), options, program);
  ASSERT_TRUE(compiled.ok()) << compiled.message();
  std::vector<uint8_t> cubin = caught.bytes;
  program.reset();
  raw.reset();

  std::vector<uint8_t> bytes = buildGpuBundle(hostKernelLibrary(), cubin,
                                              gpuModule(k::cubin, gpu_->arch));
  Bundle bundle = Bundle::openMemory(bytes.data(), bytes.size(), "cubin.bin");
  Device device = Device::open(gpu_->id, &bundle);
  Module module = load(device, bundle);
  EXPECT_EQ(module.codeDescription(), "cubin " + gpu_->arch);
  Session session(module);
  checkMain(session);

  // A cubin for another GPU and no PTX: nothing to run.
  bytes =
      buildGpuBundle(hostKernelLibrary(), cubin, gpuModule(k::cubin, "sm_10"));
  Bundle other = Bundle::openMemory(bytes.data(), bytes.size(), "other.bin");
  try {
    Device::open(gpu_->id, &other);
    ADD_FAILURE() << "opened a device the bundle has no code for";
  } catch (const Error &e) {
    EXPECT_EQ(e.code(), TGC_STATUS_UNAVAILABLE);
    EXPECT_EQ(std::string(e.what()),
              "the bundle has no code for " + gpu_->id + " (" + gpu_->arch +
                  "): it has host_elf_so " + hostTriple() + ", cubin sm_10");
  }
}

TEST_F(GpuEndToEnd, ProfilingAsyncAndErrors) {
  Bundle bundle = Bundle::openMemory(bytes_.data(), bytes_.size(), "gpu.bin");
  Device device = Device::open(gpu_->id, &bundle);
  Module module = load(device, bundle);
  Session session(module);
  session.setProfiling(true);
  Tensor x = floats({1, 2, 3, 4, 5, 6}), y = floats({1, 1, 1, 1, 1, 1});
  std::vector<Tensor> first = session.makeOutputs(0),
                      second = session.makeOutputs(0);
  session.callAsync(0, {x, x}, first);
  session.callAsync(0, {x, y}, second);
  session.synchronize();
  EXPECT_EQ(values(first[0]), (std::vector<float>{2, 4, 6, 8, 10, 12}));
  EXPECT_EQ(values(second[1]), (std::vector<float>{2, 6, 12, 20, 30, 42}));
  CallProfile profile = session.lastProfile();
  EXPECT_EQ(profile.hostToDeviceBytes, 48u);
  EXPECT_EQ(profile.deviceToHostBytes, 72u);
  EXPECT_GE(profile.hostToDeviceMs, 0);
  ASSERT_EQ(profile.dispatches.size(), 2u);
  EXPECT_GE(profile.dispatches[0].ms, 0);
  EXPECT_EQ(profile.dispatches[1].kernelName, "mul");
  try {
    session.call("main", {x, Tensor(TGC_DTYPE_F16, {2, 3})});
    ADD_FAILURE() << "accepted an f16 input";
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()),
              "function 'main' input 1: expected tensor<2x3xf32>, got "
              "tensor<2x3xf16>");
  }
  checkMain(session);
}

TEST_F(GpuEndToEnd, ConcurrentSessions) {
  Bundle bundle = Bundle::openMemory(bytes_.data(), bytes_.size(), "gpu.bin");
  Device device = Device::open(gpu_->id, &bundle);
  Module module = load(device, bundle);
  std::atomic<int> failures{0};
  auto worker = [&](float base) {
    try {
      Session session(module);
      for (int i = 0; i < 200; ++i) {
        float v = base + float(i);
        std::vector<Tensor> out = session.call(
            0, {floats({v, v, v, v, v, v}), floats({v, v, v, v, v, v})});
        for (float r : values(out[0]))
          failures += r != 2 * v;
      }
    } catch (const Error &e) {
      ADD_FAILURE() << e.what();
      ++failures;
    }
  };
  std::thread a(worker, 100.f), b(worker, -700.f), c(worker, 5.f);
  a.join();
  b.join();
  c.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(GpuEndToEnd, ResidentBuffersAndDonation) {
  Bundle bundle = Bundle::openMemory(bytes_.data(), bytes_.size(), "gpu.bin");
  Device device = Device::open(gpu_->id, &bundle);
  Module module = load(device, bundle);
  Session session(module);
  TensorType t23(TGC_DTYPE_F32, {2, 3});
  Buffer x = Buffer::create(module, t23), y = Buffer::create(module, t23);
  session.upload(x, floats({1, 2, 3, 4, 5, 6}));
  session.upload(y, floats({10, 20, 30, 40, 50, 60}));
  Tensor out1(t23), out2(t23), back(t23);
  session.setProfiling(true);
  // out0 = x + y written over y, twice; out2 (a copy of x) stays a copy.
  session.callArgs(0, {x, y}, {y, out1, out2});
  session.callArgs(0, {x, y}, {y, out1, out2});
  CallProfile profile = session.lastProfile();
  EXPECT_EQ(profile.hostToDeviceBytes, 0u);
  EXPECT_EQ(profile.deviceToHostBytes, 48u);
  session.download(y, back);
  EXPECT_EQ(values(back), (std::vector<float>{12, 24, 36, 48, 60, 72}));
  EXPECT_EQ(values(out2), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  // The donated copy of x onto out2 is skipped, x is unchanged.
  Tensor out0(t23);
  session.callArgs(0, {x, y}, {out0, out1, x});
  session.download(x, back);
  EXPECT_EQ(values(back), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

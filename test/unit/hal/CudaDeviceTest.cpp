//===- CudaDeviceTest.cpp - the CUDA backend ------------------------------===//
//
// Listing and opening are checked everywhere: without a driver or a GPU they
// must answer with a note or an error, never crash. The rest needs a CUDA
// GPU and is skipped without one (CI has none; run hal-tests on a GPU
// machine to cover it).
//
//===----------------------------------------------------------------------===//

#include "hal/Device.h"
#include "test/unit/hal/TestSupport.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>

using namespace tgc::hal;
using tgc::test::RecordingCodeCache;

namespace {

// Hand-written so the test needs no compiler: out[i] = in[i] + i, and a
// kernel that reverses thread ids through the top end of dynamic shared
// memory (so a launch asking for more than 48 KiB must really get it).
constexpr const char kTestPtx[] = R"(
.version 7.0
.target sm_52
.address_size 64

.extern .shared .align 4 .b8 tgc_dynamic_shared[];

.visible .entry tgc_test_add_index(.param .u64 in_ptr, .param .u64 out_ptr)
{
  .reg .b32 %r<6>;
  .reg .b64 %rd<6>;
  ld.param.u64 %rd1, [in_ptr];
  ld.param.u64 %rd2, [out_ptr];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %ntid.x;
  mov.u32 %r3, %tid.x;
  mad.lo.s32 %r4, %r1, %r2, %r3;
  mul.wide.u32 %rd3, %r4, 4;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r5, [%rd4];
  add.s32 %r5, %r5, %r4;
  add.s64 %rd5, %rd2, %rd3;
  st.global.u32 [%rd5], %r5;
  ret;
}

.visible .entry tgc_test_reverse_in_shared(.param .u64 out_ptr)
{
  .reg .b32 %r<12>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out_ptr];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r1, %tid.x;
  mov.u32 %r2, %ntid.x;
  mov.u32 %r3, %dynamic_smem_size;
  mov.u32 %r4, tgc_dynamic_shared;
  add.s32 %r5, %r4, %r3;
  add.s32 %r6, %r1, 1;
  shl.b32 %r6, %r6, 2;
  sub.s32 %r7, %r5, %r6;
  st.shared.u32 [%r7], %r1;
  bar.sync 0;
  sub.s32 %r8, %r2, %r1;
  shl.b32 %r8, %r8, 2;
  sub.s32 %r9, %r5, %r8;
  ld.shared.u32 %r10, [%r9];
  mov.u32 %r11, %ctaid.x;
  mad.lo.s32 %r11, %r11, %r2, %r1;
  mul.wide.u32 %rd2, %r11, 4;
  add.s64 %rd3, %rd1, %rd2;
  st.global.u32 [%rd3], %r10;
  ret;
}
)";

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

TEST(CudaListing, AnswersWithDevicesOrANote) {
  std::vector<DeviceInfo> devices;
  std::string note;
  Status status = listCudaDevices(devices, note);
  ASSERT_TRUE(status.ok()) << status.message();
  if (devices.empty()) {
    // Without libcuda.so.1: "no CUDA driver (libcuda.so.1 not found)";
    // with a driver but no GPU: "cuInit failed: CUDA_ERROR_NO_DEVICE".
    EXPECT_FALSE(note.empty());
    std::unique_ptr<Device> device;
    status = openCudaDevice(0, device);
    EXPECT_FALSE(status.ok());
    EXPECT_TRUE(contains(status.message(), "cuda:0")) << status.message();
    EXPECT_FALSE(device);
    return;
  }
  for (const DeviceInfo &info : devices) {
    EXPECT_EQ(info.kind, DeviceKind::Cuda);
    EXPECT_TRUE(contains(info.arch, "sm_")) << info.arch;
    EXPECT_GT(info.memoryBytes, 0u);
    EXPECT_GT(info.computeUnits, 0);
    EXPECT_EQ(info.warpSize, 32);
    EXPECT_GE(info.maxThreadsPerBlock, 256);
    EXPECT_GE(info.maxSharedMemoryPerBlock, 48u * 1024);
    // The launch limits the runtime checks bundles against (every CUDA GPU
    // since sm_30 has these).
    EXPECT_EQ(info.maxGrid[0], 2147483647u);
    EXPECT_EQ(info.maxGrid[1], 65535u);
    EXPECT_EQ(info.maxGrid[2], 65535u);
    EXPECT_EQ(info.maxBlock[0], 1024u);
    EXPECT_EQ(info.maxBlock[2], 64u);
    EXPECT_FALSE(info.driverVersion.empty());
  }
}

TEST(CudaListing, BadOrdinalIsAClearError) {
  std::unique_ptr<Device> device;
  Status status = openCudaDevice(4096, device);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(contains(status.message(), "cuda:4096")) << status.message();
}

class CudaDeviceTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::vector<DeviceInfo> devices;
    std::string note;
    ASSERT_TRUE(listCudaDevices(devices, note).ok());
    if (devices.empty())
      GTEST_SKIP() << "no CUDA device: " << note;
    Status status = openCudaDevice(0, device);
    ASSERT_TRUE(status.ok()) << status.message();
    ASSERT_TRUE(device->createQueue(queue).ok());
  }
  void TearDown() override {
    queue.reset();
    if (device)
      for (Buffer buffer : buffers)
        device->free(buffer);
  }

  Buffer allocate(size_t size) {
    Buffer buffer;
    Status status = device->allocate(size, buffer);
    EXPECT_TRUE(status.ok()) << status.message();
    buffers.push_back(buffer);
    return buffer;
  }

  void *kernelFrom(Program &program, const char *symbol) {
    void *kernel = nullptr;
    Status status = program.getKernel(symbol, kernel);
    EXPECT_TRUE(status.ok()) << status.message();
    return kernel;
  }

  /// Runs tgc_test_add_index from `program` over `count` elements.
  void checkAddIndex(Program &program) {
    constexpr uint32_t kBlock = 128, kBlocks = 40, kCount = kBlock * kBlocks;
    std::vector<uint32_t> input(kCount), output(kCount, 0);
    for (uint32_t i = 0; i < kCount; ++i)
      input[i] = 3 * i + 1;
    Buffer in = allocate(kCount * 4), out = allocate(kCount * 4);
    ASSERT_TRUE(queue->copyHostToDevice(input.data(), in, 0, kCount * 4).ok());
    LaunchConfig config;
    config.grid[0] = kBlocks;
    config.block[0] = kBlock;
    void *kernel = kernelFrom(program, "tgc_test_add_index");
    Status status = queue->launch(kernel, config, {in.address, out.address});
    ASSERT_TRUE(status.ok()) << status.message();
    ASSERT_TRUE(
        queue->copyDeviceToHost(out, 0, output.data(), kCount * 4).ok());
    for (uint32_t i = 0; i < kCount; ++i)
      ASSERT_EQ(output[i], input[i] + i) << "element " << i;
  }

  std::unique_ptr<Device> device;
  std::unique_ptr<Queue> queue;
  std::vector<Buffer> buffers;
};

TEST_F(CudaDeviceTest, InfoIsFilledIn) {
  const DeviceInfo &info = device->info();
  EXPECT_EQ(info.ordinal, 0);
  EXPECT_FALSE(info.name.empty());
  EXPECT_EQ(info.arch.rfind("sm_", 0), 0u) << info.arch;
  std::printf("cuda:0 = %s, %s, %llu MiB, %d SMs, driver %s, shared %llu\n",
              info.name.c_str(), info.arch.c_str(),
              (unsigned long long)(info.memoryBytes >> 20), info.computeUnits,
              info.driverVersion.c_str(),
              (unsigned long long)info.maxSharedMemoryPerBlock);
}

TEST_F(CudaDeviceTest, CopiesRoundTripThroughStaging) {
  // Small, odd and larger than two 32 MiB staging chunks.
  for (size_t size : {size_t(1), size_t(4097), (size_t(80) << 20) + 3}) {
    std::vector<uint8_t> input(size), output(size, 0);
    for (size_t i = 0; i < size; ++i)
      input[i] = uint8_t((i * 131) ^ (i >> 12));
    Buffer first = allocate(size), second = allocate(size + 8);
    ASSERT_TRUE(queue->copyHostToDevice(input.data(), first, 0, size).ok());
    // The staging area may be overwritten right away.
    std::vector<uint8_t> scribble(size, 0xab);
    ASSERT_TRUE(queue->copyHostToDevice(scribble.data(), second, 0, 1).ok());
    ASSERT_TRUE(queue->copyDeviceToDevice(first, 0, second, 8, size).ok());
    ASSERT_TRUE(queue->copyDeviceToHost(second, 8, output.data(), size).ok());
    ASSERT_TRUE(output == input) << "size " << size;
  }
}

TEST_F(CudaDeviceTest, CopiesOutsideABufferFail) {
  Buffer buffer = allocate(16);
  char bytes[32] = {};
  Status status = queue->copyHostToDevice(bytes, buffer, 8, 9);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(contains(status.message(), "cuda:0")) << status.message();
  EXPECT_FALSE(queue->copyDeviceToHost(buffer, 17, bytes, 0).ok());
}

TEST_F(CudaDeviceTest, LoadsPtxAndLaunches) {
  std::unique_ptr<Program> program;
  Status status = device->loadProgram(CodeFormat::Ptx, kTestPtx,
                                      sizeof(kTestPtx) - 1, program);
  ASSERT_TRUE(status.ok()) << status.message();
  checkAddIndex(*program);
}

TEST_F(CudaDeviceTest, CompilesPtxThroughACodeCache) {
  RecordingCodeCache cache;
  ProgramOptions options;
  options.compiledCodeCache = &cache;
  std::unique_ptr<Program> program;
  Status status = device->loadProgram(CodeFormat::Ptx, kTestPtx,
                                      sizeof(kTestPtx) - 1, options, program);
  ASSERT_TRUE(status.ok()) << status.message();
  checkAddIndex(*program);
  ASSERT_EQ(cache.requests.size(), 1u);
  EXPECT_EQ(std::string(cache.requests[0].kind), "ptx->cubin");
  EXPECT_EQ(cache.requests[0].sourceSize, sizeof(kTestPtx) - 1);
  EXPECT_EQ(cache.requests[0].arch, device->info().arch);
  EXPECT_EQ(cache.requests[0].driverVersion, device->info().driverVersion);
  ASSERT_EQ(cache.compiles, 1);
  ASSERT_EQ(cache.entries.size(), 1u);
  std::vector<uint8_t> cubin = cache.entries.begin()->second;
  ASSERT_GT(cubin.size(), 4u);
  EXPECT_EQ(std::memcmp(cubin.data(),
                        "\x7f"
                        "ELF",
                        4),
            0);

  // The second load takes the kept cubin.
  program.reset();
  status = device->loadProgram(CodeFormat::Ptx, kTestPtx, sizeof(kTestPtx) - 1,
                               options, program);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(cache.requests.size(), 2u);
  EXPECT_EQ(cache.compiles, 1);
  checkAddIndex(*program);

  // The cubin loads by itself, too.
  status = device->loadProgram(CodeFormat::Cubin, cubin.data(), cubin.size(),
                               program);
  ASSERT_TRUE(status.ok()) << status.message();
  checkAddIndex(*program);
}

TEST_F(CudaDeviceTest, LaunchesWithMoreThan48KiBOfSharedMemory) {
  if (device->info().maxSharedMemoryPerBlock < 100 * 1024)
    GTEST_SKIP() << "device allows only "
                 << device->info().maxSharedMemoryPerBlock << " bytes";
  std::unique_ptr<Program> program;
  ASSERT_TRUE(device
                  ->loadProgram(CodeFormat::Ptx, kTestPtx, sizeof(kTestPtx) - 1,
                                program)
                  .ok());
  constexpr uint32_t kBlock = 256, kBlocks = 3, kCount = kBlock * kBlocks;
  Buffer out = allocate(kCount * 4);
  LaunchConfig config;
  config.grid[0] = kBlocks;
  config.block[0] = kBlock;
  config.sharedMemoryBytes = 100 * 1024;
  Status status =
      queue->launch(kernelFrom(*program, "tgc_test_reverse_in_shared"), config,
                    {out.address});
  ASSERT_TRUE(status.ok()) << status.message();
  std::vector<uint32_t> output(kCount);
  ASSERT_TRUE(queue->copyDeviceToHost(out, 0, output.data(), kCount * 4).ok());
  for (uint32_t i = 0; i < kCount; ++i)
    ASSERT_EQ(output[i], kBlock - 1 - i % kBlock) << "element " << i;
}

TEST_F(CudaDeviceTest, BadPtxReportsTheJitLog) {
  const char bad[] = ".version 7.0\n.target sm_52\n.address_size 64\n"
                     ".visible .entry broken() { not_an_instruction; }\n";
  std::unique_ptr<Program> program;
  Status status =
      device->loadProgram(CodeFormat::Ptx, bad, sizeof(bad) - 1, program);
  ASSERT_FALSE(status.ok());
  std::printf("loadProgram said: %s\n", status.message().c_str());
  EXPECT_TRUE(contains(status.message(), "cuda:0: cuModuleLoadDataEx failed: "
                                         "CUDA_ERROR_INVALID_PTX: "))
      << status.message();
  EXPECT_TRUE(contains(status.message(), "not_an_instruction"))
      << status.message();

  // Compiled for a code cache, the PTX goes through cuLink* instead.
  RecordingCodeCache cache;
  ProgramOptions options;
  options.compiledCodeCache = &cache;
  status = device->loadProgram(CodeFormat::Ptx, bad, sizeof(bad) - 1, options,
                               program);
  ASSERT_FALSE(status.ok());
  std::printf("loadProgram with a code cache said: %s\n",
              status.message().c_str());
  EXPECT_TRUE(contains(status.message(), "cuda:0: cuLinkAddData failed: "))
      << status.message();
  EXPECT_EQ(cache.compiles, 1);
  EXPECT_TRUE(cache.entries.empty());
}

TEST_F(CudaDeviceTest, BadCubinAndOtherFormatsFail) {
  const char garbage[] = "\x7f"
                         "ELF but not really a cubin";
  std::unique_ptr<Program> program;
  Status status =
      device->loadProgram(CodeFormat::Cubin, garbage, sizeof(garbage), program);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(contains(status.message(), "cuModuleLoadDataEx failed"))
      << status.message();
  for (CodeFormat format : {CodeFormat::Hsaco, CodeFormat::HostSharedLibrary}) {
    status = device->loadProgram(format, garbage, sizeof(garbage), program);
    EXPECT_FALSE(status.ok());
    EXPECT_TRUE(contains(status.message(), "cuda:0: cannot load"))
        << status.message();
  }
}

TEST_F(CudaDeviceTest, MissingKernelNamesTheSymbol) {
  std::unique_ptr<Program> program;
  ASSERT_TRUE(device
                  ->loadProgram(CodeFormat::Ptx, kTestPtx, sizeof(kTestPtx) - 1,
                                program)
                  .ok());
  void *kernel = nullptr;
  Status status = program->getKernel("no_such_kernel", kernel);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(contains(status.message(), "CUDA_ERROR_NOT_FOUND"))
      << status.message();
  EXPECT_TRUE(contains(status.message(), "no_such_kernel")) << status.message();
}

TEST_F(CudaDeviceTest, EventsTimeQueueWork) {
  std::unique_ptr<Program> program;
  ASSERT_TRUE(device
                  ->loadProgram(CodeFormat::Ptx, kTestPtx, sizeof(kTestPtx) - 1,
                                program)
                  .ok());
  std::unique_ptr<Event> start, end;
  ASSERT_TRUE(device->createEvent(start).ok());
  ASSERT_TRUE(device->createEvent(end).ok());
  float ms = -1;
  EXPECT_FALSE(end->elapsedMs(*start, ms).ok());
  ASSERT_TRUE(queue->record(*start).ok());
  checkAddIndex(*program);
  ASSERT_TRUE(queue->record(*end).ok());
  ASSERT_TRUE(end->wait().ok());
  Status status = end->elapsedMs(*start, ms);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_GE(ms, 0.0f);
  ASSERT_TRUE(queue->synchronize().ok());
}

TEST_F(CudaDeviceTest, ObjectsMayOutliveTheDevice) {
  std::unique_ptr<Program> program;
  ASSERT_TRUE(device
                  ->loadProgram(CodeFormat::Ptx, kTestPtx, sizeof(kTestPtx) - 1,
                                program)
                  .ok());
  Buffer buffer = allocate(64);
  device->free(buffer);
  buffers.clear();
  device.reset();
  // The queue and program still hold the context; using them is fine.
  ASSERT_TRUE(queue->synchronize().ok());
  void *kernel = nullptr;
  EXPECT_TRUE(program->getKernel("tgc_test_add_index", kernel).ok());
}

} // namespace

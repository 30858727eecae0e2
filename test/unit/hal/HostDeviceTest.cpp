//===- HostDeviceTest.cpp - the host CPU backend --------------------------===//

#include "hal/Device.h"
#include "test/unit/hal/TestSupport.h"

#include <gtest/gtest.h>

#include <cstring>
#include <thread>

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace tgc::hal;
using tgc::test::fixturePath;
using tgc::test::readFileBytes;
using tgc::test::RecordingCodeCache;
using tgc::test::ScopedEnv;

namespace {

constexpr const char *kThreadsVariable = "TGC_HOST_THREADS";

/// Opens the host device with TGC_HOST_THREADS as given (nullopt: unset).
std::unique_ptr<Device> openHost(std::optional<std::string> threads) {
  ScopedEnv env(kThreadsVariable, std::move(threads));
  std::unique_ptr<Device> device;
  Status status = openHostDevice(device);
  EXPECT_TRUE(status.ok()) << status.message();
  return device;
}

std::unique_ptr<Program> loadFixture(Device &device, const char *builtPath) {
  std::vector<char> bytes = readFileBytes(fixturePath(builtPath));
  EXPECT_FALSE(bytes.empty()) << "cannot read " << fixturePath(builtPath);
  std::unique_ptr<Program> program;
  Status status = device.loadProgram(CodeFormat::HostSharedLibrary,
                                     bytes.data(), bytes.size(), program);
  EXPECT_TRUE(status.ok()) << status.message();
  return program;
}

void *kernelOf(Program &program, const std::string &symbol) {
  void *kernel = nullptr;
  Status status = program.getKernel(symbol, kernel);
  EXPECT_TRUE(status.ok()) << status.message();
  return kernel;
}

int64_t markOf(Program &program) {
  auto mark =
      reinterpret_cast<int64_t (*)()>(kernelOf(program, "tgc_fixture_mark"));
  return mark ? mark() : -1;
}

/// A host buffer the test frees at the end of its scope.
struct ScopedBuffer {
  ScopedBuffer(Device &device, size_t size) : device(device) {
    Status status = device.allocate(size, buffer);
    EXPECT_TRUE(status.ok()) << status.message();
  }
  ~ScopedBuffer() { device.free(buffer); }
  template <typename T> T *as() const {
    return reinterpret_cast<T *>(static_cast<uintptr_t>(buffer.address));
  }
  Device &device;
  Buffer buffer;
};

/// Launches tgc_fixture_write_index over `grid` and checks every workgroup
/// ran exactly once, with its own index.
void checkEveryWorkgroupRunsOnce(Device &device, const uint32_t (&grid)[3]) {
  std::unique_ptr<Program> program = loadFixture(device, TGC_FIXTURE_1);
  ASSERT_TRUE(program);
  void *kernel = kernelOf(*program, "tgc_fixture_write_index");
  ASSERT_TRUE(kernel);
  size_t workgroups = size_t(grid[0]) * grid[1] * grid[2];
  ScopedBuffer values(device, workgroups * sizeof(int64_t));
  ScopedBuffer hits(device, workgroups * sizeof(int32_t));
  std::memset(values.as<void>(), 0xff, workgroups * sizeof(int64_t));
  std::memset(hits.as<void>(), 0, workgroups * sizeof(int32_t));

  std::unique_ptr<Queue> queue;
  ASSERT_TRUE(device.createQueue(queue).ok());
  LaunchConfig config;
  std::copy(std::begin(grid), std::end(grid), config.grid);
  Status status = queue->launch(kernel, config,
                                {values.buffer.address, hits.buffer.address});
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_TRUE(queue->synchronize().ok());
  for (size_t i = 0; i < workgroups; ++i) {
    ASSERT_EQ(values.as<int64_t>()[i], int64_t(i)) << "workgroup " << i;
    ASSERT_EQ(hits.as<int32_t>()[i], 1) << "workgroup " << i;
  }
}

TEST(HostDevice, InfoDescribesThisMachine) {
  std::unique_ptr<Device> device = openHost("3");
  ASSERT_TRUE(device);
  const DeviceInfo &info = device->info();
  EXPECT_EQ(info.kind, DeviceKind::Host);
  EXPECT_EQ(info.ordinal, 0);
  EXPECT_EQ(info.name, "host CPU (3 threads)");
  EXPECT_EQ(info.computeUnits, 3);
  EXPECT_FALSE(info.arch.empty());
  EXPECT_NE(info.arch, "unknown");
  EXPECT_GT(info.memoryBytes, 0u);
  EXPECT_TRUE(info.driverVersion.empty());
  // A bundle's host launch is grid[0] workgroups and a block of one.
  EXPECT_EQ(info.maxGrid[0], UINT32_MAX);
  EXPECT_EQ(info.maxGrid[1], 1u);
  EXPECT_EQ(info.maxGrid[2], 1u);
  EXPECT_EQ(info.maxBlock[0], 1u);
}

TEST(HostDevice, DefaultThreadCountIsAtLeastOne) {
  std::unique_ptr<Device> device = openHost(std::nullopt);
  ASSERT_TRUE(device);
  EXPECT_GE(device->info().computeUnits, 1);
  std::vector<DeviceInfo> devices;
  ASSERT_TRUE(listHostDevices(devices).ok());
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].name, device->info().name);
}

TEST(HostDevice, RejectsBadThreadCounts) {
  for (const char *bad : {"", "abc", "0", "-2", "3x", " 4", "1.5", "99999",
                          "12345678901234567890"}) {
    ScopedEnv env(kThreadsVariable, std::string(bad));
    std::unique_ptr<Device> device;
    Status status = openHostDevice(device);
    EXPECT_FALSE(status.ok()) << "accepted TGC_HOST_THREADS='" << bad << "'";
    EXPECT_NE(
        status.message().find("TGC_HOST_THREADS='" + std::string(bad) + "'"),
        std::string::npos)
        << status.message();
    std::vector<DeviceInfo> devices;
    EXPECT_FALSE(listHostDevices(devices).ok());
  }
}

TEST(HostDevice, AllocateCopyRoundTrip) {
  std::unique_ptr<Device> device = openHost("2");
  ASSERT_TRUE(device);
  std::unique_ptr<Queue> queue;
  ASSERT_TRUE(device->createQueue(queue).ok());

  constexpr size_t kSize = 1000;
  std::vector<uint8_t> input(kSize), output(kSize, 0);
  for (size_t i = 0; i < kSize; ++i)
    input[i] = uint8_t(i * 7);
  ScopedBuffer first(*device, kSize), second(*device, kSize + 16);
  EXPECT_EQ(first.buffer.address % 64, 0u);
  EXPECT_EQ(second.buffer.address % 64, 0u);
  EXPECT_EQ(first.buffer.size, kSize);

  ASSERT_TRUE(
      queue->copyHostToDevice(input.data(), first.buffer, 0, kSize).ok());
  ASSERT_TRUE(
      queue->copyDeviceToDevice(first.buffer, 0, second.buffer, 16, kSize)
          .ok());
  ASSERT_TRUE(
      queue->copyDeviceToHost(second.buffer, 16, output.data(), kSize).ok());
  ASSERT_TRUE(queue->synchronize().ok());
  EXPECT_EQ(input, output);
}

TEST(HostDevice, CopiesOutsideABufferFail) {
  std::unique_ptr<Device> device = openHost("1");
  ASSERT_TRUE(device);
  std::unique_ptr<Queue> queue;
  ASSERT_TRUE(device->createQueue(queue).ok());
  ScopedBuffer buffer(*device, 64);
  char bytes[128] = {};
  Status status = queue->copyHostToDevice(bytes, buffer.buffer, 32, 33);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("outside the buffer of 64 bytes"),
            std::string::npos)
      << status.message();
  EXPECT_FALSE(queue->copyDeviceToHost(buffer.buffer, SIZE_MAX, bytes, 2).ok());
  EXPECT_FALSE(
      queue->copyDeviceToDevice(buffer.buffer, 0, buffer.buffer, 1, 64).ok());
  // Empty copies at the very end are fine.
  EXPECT_TRUE(queue->copyHostToDevice(bytes, buffer.buffer, 64, 0).ok());
}

TEST(HostDevice, ZeroByteBuffersHaveDistinctAddresses) {
  std::unique_ptr<Device> device = openHost("1");
  ASSERT_TRUE(device);
  ScopedBuffer first(*device, 0), second(*device, 0);
  EXPECT_NE(first.buffer.address, 0u);
  EXPECT_NE(first.buffer.address, second.buffer.address);
}

TEST(HostDevice, LaunchRunsEveryWorkgroupOnceWithDefaultThreads) {
  std::unique_ptr<Device> device = openHost(std::nullopt);
  ASSERT_TRUE(device);
  checkEveryWorkgroupRunsOnce(*device, {1000, 1, 1});
}

TEST(HostDevice, LaunchRunsEveryWorkgroupOnceWithOneThread) {
  std::unique_ptr<Device> device = openHost("1");
  ASSERT_TRUE(device);
  checkEveryWorkgroupRunsOnce(*device, {1000, 1, 1});
}

TEST(HostDevice, LaunchRunsEveryWorkgroupOnceWithThreeThreads) {
  std::unique_ptr<Device> device = openHost("3");
  ASSERT_TRUE(device);
  checkEveryWorkgroupRunsOnce(*device, {1000, 1, 1});
  // All three grid dimensions count, and odd sizes split unevenly.
  checkEveryWorkgroupRunsOnce(*device, {7, 11, 13});
  checkEveryWorkgroupRunsOnce(*device, {1, 1, 1});
  checkEveryWorkgroupRunsOnce(*device, {2, 1, 1});
}

TEST(HostDevice, ManyThreadsFewWorkgroups) {
  std::unique_ptr<Device> device = openHost("16");
  ASSERT_TRUE(device);
  checkEveryWorkgroupRunsOnce(*device, {5, 1, 1});
  checkEveryWorkgroupRunsOnce(*device, {100, 1, 1});
}

TEST(HostDevice, EmptyGridRunsNothing) {
  std::unique_ptr<Device> device = openHost("2");
  ASSERT_TRUE(device);
  std::unique_ptr<Queue> queue;
  ASSERT_TRUE(device->createQueue(queue).ok());
  LaunchConfig config;
  config.grid[1] = 0;
  // A kernel that would crash if called: any call dereferences null.
  std::unique_ptr<Program> program = loadFixture(*device, TGC_FIXTURE_1);
  ASSERT_TRUE(program);
  void *kernel = kernelOf(*program, "tgc_fixture_write_index");
  EXPECT_TRUE(queue->launch(kernel, config, {0, 0}).ok());
  EXPECT_FALSE(queue->launch(nullptr, LaunchConfig(), {}).ok());
}

TEST(HostDevice, PassesEveryBindingInOrder) {
  std::unique_ptr<Device> device = openHost("3");
  ASSERT_TRUE(device);
  std::unique_ptr<Program> program = loadFixture(*device, TGC_FIXTURE_1);
  ASSERT_TRUE(program);
  void *kernel = kernelOf(*program, "tgc_fixture_fill_bindings");
  // More bindings than the backend keeps on its stack.
  constexpr int kBindings = 40;
  std::vector<int64_t> slots(kBindings, -1);
  std::vector<uint64_t> args;
  for (int64_t &slot : slots)
    args.push_back(reinterpret_cast<uintptr_t>(&slot));
  std::unique_ptr<Queue> queue;
  ASSERT_TRUE(device->createQueue(queue).ok());
  LaunchConfig config;
  config.grid[0] = kBindings;
  ASSERT_TRUE(queue->launch(kernel, config, args).ok());
  for (int i = 0; i < kBindings; ++i)
    EXPECT_EQ(slots[i], i);
}

TEST(HostDevice, EachThreadGetsItsOwnWorkspace) {
  for (const char *threads : {"1", "3"}) {
    std::unique_ptr<Device> device = openHost(threads);
    ASSERT_TRUE(device);
    std::unique_ptr<Program> program = loadFixture(*device, TGC_FIXTURE_1);
    ASSERT_TRUE(program);
    void *kernel = kernelOf(*program, "tgc_fixture_use_workspace");
    constexpr int kGrid = 64;
    std::vector<int64_t> ok(kGrid, -1);
    std::unique_ptr<Queue> queue;
    ASSERT_TRUE(device->createQueue(queue).ok());
    LaunchConfig config;
    config.grid[0] = kGrid;
    // Grows between launches: the second one reallocates.
    for (uint32_t bytes : {4096u, 1u << 20}) {
      config.sharedMemoryBytes = bytes;
      std::fill(ok.begin(), ok.end(), -1);
      ASSERT_TRUE(
          queue
              ->launch(kernel, config, {reinterpret_cast<uintptr_t>(ok.data())})
              .ok());
      for (int i = 0; i < kGrid; ++i)
        EXPECT_EQ(ok[i], 1) << "workgroup " << i << " with " << threads
                            << " threads and " << bytes << " bytes";
    }
  }
}

TEST(HostDevice, ProfilingKeepsTheCodeInAFile) {
  // perf reads kernel names from the file the code was mapped from, after
  // the process is gone: with TGC_PERF the library stays on disk.
  ScopedEnv perf("TGC_PERF", std::string("1"));
  std::unique_ptr<Device> device = openHost("1");
  ASSERT_TRUE(device);
  std::unique_ptr<Program> program = loadFixture(*device, TGC_FIXTURE_1);
  ASSERT_TRUE(program);
  void *kernel = kernelOf(*program, "tgc_fixture_write_index");
  Dl_info info;
  ASSERT_NE(dladdr(kernel, &info), 0);
  std::string path = info.dli_fname;
  EXPECT_NE(path.find("/tgc-host-program-"), std::string::npos) << path;
  EXPECT_EQ(path.compare(path.size() - 3, 3, ".so"), 0) << path;
  program.reset();
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0) << path;
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  unlink(path.c_str());
  rmdir(path.substr(0, path.rfind('/')).c_str());
}

TEST(HostDevice, QueuesOnSeveralThreadsShareThePool) {
  std::unique_ptr<Device> device = openHost("3");
  ASSERT_TRUE(device);
  std::unique_ptr<Program> program = loadFixture(*device, TGC_FIXTURE_1);
  ASSERT_TRUE(program);
  void *kernel = kernelOf(*program, "tgc_fixture_write_index");
  constexpr int kThreads = 4, kLaunches = 50, kGrid = 300;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<Queue> queue;
      if (!device->createQueue(queue).ok()) {
        failures[t] = -1;
        return;
      }
      std::vector<int64_t> values(kGrid);
      std::vector<int32_t> hits(kGrid, 0);
      LaunchConfig config;
      config.grid[0] = kGrid;
      for (int launch = 0; launch < kLaunches; ++launch)
        if (!queue
                 ->launch(kernel, config,
                          {reinterpret_cast<uintptr_t>(values.data()),
                           reinterpret_cast<uintptr_t>(hits.data())})
                 .ok())
          ++failures[t];
      for (int i = 0; i < kGrid; ++i)
        if (hits[i] != kLaunches || values[i] != i)
          ++failures[t];
    });
  }
  for (std::thread &thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(failures[t], 0) << "thread " << t;
}

TEST(HostDevice, EventsMeasureElapsedTime) {
  std::unique_ptr<Device> device = openHost("2");
  ASSERT_TRUE(device);
  std::unique_ptr<Queue> queue;
  std::unique_ptr<Event> start, end, never;
  ASSERT_TRUE(device->createQueue(queue).ok());
  ASSERT_TRUE(device->createEvent(start).ok());
  ASSERT_TRUE(device->createEvent(end).ok());
  ASSERT_TRUE(device->createEvent(never).ok());
  ASSERT_TRUE(queue->record(*start).ok());
  checkEveryWorkgroupRunsOnce(*device, {100, 1, 1});
  ASSERT_TRUE(queue->record(*end).ok());
  ASSERT_TRUE(end->wait().ok());
  float ms = -1;
  Status status = end->elapsedMs(*start, ms);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_GE(ms, 0.0f);
  status = never->elapsedMs(*start, ms);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("never recorded"), std::string::npos);
}

TEST(HostDevice, QueuesWaitForRecordedEventsOnly) {
  std::unique_ptr<Device> device = openHost("2");
  ASSERT_TRUE(device);
  std::unique_ptr<Queue> first, second;
  std::unique_ptr<Event> done, never;
  ASSERT_TRUE(device->createQueue(first).ok());
  ASSERT_TRUE(device->createQueue(second).ok());
  ASSERT_TRUE(device->createEvent(done).ok());
  ASSERT_TRUE(device->createEvent(never).ok());
  ASSERT_TRUE(first->record(*done).ok());
  Status status = second->waitFor(*done);
  EXPECT_TRUE(status.ok()) << status.message();
  status = second->waitFor(*never);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("waitFor: event was never recorded"),
            std::string::npos)
      << status.message();
}

TEST(HostDevice, LoadsTwoLibrariesSideBySide) {
  std::unique_ptr<Device> device = openHost("2");
  ASSERT_TRUE(device);
  std::unique_ptr<Program> first = loadFixture(*device, TGC_FIXTURE_1);
  std::unique_ptr<Program> second = loadFixture(*device, TGC_FIXTURE_2);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(markOf(*first), 1);
  EXPECT_EQ(markOf(*second), 2);
  // Unloading one and loading another must not hand back a stale library
  // (glibc matches already loaded libraries by path).
  first.reset();
  std::unique_ptr<Program> third = loadFixture(*device, TGC_FIXTURE_1);
  ASSERT_TRUE(third);
  EXPECT_EQ(markOf(*third), 1);
  EXPECT_EQ(markOf(*second), 2);
  second.reset();
  std::unique_ptr<Program> fourth = loadFixture(*device, TGC_FIXTURE_2);
  ASSERT_TRUE(fourth);
  EXPECT_EQ(markOf(*fourth), 2);
}

TEST(HostDevice, MissingKernelIsAClearError) {
  std::unique_ptr<Device> device = openHost("1");
  ASSERT_TRUE(device);
  std::unique_ptr<Program> program = loadFixture(*device, TGC_FIXTURE_1);
  ASSERT_TRUE(program);
  void *kernel = nullptr;
  Status status = program->getKernel("no_such_kernel", kernel);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'no_such_kernel' not found"),
            std::string::npos)
      << status.message();
}

TEST(HostDevice, BadBytesAreAClearError) {
  std::unique_ptr<Device> device = openHost("1");
  ASSERT_TRUE(device);
  std::unique_ptr<Program> program;

  const char garbage[] = "this is not a shared library";
  Status status = device->loadProgram(CodeFormat::HostSharedLibrary, garbage,
                                      sizeof(garbage), program);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("not a shared library"), std::string::npos)
      << status.message();
  EXPECT_FALSE(program);

  // Right magic number, broken body: the loader's own reason comes through.
  std::vector<char> truncated = readFileBytes(fixturePath(TGC_FIXTURE_1));
  ASSERT_GT(truncated.size(), 64u);
  truncated.resize(64);
  status = device->loadProgram(CodeFormat::HostSharedLibrary, truncated.data(),
                               truncated.size(), program);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("dlopen"), std::string::npos)
      << status.message();

  status =
      device->loadProgram(CodeFormat::HostSharedLibrary, nullptr, 0, program);
  EXPECT_FALSE(status.ok());
}

TEST(HostDevice, OtherCodeFormatsAreRejectedByName) {
  std::unique_ptr<Device> device = openHost("1");
  ASSERT_TRUE(device);
  std::unique_ptr<Program> program;
  const char bytes[] = "whatever";
  for (auto [format, name] : {std::pair{CodeFormat::Ptx, "PTX"},
                              std::pair{CodeFormat::Cubin, "cubin"},
                              std::pair{CodeFormat::Hsaco, "HSACO"}}) {
    Status status = device->loadProgram(format, bytes, sizeof(bytes), program);
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.message().find(std::string("cannot load ") + name),
              std::string::npos)
        << status.message();
    EXPECT_NE(status.message().find("host CPU"), std::string::npos)
        << status.message();
  }
  // Nothing to compile either: the host never asks a code cache.
  RecordingCodeCache cache;
  ProgramOptions options;
  options.compiledCodeCache = &cache;
  Status status = device->loadProgram(CodeFormat::Ptx, bytes, sizeof(bytes),
                                      options, program);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(cache.requests.empty());
}

TEST(HostDevice, QueueOutlivesDevice) {
  std::unique_ptr<Device> device = openHost("2");
  ASSERT_TRUE(device);
  std::unique_ptr<Program> program = loadFixture(*device, TGC_FIXTURE_1);
  std::unique_ptr<Queue> queue;
  ASSERT_TRUE(device->createQueue(queue).ok());
  void *kernel = kernelOf(*program, "tgc_fixture_write_index");
  device.reset();
  std::vector<int64_t> values(10);
  std::vector<int32_t> hits(10, 0);
  LaunchConfig config;
  config.grid[0] = 10;
  EXPECT_TRUE(queue
                  ->launch(kernel, config,
                           {reinterpret_cast<uintptr_t>(values.data()),
                            reinterpret_cast<uintptr_t>(hits.data())})
                  .ok());
  EXPECT_EQ(hits[9], 1);
}

} // namespace

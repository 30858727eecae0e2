//===- HipDeviceTest.cpp - the HIP backend --------------------------------===//
//
// Only the paths that need no AMD GPU: without a HIP runtime (everywhere
// tgc is tested so far) listing answers with a note and opening fails
// cleanly. With a runtime and devices, the listed properties are checked.
//
//===----------------------------------------------------------------------===//

#include "hal/Device.h"

#include <gtest/gtest.h>

using namespace tgc::hal;

namespace {

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

TEST(HipListing, AnswersWithDevicesOrANote) {
  std::vector<DeviceInfo> devices;
  std::string note;
  Status status = listHipDevices(devices, note);
  ASSERT_TRUE(status.ok()) << status.message();
  if (devices.empty()) {
    EXPECT_FALSE(note.empty());
    std::unique_ptr<Device> device;
    status = openHipDevice(0, device);
    EXPECT_FALSE(status.ok());
    EXPECT_TRUE(contains(status.message(), "hip:0")) << status.message();
    EXPECT_FALSE(device);
    return;
  }
  for (const DeviceInfo &info : devices) {
    EXPECT_EQ(info.kind, DeviceKind::Hip);
    EXPECT_EQ(info.arch.rfind("gfx", 0), 0u) << info.arch;
    EXPECT_GT(info.memoryBytes, 0u);
    EXPECT_TRUE(info.warpSize == 32 || info.warpSize == 64);
    // Launch limits, queried with ROCm 5's attribute numbers.
    EXPECT_GE(info.maxGrid[0], 65535u);
    EXPECT_GE(info.maxBlock[0], 256u);
    EXPECT_LE(info.maxBlock[0], 1024u);
  }
}

TEST(HipListing, MissingRuntimeIsNamed) {
  std::vector<DeviceInfo> devices;
  std::string note;
  ASSERT_TRUE(listHipDevices(devices, note).ok());
  if (!contains(note, "libamdhip64"))
    GTEST_SKIP() << "a HIP runtime is installed here: " << note;
  EXPECT_EQ(note, "no HIP runtime (libamdhip64.so not found)");
  std::unique_ptr<Device> device;
  Status status = openHipDevice(0, device);
  EXPECT_EQ(status.message(),
            "hip:0: no HIP runtime (libamdhip64.so not found)");
}

TEST(CudaListing, MissingDriverIsNamed) {
  std::vector<DeviceInfo> devices;
  std::string note;
  ASSERT_TRUE(listCudaDevices(devices, note).ok());
  if (!contains(note, "libcuda"))
    GTEST_SKIP() << "a CUDA driver is installed here: " << note;
  EXPECT_EQ(note, "no CUDA driver (libcuda.so.1 not found)");
  EXPECT_TRUE(devices.empty());
}

} // namespace

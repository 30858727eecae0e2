//===- TinyGpuDiscoveryTest.cpp - TinyGPU devices in the runtime's list ---===//
//
// With TGC_TINYGPU_SOCKET naming an emulated server, the C API lists the
// device with its PCI facts, never picks it for "auto", and opening it
// explicitly fails with the reason instead of falling back to another device.
//
//===----------------------------------------------------------------------===//

#include "runtime/DeviceSelection.h"
#include "tgc/runtime.h"
#include "tools/tinygpu-emu/Emulator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <thread>

#include <unistd.h>

using namespace tgc;

namespace {

const char *kDescription = R"(
vendor = 0x10de
device = 0x2b85
bar0 = 64M
bar1 = 32G
link_gen = 4
link_width = 4
max_link_gen = 5
max_link_width = 16
)";

/// Sets an environment variable for one test and restores it.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const std::string &value) : name_(name) {
    if (const char *old = std::getenv(name))
      old_ = old, hadOld_ = true;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (hadOld_)
      ::setenv(name_, old_.c_str(), 1);
    else
      ::unsetenv(name_);
  }

private:
  const char *name_;
  std::string old_;
  bool hadOld_ = false;
};

class TinyGpuDiscovery : public ::testing::Test {
protected:
  void SetUp() override {
    tinygpu_emu::DeviceDescription d;
    std::string error;
    ASSERT_TRUE(tinygpu_emu::parseDescription(kDescription, d, error)) << error;
    emulator_ = std::make_unique<tinygpu_emu::Emulator>(d);
    socket_ = "/tmp/tgc-rt-tinygpu-" + std::to_string(::getpid()) + ".sock";
    ASSERT_TRUE(emulator_->listen("unix:" + socket_).ok());
    thread_ = std::thread([this] { emulator_->serve(); });
  }
  void TearDown() override {
    emulator_->stop();
    thread_.join();
    emulator_.reset();
  }
  std::string socket_;
  std::unique_ptr<tinygpu_emu::Emulator> emulator_;
  std::thread thread_;
};

} // namespace

TEST_F(TinyGpuDiscovery, ListedWithPciFacts) {
  ScopedEnv env("TGC_TINYGPU_SOCKET", socket_);
  tgc_device_list_t *list = nullptr;
  ASSERT_EQ(tgc_device_list_create(&list), nullptr);
  bool found = false;
  for (size_t i = 0; i < tgc_device_list_count(list); ++i) {
    tgc_device_info_t info;
    ASSERT_EQ(tgc_device_list_get(list, i, &info), nullptr);
    if (info.kind != TGC_DEVICE_TINYGPU)
      continue;
    found = true;
    EXPECT_STREQ(info.id, "tinygpu:0");
    EXPECT_STREQ(info.name, "NVIDIA Blackwell");
    EXPECT_STREQ(info.arch, "sm_120");
    std::string details = info.details;
    EXPECT_NE(details.find("10de:2b85"), std::string::npos) << details;
    EXPECT_NE(details.find("1=32 GiB"), std::string::npos) << details;
    EXPECT_NE(details.find("PCIe Gen4 x4 (device: Gen5 x16)"),
              std::string::npos)
        << details;
  }
  EXPECT_TRUE(found);
  bool noted = false;
  for (size_t i = 0; i < tgc_device_list_note_count(list); ++i)
    noted |= std::string(tgc_device_list_note(list, i))
                 .find("tinygpu:0: listed only; running kernels on it needs "
                       "the userspace GPU bring-up") != std::string::npos;
  EXPECT_TRUE(noted);
  tgc_device_list_destroy(list);
}

TEST_F(TinyGpuDiscovery, OpeningItSaysWhyItCannotRun) {
  ScopedEnv env("TGC_TINYGPU_SOCKET", socket_);
  tgc_device_t *device = nullptr;
  tgc_status_t status = tgc_device_open("tinygpu:0", nullptr, &device);
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(device, nullptr);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_UNAVAILABLE);
  std::string message = tgc_status_message(status);
  EXPECT_NE(message.find("tinygpu:0 cannot run kernels: running kernels on "
                         "it needs the userspace GPU bring-up"),
            std::string::npos)
      << message;
  tgc_status_free(status);
}

TEST(TinyGpuDiscoveryNoServer, UnreachableServerIsANote) {
  ScopedEnv env("TGC_TINYGPU_SOCKET", "/tmp/tgc-no-such-tinygpu.sock");
  rt::DeviceInventory inventory = rt::listDevices();
  for (const hal::DeviceInfo &d : inventory.devices)
    EXPECT_NE(d.kind, hal::DeviceKind::TinyGpu);
  bool noted = false;
  for (const std::string &note : inventory.notes)
    noted |=
        note.find("TinyGPU: cannot connect to TinyGPU server at "
                  "unix:/tmp/tgc-no-such-tinygpu.sock") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(TinyGpuDiscoveryNoServer, SpecAndCodeChoice) {
  rt::DeviceSpec spec;
  ASSERT_TRUE(rt::parseDeviceSpec("tinygpu:1", spec).isOk());
  EXPECT_EQ(spec.kind, rt::DeviceSpec::Kind::TinyGpu);
  EXPECT_EQ(spec.ordinal, 1);
  EXPECT_EQ(spec.str(), "tinygpu:1");
  // Even a cubin for exactly its arch is not chosen: nothing runs there.
  rt::ModuleDesc desc;
  rt::CodeObjectDesc cubin;
  cubin.format = CodeFormat::Cubin;
  cubin.target = TargetKind::Cuda;
  cubin.arch = "sm_120";
  desc.codeObjects.push_back(cubin);
  hal::DeviceInfo info;
  info.kind = hal::DeviceKind::TinyGpu;
  info.arch = "sm_120";
  EXPECT_LT(rt::chooseCodeObject(desc, info).codeObject, 0);
}

//===- DeviceSelectionTest.cpp - which code object runs where -------------===//

#include "runtime/DeviceSelection.h"

#include <gtest/gtest.h>

using namespace tgc;
using namespace tgc::rt;

namespace {

ModuleDesc withCode(std::vector<std::pair<CodeFormat, std::string>> codes) {
  ModuleDesc desc;
  for (auto &[format, arch] : codes) {
    CodeObjectDesc c;
    c.format = format;
    c.target = format == CodeFormat::HostSharedLibrary ? TargetKind::Host
               : format == CodeFormat::Hsaco           ? TargetKind::Hip
                                                       : TargetKind::Cuda;
    c.arch = arch;
    c.section = 1;
    desc.codeObjects.push_back(c);
  }
  return desc;
}

hal::DeviceInfo device(hal::DeviceKind kind, const std::string &arch) {
  hal::DeviceInfo info;
  info.kind = kind;
  info.arch = arch;
  return info;
}

} // namespace

TEST(DeviceSelection, ParseDeviceSpec) {
  DeviceSpec spec;
  ASSERT_TRUE(parseDeviceSpec("cuda:3", spec).isOk());
  EXPECT_EQ(spec.kind, DeviceSpec::Kind::Cuda);
  EXPECT_EQ(spec.ordinal, 3);
  ASSERT_TRUE(parseDeviceSpec("hip", spec).isOk());
  EXPECT_EQ(spec.str(), "hip:0");
  ASSERT_TRUE(parseDeviceSpec("host", spec).isOk());
  EXPECT_EQ(spec.str(), "host");
  ASSERT_TRUE(parseDeviceSpec("auto", spec).isOk());
  EXPECT_EQ(spec.str(), "auto");
  for (const char *bad : {"cuda:", "cuda:-1", "cuda:1x", "cuda0", "cpu",
                          "cuda:99999999", "host:0", " host"})
    EXPECT_FALSE(parseDeviceSpec(bad, spec).isOk()) << bad;
}

TEST(DeviceSelection, CubinMustMatchExactly) {
  ModuleDesc desc = withCode({{CodeFormat::Cubin, "sm_80"},
                              {CodeFormat::Cubin, "sm_90"},
                              {CodeFormat::Ptx, "sm_70"}});
  CodeChoice c = chooseCodeObject(desc, device(hal::DeviceKind::Cuda, "sm_90"));
  EXPECT_EQ(c.codeObject, 1);
  EXPECT_FALSE(c.compilePtx);
  // No cubin for sm_86: the PTX is compiled by the driver.
  c = chooseCodeObject(desc, device(hal::DeviceKind::Cuda, "sm_86"));
  EXPECT_EQ(c.codeObject, 2);
  EXPECT_TRUE(c.compilePtx);
}

TEST(DeviceSelection, HighestPtxNotAboveTheDevice) {
  ModuleDesc desc = withCode({{CodeFormat::Ptx, "sm_60"},
                              {CodeFormat::Ptx, "sm_80"},
                              {CodeFormat::Ptx, "sm_90"},
                              {CodeFormat::Ptx, "sm_90a"}});
  EXPECT_EQ(
      chooseCodeObject(desc, device(hal::DeviceKind::Cuda, "sm_86")).codeObject,
      1);
  EXPECT_EQ(
      chooseCodeObject(desc, device(hal::DeviceKind::Cuda, "sm_90")).codeObject,
      2);
  // sm_90a code only runs on sm_90 itself.
  EXPECT_EQ(chooseCodeObject(desc, device(hal::DeviceKind::Cuda, "sm_100"))
                .codeObject,
            2);
  EXPECT_EQ(
      chooseCodeObject(desc, device(hal::DeviceKind::Cuda, "sm_50")).codeObject,
      -1);
  // No CUDA code for AMD or the host.
  EXPECT_EQ(chooseCodeObject(desc, device(hal::DeviceKind::Hip, "gfx1100"))
                .codeObject,
            -1);
  EXPECT_EQ(chooseCodeObject(desc, device(hal::DeviceKind::Host, "x86_64"))
                .codeObject,
            -1);
}

TEST(DeviceSelection, ArchSpecificCubin) {
  ModuleDesc desc = withCode({{CodeFormat::Cubin, "sm_90a"}});
  EXPECT_EQ(
      chooseCodeObject(desc, device(hal::DeviceKind::Cuda, "sm_90")).codeObject,
      0);
  EXPECT_EQ(chooseCodeObject(desc, device(hal::DeviceKind::Cuda, "sm_100"))
                .codeObject,
            -1);
}

TEST(DeviceSelection, HsacoMatchesTheChipIgnoringFeatures) {
  ModuleDesc desc =
      withCode({{CodeFormat::Hsaco, "gfx90a"}, {CodeFormat::Hsaco, "gfx1100"}});
  EXPECT_EQ(chooseCodeObject(
                desc, device(hal::DeviceKind::Hip, "gfx90a:sramecc+:xnack-"))
                .codeObject,
            0);
  EXPECT_EQ(chooseCodeObject(desc, device(hal::DeviceKind::Hip, "gfx1100"))
                .codeObject,
            1);
  EXPECT_EQ(chooseCodeObject(desc, device(hal::DeviceKind::Hip, "gfx1030"))
                .codeObject,
            -1);
}

TEST(DeviceSelection, HostLibraryMatchesTheCpu) {
  ModuleDesc desc =
      withCode({{CodeFormat::HostSharedLibrary, "aarch64-unknown-linux-gnu"},
                {CodeFormat::HostSharedLibrary, "x86_64-unknown-linux-gnu"}});
  EXPECT_EQ(chooseCodeObject(desc, device(hal::DeviceKind::Host, "x86_64"))
                .codeObject,
            1);
  EXPECT_EQ(
      chooseCodeObject(desc, device(hal::DeviceKind::Host, "arm64")).codeObject,
      0);
  EXPECT_EQ(chooseCodeObject(desc, device(hal::DeviceKind::Host, "riscv64"))
                .codeObject,
            -1);
}

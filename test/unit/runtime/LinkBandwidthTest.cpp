//===- LinkBandwidthTest.cpp - the measured, cached link bandwidth --------===//
//
// On the host device (memory copies: there is no link). The figures are
// measured and never compared with any expectation of speed; the tests
// check what is measured, what is cached and when it is measured again.
//
//===----------------------------------------------------------------------===//

#include "runtime/LinkBandwidth.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace tgc;
using namespace tgc::rt;
namespace fs = std::filesystem;

namespace {

class LinkBandwidthTest : public testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/tgc-link-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    hal::Status s = hal::openHostDevice(host_);
    ASSERT_TRUE(s) << s.message();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  LinkBandwidthOptions options(uint64_t bytes = 1 << 20) {
    LinkBandwidthOptions o;
    o.directory = root_ + "/links";
    o.transferBytes = bytes;
    return o;
  }
  size_t entries() {
    size_t n = 0;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(root_ + "/links", ec))
      n += e.path().extension() == ".tgck";
    return n;
  }

  std::string root_;
  std::unique_ptr<hal::Device> host_;
};

TEST_F(LinkBandwidthTest, MeasuresOnceThenReadsTheCache) {
  LinkBandwidth first, second;
  Status s = linkBandwidth(*host_, "host", options(), first);
  ASSERT_TRUE(s) << s.message();
  EXPECT_FALSE(first.fromCache);
  EXPECT_TRUE(first.hostMemory);
  EXPECT_EQ(first.transferBytes, 1u << 20);
  EXPECT_GT(first.hostToDeviceBytesPerSecond, 0);
  EXPECT_GT(first.deviceToHostBytesPerSecond, 0);
  EXPECT_EQ(entries(), 1u);

  ASSERT_TRUE(linkBandwidth(*host_, "host", options(), second));
  EXPECT_TRUE(second.fromCache);
  EXPECT_TRUE(second.hostMemory);
  EXPECT_EQ(second.transferBytes, first.transferBytes);
  EXPECT_EQ(second.hostToDeviceBytesPerSecond,
            first.hostToDeviceBytesPerSecond);
  EXPECT_EQ(second.deviceToHostBytesPerSecond,
            first.deviceToHostBytesPerSecond);
}

TEST_F(LinkBandwidthTest, AnotherSizeOrDeviceIsMeasuredAgain) {
  LinkBandwidth link;
  ASSERT_TRUE(linkBandwidth(*host_, "host", options(), link));
  ASSERT_TRUE(linkBandwidth(*host_, "host", options(2 << 20), link));
  EXPECT_FALSE(link.fromCache);
  EXPECT_EQ(link.transferBytes, 2u << 20);
  ASSERT_TRUE(linkBandwidth(*host_, "host:other", options(), link));
  EXPECT_FALSE(link.fromCache);
  EXPECT_EQ(entries(), 3u);
}

TEST_F(LinkBandwidthTest, WithoutTheCacheMeasuresEveryTime) {
  LinkBandwidthOptions o = options();
  o.useCache = false;
  LinkBandwidth link;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(linkBandwidth(*host_, "host", o, link));
    EXPECT_FALSE(link.fromCache);
  }
  EXPECT_EQ(entries(), 0u);
}

TEST_F(LinkBandwidthTest, ADamagedEntryIsMeasuredAgain) {
  LinkBandwidth link;
  ASSERT_TRUE(linkBandwidth(*host_, "host", options(), link));
  for (const auto &e : fs::directory_iterator(root_ + "/links"))
    if (e.path().extension() == ".tgck") {
      std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(-3, std::ios::end);
      f.write("9x9", 3); // inside the payload: the MAC no longer matches
    }
  ASSERT_TRUE(linkBandwidth(*host_, "host", options(), link));
  EXPECT_FALSE(link.fromCache);
  ASSERT_TRUE(linkBandwidth(*host_, "host", options(), link));
  EXPECT_TRUE(link.fromCache);
}

/// A device with 1 MiB of memory that cannot allocate any of it.
class NoMemoryDevice final : public hal::Device {
public:
  NoMemoryDevice() {
    info_.kind = hal::DeviceKind::Cuda;
    info_.name = "no memory";
    info_.memoryBytes = 1 << 20;
  }
  const hal::DeviceInfo &info() const override { return info_; }
  hal::Status allocate(size_t size, hal::Buffer &) override {
    return hal::Status::error("cannot allocate " + std::to_string(size) +
                              " bytes");
  }
  void free(hal::Buffer) override {}
  hal::Status createQueue(std::unique_ptr<hal::Queue> &out) override {
    return host_->createQueue(out);
  }
  hal::Status createEvent(std::unique_ptr<hal::Event> &out) override {
    return host_->createEvent(out);
  }
  hal::Status loadProgram(CodeFormat, const void *, size_t,
                          const hal::ProgramOptions &,
                          std::unique_ptr<hal::Program> &) override {
    return hal::Status::error("no programs");
  }
  std::unique_ptr<hal::Device> host_;

private:
  hal::DeviceInfo info_;
};

TEST_F(LinkBandwidthTest, ADeviceThatCannotCopyIsAnErrorAndNotCached) {
  NoMemoryDevice device;
  ASSERT_TRUE(hal::openHostDevice(device.host_));
  LinkBandwidth link;
  Status s = linkBandwidth(device, "cuda:9", options(64 << 20), link);
  ASSERT_FALSE(s);
  // At most an eighth of the device's memory is used for the copies.
  EXPECT_EQ(s.message(),
            "measuring link bandwidth: cannot allocate 131072 bytes");
  EXPECT_EQ(entries(), 0u);
}

} // namespace

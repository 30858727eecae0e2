//===- TinyGpuTest.cpp - the TinyGPU transport against tinygpu-emu --------===//
//
// Every command of the client against the emulator (in-process, on a Unix
// socket or TCP), fd passing, a transfer larger than the server's 64 MiB
// buffer, and servers that misbehave: scripted replies that are short,
// oversized or malformed, a server that goes silent, and one that is killed
// in the middle of a request. Each must end in a clear error, never a hang.
//
//===----------------------------------------------------------------------===//

#include "hal/tinygpu/Client.h"
#include "hal/tinygpu/PciInfo.h"
#include "hal/tinygpu/Protocol.h"
#include "hal/tinygpu/Socket.h"
#include "tools/tinygpu-emu/Emulator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace tgc::hal;
using namespace tgc::hal::tinygpu;
using tgc::tinygpu_emu::DeviceDescription;
using tgc::tinygpu_emu::Emulator;
using tgc::tinygpu_emu::EmulatorOptions;

namespace {

const char *kNvidiaDescription = R"(
name = test 4090
vendor = 0x10de
device = 0x2684
class = 0x030000
bar0 = 16M
bar1 = 256M
bar3 = 32M
link_gen = 3
link_width = 4
max_link_gen = 4
max_link_width = 16
)";

const char *kAmdDescription = R"(
vendor = 0x1002
device = 0x744c
bar0 = 256M
bar2 = 2M
bar5 = 1M
link_gen = 4
link_width = 4
)";

DeviceDescription describe(const char *text) {
  DeviceDescription d;
  std::string error;
  EXPECT_TRUE(tgc::tinygpu_emu::parseDescription(text, d, error)) << error;
  return d;
}

/// A fresh directory for sockets, removed with its contents.
class TempDir {
public:
  TempDir() {
    char pattern[] = "/tmp/tgc-tinygpu-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string file(const std::string &name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

/// The emulator serving on its own thread.
class RunningEmulator {
public:
  RunningEmulator(const char *description, const std::string &endpoint,
                  EmulatorOptions options = {})
      : emulator_(describe(description), options) {
    Status s = emulator_.listen(endpoint);
    EXPECT_TRUE(s.ok()) << s.message();
    thread_ = std::thread([this] { emulator_.serve(); });
  }
  ~RunningEmulator() {
    emulator_.stop();
    thread_.join();
  }
  std::string endpoint() const { return emulator_.endpoint(); }

private:
  Emulator emulator_;
  std::thread thread_;
};

class TinyGpuTest : public ::testing::Test {
protected:
  void SetUp() override {
    emulator_ = std::make_unique<RunningEmulator>(
        kNvidiaDescription, "unix:" + dir_.file("emu.sock"));
    ClientOptions options;
    options.timeoutMs = 5000;
    Status s = Client::connect(emulator_->endpoint(), options, client_);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  TempDir dir_;
  std::unique_ptr<RunningEmulator> emulator_;
  std::unique_ptr<Client> client_;
};

/// A server that answers the first request with fixed bytes (and then
/// stays silent, or closes), for replies no correct server sends.
class ScriptedServer {
public:
  ScriptedServer(const std::string &path, std::vector<uint8_t> answer,
                 bool closeAfter, int passFd = -1)
      : answer_(std::move(answer)), closeAfter_(closeAfter), passFd_(passFd) {
    parseEndpoint("unix:" + path, endpoint_);
    uint16_t port;
    Status s = listenEndpoint(endpoint_, listener_, port);
    EXPECT_TRUE(s.ok()) << s.message();
    thread_ = std::thread([this] { run(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
  }
  std::string endpoint() const { return endpoint_.text(); }

private:
  void run() {
    pollfd pfd{listener_.get(), POLLIN, 0};
    while (!stop_ && ::poll(&pfd, 1, 50) <= 0) {
    }
    if (stop_)
      return;
    UniqueFd client(::accept(listener_.get(), nullptr, nullptr));
    uint8_t request[kRequestBytes];
    if (!readFull(client.get(), request, sizeof(request), nowMs() + 5000,
                  "a request"))
      return;
    writeWithFd(client.get(), answer_.data(), answer_.size(), passFd_,
                nowMs() + 5000, "the answer");
    if (closeAfter_)
      return;
    while (!stop_)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Endpoint endpoint_;
  UniqueFd listener_;
  std::vector<uint8_t> answer_;
  bool closeAfter_;
  int passFd_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::vector<uint8_t> replyBytes(uint8_t status, uint64_t v0, uint64_t v1,
                                const std::string &tail = "") {
  Reply r;
  r.status = status;
  r.value[0] = v0;
  r.value[1] = v1;
  std::vector<uint8_t> bytes(kReplyBytes);
  encodeReply(r, bytes.data());
  bytes.insert(bytes.end(), tail.begin(), tail.end());
  return bytes;
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST(TinyGpuProtocol, RecordsAreLittleEndianAndPacked) {
  EXPECT_EQ(kRequestBytes, 33u); // u8, u32, u32, 3 x u64
  EXPECT_EQ(kReplyBytes, 17u);   // u8, 2 x u64
  Request q;
  q.command = 6;
  q.deviceId = 0x01020304;
  q.bar = 5;
  q.arg[0] = 0x1122334455667788ull;
  q.arg[2] = 9;
  uint8_t bytes[kRequestBytes];
  encodeRequest(q, bytes);
  EXPECT_EQ(bytes[0], 6);
  EXPECT_EQ(bytes[1], 0x04);
  EXPECT_EQ(bytes[5], 5);
  EXPECT_EQ(bytes[9], 0x88);
  Request back = decodeRequest(bytes);
  EXPECT_EQ(back.deviceId, q.deviceId);
  EXPECT_EQ(back.arg[0], q.arg[0]);
  EXPECT_EQ(back.arg[2], 9u);
  Reply r;
  r.status = 1;
  r.value[1] = 42;
  uint8_t replyBytes[kReplyBytes];
  encodeReply(r, replyBytes);
  EXPECT_EQ(decodeReply(replyBytes).value[1], 42u);
  EXPECT_STREQ(commandName(7), "MMIO_WRITE");
}

TEST(TinyGpuProtocol, Endpoints) {
  Endpoint e;
  ASSERT_TRUE(parseEndpoint("/tmp/x.sock", e));
  EXPECT_EQ(e.kind, Endpoint::Kind::Unix);
  ASSERT_TRUE(parseEndpoint("unix:rel.sock", e));
  EXPECT_EQ(e.path, "rel.sock");
  ASSERT_TRUE(parseEndpoint("tcp:gpu-box:7000", e));
  EXPECT_EQ(e.kind, Endpoint::Kind::Tcp);
  EXPECT_EQ(e.host, "gpu-box");
  EXPECT_EQ(e.port, 7000);
  ASSERT_TRUE(parseEndpoint("127.0.0.1:6667", e));
  EXPECT_EQ(e.kind, Endpoint::Kind::Tcp);
  ASSERT_TRUE(parseEndpoint("tcp:gpu-box", e));
  EXPECT_EQ(e.port, kDefaultTcpPort);
  EXPECT_FALSE(parseEndpoint("tcp:host:99999", e));
  EXPECT_FALSE(parseEndpoint("", e));
  EXPECT_FALSE(parseEndpoint("unix:", e));
}

TEST(TinyGpuEmulator, DescriptionErrorsNameTheLine) {
  DeviceDescription d;
  std::string error;
  EXPECT_FALSE(
      tgc::tinygpu_emu::parseDescription("vendor = 0x10de\n", d, error));
  EXPECT_TRUE(contains(error, "vendor and device")) << error;
  EXPECT_FALSE(tgc::tinygpu_emu::parseDescription(
      "vendor = 1\ndevice = 2\nbar1 = 3000\n", d, error));
  EXPECT_TRUE(contains(error, "line 3")) << error;
  EXPECT_FALSE(tgc::tinygpu_emu::parseDescription("vendor = 1\ncolour = red\n",
                                                  d, error));
  EXPECT_TRUE(contains(error, "line 2")) << error;
  ASSERT_TRUE(tgc::tinygpu_emu::parseDescription(
      "vendor=1\ndevice=2\nconfig@0x100 = de ad\n", d, error))
      << error;
  ASSERT_EQ(d.configBytes.size(), 1u);
  EXPECT_EQ(d.configBytes[0].second[1], 0xad);
}

TEST_F(TinyGpuTest, ConfigSpaceReadWrite) {
  uint64_t value = 0;
  ASSERT_TRUE(client_->configRead(0, 4, value));
  EXPECT_EQ(value, 0x268410deu);
  ASSERT_TRUE(client_->configRead(2, 2, value));
  EXPECT_EQ(value, 0x2684u);
  ASSERT_TRUE(client_->configWrite(0x04, 2, 0x0407));
  ASSERT_TRUE(client_->configRead(0x04, 2, value));
  EXPECT_EQ(value, 0x0407u);
  // Checked before anything is sent: the connection stays usable.
  Status s = client_->configRead(4095, 4, value);
  EXPECT_FALSE(s);
  EXPECT_TRUE(contains(s.message(), "outside the 4 KiB config space"));
  EXPECT_FALSE(client_->configRead(0, 3, value));
  EXPECT_FALSE(client_->configWrite(0x40, 1, 0x100));
  EXPECT_TRUE(client_->brokenReason().empty());
  ASSERT_TRUE(client_->ping());
}

TEST_F(TinyGpuTest, ProbePingAndReset) {
  std::vector<std::string> names;
  ASSERT_TRUE(client_->probe(0x10de, 0x03, names));
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0], "0");
  ASSERT_TRUE(client_->configWrite(0x04, 2, 0));
  ASSERT_TRUE(client_->reset());
  uint64_t command = 0;
  ASSERT_TRUE(client_->configRead(0x04, 2, command));
  EXPECT_EQ(command, 0x0006u); // the emulator's power-on value again
  ASSERT_TRUE(client_->ping());
}

TEST_F(TinyGpuTest, BarsMapReadAndWrite) {
  BarInfo bar;
  ASSERT_TRUE(client_->mapBar(1, bar));
  EXPECT_EQ(bar.size, 256u << 20);
  Status absent = client_->mapBar(2, bar);
  EXPECT_FALSE(absent);
  EXPECT_TRUE(contains(absent.message(), "BAR 2 is not implemented"))
      << absent.message();
  EXPECT_TRUE(client_->brokenReason().empty()); // an error reply is in step
  EXPECT_FALSE(client_->mapBar(6, bar));
  ASSERT_TRUE(client_->resizeBar(1));

  const uint32_t words[4] = {0xdeadbeef, 1, 2, 3};
  ASSERT_TRUE(client_->mmioWrite(0, 0x1000, words, sizeof(words)));
  uint32_t back[4] = {};
  ASSERT_TRUE(client_->mmioRead(0, 0x1000, back, sizeof(back)));
  EXPECT_EQ(std::memcmp(words, back, sizeof(words)), 0);

  Status outside = client_->mmioWrite(0, (16u << 20) - 4, words, 8);
  EXPECT_FALSE(outside);
  EXPECT_TRUE(contains(outside.message(), "outside BAR 0"))
      << outside.message();
  EXPECT_FALSE(client_->mmioRead(3, 32u << 20, back, 1));
  ASSERT_TRUE(client_->ping());
}

TEST_F(TinyGpuTest, TransferLargerThanTheServerBuffer) {
  // 64 MiB and a page: the client splits it at the server's 64 MiB buffer.
  const size_t size = (64u << 20) + 4096;
  std::vector<uint8_t> data(size);
  for (size_t i = 0; i < size; ++i)
    data[i] = static_cast<uint8_t>(i * 131 + (i >> 12));
  ASSERT_TRUE(client_->mmioWrite(1, 4096, data.data(), size));
  std::vector<uint8_t> back(size);
  ASSERT_TRUE(client_->mmioRead(1, 4096, back.data(), size));
  EXPECT_TRUE(data == back);
}

TEST_F(TinyGpuTest, SystemMemorySharedByFileDescriptor) {
  std::unique_ptr<SharedSysmem> memory;
  Status s = client_->mapSysmemFd(100000, false, memory);
  ASSERT_TRUE(s) << s.message();
  ASSERT_GE(memory->size(), 100000u);
  EXPECT_EQ(memory->size() % 4096, 0u);
  uint64_t covered = 0;
  for (const BusRange &r : memory->busRanges())
    covered += r.size;
  EXPECT_GE(covered, 100000u);

  // Written here through the mapping, read back through the server: the
  // same pages, so the descriptor really was shared.
  auto *bytes = static_cast<uint8_t *>(memory->data());
  std::memcpy(bytes + 8192, "shared!", 8);
  RemoteSysmem view;
  view.handle = memory->handle();
  view.size = memory->size();
  char back[8] = {};
  ASSERT_TRUE(client_->sysmemRead(view, 8192, back, sizeof(back)));
  EXPECT_STREQ(back, "shared!");
  ASSERT_TRUE(client_->sysmemWrite(view, 16384, "other way", 10));
  ASSERT_TRUE(client_->ping()); // the write is posted; order it
  EXPECT_STREQ(reinterpret_cast<char *>(bytes + 16384), "other way");
}

TEST(TinyGpuTcp, CommandsOverTcpAndNoFdPassing) {
  RunningEmulator emulator(kAmdDescription, "tcp:127.0.0.1:0");
  ASSERT_TRUE(contains(emulator.endpoint(), "tcp:127.0.0.1:"));
  std::unique_ptr<Client> client;
  Status s = Client::connect(emulator.endpoint(), ClientOptions(), client);
  ASSERT_TRUE(s) << s.message();
  uint64_t ids = 0;
  ASSERT_TRUE(client->configRead(0, 4, ids));
  EXPECT_EQ(ids, 0x744c1002u);

  std::unique_ptr<SharedSysmem> shared;
  Status fd = client->mapSysmemFd(4096, false, shared);
  EXPECT_FALSE(fd);
  EXPECT_TRUE(contains(fd.message(), "needs a Unix socket")) << fd.message();

  RemoteSysmem memory;
  ASSERT_TRUE(client->mapSysmem(3 * 4096 + 1, true, memory));
  EXPECT_EQ(memory.pageBusAddresses.size(), 4u);
  EXPECT_EQ(memory.pageBusAddresses[1], memory.pageBusAddresses[0] + 4096);
  ASSERT_TRUE(client->sysmemWrite(memory, 4095, "abc", 4));
  char back[4] = {};
  ASSERT_TRUE(client->sysmemRead(memory, 4095, back, 4));
  EXPECT_STREQ(back, "abc");
  EXPECT_FALSE(client->sysmemRead(memory, memory.size, back, 1));
}

TEST(TinyGpuErrors, UnknownCommandGetsAnErrorReply) {
  TempDir dir;
  RunningEmulator emulator(kNvidiaDescription, "unix:" + dir.file("e.sock"));
  Endpoint endpoint;
  parseEndpoint(emulator.endpoint(), endpoint);
  UniqueFd fd;
  ASSERT_TRUE(connectEndpoint(endpoint, 2000, fd));
  Request q;
  q.command = 99;
  uint8_t bytes[kRequestBytes];
  encodeRequest(q, bytes);
  ASSERT_TRUE(writeFull(fd.get(), bytes, sizeof(bytes), nowMs() + 2000, "q"));
  uint8_t replyRaw[kReplyBytes];
  ASSERT_TRUE(
      readFull(fd.get(), replyRaw, sizeof(replyRaw), nowMs() + 2000, "r"));
  Reply r = decodeReply(replyRaw);
  EXPECT_EQ(r.status, kStatusError);
  std::string message(r.value[0], '\0');
  ASSERT_TRUE(
      readFull(fd.get(), &message[0], message.size(), nowMs() + 2000, "m"));
  EXPECT_EQ(message, "unknown command 99");
}

TEST(TinyGpuErrors, ErrorReplyCarriesTheServersMessage) {
  TempDir dir;
  ScriptedServer server(dir.file("s.sock"),
                        replyBytes(kStatusError, 14, 0, "Driver missing"),
                        false);
  std::unique_ptr<Client> client;
  ASSERT_TRUE(Client::connect(server.endpoint(), ClientOptions(), client));
  Status s = client->ping();
  EXPECT_FALSE(s);
  EXPECT_TRUE(contains(s.message(), "PING failed: Driver missing"))
      << s.message();
  EXPECT_TRUE(client->brokenReason().empty());
}

TEST(TinyGpuErrors, TruncatedReply) {
  TempDir dir;
  std::vector<uint8_t> half = replyBytes(kStatusOk, 1, 2);
  half.resize(5);
  ScriptedServer server(dir.file("s.sock"), half, true);
  std::unique_ptr<Client> client;
  ASSERT_TRUE(Client::connect(server.endpoint(), ClientOptions(), client));
  uint64_t value;
  Status s = client->configRead(0, 4, value);
  EXPECT_FALSE(s);
  EXPECT_TRUE(contains(s.message(), "closed after 5 of 17 bytes"))
      << s.message();
  // The stream is out of step: later requests say why instead of reading.
  Status later = client->ping();
  EXPECT_FALSE(later);
  EXPECT_TRUE(contains(later.message(), "unusable after an earlier error"))
      << later.message();
}

TEST(TinyGpuErrors, MalformedReplies) {
  struct Case {
    std::vector<uint8_t> answer;
    std::function<Status(Client &)> call;
    const char *expected;
  };
  std::vector<Case> cases = {
      {replyBytes(7, 0, 0), [](Client &c) { return c.ping(); },
       "unknown status 7"},
      {replyBytes(kStatusError, 1ull << 40, 0),
       [](Client &c) { return c.ping(); }, "out of step"},
      {replyBytes(kStatusOk, 0x1'0000'0000ull, 0),
       [](Client &c) {
         uint64_t v;
         return c.configRead(0, 2, v);
       },
       "wider value"},
      {replyBytes(kStatusOk, 0x1000, 0),
       [](Client &c) {
         BarInfo b;
         return c.mapBar(0, b);
       },
       "has size 0"},
      {replyBytes(kStatusOk, 3, 0),
       [](Client &c) {
         RemoteSysmem m;
         return c.mapSysmem(8192, false, m);
       },
       "expected 16"},
      {replyBytes(kStatusOk, 4096, 0),
       [](Client &c) {
         std::unique_ptr<SharedSysmem> m;
         return c.mapSysmemFd(4096, false, m);
       },
       "passed no file descriptor"},
      {replyBytes(kStatusOk, 1ull << 50, 0),
       [](Client &c) {
         std::vector<std::string> names;
         return c.probe(0x10de, 0, names);
       },
       "device list of"},
  };
  for (Case &c : cases) {
    TempDir dir;
    ScriptedServer server(dir.file("s.sock"), c.answer, false);
    std::unique_ptr<Client> client;
    ClientOptions options;
    options.timeoutMs = 2000;
    ASSERT_TRUE(Client::connect(server.endpoint(), options, client));
    Status s = c.call(*client);
    EXPECT_FALSE(s) << c.expected;
    EXPECT_TRUE(contains(s.message(), c.expected))
        << "expected '" << c.expected << "' in: " << s.message();
  }
}

TEST(TinyGpuErrors, SysmemLargerThanThePassedFile) {
  // A server that claims 1 MiB but passes a 4 KiB file: mapping it all would
  // fault (SIGBUS) on the first touch past 4 KiB, so it must be refused.
  TempDir dir;
  std::string path = dir.file("small");
  UniqueFd file(::open(path.c_str(), O_CREAT | O_RDWR, 0600));
  ASSERT_TRUE(file);
  ASSERT_EQ(::ftruncate(file.get(), 4096), 0);
  ScriptedServer server(dir.file("s.sock"), replyBytes(kStatusOk, 1 << 20, 0),
                        false, file.get());
  std::unique_ptr<Client> client;
  ASSERT_TRUE(Client::connect(server.endpoint(), ClientOptions(), client));
  std::unique_ptr<SharedSysmem> memory;
  Status s = client->mapSysmemFd(1 << 20, false, memory);
  EXPECT_FALSE(s);
  EXPECT_TRUE(contains(s.message(), "announced 1048576 bytes but passed a "
                                    "file of 4096 bytes"))
      << s.message();
}

TEST(TinyGpuErrors, SilentServerTimesOut) {
  TempDir dir;
  // The scripted server answers MAP_BAR (which the read sends first) and
  // then never answers the MMIO_READ: the deadline ends the wait.
  ScriptedServer server(dir.file("s.sock"), replyBytes(kStatusOk, 0, 4096),
                        false);
  std::unique_ptr<Client> client;
  ClientOptions options;
  options.timeoutMs = 300;
  ASSERT_TRUE(Client::connect(server.endpoint(), options, client));
  uint8_t byte;
  auto start = std::chrono::steady_clock::now();
  Status s = client->mmioRead(0, 0, &byte, 1);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start)
                .count();
  EXPECT_FALSE(s);
  EXPECT_TRUE(contains(s.message(), "timed out waiting for the reply to "
                                    "MMIO_READ"))
      << s.message();
  EXPECT_LT(ms, 3000);
}

TEST(TinyGpuErrors, ConnectingToNothing) {
  TempDir dir;
  std::unique_ptr<Client> client;
  Status s =
      Client::connect("unix:" + dir.file("none.sock"), ClientOptions(), client);
  EXPECT_FALSE(s);
  EXPECT_TRUE(contains(s.message(), "cannot connect to TinyGPU server at "
                                    "unix:"))
      << s.message();
}

TEST(TinyGpuErrors, ServerKilledMidRequest) {
  TempDir dir;
  std::string path = dir.file("killed.sock");
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child serves until killed and stops answering at MMIO_READ.
    EmulatorOptions options;
    options.stallOnCommand = static_cast<int>(Command::MmioRead);
    DeviceDescription d;
    std::string error;
    tgc::tinygpu_emu::parseDescription(kNvidiaDescription, d, error);
    Emulator emulator(d, options);
    if (!emulator.listen("unix:" + path))
      ::_exit(1);
    emulator.serve();
    ::_exit(0);
  }
  std::unique_ptr<Client> client;
  ClientOptions options;
  options.timeoutMs = 20000; // the kill, not the timeout, must end the wait
  Status connected;
  for (int i = 0; i < 200; ++i) {
    connected = Client::connect("unix:" + path, options, client);
    if (connected)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(connected) << connected.message();
  BarInfo bar;
  ASSERT_TRUE(client->mapBar(0, bar));
  std::thread killer([child] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(child, SIGKILL);
  });
  auto start = std::chrono::steady_clock::now();
  uint32_t word;
  Status s = client->mmioRead(0, 0, &word, 4);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start)
                .count();
  killer.join();
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_FALSE(s);
  EXPECT_TRUE(contains(s.message(), "connection closed")) << s.message();
  EXPECT_TRUE(contains(s.message(), "did the server stop")) << s.message();
  EXPECT_LT(ms, 5000);
}

TEST_F(TinyGpuTest, DescribesTheDevice) {
  PciDeviceInfo info;
  Status s = describePciDevice(*client_, info);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(hexId(info.vendorId, info.deviceId), "10de:2684");
  EXPECT_EQ(info.classCode, 0x030000u);
  EXPECT_EQ(info.chip.vendor, "NVIDIA");
  EXPECT_EQ(info.chip.family, "Ada");
  EXPECT_EQ(info.chip.arch, "sm_89");
  EXPECT_EQ(info.barSizes[0], 16u << 20);
  EXPECT_EQ(info.barSizes[1], 256u << 20);
  EXPECT_EQ(info.barSizes[2], 0u);
  EXPECT_TRUE(info.link.present);
  EXPECT_EQ(info.link.generation, 3);
  EXPECT_EQ(info.link.width, 4);
  EXPECT_EQ(info.link.maxGeneration, 4);
  EXPECT_EQ(info.link.maxWidth, 16);
}

TEST(TinyGpuPciInfo, ChipTables) {
  EXPECT_EQ(identifyChip(0x10de, 0x2204).family, "Ampere");    // RTX 3090
  EXPECT_EQ(identifyChip(0x10de, 0x2684).family, "Ada");       // RTX 4090
  EXPECT_EQ(identifyChip(0x10de, 0x2b85).family, "Blackwell"); // RTX 5090
  EXPECT_EQ(identifyChip(0x10de, 0x2b85).arch, "sm_120");
  EXPECT_EQ(identifyChip(0x10de, 0x2330).family, "Hopper");
  EXPECT_FALSE(identifyChip(0x10de, 0x2330).supportedByTinyGpu);
  EXPECT_EQ(identifyChip(0x10de, 0x1b80).family, ""); // Pascal: not listed
  EXPECT_EQ(identifyChip(0x1002, 0x744c).family, "RDNA3");
  EXPECT_EQ(identifyChip(0x1002, 0x744c).arch, "gfx1100");
  EXPECT_EQ(identifyChip(0x1002, 0x7550).family, "RDNA4");
  EXPECT_EQ(identifyChip(0x1002, 0x74a1).family, ""); // MI300: not RDNA
  EXPECT_EQ(identifyChip(0x8086, 0x56a0).vendor, "8086");
}

TEST(TinyGpuPciInfo, DefaultSocketFollowsTmpdir) {
  const char *old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  ::setenv("TMPDIR", "/var/folders/xy/T/", 1);
  EXPECT_EQ(defaultSocketPath(), "/var/folders/xy/T/tinygpu.sock");
  ::unsetenv("TMPDIR");
  EXPECT_EQ(defaultSocketPath(), "/tmp/tinygpu.sock");
  if (old)
    ::setenv("TMPDIR", saved.c_str(), 1);
}

//===- KernelCacheTest.cpp - the kernel cache without a GPU ---------------===//

#include "runtime/KernelCache.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

using namespace tgc;
using namespace tgc::rt;
namespace fs = std::filesystem;

namespace {

class KernelCacheTest : public testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/tgc-kernel-cache-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    dir_ = root_ + "/cache/kernels";
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(root_, fs::perms::owner_all, ec);
    fs::remove_all(root_, ec);
  }

  KernelCacheOptions options() {
    KernelCacheOptions o;
    o.directory = dir_;
    o.warn = [this](const std::string &w) { warnings_.push_back(w); };
    return o;
  }

  static KernelCacheKey key(const std::string &code,
                            const std::string &driver = "12080") {
    KernelCacheKey k = KernelCacheKey::forCode(code.data(), code.size());
    k.arch = "sm_90";
    k.driverVersion = driver;
    k.tgcVersion = "0.1.0";
    k.kind = "ptx->cubin";
    return k;
  }

  /// A compile callback that counts its calls and produces `payload`.
  KernelCache::CompileFn compiler(const std::string &payload, int *calls) {
    return [payload, calls](std::vector<uint8_t> &out) {
      ++*calls;
      out.assign(payload.begin(), payload.end());
      return Status::ok();
    };
  }

  std::string root_, dir_;
  std::vector<std::string> warnings_;
};

std::string str(const std::vector<uint8_t> &v) {
  return std::string(v.begin(), v.end());
}

} // namespace

TEST_F(KernelCacheTest, CompilesOnceThenHits) {
  KernelCache cache(options());
  int calls = 0;
  std::vector<uint8_t> out;
  KernelCache::Outcome outcome;
  ASSERT_TRUE(cache
                  .getOrCompile(key("ptx A"), compiler("cubin A", &calls), out,
                                &outcome)
                  .isOk());
  EXPECT_EQ(outcome, KernelCache::Outcome::Compiled);
  EXPECT_EQ(str(out), "cubin A");
  out.clear();
  ASSERT_TRUE(cache
                  .getOrCompile(key("ptx A"), compiler("cubin A", &calls), out,
                                &outcome)
                  .isOk());
  EXPECT_EQ(outcome, KernelCache::Outcome::Hit);
  EXPECT_EQ(str(out), "cubin A");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(warnings_.empty());

  // The directory is private to the user.
  struct stat st;
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(KernelCacheTest, KeyIncludesDriverArchAndVersion) {
  KernelCache cache(options());
  int calls = 0;
  std::vector<uint8_t> out;
  ASSERT_TRUE(
      cache.getOrCompile(key("ptx"), compiler("a", &calls), out).isOk());
  ASSERT_TRUE(
      cache.getOrCompile(key("ptx", "12090"), compiler("b", &calls), out)
          .isOk());
  EXPECT_EQ(str(out), "b");
  KernelCacheKey other = key("ptx");
  other.arch = "sm_89";
  ASSERT_TRUE(cache.getOrCompile(other, compiler("c", &calls), out).isOk());
  other = key("ptx");
  other.tgcVersion = "0.2.0";
  ASSERT_TRUE(cache.getOrCompile(other, compiler("d", &calls), out).isOk());
  EXPECT_EQ(calls, 4);
  ASSERT_TRUE(
      cache.getOrCompile(key("ptx"), compiler("x", &calls), out).isOk());
  EXPECT_EQ(str(out), "a");
  EXPECT_EQ(calls, 4);
}

TEST_F(KernelCacheTest, CompileErrorsAreReturnedAndNothingIsStored) {
  KernelCache cache(options());
  std::vector<uint8_t> out;
  Status status = cache.getOrCompile(
      key("bad"),
      [](std::vector<uint8_t> &) {
        return Status(TGC_STATUS_DEVICE_ERROR, "ptxas says no");
      },
      out);
  EXPECT_EQ(status.message(), "ptxas says no");
  int calls = 0;
  ASSERT_TRUE(
      cache.getOrCompile(key("bad"), compiler("ok", &calls), out).isOk());
  EXPECT_EQ(calls, 1);
}

TEST_F(KernelCacheTest, ForkedProcessesCompileOnce) {
  // Every child counts its compiles by appending a byte to this file.
  std::string counter = root_ + "/compiles";
  constexpr int kProcesses = 8;
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      KernelCacheOptions o;
      o.directory = dir_;
      KernelCache cache(o);
      std::vector<uint8_t> out;
      Status status = cache.getOrCompile(
          key("shared ptx"),
          [&](std::vector<uint8_t> &result) {
            int fd =
                ::open(counter.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
            (void)!::write(fd, "x", 1);
            ::close(fd);
            ::usleep(200 * 1000); // keep the others waiting on the lock
            result.assign(100000, 0x5a);
            return Status::ok();
          },
          out);
      bool good = status.isOk() && out == std::vector<uint8_t>(100000, 0x5a);
      ::_exit(good ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int wstatus = 0;
    ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
    EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  }
  EXPECT_EQ(fs::file_size(counter), 1u);
}

TEST_F(KernelCacheTest, CorruptEntriesAreRebuilt) {
  KernelCache cache(options());
  int calls = 0;
  std::vector<uint8_t> out;
  ASSERT_TRUE(
      cache.getOrCompile(key("k"), compiler("payload", &calls), out).isOk());
  std::string path = cache.entryPath(key("k"));
  ASSERT_TRUE(fs::exists(path));

  auto corruptAndReload = [&](auto corrupt) {
    corrupt();
    KernelCache::Outcome outcome;
    out.clear();
    ASSERT_TRUE(
        cache.getOrCompile(key("k"), compiler("payload", &calls), out, &outcome)
            .isOk());
    EXPECT_EQ(outcome, KernelCache::Outcome::Compiled);
    EXPECT_EQ(str(out), "payload");
    // Rewritten: the next read hits.
    ASSERT_TRUE(
        cache.getOrCompile(key("k"), compiler("payload", &calls), out, &outcome)
            .isOk());
    EXPECT_EQ(outcome, KernelCache::Outcome::Hit);
  };
  // A flipped payload byte (the checksum catches it).
  corruptAndReload([&] {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-2, std::ios::end);
    f.put('?');
  });
  // A truncated entry.
  corruptAndReload([&] { fs::resize_file(path, fs::file_size(path) - 3); });
  // Not an entry at all.
  corruptAndReload([&] { std::ofstream(path) << "garbage"; });
  // An empty file.
  corruptAndReload([&] { std::ofstream(path, std::ios::trunc); });
  EXPECT_EQ(calls, 5);
}

TEST_F(KernelCacheTest, UnusableDirectoryDegradesWithAWarning) {
  // A path below a regular file cannot be created, even by root.
  std::ofstream(root_ + "/file") << "x";
  KernelCacheOptions o = options();
  o.directory = root_ + "/file/kernels";
  KernelCache cache(o);
  int calls = 0;
  std::vector<uint8_t> out;
  KernelCache::Outcome outcome;
  ASSERT_TRUE(cache.getOrCompile(key("k"), compiler("p", &calls), out, &outcome)
                  .isOk());
  EXPECT_EQ(outcome, KernelCache::Outcome::Uncached);
  EXPECT_EQ(str(out), "p");
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("cannot be created"), std::string::npos)
      << warnings_[0];
}

TEST_F(KernelCacheTest, ReadOnlyDirectoryDegradesWithAWarning) {
  fs::create_directories(dir_);
  ::chmod(dir_.c_str(), 0555);
  auto useReadOnlyCache = [&] {
    KernelCache cache(options());
    int calls = 0;
    std::vector<uint8_t> out;
    KernelCache::Outcome outcome;
    Status status =
        cache.getOrCompile(key("k"), compiler("p", &calls), out, &outcome);
    return status.isOk() && outcome == KernelCache::Outcome::Uncached &&
           str(out) == "p" && calls == 1 && warnings_.size() == 1;
  };
  if (::geteuid() != 0) {
    EXPECT_TRUE(useReadOnlyCache());
    return;
  }
  // Root ignores directory permissions: check as an unprivileged user, in a
  // child process so that this one keeps its privileges.
  ::chmod(root_.c_str(), 0755);
  ::chmod((root_ + "/cache").c_str(), 0755);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const uid_t nobody = 65534;
    if (::setgid(nobody) != 0 || ::setuid(nobody) != 0)
      ::_exit(2);
    ::_exit(useReadOnlyCache() ? 0 : 1);
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0)
      << "1: the cache did not degrade to uncached with one warning; "
         "2: cannot switch to user nobody";
}

TEST_F(KernelCacheTest, FullDiskDegradesWithAWarning) {
  // A full disk, simulated with a file size limit (root is not exempt):
  // writing the entry fails with EFBIG instead of ENOSPC, through the same
  // path. The result is still returned and no temporary file is left.
  KernelCache cache(options());
  int calls = 0;
  std::vector<uint8_t> out;
  KernelCache::Outcome outcome;
  struct rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  void (*savedHandler)(int) = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 64;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  Status status = cache.getOrCompile(
      key("k"), compiler(std::string(1000, 'c'), &calls), out, &outcome);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, savedHandler);
  ASSERT_TRUE(status.isOk());
  EXPECT_EQ(outcome, KernelCache::Outcome::Uncached);
  EXPECT_EQ(out.size(), 1000u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("cannot write kernel cache entry"),
            std::string::npos)
      << warnings_[0];
  for (const auto &e : fs::directory_iterator(dir_))
    EXPECT_NE(e.path().filename().string().rfind(".tmp-", 0), 0u) << e.path();
  // With room again, the next call publishes.
  ASSERT_TRUE(cache
                  .getOrCompile(key("k"),
                                compiler(std::string(1000, 'c'), &calls), out,
                                &outcome)
                  .isOk());
  EXPECT_EQ(outcome, KernelCache::Outcome::Compiled);
}

TEST_F(KernelCacheTest, DefaultWarningIsPrintedOncePerProcess) {
  std::ofstream(root_ + "/file") << "x";
  KernelCacheOptions o;
  o.directory = root_ + "/file/kernels";
  testing::internal::CaptureStderr();
  for (int i = 0; i < 3; ++i) {
    KernelCache cache(o);
    std::vector<uint8_t> out;
    int calls = 0;
    ASSERT_TRUE(
        cache.getOrCompile(key("k"), compiler("p", &calls), out).isOk());
  }
  std::string err = testing::internal::GetCapturedStderr();
  size_t first = err.find("tgc: warning:");
  ASSERT_NE(first, std::string::npos) << err;
  EXPECT_EQ(err.find("tgc: warning:", first + 1), std::string::npos) << err;
}

TEST_F(KernelCacheTest, EvictionKeepsTheDirectoryUnderTheLimit) {
  KernelCacheOptions o = options();
  std::string payload(1000, 'p');
  // Each entry is the payload plus a header and key of about 120 bytes.
  o.maxBytes = 3500;
  KernelCache cache(o);
  int calls = 0;
  std::vector<uint8_t> out;
  auto dirBytes = [&] {
    uint64_t total = 0;
    for (const auto &e : fs::directory_iterator(dir_))
      if (e.path().extension() == ".tgck")
        total += e.file_size();
    return total;
  };
  // mtimes are set explicitly so the order does not depend on clock ticks.
  auto age = [&](const std::string &code, int secondsAgo) {
    std::string path = cache.entryPath(key(code));
    struct timespec times[2];
    ::clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= secondsAgo;
    times[1] = times[0];
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  };
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(cache
                    .getOrCompile(key("k" + std::to_string(i)),
                                  compiler(payload, &calls), out)
                    .isOk());
    age("k" + std::to_string(i), 100 - i);
  }
  EXPECT_LE(dirBytes(), o.maxBytes);
  // A hit makes k0 the most recently used...
  KernelCache::Outcome outcome;
  ASSERT_TRUE(
      cache.getOrCompile(key("k0"), compiler(payload, &calls), out, &outcome)
          .isOk());
  EXPECT_EQ(outcome, KernelCache::Outcome::Hit);
  // ...so adding k3 evicts k1, the least recently used.
  ASSERT_TRUE(
      cache.getOrCompile(key("k3"), compiler(payload, &calls), out).isOk());
  EXPECT_LE(dirBytes(), o.maxBytes);
  EXPECT_TRUE(fs::exists(cache.entryPath(key("k0"))));
  EXPECT_FALSE(fs::exists(cache.entryPath(key("k1"))));
  EXPECT_TRUE(fs::exists(cache.entryPath(key("k2"))));
  EXPECT_TRUE(fs::exists(cache.entryPath(key("k3"))));
  for (int i = 4; i < 12; ++i) {
    ASSERT_TRUE(cache
                    .getOrCompile(key("k" + std::to_string(i)),
                                  compiler(payload, &calls), out)
                    .isOk());
    EXPECT_LE(dirBytes(), o.maxBytes);
  }
  // The newest entry always survives its own publish.
  EXPECT_TRUE(fs::exists(cache.entryPath(key("k11"))));
}

TEST_F(KernelCacheTest, DisabledCacheOnlyCompiles) {
  KernelCacheOptions o = options();
  o.enabled = false;
  KernelCache cache(o);
  int calls = 0;
  std::vector<uint8_t> out;
  KernelCache::Outcome outcome;
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(
        cache.getOrCompile(key("k"), compiler("p", &calls), out, &outcome)
            .isOk());
  EXPECT_EQ(outcome, KernelCache::Outcome::Disabled);
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(fs::exists(dir_));
}

TEST(KernelCacheOptions, Environment) {
  auto with =
      [](std::initializer_list<std::pair<const char *, const char *>> vars) {
        for (const char *name :
             {"TGC_KERNEL_CACHE", "TGC_KERNEL_CACHE_MAX_BYTES", "TGC_CACHE_DIR",
              "XDG_CACHE_HOME"})
          ::unsetenv(name);
        ::setenv("HOME", "/home/someone", 1);
        for (const auto &[name, value] : vars)
          ::setenv(name, value, 1);
        return KernelCacheOptions::fromEnvironment();
      };
  std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  KernelCacheOptions o = with({});
  EXPECT_TRUE(o.enabled);
  EXPECT_EQ(o.directory, "/home/someone/.cache/tgc/kernels");
  EXPECT_EQ(o.maxBytes, 512ull << 20);
  o = with({{"XDG_CACHE_HOME", "/xdg"}});
  EXPECT_EQ(o.directory, "/xdg/tgc/kernels");
  o = with({{"XDG_CACHE_HOME", "/xdg"}, {"TGC_CACHE_DIR", "/tgc"}});
  EXPECT_EQ(o.directory, "/tgc/kernels");
  o = with({{"TGC_KERNEL_CACHE", "0"}});
  EXPECT_FALSE(o.enabled);
  o = with({{"TGC_KERNEL_CACHE_MAX_BYTES", "12345"}});
  EXPECT_EQ(o.maxBytes, 12345u);
  o = with({});
  o = KernelCacheOptions::fromEnvironment("/explicit");
  EXPECT_EQ(o.directory, "/explicit");
  for (const char *name : {"TGC_KERNEL_CACHE", "TGC_KERNEL_CACHE_MAX_BYTES",
                           "TGC_CACHE_DIR", "XDG_CACHE_HOME"})
    ::unsetenv(name);
  ::setenv("HOME", home.c_str(), 1);
}

//===----------------------------------------------------------------------===//
// HalKernelCache: the kernel cache as the HAL's compiled-code hook
//===----------------------------------------------------------------------===//

namespace {

hal::CompiledCodeCache::Key halKey(const std::string &code) {
  return {"ptx->cubin", code.data(), code.size(), "sm_90", "12080"};
}

} // namespace

TEST_F(KernelCacheTest, HalKernelCacheKeysEntriesLikeTheKernelCache) {
  std::string ptx = "ptx A";
  EXPECT_EQ(HalKernelCache::keyFor(halKey(ptx), "0.1.0").text(),
            key(ptx).text());

  HalKernelCache hook(options(), "0.1.0", "compiling ptx sm_80 for sm_90");
  EXPECT_FALSE(hook.consulted());
  int calls = 0;
  auto compile = [&](std::vector<uint8_t> &out) {
    ++calls;
    out.assign({'c', 'u', 'b', 'i', 'n'});
    return hal::Status();
  };
  std::vector<uint8_t> out;
  ASSERT_TRUE(hook.getOrCompile(halKey(ptx), compile, out).ok());
  EXPECT_TRUE(hook.consulted());
  EXPECT_TRUE(hook.result().isOk());
  EXPECT_EQ(hook.outcome(), KernelCache::Outcome::Compiled);
  EXPECT_EQ(str(out), "cubin");

  // The entry is where the kernel cache itself looks for that key.
  KernelCache cache(options());
  EXPECT_TRUE(fs::exists(cache.entryPath(key(ptx))));
  HalKernelCache again(options(), "0.1.0", "compiling ptx sm_80 for sm_90");
  out.clear();
  ASSERT_TRUE(again.getOrCompile(halKey(ptx), compile, out).ok());
  EXPECT_EQ(again.outcome(), KernelCache::Outcome::Hit);
  EXPECT_EQ(str(out), "cubin");
  EXPECT_EQ(calls, 1);
}

TEST_F(KernelCacheTest, HalKernelCacheSaysWhatFailedToCompile) {
  HalKernelCache hook(options(), "0.1.0", "compiling ptx sm_80 for sm_90");
  std::vector<uint8_t> out;
  hal::Status status = hook.getOrCompile(
      halKey("bad"),
      [](std::vector<uint8_t> &) {
        return hal::Status::error("cuda:0: cuLinkAddData failed: no");
      },
      out);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(),
            "compiling ptx sm_80 for sm_90: cuda:0: cuLinkAddData failed: no");
  EXPECT_TRUE(hook.consulted());
  EXPECT_EQ(hook.result().code(), TGC_STATUS_DEVICE_ERROR);
  EXPECT_EQ(hook.result().message(), status.message());
  EXPECT_FALSE(fs::exists(KernelCache(options()).entryPath(key("bad"))));
}

//===- DiskCacheTest.cpp - the caches against a hostile file system -------===//
//
// Issue 14, F10 and F11: what another user (or a process running as root on
// their behalf) can plant in a cache directory. An entry written without the
// user's secret is a miss, never served; a directory others own or can
// write, or a symlink in its place, is refused with one warning; a planted
// lock symlink is never followed; a FIFO named like an entry or a lock never
// blocks.
//
//===----------------------------------------------------------------------===//

#include "support/DiskCache.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace tgc;
namespace fs = std::filesystem;

namespace {

trust::MacKey keyOf(uint8_t seed) {
  trust::MacKey key;
  key.fill(seed);
  return key;
}

class DiskCacheTest : public testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/tgc-disk-cache-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    dir_ = root_ + "/entries";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  DiskCacheOptions options(uint8_t key = 1) {
    DiskCacheOptions o;
    o.directory = dir_;
    o.name = "test cache";
    o.macKey = keyOf(key);
    o.warn = [this](const std::string &w) { warnings_.push_back(w); };
    return o;
  }

  static DiskCache::CompileFn produce(const std::string &payload,
                                      int *calls = nullptr) {
    return [payload, calls](std::vector<uint8_t> &out) {
      if (calls)
        ++*calls;
      out.assign(payload.begin(), payload.end());
      return Status::ok();
    };
  }

  /// Runs getOrCompile("key") and returns what it produced and how.
  std::string get(DiskCache &cache, DiskCache::Outcome &outcome,
                  const std::string &payload = "good") {
    std::vector<uint8_t> out;
    Status status = cache.getOrCompile("key", produce(payload), out, &outcome);
    EXPECT_TRUE(status.isOk()) << status.message();
    return std::string(out.begin(), out.end());
  }

  /// Runs `body` in a child process that must finish within `seconds`: a
  /// blocking open would otherwise hang the test run.
  static bool finishesWithin(int seconds, const std::function<bool()> &body) {
    pid_t child = ::fork();
    if (child == 0) {
      ::alarm(unsigned(seconds));
      ::_exit(body() ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  std::string root_, dir_;
  std::vector<std::string> warnings_;
};

} // namespace

TEST_F(DiskCacheTest, NewDirectoriesArePrivate) {
  DiskCache cache(options());
  DiskCache::Outcome outcome;
  EXPECT_EQ(get(cache, outcome), "good");
  EXPECT_EQ(outcome, DiskCache::Outcome::Compiled);
  struct stat st;
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(cache.entryPath("key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(warnings_.empty());
}

// An entry whose MAC was made with another secret (another user, or an
// attacker who recomputed every checksum) is a miss and is replaced.
TEST_F(DiskCacheTest, EntriesWrittenWithoutTheSecretAreMisses) {
  {
    DiskCache attacker(options(/*key=*/2));
    DiskCache::Outcome outcome;
    EXPECT_EQ(get(attacker, outcome, "foreign code"), "foreign code");
  }
  DiskCache cache(options(/*key=*/1));
  std::vector<uint8_t> out;
  EXPECT_FALSE(cache.lookup("key", out));
  DiskCache::Outcome outcome;
  EXPECT_EQ(get(cache, outcome), "good");
  EXPECT_EQ(outcome, DiskCache::Outcome::Compiled);
  EXPECT_EQ(get(cache, outcome), "good");
  EXPECT_EQ(outcome, DiskCache::Outcome::Hit);
}

// One user's entry copied under another key's name: the stored key text
// does not match, so it is a miss (an alias cannot be pointed elsewhere by
// moving files around).
TEST_F(DiskCacheTest, EntriesCannotBeMovedToAnotherKey) {
  DiskCache cache(options());
  std::vector<uint8_t> out;
  ASSERT_TRUE(cache.store("model B", {'B'}));
  fs::copy_file(cache.entryPath("model B"), cache.entryPath("model A"));
  EXPECT_FALSE(cache.lookup("model A", out));
  EXPECT_TRUE(cache.lookup("model B", out));
}

TEST_F(DiskCacheTest, DirectoriesOthersCanWriteAreRefused) {
  for (mode_t mode : {0777, 01777, 0770, 0702}) {
    warnings_.clear();
    fs::remove_all(dir_);
    ASSERT_EQ(::mkdir(dir_.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(dir_.c_str(), mode), 0);
    DiskCache cache(options());
    DiskCache::Outcome outcome;
    EXPECT_EQ(get(cache, outcome), "good");
    EXPECT_EQ(outcome, DiskCache::Outcome::Uncached) << std::oct << mode;
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_NE(warnings_[0].find("test cache directory '" + dir_ +
                                "' is writable by other users"),
              std::string::npos)
        << warnings_[0];
    EXPECT_NE(warnings_[0].find("chmod 700"), std::string::npos);
    EXPECT_TRUE(fs::is_empty(dir_));
  }
}

TEST_F(DiskCacheTest, DirectoriesOfAnotherUserAreRefused) {
  std::string theirs = dir_;
  if (::geteuid() == 0) {
    ASSERT_EQ(::mkdir(theirs.c_str(), 0700), 0);
    ASSERT_EQ(::chown(theirs.c_str(), 65534, 65534), 0);
  } else {
    theirs = "/"; // root's
  }
  DiskCacheOptions o = options();
  o.directory = theirs;
  DiskCache cache(o);
  DiskCache::Outcome outcome;
  EXPECT_EQ(get(cache, outcome), "good");
  EXPECT_EQ(outcome, DiskCache::Outcome::Uncached);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("belongs to another user"), std::string::npos)
      << warnings_[0];
}

// A symlink where the directory should be (into another user's directory)
// is refused, not followed.
TEST_F(DiskCacheTest, ASymlinkInPlaceOfTheDirectoryIsRefused) {
  std::string elsewhere = root_ + "/elsewhere";
  ASSERT_EQ(::mkdir(elsewhere.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(elsewhere.c_str(), dir_.c_str()), 0);
  DiskCache cache(options());
  DiskCache::Outcome outcome;
  EXPECT_EQ(get(cache, outcome), "good");
  EXPECT_EQ(outcome, DiskCache::Outcome::Uncached);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("is a symbolic link"), std::string::npos)
      << warnings_[0];
  EXPECT_TRUE(fs::is_empty(elsewhere));
}

// A `<digest>.lock` symlink planted in the directory would make a process
// (possibly root) create or truncate its target: it is never followed.
TEST_F(DiskCacheTest, APlantedLockSymlinkIsNotFollowed) {
  ASSERT_EQ(::mkdir(dir_.c_str(), 0700), 0);
  DiskCache cache(options());
  std::string entry = cache.entryPath("key");
  std::string lock = entry.substr(0, entry.size() - 5) + ".lock";
  std::string target = root_ + "/victim";
  ASSERT_EQ(::symlink(target.c_str(), lock.c_str()), 0);
  DiskCache::Outcome outcome;
  EXPECT_EQ(get(cache, outcome), "good");
  EXPECT_EQ(outcome, DiskCache::Outcome::Uncached);
  EXPECT_FALSE(fs::exists(target));
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("symbolic link"), std::string::npos)
      << warnings_[0];
}

// F11: a FIFO named like an entry blocked open() forever; it is skipped (and
// replaced when the entry is published). A FIFO lock file degrades to no
// cache.
TEST_F(DiskCacheTest, FifosNeverBlock) {
  ASSERT_EQ(::mkdir(dir_.c_str(), 0700), 0);
  std::string entry = DiskCache(options()).entryPath("key");
  ASSERT_EQ(::mkfifo(entry.c_str(), 0600), 0);
  EXPECT_TRUE(finishesWithin(20, [&] {
    DiskCache cache(options());
    std::vector<uint8_t> out;
    if (cache.lookup("key", out))
      return false;
    DiskCache::Outcome outcome;
    return get(cache, outcome) == "good" &&
           outcome == DiskCache::Outcome::Compiled;
  }));
  std::string lock = entry.substr(0, entry.size() - 5) + ".lock";
  fs::remove(entry);
  fs::remove(lock);
  ASSERT_EQ(::mkfifo(lock.c_str(), 0600), 0);
  EXPECT_TRUE(finishesWithin(20, [&] {
    DiskCache cache(options());
    DiskCache::Outcome outcome;
    return get(cache, outcome) == "good" &&
           outcome == DiskCache::Outcome::Uncached;
  }));
}

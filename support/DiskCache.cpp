//===- DiskCache.cpp - a crash- and race-safe on-disk byte cache ----------===//

#include "support/DiskCache.h"

#include "support/SafeFiles.h"
#include "support/Trust.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <mutex>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace tgc;

namespace {

constexpr char kEntryMagic[8] = {'T', 'G', 'C', 'K', 'C', 'A', 'C', 'H'};
/// 2: the xxh64 checksum became a keyed MAC.
constexpr uint32_t kEntryVersion = 2;
constexpr size_t kMacSize = 32;
constexpr size_t kEntryHeaderSize = 24 + kMacSize;
constexpr const char *kEntrySuffix = ".tgck";
constexpr const char *kLockSuffix = ".lock";
constexpr const char *kTempPrefix = ".tmp-";
/// What the MAC covers besides the key text and the payload.
constexpr char kMacDomain[] = "tgc cache entry v2";
/// Temporary files older than this were left by a process that died while
/// publishing.
constexpr time_t kStaleTempSeconds = 3600;

void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
uint32_t get32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= uint32_t(p[i]) << (8 * i);
  return v;
}
uint64_t get64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)v);
  return buf;
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Reads an open regular file whole, refusing more than `maxBytes`.
bool readAll(int fd, uint64_t maxBytes, std::vector<uint8_t> &out) {
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      uint64_t(st.st_size) > maxBytes)
    return false;
  out.resize(size_t(st.st_size));
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += size_t(n);
  }
  return true;
}

/// One warning per cache name and process: an application that loads many
/// models with a read-only cache should not print one per model.
void warnOncePerProcess(const std::string &cacheName,
                        const std::string &message) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!warned.insert(cacheName).second)
      return;
  }
  std::fprintf(stderr, "tgc: warning: %s; continuing without it\n",
               message.c_str());
}

/// An exclusive flock held for the lifetime of the object, on a lock file
/// opened relative to the checked directory: never through a symlink
/// (O_NOFOLLOW), never blocking on a FIFO (O_NONBLOCK), only a regular file.
class FileLock {
public:
  FileLock(int dirFd, const std::string &name) {
    fd_ =
        ::openat(dirFd, name.c_str(),
                 O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      error_ = errno == ELOOP ? "it is a symbolic link" : std::strerror(errno);
      return;
    }
    struct stat st;
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      error_ = "it is not a regular file";
      ::close(fd_);
      fd_ = -1;
      return;
    }
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        error_ = std::strerror(errno);
        ::close(fd_);
        fd_ = -1;
        return;
      }
    }
  }
  ~FileLock() {
    if (fd_ >= 0)
      ::close(fd_); // releases the lock
  }
  bool held() const { return fd_ >= 0; }
  const std::string &error() const { return error_; }

private:
  int fd_ = -1;
  std::string error_;
};

std::string lockNameFor(const std::string &entryName) {
  std::string lock = entryName;
  lock.replace(lock.size() - std::strlen(kEntrySuffix), std::string::npos,
               kLockSuffix);
  return lock;
}

} // namespace

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::string tgc::defaultCacheRoot() {
  return userDirectory("TGC_CACHE_DIR", "XDG_CACHE_HOME", ".cache");
}

bool tgc::parseByteSize(const std::string &text, uint64_t &bytes) {
  if (text.empty() || text[0] < '0' || text[0] > '9')
    return false;
  char *end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0)
    return false;
  std::string suffix(end);
  if (!suffix.empty() && (suffix[0] == 'k' || suffix[0] == 'm' ||
                          suffix[0] == 'g' || suffix[0] == 't'))
    suffix[0] = char(suffix[0] - 'a' + 'A');
  unsigned shift = 0;
  if (suffix.empty() || suffix == "B")
    shift = 0;
  else if (suffix == "K" || suffix == "KB" || suffix == "KiB")
    shift = 10;
  else if (suffix == "M" || suffix == "MB" || suffix == "MiB")
    shift = 20;
  else if (suffix == "G" || suffix == "GB" || suffix == "GiB")
    shift = 30;
  else if (suffix == "T" || suffix == "TB" || suffix == "TiB")
    shift = 40;
  else
    return false;
  if (shift && value > (UINT64_MAX >> shift))
    return false;
  bytes = uint64_t(value) << shift;
  return true;
}

std::string tgc::formatByteSize(uint64_t bytes) {
  static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = double(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0)
    std::snprintf(buf, sizeof(buf), "%llu B", (unsigned long long)bytes);
  else
    std::snprintf(buf, sizeof(buf), "%.1f %s", value, units[unit]);
  return buf;
}

//===----------------------------------------------------------------------===//
// DiskCache
//===----------------------------------------------------------------------===//

const char *DiskCache::outcomeName(Outcome outcome) {
  switch (outcome) {
  case Outcome::Disabled:
    return "disabled";
  case Outcome::Hit:
    return "hit";
  case Outcome::Compiled:
    return "miss, compiled and stored";
  case Outcome::Uncached:
    return "unavailable";
  }
  return "?";
}

DiskCache::DiskCache(DiskCacheOptions options) : options_(std::move(options)) {
  if (options_.directory.empty())
    options_.enabled = false;
}

DiskCache::~DiskCache() = default;

void DiskCache::warn(const std::string &message) {
  if (options_.warn)
    options_.warn(message);
  else
    warnOncePerProcess(options_.name, message);
}

std::string DiskCache::entryName(const std::string &keyText) {
  XXH128_hash_t hash = XXH3_128bits(keyText.data(), keyText.size());
  return hex64(hash.high64) + hex64(hash.low64) + kEntrySuffix;
}

std::string DiskCache::entryPath(const std::string &keyText) const {
  return options_.directory + "/" + entryName(keyText);
}

Status DiskCache::openDirectory() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (opened_)
    return openStatus_;
  opened_ = true;
  openStatus_ =
      PrivateDirectory::open(options_.directory, /*create=*/true,
                             options_.name + " directory", directory_);
  if (openStatus_) {
    if (options_.macKey)
      macKey_ = *options_.macKey;
    else
      openStatus_ = trust::loadCacheKey(macKey_).withContext(
          "the " + options_.name + " cannot authenticate its entries");
  }
  return openStatus_;
}

bool DiskCache::ensureDirectory() {
  bool first;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    first = !opened_;
  }
  Status status = openDirectory();
  if (!status && first)
    warn(status.message());
  return status.isOk();
}

bool DiskCache::readEntry(const std::string &name, const std::string &keyText,
                          std::vector<uint8_t> &out) {
  std::string error;
  int fd = openRegularFileAt(directory_.fd(), name, error);
  if (fd < 0)
    return false; // absent, or not a regular file: a miss either way
  std::vector<uint8_t> bytes;
  // No valid entry is larger than the cache may hold.
  uint64_t limit = options_.maxBytes + kEntryHeaderSize + keyText.size();
  bool read = readAll(fd, limit, bytes);
  auto discard = [&] {
    ::close(fd);
    ::unlinkat(directory_.fd(), name.c_str(), 0); // rebuilt by the caller
    return false;
  };
  if (!read || bytes.size() < kEntryHeaderSize ||
      std::memcmp(bytes.data(), kEntryMagic, sizeof(kEntryMagic)) != 0 ||
      get32(&bytes[8]) != kEntryVersion)
    return discard();
  uint64_t keySize = get32(&bytes[12]);
  uint64_t payloadSize = get64(&bytes[16]);
  uint64_t available = bytes.size() - kEntryHeaderSize;
  if (keySize > available || payloadSize != available - keySize)
    return discard();
  const uint8_t *key = &bytes[kEntryHeaderSize];
  const uint8_t *payload = key + keySize;
  // Only the holder of the secret can make a MAC that verifies: an entry
  // written by anyone else (or damaged) is a miss, never used.
  std::array<uint8_t, kMacSize> mac =
      trust::mac(macKey_, {{kMacDomain, sizeof(kMacDomain)},
                           {key, keySize},
                           {payload, payloadSize}});
  if (!trust::equalSecrets(mac.data(), &bytes[24], kMacSize))
    return discard();
  if (keySize != keyText.size() ||
      std::memcmp(key, keyText.data(), keySize) != 0) {
    // A valid entry for another key with the same file name: a miss; ours
    // replaces it.
    ::close(fd);
    return false;
  }
  // Least-recently-used eviction goes by mtime, so a hit refreshes it. A
  // read-only cache cannot, which only makes eviction less precise.
  ::futimens(fd, nullptr);
  ::close(fd);
  out.assign(payload, payload + payloadSize);
  return true;
}

bool DiskCache::publish(const std::string &name, const std::string &keyText,
                        const std::vector<uint8_t> &payload) {
  std::vector<uint8_t> entry(kEntryHeaderSize);
  std::memcpy(entry.data(), kEntryMagic, sizeof(kEntryMagic));
  put32(&entry[8], kEntryVersion);
  put32(&entry[12], uint32_t(keyText.size()));
  put64(&entry[16], payload.size());
  std::array<uint8_t, kMacSize> mac =
      trust::mac(macKey_, {{kMacDomain, sizeof(kMacDomain)},
                           {keyText.data(), keyText.size()},
                           {payload.data(), payload.size()}});
  std::memcpy(&entry[24], mac.data(), kMacSize);
  entry.insert(entry.end(), keyText.begin(), keyText.end());
  entry.insert(entry.end(), payload.begin(), payload.end());
  // fsync before rename (writeFileAt): otherwise a crash can leave a
  // renamed but empty entry (the MAC would catch it, but then every start
  // recompiles).
  Status status =
      writeFileAt(directory_.fd(), name, entry.data(), entry.size(), 0600);
  if (!status) {
    std::string reason = status.message();
    size_t colon = reason.rfind(": ");
    warn("cannot write " + options_.name + " entry in '" + options_.directory +
         "' (" +
         (colon == std::string::npos ? reason : reason.substr(colon + 2)) +
         ")");
    return false;
  }
  return true;
}

namespace {
struct DirectoryEntry {
  std::string name;
  uint64_t size;
  struct timespec mtime;
};

/// The entries of a cache directory (regular files only, never through a
/// symlink); removes stale temporary files on the way when
/// `removeStaleTemps`.
std::vector<DirectoryEntry> listEntries(int dirFd, bool removeStaleTemps) {
  std::vector<DirectoryEntry> entries;
  int fd = ::dup(dirFd);
  if (fd < 0)
    return entries;
  DIR *dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    return entries;
  }
  ::rewinddir(dir);
  time_t now = ::time(nullptr);
  while (const struct dirent *d = ::readdir(dir)) {
    std::string name = d->d_name;
    struct stat st;
    if (::fstatat(dirFd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(st.st_mode))
      continue;
    if (name.rfind(kTempPrefix, 0) == 0) {
      if (removeStaleTemps && now - st.st_mtime > kStaleTempSeconds)
        ::unlinkat(dirFd, name.c_str(), 0);
      continue;
    }
    if (endsWith(name, kEntrySuffix))
      entries.push_back({name, uint64_t(st.st_size), st.st_mtim});
  }
  ::closedir(dir);
  return entries;
}
} // namespace

void DiskCache::evict() {
  if (!openDirectory())
    return;
  std::vector<DirectoryEntry> entries =
      listEntries(directory_.fd(), /*removeStaleTemps=*/true);
  uint64_t total = 0;
  for (const DirectoryEntry &entry : entries)
    total += entry.size;
  if (total <= options_.maxBytes)
    return;
  std::sort(entries.begin(), entries.end(),
            [](const DirectoryEntry &a, const DirectoryEntry &b) {
              if (a.mtime.tv_sec != b.mtime.tv_sec)
                return a.mtime.tv_sec < b.mtime.tv_sec;
              if (a.mtime.tv_nsec != b.mtime.tv_nsec)
                return a.mtime.tv_nsec < b.mtime.tv_nsec;
              return a.name < b.name;
            });
  for (const DirectoryEntry &entry : entries) {
    if (total <= options_.maxBytes)
      break;
    if (::unlinkat(directory_.fd(), entry.name.c_str(), 0) == 0 ||
        errno == ENOENT)
      total -= entry.size;
    // The lock file goes too so the directory does not fill with them. A
    // process holding the old lock and one creating a new one may then both
    // compile; the rename keeps that harmless.
    ::unlinkat(directory_.fd(), lockNameFor(entry.name).c_str(), 0);
  }
}

/// Whether `path` exists: inspecting a cache must not create it.
static bool exists(const std::string &path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

DiskCache::Usage DiskCache::usage() {
  Usage usage;
  if (!exists(options_.directory) || !openDirectory())
    return usage;
  for (const DirectoryEntry &entry :
       listEntries(directory_.fd(), /*removeStaleTemps=*/false)) {
    ++usage.entries;
    usage.bytes += entry.size;
  }
  return usage;
}

DiskCache::Usage DiskCache::clear() {
  Usage removed;
  if (!exists(options_.directory) || !openDirectory())
    return removed;
  int fd = ::dup(directory_.fd());
  DIR *dir = fd >= 0 ? ::fdopendir(fd) : nullptr;
  if (!dir) {
    if (fd >= 0)
      ::close(fd);
    return removed;
  }
  ::rewinddir(dir);
  while (const struct dirent *d = ::readdir(dir)) {
    std::string name = d->d_name;
    bool entry = endsWith(name, kEntrySuffix);
    if (!entry && !endsWith(name, kLockSuffix) &&
        name.rfind(kTempPrefix, 0) != 0)
      continue;
    struct stat st;
    if (::fstatat(directory_.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) !=
            0 ||
        !S_ISREG(st.st_mode))
      continue;
    if (::unlinkat(directory_.fd(), name.c_str(), 0) == 0 && entry) {
      ++removed.entries;
      removed.bytes += uint64_t(st.st_size);
    }
  }
  ::closedir(dir);
  return removed;
}

void DiskCache::remove(const std::string &keyText) {
  if (openDirectory())
    ::unlinkat(directory_.fd(), entryName(keyText).c_str(), 0);
}

bool DiskCache::lookup(const std::string &keyText, std::vector<uint8_t> &out) {
  return options_.enabled && ensureDirectory() &&
         readEntry(entryName(keyText), keyText, out);
}

bool DiskCache::store(const std::string &keyText,
                      const std::vector<uint8_t> &payload) {
  if (!options_.enabled || !ensureDirectory() ||
      !publish(entryName(keyText), keyText, payload))
    return false;
  evict();
  return true;
}

Status DiskCache::getOrCompile(const std::string &keyText,
                               const CompileFn &compile,
                               std::vector<uint8_t> &out, Outcome *outcome) {
  Outcome dummy;
  Outcome &result = outcome ? *outcome : dummy;
  auto compileOnly = [&](Outcome why) {
    result = why;
    return compile(out);
  };
  if (!options_.enabled)
    return compileOnly(Outcome::Disabled);
  if (!ensureDirectory())
    return compileOnly(Outcome::Uncached);

  std::string name = entryName(keyText);
  if (readEntry(name, keyText, out)) {
    result = Outcome::Hit;
    return Status::ok();
  }

  FileLock lock(directory_.fd(), lockNameFor(name));
  if (!lock.held()) {
    warn("cannot lock " + options_.name + " entry '" +
         directory_.pathOf(lockNameFor(name)) + "' (" + lock.error() + ")");
    return compileOnly(Outcome::Uncached);
  }
  // Whoever held the lock before us may have published it meanwhile.
  if (readEntry(name, keyText, out)) {
    result = Outcome::Hit;
    return Status::ok();
  }
  TGC_RETURN_IF_ERROR(compile(out));
  if (!publish(name, keyText, out)) {
    result = Outcome::Uncached;
    return Status::ok();
  }
  result = Outcome::Compiled;
  evict();
  return Status::ok();
}

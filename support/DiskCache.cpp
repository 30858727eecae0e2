//===- DiskCache.cpp - a crash- and race-safe on-disk byte cache ----------===//

#include "support/DiskCache.h"

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
#include <pwd.h>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace tgc;

namespace {

constexpr char kEntryMagic[8] = {'T', 'G', 'C', 'K', 'C', 'A', 'C', 'H'};
constexpr uint32_t kEntryVersion = 1;
constexpr size_t kEntryHeaderSize = 32;
constexpr const char *kEntrySuffix = ".tgck";
constexpr const char *kLockSuffix = ".lock";
constexpr const char *kTempPrefix = ".tmp-";
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

bool writeAll(int fd, const uint8_t *data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data += n;
    size -= size_t(n);
  }
  return true;
}

bool readAll(int fd, std::vector<uint8_t> &out) {
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
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

/// mkdir -p; new directories get mode 0700 (the cache may hold code other
/// users should not be able to replace).
bool makeDirectories(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0)
    return S_ISDIR(st.st_mode);
  size_t slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0 &&
      !makeDirectories(path.substr(0, slash)))
    return false;
  return ::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST;
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

/// An exclusive flock held for the lifetime of the object.
class FileLock {
public:
  explicit FileLock(const std::string &path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
      return;
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
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

private:
  int fd_ = -1;
};

std::string lockPathFor(const std::string &entryPath) {
  std::string lock = entryPath;
  lock.replace(lock.size() - std::strlen(kEntrySuffix), std::string::npos,
               kLockSuffix);
  return lock;
}

} // namespace

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::string tgc::defaultCacheRoot() {
  auto env = [](const char *name) -> std::string {
    const char *value = std::getenv(name);
    return value ? value : "";
  };
  std::string base = env("TGC_CACHE_DIR");
  if (!base.empty())
    return base;
  // The XDG spec says relative paths are invalid and must be ignored.
  std::string xdg = env("XDG_CACHE_HOME");
  if (!xdg.empty() && xdg[0] == '/')
    return xdg + "/tgc";
  std::string home = env("HOME");
  if (home.empty())
    if (const struct passwd *pw = ::getpwuid(::getuid()))
      home = pw->pw_dir ? pw->pw_dir : "";
  return home.empty() ? "" : home + "/.cache/tgc";
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

void DiskCache::warn(const std::string &message) {
  if (options_.warn)
    options_.warn(message);
  else
    warnOncePerProcess(options_.name, message);
}

std::string DiskCache::entryPath(const std::string &keyText) const {
  XXH128_hash_t hash = XXH3_128bits(keyText.data(), keyText.size());
  return options_.directory + "/" + hex64(hash.high64) + hex64(hash.low64) +
         kEntrySuffix;
}

bool DiskCache::ensureDirectory() {
  if (makeDirectories(options_.directory))
    return true;
  warn(options_.name + " directory '" + options_.directory +
       "' cannot be created (" + std::strerror(errno) + ")");
  return false;
}

bool DiskCache::readEntry(const std::string &path, const std::string &keyText,
                          std::vector<uint8_t> &out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  std::vector<uint8_t> bytes;
  bool read = readAll(fd, bytes);
  auto discard = [&] {
    ::close(fd);
    ::unlink(path.c_str()); // rebuilt and rewritten by the caller
    return false;
  };
  if (!read || bytes.size() < kEntryHeaderSize ||
      std::memcmp(bytes.data(), kEntryMagic, sizeof(kEntryMagic)) != 0 ||
      get32(&bytes[8]) != kEntryVersion)
    return discard();
  uint64_t keySize = get32(&bytes[12]);
  uint64_t payloadSize = get64(&bytes[16]);
  uint64_t checksum = get64(&bytes[24]);
  uint64_t available = bytes.size() - kEntryHeaderSize;
  if (keySize > available || payloadSize != available - keySize)
    return discard();
  const uint8_t *key = &bytes[kEntryHeaderSize];
  const uint8_t *payload = key + keySize;
  if (XXH64(payload, payloadSize, 0) != checksum)
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

bool DiskCache::publish(const std::string &path, const std::string &keyText,
                        const std::vector<uint8_t> &payload) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  std::string temp = options_.directory + "/" + kTempPrefix + name + ".XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    warn(options_.name + " directory '" + options_.directory +
         "' is not writable (" + std::strerror(errno) + ")");
    return false;
  }
  uint8_t header[kEntryHeaderSize];
  std::memcpy(header, kEntryMagic, sizeof(kEntryMagic));
  put32(header + 8, kEntryVersion);
  put32(header + 12, uint32_t(keyText.size()));
  put64(header + 16, payload.size());
  put64(header + 24, XXH64(payload.data(), payload.size(), 0));
  // fsync before rename: otherwise a crash can leave a renamed but empty
  // entry (the checksum would catch it, but then every start recompiles).
  bool ok = writeAll(fd, header, sizeof(header)) &&
            writeAll(fd, reinterpret_cast<const uint8_t *>(keyText.data()),
                     keyText.size()) &&
            writeAll(fd, payload.data(), payload.size()) && ::fsync(fd) == 0;
  int err = errno;
  ok = (::close(fd) == 0) && ok;
  if (ok && ::rename(temp.c_str(), path.c_str()) != 0) {
    err = errno;
    ok = false;
  }
  if (!ok) {
    ::unlink(temp.c_str());
    warn("cannot write " + options_.name + " entry in '" + options_.directory +
         "' (" + std::strerror(err) + ")");
    return false;
  }
  int dirFd = ::open(options_.directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (dirFd >= 0) {
    ::fsync(dirFd);
    ::close(dirFd);
  }
  return true;
}

namespace {
struct DirectoryEntry {
  std::string path;
  uint64_t size;
  struct timespec mtime;
};

/// The entries of a cache directory; removes stale temporary files on the
/// way when `removeStaleTemps`.
std::vector<DirectoryEntry> listEntries(const std::string &directory,
                                        bool removeStaleTemps) {
  std::vector<DirectoryEntry> entries;
  DIR *dir = ::opendir(directory.c_str());
  if (!dir)
    return entries;
  time_t now = ::time(nullptr);
  while (const struct dirent *d = ::readdir(dir)) {
    std::string name = d->d_name;
    std::string path = directory + "/" + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    if (name.rfind(kTempPrefix, 0) == 0) {
      if (removeStaleTemps && now - st.st_mtime > kStaleTempSeconds)
        ::unlink(path.c_str());
      continue;
    }
    if (endsWith(name, kEntrySuffix))
      entries.push_back({path, uint64_t(st.st_size), st.st_mtim});
  }
  ::closedir(dir);
  return entries;
}
} // namespace

void DiskCache::evict() {
  std::vector<DirectoryEntry> entries =
      listEntries(options_.directory, /*removeStaleTemps=*/true);
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
              return a.path < b.path;
            });
  for (const DirectoryEntry &entry : entries) {
    if (total <= options_.maxBytes)
      break;
    if (::unlink(entry.path.c_str()) == 0 || errno == ENOENT)
      total -= entry.size;
    // The lock file goes too so the directory does not fill with them. A
    // process holding the old lock and one creating a new one may then both
    // compile; the rename keeps that harmless.
    ::unlink(lockPathFor(entry.path).c_str());
  }
}

DiskCache::Usage DiskCache::usage() const {
  Usage usage;
  for (const DirectoryEntry &entry :
       listEntries(options_.directory, /*removeStaleTemps=*/false)) {
    ++usage.entries;
    usage.bytes += entry.size;
  }
  return usage;
}

DiskCache::Usage DiskCache::clear() {
  Usage removed;
  DIR *dir = ::opendir(options_.directory.c_str());
  if (!dir)
    return removed;
  while (const struct dirent *d = ::readdir(dir)) {
    std::string name = d->d_name;
    bool entry = endsWith(name, kEntrySuffix);
    if (!entry && !endsWith(name, kLockSuffix) &&
        name.rfind(kTempPrefix, 0) != 0)
      continue;
    std::string path = options_.directory + "/" + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    if (::unlink(path.c_str()) == 0 && entry) {
      ++removed.entries;
      removed.bytes += uint64_t(st.st_size);
    }
  }
  ::closedir(dir);
  return removed;
}

bool DiskCache::lookup(const std::string &keyText, std::vector<uint8_t> &out) {
  return options_.enabled && readEntry(entryPath(keyText), keyText, out);
}

bool DiskCache::store(const std::string &keyText,
                      const std::vector<uint8_t> &payload) {
  if (!options_.enabled || !ensureDirectory() ||
      !publish(entryPath(keyText), keyText, payload))
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

  std::string path = entryPath(keyText);
  if (readEntry(path, keyText, out)) {
    result = Outcome::Hit;
    return Status::ok();
  }

  FileLock lock(lockPathFor(path));
  if (!lock.held()) {
    warn(options_.name + " directory '" + options_.directory +
         "' is not writable (" + std::strerror(errno) + ")");
    return compileOnly(Outcome::Uncached);
  }
  // Whoever held the lock before us may have published it meanwhile.
  if (readEntry(path, keyText, out)) {
    result = Outcome::Hit;
    return Status::ok();
  }
  TGC_RETURN_IF_ERROR(compile(out));
  if (!publish(path, keyText, out)) {
    result = Outcome::Uncached;
    return Status::ok();
  }
  result = Outcome::Compiled;
  evict();
  return Status::ok();
}

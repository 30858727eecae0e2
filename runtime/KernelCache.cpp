//===- KernelCache.cpp - on-disk cache of driver-compiled kernels ---------===//

#include "KernelCache.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace tgc;
using namespace tgc::rt;

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

std::atomic<bool> warnedOnce{false};

void warnOncePerProcess(const std::string &message) {
  if (!warnedOnce.exchange(true))
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

} // namespace

//===----------------------------------------------------------------------===//
// Options and keys
//===----------------------------------------------------------------------===//

KernelCacheOptions KernelCacheOptions::fromEnvironment(const char *directory) {
  KernelCacheOptions options;
  auto env = [](const char *name) -> std::string {
    const char *value = std::getenv(name);
    return value ? value : "";
  };
  std::string enabled = env("TGC_KERNEL_CACHE");
  if (enabled == "0" || enabled == "off" || enabled == "false")
    options.enabled = false;
  std::string maxBytes = env("TGC_KERNEL_CACHE_MAX_BYTES");
  if (!maxBytes.empty()) {
    char *end = nullptr;
    errno = 0;
    unsigned long long value = std::strtoull(maxBytes.c_str(), &end, 10);
    if (errno == 0 && end && *end == '\0' && maxBytes[0] != '-')
      options.maxBytes = value;
    else
      warnOncePerProcess("TGC_KERNEL_CACHE_MAX_BYTES='" + maxBytes +
                         "' is not a byte count; using the default limit");
  }
  if (directory && *directory) {
    options.directory = directory;
    return options;
  }
  std::string base = env("TGC_CACHE_DIR");
  if (base.empty()) {
    std::string xdg = env("XDG_CACHE_HOME");
    if (!xdg.empty() && xdg[0] == '/') {
      base = xdg + "/tgc";
    } else {
      std::string home = env("HOME");
      if (home.empty())
        if (const struct passwd *pw = ::getpwuid(::getuid()))
          home = pw->pw_dir ? pw->pw_dir : "";
      if (!home.empty())
        base = home + "/.cache/tgc";
    }
  }
  if (base.empty())
    options.enabled = false; // nowhere to put it
  else
    options.directory = base + "/kernels";
  return options;
}

KernelCacheKey KernelCacheKey::forCode(const void *code, size_t size) {
  KernelCacheKey key;
  key.codeHash = XXH64(code, size, 0);
  key.codeSize = size;
  return key;
}

std::string KernelCacheKey::text() const {
  return "tgc kernel cache v1\ncode=" + hex64(codeHash) + ":" +
         std::to_string(codeSize) + "\narch=" + arch +
         "\ndriver=" + driverVersion + "\ntgc=" + tgcVersion +
         "\nkind=" + kind + "\n";
}

//===----------------------------------------------------------------------===//
// KernelCache
//===----------------------------------------------------------------------===//

const char *KernelCache::outcomeName(Outcome outcome) {
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

KernelCache::KernelCache(KernelCacheOptions options)
    : options_(std::move(options)) {
  if (options_.directory.empty())
    options_.enabled = false;
}

void KernelCache::warn(const std::string &message) {
  if (options_.warn)
    options_.warn(message);
  else
    warnOncePerProcess(message);
}

std::string KernelCache::entryPath(const KernelCacheKey &key) const {
  std::string text = key.text();
  XXH128_hash_t hash = XXH3_128bits(text.data(), text.size());
  return options_.directory + "/" + hex64(hash.high64) + hex64(hash.low64) +
         kEntrySuffix;
}

bool KernelCache::ensureDirectory() {
  if (makeDirectories(options_.directory))
    return true;
  warn("kernel cache directory '" + options_.directory +
       "' cannot be created (" + std::strerror(errno) + ")");
  return false;
}

bool KernelCache::readEntry(const std::string &path, const std::string &keyText,
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

bool KernelCache::publish(const std::string &path, const std::string &keyText,
                          const std::vector<uint8_t> &payload) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  std::string temp = options_.directory + "/" + kTempPrefix + name + ".XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    warn("kernel cache directory '" + options_.directory +
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
    warn("cannot write kernel cache entry in '" + options_.directory + "' (" +
         std::strerror(err) + ")");
    return false;
  }
  int dirFd = ::open(options_.directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (dirFd >= 0) {
    ::fsync(dirFd);
    ::close(dirFd);
  }
  return true;
}

void KernelCache::evict() {
  DIR *dir = ::opendir(options_.directory.c_str());
  if (!dir)
    return;
  struct Entry {
    std::string path;
    uint64_t size;
    struct timespec mtime;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  time_t now = ::time(nullptr);
  while (const struct dirent *d = ::readdir(dir)) {
    std::string name = d->d_name;
    std::string path = options_.directory + "/" + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    if (name.rfind(kTempPrefix, 0) == 0) {
      if (now - st.st_mtime > kStaleTempSeconds)
        ::unlink(path.c_str());
      continue;
    }
    if (!endsWith(name, kEntrySuffix))
      continue;
    entries.push_back({path, uint64_t(st.st_size), st.st_mtim});
    total += uint64_t(st.st_size);
  }
  ::closedir(dir);
  if (total <= options_.maxBytes)
    return;
  std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
    if (a.mtime.tv_sec != b.mtime.tv_sec)
      return a.mtime.tv_sec < b.mtime.tv_sec;
    if (a.mtime.tv_nsec != b.mtime.tv_nsec)
      return a.mtime.tv_nsec < b.mtime.tv_nsec;
    return a.path < b.path;
  });
  for (const Entry &entry : entries) {
    if (total <= options_.maxBytes)
      break;
    if (::unlink(entry.path.c_str()) == 0 || errno == ENOENT)
      total -= entry.size;
    // The lock file goes too so the directory does not fill with them. A
    // process holding the old lock and one creating a new one may then both
    // compile; the rename keeps that harmless.
    std::string lock = entry.path;
    lock.replace(lock.size() - std::strlen(kEntrySuffix), std::string::npos,
                 kLockSuffix);
    ::unlink(lock.c_str());
  }
}

Status KernelCache::getOrCompile(const KernelCacheKey &key,
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

  std::string path = entryPath(key);
  std::string keyText = key.text();
  if (readEntry(path, keyText, out)) {
    result = Outcome::Hit;
    return Status::ok();
  }

  std::string lockPath = path;
  lockPath.replace(lockPath.size() - std::strlen(kEntrySuffix),
                   std::string::npos, kLockSuffix);
  FileLock lock(lockPath);
  if (!lock.held()) {
    warn("kernel cache directory '" + options_.directory +
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

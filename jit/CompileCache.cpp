//===- CompileCache.cpp - the JIT's persistent cache of bundles -----------===//

#include "jit/CompileCache.h"

#include "compiler/targets/Targets.h"
#include "support/SafeFiles.h"

#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlir;
using namespace tgc;
using namespace tgc::jit;

static std::string hex128(XXH128_hash_t hash) {
  char buf[33];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx",
                (unsigned long long)hash.high64,
                (unsigned long long)hash.low64);
  return buf;
}

//===----------------------------------------------------------------------===//
// Options and the stored limit
//===----------------------------------------------------------------------===//

static constexpr const char *kStoredLimitName = "max-size";

std::string tgc::jit::storedLimitPath(const std::string &directory) {
  return directory + "/" + kStoredLimitName;
}

Status tgc::jit::readStoredLimit(const std::string &directory,
                                 uint64_t &maxBytes) {
  // Read like a cache entry: from the checked directory, never through a
  // symlink or from a FIFO, and a few bytes at most.
  // A directory that cannot be used is the cache's to report, once.
  PrivateDirectory dir;
  Status opened = PrivateDirectory::open(directory, /*create=*/false,
                                         "compile cache directory", dir);
  if (!opened)
    return Status::notFound(opened.message());
  std::vector<uint8_t> bytes;
  TGC_RETURN_IF_ERROR(
      readFileAt(dir.fd(), kStoredLimitName, 64, bytes).withContext(directory));
  std::string text(bytes.begin(), bytes.end());
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  if (!parseByteSize(text, maxBytes))
    return Status::invalidArgument(
        "'" + storedLimitPath(directory) + "' does not hold a size ('" +
        text.substr(0, 32) + "'); set one with tgc --cache-max-size=SIZE");
  return Status::ok();
}

bool tgc::jit::writeStoredLimit(const std::string &directory, uint64_t maxBytes,
                                std::string &error) {
  // The same private directory the cache would create and use.
  PrivateDirectory dir;
  Status status = PrivateDirectory::open(directory, /*create=*/true,
                                         "compile cache directory", dir);
  std::string text = std::to_string(maxBytes) + "\n";
  if (status)
    status =
        writeFileAt(dir.fd(), kStoredLimitName, text.data(), text.size(), 0600)
            .withContext(directory);
  if (!status) {
    error = status.message();
    return false;
  }
  return true;
}

CompileCacheOptions
CompileCacheOptions::fromEnvironment(const std::string &root) {
  CompileCacheOptions options;
  auto env = [](const char *name) -> std::string {
    const char *value = std::getenv(name);
    return value ? value : "";
  };
  std::string enabled = env("TGC_COMPILE_CACHE");
  if (enabled == "0" || enabled == "off" || enabled == "false")
    options.enabled = false;
  std::string base = root.empty() ? defaultCacheRoot() : root;
  if (base.empty()) {
    options.enabled = false; // nowhere to put it
    return options;
  }
  options.directory = base + "/bundles";
  std::string limit = env("TGC_COMPILE_CACHE_MAX_BYTES");
  uint64_t bytes = 0;
  if (!limit.empty() && parseByteSize(limit, bytes)) {
    options.maxBytes = bytes;
    options.maxBytesSource = "TGC_COMPILE_CACHE_MAX_BYTES";
  } else {
    if (!limit.empty())
      std::fprintf(stderr,
                   "tgc: warning: TGC_COMPILE_CACHE_MAX_BYTES='%s' is not a "
                   "size (e.g. 268435456 or 256M); ignoring it\n",
                   limit.c_str());
    Status stored = readStoredLimit(options.directory, bytes);
    if (stored) {
      options.maxBytes = bytes;
      options.maxBytesSource = storedLimitPath(options.directory);
    } else if (stored.code() != TGC_STATUS_NOT_FOUND) {
      // A damaged limit is said once per process, not silently ignored.
      static std::atomic<bool> warned{false};
      if (!warned.exchange(true))
        std::fprintf(stderr,
                     "tgc: warning: %s; using the default compile cache "
                     "limit (%s)\n",
                     stored.message().c_str(),
                     formatByteSize(options.maxBytes).c_str());
    }
  }
  return options;
}

//===----------------------------------------------------------------------===//
// Keys
//===----------------------------------------------------------------------===//

namespace {
/// Feeds everything printed into an XXH3-128 state, so hashing a module with
/// large constants does not need a second copy of it in memory.
class HashingStream : public llvm::raw_ostream {
public:
  HashingStream() {
    state_ = XXH3_createState();
    XXH3_128bits_reset(state_);
    SetUnbuffered();
  }
  ~HashingStream() override { XXH3_freeState(state_); }
  XXH128_hash_t digest() {
    flush();
    return XXH3_128bits_digest(state_);
  }
  uint64_t size() const { return size_; }

private:
  void write_impl(const char *data, size_t size) override {
    XXH3_128bits_update(state_, data, size);
    size_ += size;
  }
  uint64_t current_pos() const override { return size_; }

  XXH3_state_t *state_;
  uint64_t size_ = 0;
};
} // namespace

void tgc::jit::hashCanonicalModule(ModuleOp module, std::string &hash,
                                   uint64_t &size) {
  // Every flag that could drop information is set explicitly: an
  // application may have registered MLIR's printing options (e.g.
  // --mlir-elide-elementsattrs-if-larger), and two models that differ only
  // in an elided constant must not share a key.
  OpPrintingFlags flags;
  flags.printGenericOpForm(true)
      .enableDebugInfo(false)
      .elideLargeElementsAttrs(std::numeric_limits<int64_t>::max())
      .elideLargeResourceString(std::numeric_limits<int64_t>::max())
      .useLocalScope(false)
      .assumeVerified(true);
  HashingStream os;
  module->print(os, flags);
  hash = hex128(os.digest());
  size = os.size();
}

std::string tgc::jit::toolIdentity(const std::vector<Target> &targets) {
  bool nvidia =
      llvm::any_of(targets, [](const Target &t) { return t.isNvidia(); });
  if (!nvidia)
    return "";
  std::optional<std::string> ptxas = findPtxas();
  if (!ptxas)
    return "ptxas=none";
  struct stat st;
  if (::stat(ptxas->c_str(), &st) != 0)
    return "ptxas=" + *ptxas;
  return "ptxas=" + *ptxas + ":" + std::to_string(st.st_size) + ":" +
         std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

CompileCacheKey CompileCacheKey::forSettings(const CompileOptions &options) {
  CompileCacheKey key;
  for (const Target &target : options.targets) {
    key.targets.push_back(target.name());
    if (target.isHost())
      key.hostCpu += (key.hostCpu.empty() ? "" : ",") + target.cpu() +
                     (target.features().empty() ? "" : ":" + target.features());
  }
  key.optLevel = options.optLevel;
  key.producer = producerString();
  key.tools = toolIdentity(options.targets);
  return key;
}

CompileCacheKey CompileCacheKey::forModule(ModuleOp module,
                                           const CompileOptions &options) {
  CompileCacheKey key = forSettings(options);
  hashCanonicalModule(module, key.inputHash, key.inputSize);
  return key;
}

std::string CompileCacheKey::settingsText() const {
  std::ostringstream os;
  os << "targets=";
  for (size_t i = 0; i < targets.size(); ++i)
    os << (i ? "," : "") << targets[i];
  os << "\nopt=" << optLevel << "\nhost-cpu=" << hostCpu
     << "\nproducer=" << producer << "\ntools=" << tools << "\n";
  return os.str();
}

std::string CompileCacheKey::text() const {
  return "tgc compile cache v1\ninput=" + inputHash + ":" +
         std::to_string(inputSize) + "\n" + settingsText();
}

std::string CompileCacheKey::aliasText(const std::string &sourceHash,
                                       uint64_t sourceSize) const {
  return "tgc compile cache alias v2\nsource=" + sourceHash + ":" +
         std::to_string(sourceSize) + "\n" + settingsText();
}

std::string CompileCacheKey::aliasPayload() const {
  return inputHash + ":" + std::to_string(inputSize);
}

bool CompileCacheKey::setInputFromAlias(const std::string &payload) {
  size_t colon = payload.find(':');
  if (colon != 32 || payload.size() > 32 + 1 + 20 ||
      payload.find_first_not_of("0123456789abcdef") < 32 ||
      payload.size() == 33 ||
      payload.find_first_not_of("0123456789", 33) != std::string::npos)
    return false;
  errno = 0;
  unsigned long long size = std::strtoull(payload.c_str() + 33, nullptr, 10);
  if (errno != 0)
    return false;
  inputHash = payload.substr(0, 32);
  inputSize = size;
  return true;
}

std::string CompileCacheKey::digest() const { return digestOf(text()); }

std::string tgc::jit::digestOf(llvm::StringRef text) {
  return hex128(XXH3_128bits(text.data(), text.size()));
}

//===----------------------------------------------------------------------===//
// CompileCache
//===----------------------------------------------------------------------===//

static DiskCacheOptions diskOptions(const CompileCacheOptions &options) {
  DiskCacheOptions disk;
  disk.enabled = options.enabled;
  disk.directory = options.directory;
  disk.maxBytes = options.maxBytes;
  disk.name = "compile cache";
  disk.warn = options.warn;
  return disk;
}

CompileCache::CompileCache(const CompileCacheOptions &options)
    : cache_(diskOptions(options)) {}

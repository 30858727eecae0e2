//===- CompileCache.cpp - the JIT's persistent cache of bundles -----------===//

#include "jit/CompileCache.h"

#include "compiler/targets/Targets.h"

#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

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

std::string tgc::jit::storedLimitPath(const std::string &directory) {
  return directory + "/max-size";
}

bool tgc::jit::readStoredLimit(const std::string &directory,
                               uint64_t &maxBytes) {
  std::ifstream in(storedLimitPath(directory));
  std::string text;
  if (!in || !std::getline(in, text))
    return false;
  return parseByteSize(text, maxBytes);
}

bool tgc::jit::writeStoredLimit(const std::string &directory, uint64_t maxBytes,
                                std::string &error) {
  // The same 0700 directory the cache would create.
  std::string partial;
  for (size_t slash = 0; slash != std::string::npos;) {
    slash = directory.find('/', slash + 1);
    partial = directory.substr(0, slash);
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      error = "cannot create '" + partial + "': " + std::strerror(errno);
      return false;
    }
  }
  std::string path = storedLimitPath(directory);
  std::string temp = path + ".XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    error = "cannot write in '" + directory + "': " + std::strerror(errno);
    return false;
  }
  std::string text = std::to_string(maxBytes) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    ::unlink(temp.c_str());
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
    if (readStoredLimit(options.directory, bytes)) {
      options.maxBytes = bytes;
      options.maxBytesSource = storedLimitPath(options.directory);
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
  return "tgc compile cache alias v1\nsource=" + sourceHash + ":" +
         std::to_string(sourceSize) + "\n" + settingsText();
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

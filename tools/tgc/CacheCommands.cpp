//===- CacheCommands.cpp - tgc --cache-info/--cache-clear/... -------------===//
//
// Shows, clears and sizes the caches under $TGC_CACHE_DIR (docs/caching.md):
// the JIT's compile cache (bundles/) and the runtime's kernel cache
// (kernels/). A size set with --cache-max-size is stored in the compile
// cache directory, so every later process uses it unless
// TGC_COMPILE_CACHE_MAX_BYTES says otherwise.
//
//===----------------------------------------------------------------------===//

#include "tools/tgc/CacheCommands.h"

#include "jit/CompileCache.h"
#include "runtime/KernelCache.h"
#include "support/DiskCache.h"
#include "support/SafeFiles.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

using namespace tgc;
namespace cl = llvm::cl;

cl::OptionCategory tgc::cacheCategory("Cache commands (instead of compiling)");
static cl::opt<bool>
    cacheInfo("cache-info",
              cl::desc("Show where the compile and kernel caches are, what "
                       "they hold and their limits"),
              cl::cat(cacheCategory));
static cl::opt<bool> cacheClear("cache-clear",
                                cl::desc("Delete every compile and kernel "
                                         "cache entry"),
                                cl::cat(cacheCategory));
static cl::opt<std::string> cacheMaxSize(
    "cache-max-size",
    cl::desc("Limit the compile cache to SIZE (bytes, or with K, M, G: "
             "256M), remembered for later runs; evicts the least recently "
             "used entries now"),
    cl::value_desc("SIZE"), cl::cat(cacheCategory));

namespace {

std::string entryCount(uint64_t n) {
  return std::to_string(n) + (n == 1 ? " entry" : " entries");
}

std::string describe(bool enabled, const std::string &directory,
                     const char *offSwitch) {
  if (directory.empty())
    return "off (no cache directory: set TGC_CACHE_DIR or HOME)";
  if (!enabled)
    return std::string("off (") + offSwitch + ")";
  struct stat st;
  if (::lstat(directory.c_str(), &st) != 0)
    return "on (not created yet)";
  // The same check the caches make before using the directory.
  PrivateDirectory dir;
  Status status =
      PrivateDirectory::open(directory, /*create=*/false, "the directory", dir);
  if (!status)
    return "on, but not used: " + status.message();
  if (::access(directory.c_str(), W_OK) != 0)
    return "on, but the directory is not writable: only existing entries "
           "are used";
  return "on";
}

void printCache(llvm::raw_ostream &os, const char *title,
                const DiskCacheOptions &options, const char *offSwitch,
                const std::string &limitSource) {
  DiskCache cache(options);
  DiskCache::Usage usage = cache.usage();
  os << title << ": " << options.directory << "\n"
     << "  state:   " << describe(options.enabled, options.directory, offSwitch)
     << "\n"
     << "  holds:   " << entryCount(usage.entries) << ", "
     << formatByteSize(usage.bytes) << "\n"
     << "  limit:   " << formatByteSize(options.maxBytes) << " (" << limitSource
     << ")\n";
}

DiskCacheOptions diskOptions(const jit::CompileCacheOptions &o) {
  DiskCacheOptions disk;
  disk.enabled = o.enabled;
  disk.directory = o.directory;
  disk.maxBytes = o.maxBytes;
  disk.name = "compile cache";
  return disk;
}

DiskCacheOptions diskOptions(const rt::KernelCacheOptions &o) {
  DiskCacheOptions disk;
  disk.enabled = o.enabled;
  disk.directory = o.directory;
  disk.maxBytes = o.maxBytes;
  disk.name = "kernel cache";
  return disk;
}

} // namespace

std::optional<int> tgc::runCacheCommands() {
  if (!cacheInfo && !cacheClear && cacheMaxSize.getNumOccurrences() == 0)
    return std::nullopt;
  llvm::raw_ostream &os = llvm::outs();
  jit::CompileCacheOptions compile =
      jit::CompileCacheOptions::fromEnvironment();
  rt::KernelCacheOptions kernels = rt::KernelCacheOptions::fromEnvironment();
  if (compile.directory.empty()) {
    llvm::errs() << "tgc: error: no cache directory (set TGC_CACHE_DIR, "
                    "XDG_CACHE_HOME or HOME)\n";
    return 1;
  }

  if (cacheMaxSize.getNumOccurrences()) {
    uint64_t bytes = 0;
    if (!parseByteSize(cacheMaxSize, bytes)) {
      llvm::errs() << "tgc: error: --cache-max-size='" << cacheMaxSize
                   << "' is not a size (e.g. 268435456, 512K, 256M, 2G)\n";
      return 1;
    }
    std::string error;
    if (!jit::writeStoredLimit(compile.directory, bytes, error)) {
      llvm::errs() << "tgc: error: " << error << "\n";
      return 1;
    }
    if (compile.maxBytesSource == "TGC_COMPILE_CACHE_MAX_BYTES")
      llvm::errs() << "tgc: warning: TGC_COMPILE_CACHE_MAX_BYTES is set and "
                      "overrides the stored limit in this environment\n";
    DiskCacheOptions disk = diskOptions(compile);
    disk.maxBytes = bytes;
    DiskCache cache(disk);
    cache.evict();
    DiskCache::Usage usage = cache.usage();
    os << "compile cache limit: " << formatByteSize(bytes) << " (stored in "
       << jit::storedLimitPath(compile.directory) << "); it holds "
       << entryCount(usage.entries) << ", " << formatByteSize(usage.bytes)
       << "\n";
    compile = jit::CompileCacheOptions::fromEnvironment();
  }

  if (cacheClear) {
    for (const DiskCacheOptions &disk :
         {diskOptions(compile), diskOptions(kernels)}) {
      DiskCache cache(disk);
      DiskCache::Usage removed = cache.clear();
      os << "removed " << entryCount(removed.entries) << " ("
         << formatByteSize(removed.bytes) << ") from the " << disk.name
         << " in " << disk.directory << "\n";
    }
  }

  if (cacheInfo) {
    printCache(os, "compile cache", diskOptions(compile), "TGC_COMPILE_CACHE=0",
               compile.maxBytesSource);
    printCache(os, "kernel cache", diskOptions(kernels), "TGC_KERNEL_CACHE=0",
               std::getenv("TGC_KERNEL_CACHE_MAX_BYTES")
                   ? "TGC_KERNEL_CACHE_MAX_BYTES"
                   : "default");
  }
  return 0;
}

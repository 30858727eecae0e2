//===- CacheCommands.h - tgc --cache-info/--cache-clear/... -----*- C++ -*-===//

#ifndef TGC_TOOLS_TGC_CACHECOMMANDS_H
#define TGC_TOOLS_TGC_CACHECOMMANDS_H

#include "llvm/Support/CommandLine.h"

#include <optional>

namespace tgc {

/// The cache commands' options, shown by tgc --help.
extern llvm::cl::OptionCategory cacheCategory;

/// Runs the cache command given on the command line (--cache-info,
/// --cache-clear, --cache-max-size=SIZE) and returns tgc's exit status, or
/// nothing when none was given.
std::optional<int> runCacheCommands();

} // namespace tgc

#endif // TGC_TOOLS_TGC_CACHECOMMANDS_H

//===- HideLlvmOptions.h - --help that lists a tool's own options -*- C++
//-*-===//
//
// The LLVM-based tools (tgc, tg-eval, tg-opt) link libLLVM, whose back ends
// register hundreds of global command-line options. They stay usable and
// are listed by --help-hidden; --help shows the tool's own. Header-only, so
// that tools/common's library stays free of LLVM for tg-run.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_TOOLS_COMMON_HIDELLVMOPTIONS_H
#define TGC_TOOLS_COMMON_HIDELLVMOPTIONS_H

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"

#include <initializer_list>

namespace tgc::tools {

/// Hides (cl::Hidden, not removes) every option registered so far that is
/// in none of `shown` nor in LLVM's "Generic Options" (--help, --version).
inline void
hideOptionsOutside(std::initializer_list<llvm::cl::OptionCategory *> shown) {
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::cl::Option *option = entry.second;
    bool ours =
        llvm::any_of(option->Categories, [&](llvm::cl::OptionCategory *c) {
          return llvm::is_contained(shown, c) ||
                 c->getName() == "Generic Options";
        });
    if (!ours && option->getOptionHiddenFlag() == llvm::cl::NotHidden)
      option->setHiddenFlag(llvm::cl::Hidden);
  }
}

} // namespace tgc::tools

#endif // TGC_TOOLS_COMMON_HIDELLVMOPTIONS_H

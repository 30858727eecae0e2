//===- Inspect.h - tgc --inspect --------------------------------*- C++ -*-===//

#ifndef TGC_TOOLS_TGC_INSPECT_H
#define TGC_TOOLS_TGC_INSPECT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace tgc {
/// Prints a bundle's entry points, kernels, code objects and constants.
/// Returns the process exit code.
int inspectBundle(llvm::StringRef path, llvm::raw_ostream &os);
} // namespace tgc

#endif

//===- TrustCommands.h - tgc trust add/list/remove/key/new-key --*- C++ -*-===//

#ifndef TGC_TOOLS_TGC_TRUSTCOMMANDS_H
#define TGC_TOOLS_TGC_TRUSTCOMMANDS_H

namespace tgc {

/// `tgc trust ...` (docs/security.md): `args` are the words after "trust".
/// Returns tgc's exit status.
int runTrustCommand(int argc, char **argv);

} // namespace tgc

#endif // TGC_TOOLS_TGC_TRUSTCOMMANDS_H

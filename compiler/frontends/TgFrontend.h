//===- TgFrontend.h - tg modules in: parse and check ------------*- C++ -*-===//
//
// The first room of the pipeline: what tgc accepts as a model. Today that is
// MLIR text (or bytecode) of the tg dialect; the ONNX importer will sit next
// to it and produce the same: a verified module of func.func entry points
// made of tg ops.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_FRONTENDS_TGFRONTEND_H
#define TGC_COMPILER_FRONTENDS_TGFRONTEND_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace tgc {

/// Parses and verifies the main buffer of `sourceMgr` and checks that it is
/// a tgc model (checkTgModule). Null on failure, with located diagnostics.
mlir::OwningOpRef<mlir::ModuleOp> parseTgModule(llvm::SourceMgr &sourceMgr,
                                                mlir::MLIRContext *context);

/// Checks that a verified module is what the pipeline compiles: func.func
/// entry points with bodies, static tensor arguments, only tg ops and
/// func.return inside, at least one public function. Anything else is
/// reported here, at its location, rather than failing deep in the pipeline.
mlir::LogicalResult checkTgModule(mlir::ModuleOp module);

} // namespace tgc

#endif // TGC_COMPILER_FRONTENDS_TGFRONTEND_H

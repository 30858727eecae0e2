//===- TgFrontend.h - tg modules in: parse and check ------------*- C++ -*-===//
//
// The first room of the pipeline: what tgc accepts as a model. Today that is
// MLIR text of the tg dialect; the ONNX importer will sit next
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

/// The largest model text tgc parses. Weights belong in dense_resource
/// blobs or, from real models, in the front end's own inputs (ONNX).
inline constexpr uint64_t kMaxSourceBytes = 1ull << 30;
/// The deepest nesting of brackets, braces, parentheses and angle brackets
/// (attributes, regions, locations, dense literals) tgc parses. MLIR's
/// parser, verifier and printer recurse once per level; real models need a
/// few dozen (a rank-64 dense literal needs 65).
inline constexpr unsigned kMaxNestingDepth = 256;
/// The most bytes of constants a model may have: what a bundle's constants
/// section holds (format/BundleContainer.h).
uint64_t maxConstantBytes();

/// Parses and verifies the main buffer of `sourceMgr` and checks that it is
/// a tgc model (checkTgModule). Null on failure, with located diagnostics.
/// Before parsing, the text is checked against kMaxSourceBytes and
/// kMaxNestingDepth, so hostile input gets an error, never a stack
/// overflow (callers also run this on a large stack, support/LargeStack.h).
mlir::OwningOpRef<mlir::ModuleOp> parseTgModule(llvm::SourceMgr &sourceMgr,
                                                mlir::MLIRContext *context);

/// Checks that a verified module is what the pipeline compiles: func.func
/// entry points with bodies, static tensor arguments and results within
/// the runtime's limits, only tg ops and func.return inside, constants that
/// fit a bundle, at least one public function. Anything else is reported
/// here, at its location, rather than failing deep in the pipeline (or
/// allocating a terabyte for a splat).
mlir::LogicalResult checkTgModule(mlir::ModuleOp module);

} // namespace tgc

#endif // TGC_COMPILER_FRONTENDS_TGFRONTEND_H

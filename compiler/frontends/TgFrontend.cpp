//===- TgFrontend.cpp - tg modules in: parse and check --------------------===//

#include "compiler/frontends/TgFrontend.h"

#include "ir/TgDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

OwningOpRef<ModuleOp> tgc::parseTgModule(llvm::SourceMgr &sourceMgr,
                                         MLIRContext *context) {
  // The parser verifies what it parsed.
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(context));
  if (!module || failed(checkTgModule(*module)))
    return nullptr;
  return module;
}

// Errors go on locations, not ops: an op diagnostic would print the whole
// function (or module) after the message.
LogicalResult tgc::checkTgModule(ModuleOp module) {
  bool hasEntry = false;
  for (Operation &op : module.getBody()->getOperations()) {
    auto func = dyn_cast<func::FuncOp>(op);
    if (!func)
      return emitError(op.getLoc())
             << "unsupported top-level op '" << op.getName()
             << "' (a tgc model is a module of func.func)";
    if (func.isExternal())
      return emitError(func.getLoc())
             << "function '" << func.getSymName() << "' has no body";
    hasEntry |= func.isPublic();
    WalkResult walk = func.walk([&](Operation *inner) {
      if (inner == func.getOperation() || isa<func::ReturnOp>(inner) ||
          isa<tg::TgDialect>(inner->getDialect()))
        return WalkResult::advance();
      emitError(inner->getLoc())
          << "unsupported op '" << inner->getName()
          << "': tgc compiles tg ops (see docs/dialect/tg.md)";
      return WalkResult::interrupt();
    });
    if (walk.wasInterrupted())
      return failure();
    for (Type type : func.getFunctionType().getInputs())
      if (!isa<RankedTensorType>(type) ||
          !cast<RankedTensorType>(type).hasStaticShape())
        return emitError(func.getLoc())
               << "function '" << func.getSymName() << "' takes " << type
               << "; entry points take static tensors";
  }
  if (!hasEntry)
    return emitError(module.getLoc(),
                     "the module has no public function to compile");
  return success();
}

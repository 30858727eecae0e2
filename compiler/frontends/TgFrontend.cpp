//===- TgFrontend.cpp - tg modules in: parse and check --------------------===//

#include "compiler/frontends/TgFrontend.h"

#include "format/BundleContainer.h"
#include "ir/TgDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

uint64_t tgc::maxConstantBytes() { return format::kMaxConstantsRawSize; }

/// The location of byte `offset` of the main buffer.
static Location locationAt(llvm::SourceMgr &sourceMgr, MLIRContext *context,
                           size_t offset) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  auto [line, column] = sourceMgr.getLineAndColumn(
      llvm::SMLoc::getFromPointer(buffer->getBufferStart() + offset));
  return FileLineColLoc::get(context, buffer->getBufferIdentifier(), line,
                             column);
}

/// Size and nesting of the text, before the parser recurses into it. The
/// scan skips string literals and comments and does not count the '>' of
/// "->"; it may undercount (a stray '>'), never overcount real nesting.
static LogicalResult checkSourceLimits(llvm::SourceMgr &sourceMgr,
                                       MLIRContext *context) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  llvm::StringRef text = buffer->getBuffer();
  if (text.size() > tgc::kMaxSourceBytes)
    return emitError(locationAt(sourceMgr, context, 0))
           << "the model is " << text.size()
           << " bytes of text, more than tgc parses ("
           << (tgc::kMaxSourceBytes >> 20)
           << " MiB); keep large weights out of the text";
  // MLIR bytecode nests too (attributes inside attributes), but cannot be
  // scanned for it before parsing: only text is accepted.
  if (text.starts_with("ML\xefR"))
    return emitError(locationAt(sourceMgr, context, 0))
           << "the model is MLIR bytecode, which tgc does not read (its "
              "nesting cannot be checked before parsing); print it as text "
              "first: mlir-opt model.mlirbc -o model.mlir";
  unsigned depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n')
        ++i;
      continue;
    }
    if (c == '(' || c == '[' || c == '{' || c == '<') {
      if (++depth > tgc::kMaxNestingDepth)
        return emitError(locationAt(sourceMgr, context, i))
               << "the model nests deeper than " << tgc::kMaxNestingDepth
               << " levels here (brackets, braces, parentheses or angle "
                  "brackets); tgc limits nesting so that parsing it cannot "
                  "overflow the stack";
    } else if ((c == ')' || c == ']' || c == '}' ||
                (c == '>' && (i == 0 || text[i - 1] != '-'))) &&
               depth > 0) {
      --depth;
    }
  }
  return success();
}

OwningOpRef<ModuleOp> tgc::parseTgModule(llvm::SourceMgr &sourceMgr,
                                         MLIRContext *context) {
  if (failed(checkSourceLimits(sourceMgr, context)))
    return nullptr;
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
    // The same limits the tg verifiers apply to every op's tensors, for
    // values that no op touches (an argument returned as it is).
    for (Type type :
         llvm::concat<const Type>(func.getFunctionType().getInputs(),
                                  func.getFunctionType().getResults())) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      std::string problem = tensor ? tg::tensorLimitProblem(tensor) : "";
      if (!problem.empty())
        return emitError(func.getLoc())
               << "function '" << func.getSymName() << "': " << problem;
    }
  }
  // Constants become bytes in the bundle: a splat of 4 bytes in the text
  // can stand for terabytes, so the total is checked before anything is
  // materialized.
  uint64_t constantBytes = 0;
  WalkResult walk = module.walk([&](tg::ConstantOp constant) {
    auto type = cast<RankedTensorType>(constant.getType());
    std::optional<uint64_t> bytes = tg::checkedStorageBytes(type);
    if (!bytes || *bytes > maxConstantBytes() - constantBytes) {
      emitError(constant.getLoc())
          << "constant " << type << " brings the model's constants to more "
          << "than a bundle holds (" << (maxConstantBytes() >> 30) << " GiB)";
      return WalkResult::interrupt();
    }
    constantBytes += *bytes;
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  if (!hasEntry)
    return emitError(module.getLoc(),
                     "the module has no public function to compile");
  return success();
}

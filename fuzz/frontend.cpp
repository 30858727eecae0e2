//===- frontend.cpp - libFuzzer harness for the tgc front end -------------===//
//
// Parses the input with tgc's front end (its size and nesting limits
// included), verifies it and compiles it as tgc does: a
// whole host bundle, and the GPU kernels for sm_90 and gfx1100 (up to the
// kernel stage; LLVM's NVPTX/AMDGPU code generation is not ours to fuzz and
// is slow). Diagnostics are swallowed: rejecting bad input is the expected
// outcome, crashing on it is the bug.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipeline.h"
#include "compiler/frontends/TgFrontend.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static const DialectRegistry &registry() {
  static DialectRegistry *r = [] {
    auto *r = new DialectRegistry;
    tgc::registerCompilerDialects(*r);
    return r;
  }();
  return *r;
}

static void compile(ModuleOp module, std::vector<std::string> targets,
                    tgc::Output output) {
  tgc::CompileOptions options;
  auto parsed = tgc::parseTargets(targets, module.getLoc());
  if (failed(parsed))
    return;
  options.targets = std::move(*parsed);
  options.output = output;
  tgc::CompileResult result;
  (void)tgc::compile(module, options, result);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext context(registry(), MLIRContext::Threading::DISABLED);
  context.allowUnregisteredDialects(false);
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz"),
      llvm::SMLoc());
  OwningOpRef<ModuleOp> module = tgc::parseTgModule(sourceMgr, &context);
  if (!module || failed(verify(*module)))
    return 0;
  // compile() rewrites the module in place: the GPU run gets a fresh copy.
  OwningOpRef<ModuleOp> copy = module->clone();
  compile(*module, {"host"}, tgc::Output::bundle());
  compile(*copy, {"sm_90", "gfx1100"}, tgc::Output::ir(tgc::IrStage::Kernels));
  return 0;
}

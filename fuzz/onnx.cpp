//===- onnx.cpp - libFuzzer harness for the ONNX front end ----------------===//
//
// Imports the input as an ONNX model (from a file: the importer maps model
// and external data files) and compiles what it accepts to host kernels.
// Diagnostics are swallowed: rejecting bad input is the expected outcome,
// crashing or hanging on it is the bug. Seeds: fuzz/corpus/onnx (valid and
// broken models from test/onnx).
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipeline.h"
#include "compiler/frontends/onnx/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

static const DialectRegistry &registry() {
  static DialectRegistry *r = [] {
    auto *r = new DialectRegistry;
    tgc::registerCompilerDialects(*r);
    return r;
  }();
  return *r;
}

/// One file per process, rewritten for every input.
static const std::string &modelPath() {
  static std::string *path = [] {
    llvm::SmallString<128> p;
    if (llvm::sys::fs::createTemporaryFile("tgc-fuzz-onnx", "onnx", p))
      p = "tgc-fuzz-onnx.onnx";
    return new std::string(p.str());
  }();
  return *path;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(modelPath(), ec);
    if (ec)
      return 0;
    os.write(reinterpret_cast<const char *>(data), size);
  }
  MLIRContext context(registry(), MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });
  // Symbolic dimensions get a size, so models that use them get further.
  tgc::OnnxImportOptions options;
  for (const char *name : {"batch", "sequence", "N"})
    options.dims[name] = 2;
  OwningOpRef<ModuleOp> module =
      tgc::importOnnxModel(modelPath(), &context, options);
  if (!module)
    return 0;
  tgc::CompileOptions compile;
  auto targets = tgc::parseTargets({"host"}, module->getLoc());
  if (failed(targets))
    return 0;
  compile.targets = std::move(*targets);
  compile.output = tgc::Output::ir(tgc::IrStage::Kernels);
  tgc::CompileResult result;
  (void)tgc::compile(*module, compile, result);
  return 0;
}

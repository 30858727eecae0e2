//===- tg-opt.cpp - mlir-opt with the tg dialect and tgc passes -----------===//

#include "compiler/Passes.h"
#include "ir/TgDialect.h"
#include "tools/common/HideLlvmOptions.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Config/llvm-config.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary and friends translate GPU modules to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::tg::TgDialect, tgc::TgcDialect>();
  mlir::registerAllPasses();
  tgc::registerTgcCompilerPasses();
  // What is registered so far is LLVM's back-end options; MlirOptMain adds
  // its own (and the pass list) when it parses, and those stay visible.
  tgc::tools::hideOptionsOutside({});
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "tg-opt (tgc " TGC_VERSION ", LLVM " LLVM_VERSION_STRING ")\n";
  });
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv,
                        "tg-opt: mlir-opt with the tg dialect and tgc's "
                        "passes (--tgc-*)\n\n  LLVM's back-end options: "
                        "--help-hidden\n",
                        registry));
}

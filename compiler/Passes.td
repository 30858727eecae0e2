//===- Passes.td - tgc compiler passes ---------------------*- tablegen -*-===//

#ifndef TGC_COMPILER_PASSES_TD
#define TGC_COMPILER_PASSES_TD

include "mlir/Pass/PassBase.td"

def TgDecomposeComposites : Pass<"tg-decompose-composites", "::mlir::ModuleOp"> {
  let summary = "Decompose composite tg ops into primitive tg ops";
  let description = [{
    Rewrites softmax, layer_norm, rms_norm, silu, gelu (tanh form) and
    reduce_mean into elementwise ops and reductions, so that later passes
    only see primitives. The erf form of gelu stays: it maps to one
    elementwise function.
  }];
  let dependentDialects = ["::mlir::tg::TgDialect"];
}
#endif // TGC_COMPILER_PASSES_TD

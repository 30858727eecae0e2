//===- ExpandHostArith.cpp - arith expansions for CPUs --------------------===//

#include "compiler/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tgc {
#define GEN_PASS_DEF_TGCEXPANDHOSTARITH
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;

namespace {

struct TgcExpandHostArith
    : tgc::impl::TgcExpandHostArithBase<TgcExpandHostArith> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateCeilFloorDivExpandOpsPatterns(patterns);
    arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

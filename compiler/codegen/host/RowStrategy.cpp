//===- RowStrategy.cpp - host kernels that reduce rows --------------------===//
//
// A workgroup is one row. Each reduction is a serial loop whose combining op
// may be reassociated, so LLVM vectorizes it; its value is then reused by
// the rest of the row.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/host/HostKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace tgc;

LogicalResult tgc::generateHostRowKernel(HostKernelBuilder &kernel) {
  RowShapes shapes = getRowShapes(kernel.func);
  ArrayRef<int64_t> rowShape = shapes.rows, reducedShape = shapes.reduced;
  int64_t reduced = computeProduct(reducedShape);
  SmallVector<linalg::GenericOp> reductions = collectReductions(kernel.func);
  Location loc = kernel.func.getLoc();
  return kernel.createFunc(computeProduct(rowShape), [&](OpBuilder &b,
                                                         KernelEmitter &e,
                                                         Value wg, Value out) {
    SmallVector<Value> rowIdx = e.delinearize(wg, rowShape);
    for (linalg::GenericOp reduction : reductions) {
      CombineKind kind = *getCombineKind(getCombiner(reduction));
      Type accType = cast<RankedTensorType>(reduction.getResult(0).getType())
                         .getElementType();
      Value identity = arith::ConstantOp::create(
          b, loc, getCombineIdentity(b, kind, accType));
      auto l = scf::ForOp::create(b, loc, e.index(0), e.index(reduced),
                                  e.index(1), identity);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(l.getBody());
        e.pushScope();
        SmallVector<Value> idx(rowIdx);
        llvm::append_range(idx,
                           e.delinearize(l.getInductionVar(), reducedShape));
        Value next =
            e.emitReductionStep(reduction, idx, l.getRegionIterArgs()[0],
                                /*reassociate=*/true);
        e.popScope();
        scf::YieldOp::create(b, loc, next);
      }
      e.defineReduction(reduction, l.getResult(0));
    }
    if (kernel.outType.getShape() == rowShape) {
      memref::StoreOp::create(b, loc, e.emit(kernel.root, rowIdx), out, rowIdx);
      return;
    }
    kernel.loop(b, e, e.index(0), e.index(reduced), [&](Value j) {
      SmallVector<Value> idx(rowIdx);
      llvm::append_range(idx, e.delinearize(j, reducedShape));
      memref::StoreOp::create(b, loc, e.emit(kernel.root, idx), out, idx);
    });
  });
}

//===- UpdateSliceStrategy.cpp - GPU tg.dynamic_update_slice kernels ------===//
//
// Writes only the window a tg.dynamic_update_slice replaces, one thread per
// element of the update; the schedule copies the rest of the result (the
// operand) into the output before the dispatch, a copy the runtime skips
// when the caller donated the operand's buffer to the output.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/gpu/GpuKernelBuilder.h"
#include "ir/TgDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace tgc;

static constexpr int64_t kBlockSize = 256;

LogicalResult tgc::generateGpuUpdateSliceKernel(GpuKernelBuilder &kernel) {
  auto op = kernel.root.getDefiningOp<tg::DynamicUpdateSliceOp>();
  if (!op)
    return kernel.func.emitError(
        "update_slice kernel without a tg.dynamic_update_slice");
  auto updateType = cast<RankedTensorType>(op.getUpdate().getType());
  ArrayRef<int64_t> shape = updateType.getShape();
  int64_t n = updateType.getNumElements();
  std::array<int64_t, 3> grid = {llvm::divideCeilSigned(n, kBlockSize), 1, 1};
  std::array<int64_t, 3> block = {std::min(kBlockSize, n), 1, 1};
  Location loc = kernel.func.getLoc();
  const GpuTargetHooks &hooks = kernel.hooks;
  return kernel.createFunc(
      grid, block, {}, [&](OpBuilder &b, gpu::GPUFuncOp func) {
        KernelEmitter e(b, loc, kernel.func, kernel.inputMemrefs(func));
        Value tid = hooks.threadId(b, loc);
        Value bid = hooks.workgroupId(b, loc, gpu::Dimension::x);
        Value flat = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, bid, e.index(block[0])), tid);
        Value inBounds = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ult, flat, e.index(n));
        auto guard = scf::IfOp::create(b, loc, inBounds, false);
        OpBuilder::InsertionGuard restore(b);
        b.setInsertionPointToStart(&guard.getThenRegion().front());
        SmallVector<Value> idx = e.delinearize(flat, shape);
        SmallVector<Value> at;
        for (auto [s, i] : llvm::zip(updateSliceStart(b, loc, e, op), idx))
          at.push_back(arith::AddIOp::create(b, loc, s, i));
        memref::StoreOp::create(b, loc, e.emit(op.getUpdate(), idx),
                                kernel.outputMemref(func), at);
        return e.status();
      });
}

//===- UpdateSliceStrategy.cpp - host tg.dynamic_update_slice kernels -----===//
//
// Writes only the window a tg.dynamic_update_slice replaces: the schedule
// copies the rest of the result (the operand) into the output before the
// dispatch, a copy the runtime skips when the caller donated the operand's
// buffer to the output. A KV cache update so costs one token's keys, not
// the whole cache. Workgroups are blocks of rows of the update, as in the
// elementwise strategy.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/host/HostKernelBuilder.h"
#include "ir/TgDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace tgc;

static constexpr int64_t kElementsPerWorkgroup = 16384;

LogicalResult tgc::generateHostUpdateSliceKernel(HostKernelBuilder &kernel) {
  auto op = kernel.root.getDefiningOp<tg::DynamicUpdateSliceOp>();
  if (!op)
    return kernel.func.emitError(
        "update_slice kernel without a tg.dynamic_update_slice");
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(op.getUpdate().getType()).getShape();
  int64_t inner = shape.empty() ? 1 : shape.back();
  int64_t rows = computeProduct(shape) / std::max<int64_t>(inner, 1);
  SmallVector<int64_t> outer(shape.empty() ? ArrayRef<int64_t>()
                                           : shape.drop_back());
  int64_t rowsPerWg = std::max<int64_t>(1, kElementsPerWorkgroup / inner);
  int64_t workgroups =
      std::max<int64_t>(1, llvm::divideCeilSigned(rows, rowsPerWg));
  Location loc = kernel.func.getLoc();
  return kernel.createFunc(workgroups, [&](OpBuilder &b, KernelEmitter &e,
                                           Value wg, Value out) {
    SmallVector<Value> start = updateSliceStart(b, loc, e, op);
    if (shape.empty()) {
      memref::StoreOp::create(b, loc, e.emit(op.getUpdate(), {}), out,
                              ValueRange{});
      return;
    }
    Value r0 = arith::MulIOp::create(b, loc, wg, e.index(rowsPerWg));
    Value r1 = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, r0, e.index(rowsPerWg)),
        e.index(rows));
    kernel.loop(b, e, r0, r1, [&](Value r) {
      SmallVector<Value> prefix = e.delinearize(r, outer);
      kernel.loop(b, e, e.index(0), e.index(inner), [&](Value j) {
        SmallVector<Value> idx(prefix);
        idx.push_back(j);
        SmallVector<Value> at;
        for (auto [s, i] : llvm::zip(start, idx))
          at.push_back(arith::AddIOp::create(b, loc, s, i));
        memref::StoreOp::create(b, loc, e.emit(op.getUpdate(), idx), out, at);
      });
    });
  });
}

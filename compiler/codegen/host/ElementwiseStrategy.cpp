//===- ElementwiseStrategy.cpp - host elementwise and generic kernels -----===//
//
// A workgroup is a block of rows of the output (about 16K elements); the
// inner loop walks the innermost dimension so LLVM vectorizes it. Generic
// kernels take the same form with their reductions as serial loops.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/host/HostKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace tgc;

static constexpr int64_t kElementsPerWorkgroup = 16384;

LogicalResult tgc::generateHostElementwiseKernel(HostKernelBuilder &kernel) {
  ArrayRef<int64_t> shape = kernel.outType.getShape();
  int64_t inner = shape.empty() ? 1 : shape.back();
  int64_t rows = computeProduct(shape) / std::max<int64_t>(inner, 1);
  SmallVector<int64_t> outer(shape.empty() ? ArrayRef<int64_t>()
                                           : shape.drop_back());
  // A workgroup is a block of whole rows, or, for rows longer than a
  // workgroup's share (a 1-D tensor is one row), a piece of one row, so long
  // rows spread over the threads too.
  int64_t rowsPerWg = std::max<int64_t>(1, kElementsPerWorkgroup / inner);
  int64_t pieces = llvm::divideCeilSigned(inner, kElementsPerWorkgroup);
  int64_t pieceLength = llvm::divideCeilSigned(inner, pieces);
  Location loc = kernel.func.getLoc();
  int64_t workgroups =
      pieces > 1 ? rows * pieces : llvm::divideCeilSigned(rows, rowsPerWg);
  return kernel.createFunc(workgroups, [&](OpBuilder &b, KernelEmitter &e,
                                           Value wg, Value out) {
    if (shape.empty()) {
      memref::StoreOp::create(b, loc, e.emit(kernel.root, {}), out,
                              ValueRange{});
      return;
    }
    auto storeRow = [&](Value r, Value begin, Value end) {
      SmallVector<Value> prefix = e.delinearize(r, outer);
      kernel.loop(b, e, begin, end, [&](Value j) {
        SmallVector<Value> idx(prefix);
        idx.push_back(j);
        memref::StoreOp::create(b, loc, e.emit(kernel.root, idx), out, idx);
      });
    };
    if (pieces > 1) {
      SmallVector<Value> at = e.delinearize(wg, {rows, pieces});
      Value begin = arith::MulIOp::create(b, loc, at[1], e.index(pieceLength));
      Value end = arith::MinUIOp::create(
          b, loc, arith::AddIOp::create(b, loc, begin, e.index(pieceLength)),
          e.index(inner));
      storeRow(at[0], begin, end);
      return;
    }
    Value r0 = arith::MulIOp::create(b, loc, wg, e.index(rowsPerWg));
    Value r1 = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, r0, e.index(rowsPerWg)),
        e.index(rows));
    kernel.loop(b, e, r0, r1,
                [&](Value r) { storeRow(r, e.index(0), e.index(inner)); });
  });
}

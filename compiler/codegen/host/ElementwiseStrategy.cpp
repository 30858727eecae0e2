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
  int64_t rowsPerWg = std::max<int64_t>(1, kElementsPerWorkgroup / inner);
  Location loc = kernel.func.getLoc();
  return kernel.createFunc(
      llvm::divideCeilSigned(rows, rowsPerWg),
      [&](OpBuilder &b, KernelEmitter &e, Value wg, Value out) {
        Value r0 = arith::MulIOp::create(b, loc, wg, e.index(rowsPerWg));
        Value r1 = arith::MinUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, r0, e.index(rowsPerWg)),
            e.index(rows));
        kernel.loop(b, e, r0, r1, [&](Value r) {
          SmallVector<Value> prefix = e.delinearize(r, outer);
          if (shape.empty()) {
            memref::StoreOp::create(b, loc, e.emit(kernel.root, {}), out,
                                    ValueRange{});
            return;
          }
          kernel.loop(b, e, e.index(0), e.index(inner), [&](Value j) {
            SmallVector<Value> idx(prefix);
            idx.push_back(j);
            memref::StoreOp::create(b, loc, e.emit(kernel.root, idx), out, idx);
          });
        });
      });
}

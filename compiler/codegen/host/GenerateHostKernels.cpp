//===- GenerateHostKernels.cpp - kernel functions for the host CPU --------===//
//
// One function `@<kernel>_body(memref bindings..., %begin, %end)` per kernel
// in the nested `module @tgc_host_kernels`; it computes workgroups
// [begin, end). The host runtime splits a dispatch's workgroups
// (`tgc.host_workgroups` on the kernel function) over its thread pool; the
// target back end wraps each body in the C ABI of docs/host-abi.md.
// Inner loops walk the innermost dimension so LLVM can vectorize them:
//   elementwise/generic: workgroup = a block of rows of the output;
//   row:    workgroup = one row; each reduction is a serial loop whose
//           combining op may be reassociated (vectorized);
//   matmul: workgroup = a 32x64 output tile, accumulated in a local buffer
//           by k-outer, n-inner loops, then the epilogue.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/codegen/KernelEmitter.h"
#include "compiler/transforms/ScalarOps.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace tgc {
#define GEN_PASS_DEF_TGCGENERATEHOSTKERNELS
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;
using namespace tgc;

namespace {

constexpr int64_t kElementsPerWorkgroup = 16384;
constexpr int64_t kHostTileM = 32, kHostTileN = 64;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

class HostKernelBuilder {
public:
  HostKernelBuilder(func::FuncOp kernel, ModuleOp hostModule)
      : kernel(kernel), hostModule(hostModule) {}

  LogicalResult build() {
    KernelKind kind = *getKernelKind(kernel);
    auto ret = cast<func::ReturnOp>(kernel.getBody().front().getTerminator());
    root = ret.getOperand(0);
    outType = cast<RankedTensorType>(root.getType());
    if (kind == KernelKind::row)
      return buildRow();
    if (kind == KernelKind::matmul && succeeded(buildMatmul()))
      return success();
    return buildElementwise();
  }

private:
  using BodyFn = function_ref<void(OpBuilder &, KernelEmitter &, Value wg,
                                   ValueRange inputs, Value out)>;

  /// Creates the body function: a loop over workgroups [begin, end).
  void createFunc(
      int64_t workgroups, BodyFn body,
      function_ref<void(OpBuilder &, KernelEmitter &)> prologue = nullptr) {
    MLIRContext *ctx = kernel.getContext();
    SmallVector<Type> args;
    for (Type t : kernel.getArgumentTypes()) {
      auto tt = cast<RankedTensorType>(t);
      args.push_back(MemRefType::get(tt.getShape(), tt.getElementType()));
    }
    args.push_back(
        MemRefType::get(outType.getShape(), outType.getElementType()));
    IndexType index = IndexType::get(ctx);
    args.push_back(index);
    args.push_back(index);
    OpBuilder b = OpBuilder::atBlockEnd(hostModule.getBody());
    Location loc = kernel.getLoc();
    auto func =
        func::FuncOp::create(b, loc, (kernel.getSymName() + "_body").str(),
                             FunctionType::get(ctx, args, {}));
    Block *entry = func.addEntryBlock();
    b.setInsertionPointToStart(entry);
    unsigned numInputs = kernel.getNumArguments();
    ValueRange inputs = func.getArguments().take_front(numInputs);
    Value out = func.getArgument(numInputs);
    KernelEmitter e(b, loc, kernel, inputs);
    if (prologue)
      prologue(b, e);
    auto loop = scf::ForOp::create(b, loc, func.getArgument(numInputs + 1),
                                   func.getArgument(numInputs + 2), e.index(1));
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(loop.getBody());
      e.pushScope();
      body(b, e, loop.getInductionVar(), inputs, out);
      e.popScope();
    }
    func::ReturnOp::create(b, loc);
    ctx->getLoadedDialect<TgcDialect>()->getHostWorkgroupsAttrHelper().setAttr(
        kernel, OpBuilder(kernel).getI64IntegerAttr(workgroups));
  }

  /// for j in [0, size): body(j), in its own emitter scope.
  void loop(OpBuilder &b, KernelEmitter &e, Value lb, Value ub,
            function_ref<void(Value)> body) {
    auto l = scf::ForOp::create(b, kernel.getLoc(), lb, ub, e.index(1));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(l.getBody());
    e.pushScope();
    body(l.getInductionVar());
    e.popScope();
  }

  LogicalResult buildElementwise() {
    ArrayRef<int64_t> shape = outType.getShape();
    int64_t inner = shape.empty() ? 1 : shape.back();
    int64_t rows = product(shape) / std::max<int64_t>(inner, 1);
    SmallVector<int64_t> outer(shape.empty() ? ArrayRef<int64_t>()
                                             : shape.drop_back());
    int64_t rowsPerWg = std::max<int64_t>(1, kElementsPerWorkgroup / inner);
    Location loc = kernel.getLoc();
    createFunc(ceilDiv(rows, rowsPerWg), [&](OpBuilder &b, KernelEmitter &e,
                                             Value wg, ValueRange, Value out) {
      Value r0 = arith::MulIOp::create(b, loc, wg, e.index(rowsPerWg));
      Value r1 = arith::MinUIOp::create(
          b, loc, arith::AddIOp::create(b, loc, r0, e.index(rowsPerWg)),
          e.index(rows));
      loop(b, e, r0, r1, [&](Value r) {
        SmallVector<Value> prefix = e.delinearize(r, outer);
        if (shape.empty()) {
          memref::StoreOp::create(b, loc, e.emit(root, {}), out, ValueRange{});
          return;
        }
        loop(b, e, e.index(0), e.index(inner), [&](Value j) {
          SmallVector<Value> idx(prefix);
          idx.push_back(j);
          memref::StoreOp::create(b, loc, e.emit(root, idx), out, idx);
        });
      });
    });
    return success();
  }

  LogicalResult buildRow() {
    auto *tgc = kernel.getContext()->getLoadedDialect<TgcDialect>();
    ArrayRef<int64_t> rowShape =
        tgc->getRowShapeAttrHelper().getAttr(kernel).asArrayRef();
    ArrayRef<int64_t> reducedShape =
        tgc->getReducedShapeAttrHelper().getAttr(kernel).asArrayRef();
    int64_t reduced = product(reducedShape);
    SmallVector<linalg::GenericOp> reductions;
    kernel.walk([&](linalg::GenericOp op) {
      if (isReduction(op))
        reductions.push_back(op);
    });
    Location loc = kernel.getLoc();
    createFunc(product(rowShape), [&](OpBuilder &b, KernelEmitter &e, Value wg,
                                      ValueRange, Value out) {
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
      if (outType.getShape() == rowShape) {
        memref::StoreOp::create(b, loc, e.emit(root, rowIdx), out, rowIdx);
        return;
      }
      loop(b, e, e.index(0), e.index(reduced), [&](Value j) {
        SmallVector<Value> idx(rowIdx);
        llvm::append_range(idx, e.delinearize(j, reducedShape));
        memref::StoreOp::create(b, loc, e.emit(root, idx), out, idx);
      });
    });
    return success();
  }

  LogicalResult buildMatmul() {
    std::optional<MatmulLoops> loops = analyzeMatmul(kernel);
    if (!loops)
      return failure();
    linalg::GenericOp contraction = loops->op;
    unsigned numBatch = loops->numBatch, mDim = loops->mDim, nDim = loops->nDim,
             kDim = loops->kDim;
    int64_t M = loops->M, N = loops->N, K = loops->K;
    ArrayRef<int64_t> batchShape = loops->batchShape;
    OpOperand *lhs = loops->lhs, *rhs = loops->rhs;
    AffineMap lhsMap = loops->lhsMap, rhsMap = loops->rhsMap;
    Type acc = loops->accumulator;
    bool isFloat = isa<FloatType>(acc);
    int64_t tilesM = ceilDiv(M, kHostTileM), tilesN = ceilDiv(N, kHostTileN);
    Location loc = kernel.getLoc();
    Value accBuffer;
    auto operandIndices = [&](KernelEmitter &e, AffineMap map,
                              ArrayRef<Value> loopIdx) {
      SmallVector<Value> idx;
      for (AffineExpr expr : map.getResults()) {
        if (auto d = dyn_cast<AffineDimExpr>(expr))
          idx.push_back(loopIdx[d.getPosition()]);
        else
          idx.push_back(e.index(cast<AffineConstantExpr>(expr).getValue()));
      }
      return idx;
    };
    createFunc(
        product(batchShape) * tilesM * tilesN,
        [&](OpBuilder &b, KernelEmitter &e, Value wg, ValueRange, Value out) {
          SmallVector<Value> decoded =
              e.delinearize(wg, {product(batchShape), tilesM, tilesN});
          SmallVector<Value> batchIdx = e.delinearize(decoded[0], batchShape);
          Value m0 =
              arith::MulIOp::create(b, loc, decoded[1], e.index(kHostTileM));
          Value n0 =
              arith::MulIOp::create(b, loc, decoded[2], e.index(kHostTileN));
          Value mt = arith::MinUIOp::create(
              b, loc, e.index(kHostTileM),
              arith::SubIOp::create(b, loc, e.index(M), m0));
          Value nt = arith::MinUIOp::create(
              b, loc, e.index(kHostTileN),
              arith::SubIOp::create(b, loc, e.index(N), n0));
          Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(acc));
          loop(b, e, e.index(0), mt, [&](Value i) {
            loop(b, e, e.index(0), nt, [&](Value j) {
              memref::StoreOp::create(b, loc, zero, accBuffer,
                                      ValueRange{i, j});
            });
          });
          auto fastmath = arith::FastMathFlags::contract;
          loop(b, e, e.index(0), e.index(K), [&](Value k) {
            loop(b, e, e.index(0), mt, [&](Value i) {
              SmallVector<Value> loopIdx(batchIdx);
              loopIdx.resize(numBatch + 3, e.index(0));
              loopIdx[mDim] = arith::AddIOp::create(b, loc, m0, i);
              loopIdx[kDim] = k;
              Value a = convertScalar(
                  b, loc,
                  e.emit(lhs->get(), operandIndices(e, lhsMap, loopIdx)), acc);
              loop(b, e, e.index(0), nt, [&](Value j) {
                SmallVector<Value> bIdx(loopIdx);
                bIdx[mDim] = e.index(0);
                bIdx[nDim] = arith::AddIOp::create(b, loc, n0, j);
                Value bv = convertScalar(
                    b, loc, e.emit(rhs->get(), operandIndices(e, rhsMap, bIdx)),
                    acc);
                Value c =
                    memref::LoadOp::create(b, loc, accBuffer, ValueRange{i, j});
                Value sum =
                    isFloat
                        ? Value(arith::AddFOp::create(
                              b, loc, c,
                              arith::MulFOp::create(b, loc, a, bv, fastmath),
                              fastmath))
                        : Value(arith::AddIOp::create(
                              b, loc, c, arith::MulIOp::create(b, loc, a, bv)));
                memref::StoreOp::create(b, loc, sum, accBuffer,
                                        ValueRange{i, j});
              });
            });
          });
          loop(b, e, e.index(0), mt, [&](Value i) {
            loop(b, e, e.index(0), nt, [&](Value j) {
              SmallVector<Value> idx(batchIdx);
              idx.push_back(arith::AddIOp::create(b, loc, m0, i));
              idx.push_back(arith::AddIOp::create(b, loc, n0, j));
              e.define(
                  contraction.getResult(0), idx,
                  memref::LoadOp::create(b, loc, accBuffer, ValueRange{i, j}));
              memref::StoreOp::create(b, loc, e.emit(root, idx), out, idx);
            });
          });
        },
        [&](OpBuilder &b, KernelEmitter &) {
          // One accumulator tile per call, outside the workgroup loop.
          accBuffer = memref::AllocaOp::create(
              b, loc, MemRefType::get({kHostTileM, kHostTileN}, acc));
        });
    return success();
  }

  func::FuncOp kernel;
  ModuleOp hostModule;
  Value root;
  RankedTensorType outType;
};

struct TgcGenerateHostKernels
    : tgc::impl::TgcGenerateHostKernelsBase<TgcGenerateHostKernels> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto hostModule =
        ModuleOp::create(b, module.getLoc(), TgcDialect::kHostKernelModuleName);
    for (auto kernel : module.getOps<func::FuncOp>()) {
      if (!isKernelFunction(kernel))
        continue;
      if (failed(HostKernelBuilder(kernel, hostModule).build())) {
        kernel.emitError("cannot generate a host kernel");
        return signalPassFailure();
      }
    }
  }
};

} // namespace

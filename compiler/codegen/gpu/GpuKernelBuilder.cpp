//===- GpuKernelBuilder.cpp - target hooks and gpu.func creation ----------===//

#include "compiler/codegen/gpu/GpuKernelBuilder.h"

#include "ir/TgcDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace tgc;

namespace {

class GpuDialectHooks : public GpuTargetHooks {
public:
  int64_t subgroupSize() const override { return 32; }

  Value threadId(OpBuilder &b, Location loc) const override {
    return gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  }

  Value workgroupId(OpBuilder &b, Location loc,
                    gpu::Dimension dim) const override {
    return gpu::BlockIdOp::create(b, loc, dim);
  }

  void barrier(OpBuilder &b, Location loc) const override {
    gpu::BarrierOp::create(b, loc);
  }

  /// gpu.shuffle works on 32-bit values; narrower integers are widened.
  Value shuffleXor(OpBuilder &b, Location loc, Value v,
                   int32_t mask) const override {
    Type type = v.getType();
    bool widen = type.isInteger() && type.getIntOrFloatBitWidth() < 32;
    Value x = widen ? arith::ExtSIOp::create(b, loc, b.getI32Type(), v) : v;
    Value r = gpu::ShuffleOp::create(b, loc, x, mask, subgroupSize(),
                                     gpu::ShuffleMode::XOR)
                  .getShuffleResult();
    return widen ? arith::TruncIOp::create(b, loc, type, r) : r;
  }

  MemRefType workgroupMemory(ArrayRef<int64_t> shape,
                             Type element) const override {
    return MemRefType::get(
        shape, element, MemRefLayoutAttrInterface{},
        gpu::AddressSpaceAttr::get(element.getContext(),
                                   gpu::AddressSpace::Workgroup));
  }
};

} // namespace

const GpuTargetHooks &tgc::gpuDialectHooks() {
  static const GpuDialectHooks hooks;
  return hooks;
}

LogicalResult GpuKernelBuilder::createFunc(std::array<int64_t, 3> grid,
                                           std::array<int64_t, 3> block,
                                           ArrayRef<Type> workgroupBuffers,
                                           BodyFn body) {
  SmallVector<Type> args;
  for (Type t : func.getArgumentTypes())
    args.push_back(memrefFor(t));
  args.push_back(memrefFor(outType));
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto gpuFunc = gpu::GPUFuncOp::create(b, func.getLoc(), func.getSymName(),
                                        FunctionType::get(ctx, args, {}),
                                        workgroupBuffers);
  gpuFunc->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  gpuFunc.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr(
      {int32_t(block[0]), int32_t(block[1]), int32_t(block[2])}));
  b.setInsertionPointToStart(&gpuFunc.getBody().front());
  LogicalResult built = body(b, gpuFunc);
  gpu::ReturnOp::create(b, func.getLoc());
  OpBuilder kb(func);
  auto *tgc = ctx->getLoadedDialect<TgcDialect>();
  tgc->getGpuGridAttrHelper().setAttr(func, kb.getDenseI64ArrayAttr(grid));
  tgc->getGpuBlockAttrHelper().setAttr(func, kb.getDenseI64ArrayAttr(block));
  return built;
}

// The entry block also holds the workgroup attributions after the function
// arguments: count from the function type.
SmallVector<Value> GpuKernelBuilder::inputMemrefs(gpu::GPUFuncOp f) const {
  unsigned numInputs = f.getFunctionType().getNumInputs() - 1;
  return llvm::to_vector_of<Value>(f.getArguments().take_front(numInputs));
}

Value GpuKernelBuilder::outputMemref(gpu::GPUFuncOp f) const {
  return f.getArgument(f.getFunctionType().getNumInputs() - 1);
}

GpuKernelBuilder::RowLanes
GpuKernelBuilder::rowLanes(OpBuilder &b, KernelEmitter &e, Value vectorIndex,
                           ArrayRef<Value> rowIdx,
                           ArrayRef<int64_t> reducedShape, int64_t width) {
  Location loc = func.getLoc();
  Value first = width == 1 ? vectorIndex
                           : b.createOrFold<arith::MulIOp>(loc, vectorIndex,
                                                           e.index(width));
  SmallVector<Value> idx(rowIdx);
  llvm::append_range(idx, e.delinearize(first, reducedShape));
  RowLanes lanes;
  for (int64_t lane = 0; lane < width; ++lane)
    lanes.last.push_back(lane == 0 ? idx.back()
                                   : b.createOrFold<arith::AddIOp>(
                                         loc, idx.back(), e.index(lane)));
  for (int64_t lane = 0; lane < width; ++lane) {
    idx.back() = lanes.last[lane];
    lanes.indices.push_back(idx);
  }
  return lanes;
}

void GpuKernelBuilder::forEachLane(KernelEmitter &e, const RowLanes &lanes,
                                   function_ref<void(ValueRange)> body) {
  if (lanes.indices.size() == 1) {
    body(lanes.indices[0]);
    return;
  }
  for (auto [lane, idx] : llvm::enumerate(lanes.indices)) {
    e.setLanes(lanes.last, lane);
    body(idx);
  }
  e.clearLanes();
}

void GpuKernelBuilder::storeLanes(OpBuilder &b, Location loc,
                                  ArrayRef<Value> values, Value memref,
                                  ValueRange first) {
  if (values.size() == 1) {
    memref::StoreOp::create(b, loc, values[0], memref, first);
    return;
  }
  unsigned bits = outType.getElementType().getIntOrFloatBitWidth();
  auto vectorType =
      VectorType::get({int64_t(values.size())}, outType.getElementType());
  Value vec = vector::FromElementsOp::create(b, loc, vectorType, values);
  vector::StoreOp::create(b, loc, vec, memref, first, /*nontemporal=*/false,
                          llvm::MaybeAlign(values.size() * bits / 8));
}

Value GpuKernelBuilder::subgroupAllReduce(OpBuilder &b, Location loc,
                                          CombineKind kind, Value v) {
  for (int32_t mask = hooks.subgroupSize() / 2; mask > 0; mask /= 2)
    v = combineValues(b, loc, kind, v, hooks.shuffleXor(b, loc, v, mask));
  return v;
}

Value IndexArith::idx(int64_t v) const { return e.index(v); }

Value IndexArith::add(Value x, Value y) const {
  return b.createOrFold<arith::AddIOp>(loc, x, y);
}

Value IndexArith::mul(Value x, int64_t c) const {
  return b.createOrFold<arith::MulIOp>(loc, x, idx(c));
}

Value IndexArith::div(Value x, int64_t c) const {
  return b.createOrFold<arith::DivUIOp>(loc, x, idx(c));
}

Value IndexArith::rem(Value x, int64_t c) const {
  return b.createOrFold<arith::RemUIOp>(loc, x, idx(c));
}

Value IndexArith::below(Value x, int64_t bound) const {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x,
                               idx(bound));
}

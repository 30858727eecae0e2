//===- HostKernelBuilder.cpp - host workgroup functions -------------------===//

#include "compiler/codegen/host/HostKernelBuilder.h"

#include "ir/TgcDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace tgc;

LogicalResult HostKernelBuilder::createFunc(int64_t workgroups, BodyFn body,
                                            PrologueFn prologue,
                                            int64_t workspaceBytes) {
  MLIRContext *ctx = func.getContext();
  SmallVector<Type> args;
  for (Type t : func.getArgumentTypes())
    args.push_back(memrefFor(t));
  args.push_back(memrefFor(outType));
  if (workspaceBytes > 0)
    args.push_back(MemRefType::get({workspaceBytes}, IntegerType::get(ctx, 8)));
  IndexType index = IndexType::get(ctx);
  args.push_back(index);
  args.push_back(index);
  OpBuilder b = OpBuilder::atBlockEnd(hostModule.getBody());
  Location loc = func.getLoc();
  auto bodyFunc =
      func::FuncOp::create(b, loc, (func.getSymName() + "_body").str(),
                           FunctionType::get(ctx, args, {}));
  Block *entry = bodyFunc.addEntryBlock();
  b.setInsertionPointToStart(entry);
  unsigned numInputs = func.getNumArguments();
  ValueRange inputs = bodyFunc.getArguments().take_front(numInputs);
  Value out = bodyFunc.getArgument(numInputs);
  unsigned rangeBegin = numInputs + (workspaceBytes > 0 ? 2 : 1);
  workspaceArg =
      workspaceBytes > 0 ? bodyFunc.getArgument(numInputs + 1) : Value();
  KernelEmitter e(b, loc, func, inputs);
  if (prologue)
    prologue(b, e);
  auto workgroupLoop =
      scf::ForOp::create(b, loc, bodyFunc.getArgument(rangeBegin),
                         bodyFunc.getArgument(rangeBegin + 1), e.index(1));
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(workgroupLoop.getBody());
    e.pushScope();
    body(b, e, workgroupLoop.getInductionVar(), out);
    e.popScope();
  }
  func::ReturnOp::create(b, loc);
  auto *tgc = ctx->getLoadedDialect<TgcDialect>();
  tgc->getHostWorkgroupsAttrHelper().setAttr(
      func, OpBuilder(func).getI64IntegerAttr(workgroups));
  if (workspaceBytes > 0)
    tgc->getHostWorkspaceAttrHelper().setAttr(
        func, OpBuilder(func).getI64IntegerAttr(workspaceBytes));
  return e.status();
}

void HostKernelBuilder::loop(OpBuilder &b, KernelEmitter &e, Value lb, Value ub,
                             function_ref<void(Value)> body) {
  auto l = scf::ForOp::create(b, func.getLoc(), lb, ub, e.index(1));
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(l.getBody());
  e.pushScope();
  body(l.getInductionVar());
  e.popScope();
}

Value HostLoopBuilder::add(OpBuilder &b, Value x, Value y) {
  return b.createOrFold<arith::AddIOp>(loc, x, y);
}
Value HostLoopBuilder::mul(OpBuilder &b, Value x, Value y) {
  return b.createOrFold<arith::MulIOp>(loc, x, y);
}
Value HostLoopBuilder::min(OpBuilder &b, Value x, Value y) {
  return b.createOrFold<arith::MinSIOp>(loc, x, y);
}
Value HostLoopBuilder::less(OpBuilder &b, Value x, Value y) {
  return b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, y);
}

SmallVector<Value> HostLoopBuilder::loop(OpBuilder &b, KernelEmitter &e,
                                         Value lb, Value ub, int64_t step,
                                         ValueRange init, CarriedBody body) {
  auto l = scf::ForOp::create(b, loc, lb, ub, e.index(step), init);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(l.getBody());
  e.pushScope();
  SmallVector<Value> next = body(l.getInductionVar(), l.getRegionIterArgs());
  e.popScope();
  // Without carried values the loop already ends in its yield.
  if (!init.empty())
    scf::YieldOp::create(b, loc, next);
  return SmallVector<Value>(l.getResults());
}

void HostLoopBuilder::loop(OpBuilder &b, KernelEmitter &e, Value lb, Value ub,
                           int64_t step, function_ref<void(Value)> body) {
  loop(b, e, lb, ub, step, {}, [&](Value iv, ValueRange) {
    body(iv);
    return SmallVector<Value>();
  });
}

Value HostKernelBuilder::typedWorkspace(OpBuilder &b, Type element,
                                        int64_t elements) {
  Location loc = func.getLoc();
  return memref::ViewOp::create(
      b, loc, MemRefType::get({elements}, element), workspaceArg,
      arith::ConstantIndexOp::create(b, loc, 0), ValueRange{});
}

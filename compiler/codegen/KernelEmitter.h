//===- KernelEmitter.h - scalar code for tensor values ----------*- C++ -*-===//
//
// Kernel templates (GPU and host) decide which output elements a thread or
// workgroup computes; this class produces the scalar value of any tensor of
// an outlined kernel function at given indices. Elementwise generics are
// evaluated by cloning their payload, reshapes/slices/concats by index
// arithmetic, kernel arguments by loads from the bound memrefs, and
// reductions either from values the template already computed (row and
// matmul kernels) or by a serial loop. What it cannot evaluate (dispatch
// formation let through an op it does not know) is a located error, never
// an abort: the JIT runs inside applications.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_CODEGEN_KERNELEMITTER_H
#define TGC_COMPILER_CODEGEN_KERNELEMITTER_H

#include "compiler/transforms/LinalgAnalysis.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <functional>
#include <map>

namespace tgc {

class KernelEmitter {
public:
  /// `memrefs[i]` is the buffer bound to the kernel function's argument i.
  KernelEmitter(mlir::OpBuilder &builder, mlir::Location loc,
                mlir::func::FuncOp kernel, mlir::ValueRange memrefs);

  mlir::OpBuilder &builder() { return b; }
  /// The memref bound to the kernel function's argument `argument`.
  mlir::Value memref(unsigned argument) const { return memrefs[argument]; }
  mlir::Location loc() const { return location; }

  /// The element of `tensor` at `indices` (index-typed values).
  mlir::Value emit(mlir::Value tensor, mlir::ValueRange indices);

  /// Records the value of `tensor` at `indices` in the current scope
  /// (a matmul accumulator before its epilogue is emitted).
  void define(mlir::Value tensor, mlir::ValueRange indices, mlir::Value v);
  /// Makes every read of a reduction's result return `v` (row kernels).
  void defineReduction(mlir::Operation *reduction, mlir::Value v) {
    reductionValues[reduction] = v;
  }

  /// One step of a reduction: its payload at loop indices `loopIndices`
  /// with the accumulator `acc`. `reassociate` marks the combining op so
  /// LLVM may vectorize the loop. `contribution`, when given, receives the
  /// value combined into the accumulator (the combiner's other operand).
  mlir::Value emitReductionStep(mlir::linalg::GenericOp reduction,
                                mlir::ValueRange loopIndices, mlir::Value acc,
                                bool reassociate = false,
                                mlir::Value *contribution = nullptr);

  /// Makes every evaluation of `payloadValue` (a value computed inside the
  /// payload of `generic`) use `provide(loopIndices)` instead of its ops:
  /// how a row kernel reuses what it already computed for a reduction (the
  /// exp of softmax) rather than computing it again.
  using Provider = std::function<mlir::Value(mlir::ValueRange loopIndices)>;
  void providePayloadValue(mlir::Value payloadValue, Provider provide) {
    providers[payloadValue] = std::move(provide);
  }
  /// The same for every element of a tensor: `provide(indices)`.
  void provideTensor(mlir::Value tensor, Provider provide) {
    tensorProviders[tensor] = std::move(provide);
  }

  /// Cached values must dominate their uses: enter a scope for every
  /// region (loop body, branch) the template opens.
  void pushScope() { scopes.emplace_back(); }
  void popScope() { scopes.pop_back(); }

  mlir::Value index(int64_t v);
  mlir::SmallVector<mlir::Value> delinearize(mlir::Value flat,
                                             llvm::ArrayRef<int64_t> shape);
  /// The results of an indexing map at loop indices `dims`.
  mlir::SmallVector<mlir::Value> applyMap(mlir::AffineMap map,
                                          mlir::ValueRange dims);

  /// failure() once the emitter met an op or value it cannot evaluate: it
  /// has emitted a diagnostic there and put poison in its place, so the
  /// strategy can finish building and report the failure.
  mlir::LogicalResult status() const { return mlir::failure(failed); }

  /// Vectorized loads: while lane mode is on, a kernel-argument load in the
  /// current scope whose last index is `laneIndices[lane]` is served from
  /// one vector load of `width` contiguous elements. Lanes are emitted in
  /// order, lane 0 first, all in the scope where lane mode was set.
  void setLanes(mlir::ValueRange laneIndices, unsigned lane) {
    if (laneLast.empty() || laneLast.front() != laneIndices.front()) {
      vectorLoads.clear();
      laneScope = scopes.size();
    }
    laneLast.assign(laneIndices.begin(), laneIndices.end());
    currentLane = lane;
  }
  void clearLanes() {
    laneLast.clear();
    vectorLoads.clear();
  }

private:
  mlir::Value emitUncached(mlir::Value tensor, mlir::ValueRange indices);
  mlir::Value load(unsigned argument, mlir::ValueRange indices);
  mlir::Value emitGeneric(mlir::linalg::GenericOp op,
                          mlir::ValueRange loopIndices, mlir::Value acc,
                          bool reassociate,
                          mlir::Value *contribution = nullptr);
  void mapCapture(mlir::Operation *generic, mlir::Value operand,
                  mlir::IRMapping &mapping);
  mlir::Value emitSerialReduction(mlir::linalg::GenericOp op,
                                  mlir::ValueRange outIndices);
  mlir::Value applyMap(mlir::AffineExpr expr, mlir::ValueRange dims);
  /// Reports `message` at `op` and returns a poison stand-in of `type`.
  mlir::Value unsupported(mlir::Operation *op, const llvm::Twine &message,
                          mlir::Type type);

  using Key = std::vector<const void *>;
  Key key(mlir::Value tensor, mlir::ValueRange indices);
  mlir::Value lookup(const Key &k);

  mlir::OpBuilder &b;
  mlir::Location location;
  mlir::func::FuncOp kernel;
  mlir::SmallVector<mlir::Value> memrefs;
  std::vector<std::map<Key, mlir::Value>> scopes;
  llvm::DenseMap<mlir::Operation *, mlir::Value> reductionValues;
  llvm::DenseMap<mlir::Value, Provider> providers, tensorProviders;
  std::map<int64_t, mlir::Value> indexConstants;
  mlir::Block *entryBlock;
  bool failed = false;

  mlir::SmallVector<mlir::Value> laneLast;
  unsigned currentLane = 0;
  size_t laneScope = 0;
  std::map<Key, mlir::Value> vectorLoads;
};

} // namespace tgc

#endif // TGC_COMPILER_CODEGEN_KERNELEMITTER_H

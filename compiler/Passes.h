//===- Passes.h - tgc compiler passes ---------------------------*- C++ -*-===//
//
// Every pass of the compiler (declared in Passes.td) and the pattern sets
// they apply, for reuse in other pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_PASSES_H
#define TGC_COMPILER_PASSES_H

#include "ir/TgDialect.h"
#include "ir/TgcDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace tgc {

#define GEN_PASS_DECL
#include "compiler/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Passes.h.inc"

/// softmax, layer_norm, rms_norm, silu, gelu (tanh) and reduce_mean as
/// primitive tg ops (tgc-decompose-composites).
void populateDecomposeCompositesPatterns(mlir::RewritePatternSet &patterns);

/// tg ops to linalg, tensor, arith and math (tgc-convert-tg-to-linalg).
void populateTgToLinalgConversionPatterns(mlir::RewritePatternSet &patterns);

/// Transcendental math as polynomial approximations (tgc-lower-math);
/// `hasFma`: math.fma is a fused instruction on the target.
void populateLowerMathPatterns(mlir::RewritePatternSet &patterns, bool hasFma);

/// Vector ops without a direct LLVM lowering as ones with one
/// (tgc-prepare-vector).
void populatePrepareVectorPatterns(mlir::RewritePatternSet &patterns);

/// gpu.block_dim / gpu.grid_dim from the HSA dispatch packet
/// (tgc-amd-dispatch-packet).
void populateAmdDispatchPacketPatterns(mlir::RewritePatternSet &patterns);

} // namespace tgc

#endif // TGC_COMPILER_PASSES_H

//===- Passes.td - tgc compiler passes ---------------------*- tablegen -*-===//

#ifndef TGC_COMPILER_PASSES_TD
#define TGC_COMPILER_PASSES_TD

include "mlir/Pass/PassBase.td"

def TgDecomposeComposites : Pass<"tg-decompose-composites", "::mlir::ModuleOp"> {
  let summary = "Decompose composite tg ops into primitive tg ops";
  let description = [{
    Rewrites softmax, layer_norm, rms_norm, silu, gelu (tanh form) and
    reduce_mean into elementwise ops and reductions, so that later passes
    only see primitives. The erf form of gelu stays: it maps to one
    elementwise function.
  }];
  let dependentDialects = ["::mlir::tg::TgDialect"];
}

def TgToLinalg : Pass<"tg-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower tg ops to linalg on tensors";
  let description = [{
    Named linalg ops where one matches (matmul, batch_matmul, transpose,
    broadcast), linalg.generic for the rest, tensor ops for reshape, slice
    and concat. Broadcasting lives in indexing maps; f16 and bf16 compute in
    f32 and reductions and matmuls accumulate in f32. Composite ops must have
    been decomposed first; any tg op left is reported as unsupported.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}


def TgcFormDispatches : Pass<"tgc-form-dispatches", "::mlir::ModuleOp"> {
  let summary = "Fuse linalg ops and outline one function per kernel";
  let description = [{
    Generalizes named linalg ops, drops unit dimensions, fuses elementwise
    producers into consumers, then groups what is left into dispatch regions:
    each region is outlined into a private function tagged
    `tgc.kernel = "elementwise" | "row" | "matmul" | "generic"` and replaced
    by a `func.call`. Elementwise ops, reshapes, slices and concats are
    cloned into every kernel that reads them; a reduction or contraction is
    computed in exactly one kernel, together with the reductions over the
    same rows (softmax, layer_norm: one kernel) or the elementwise epilogue
    of a matmul.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::tgc::TgcDialect"];
}


def TgcGenerateGpuKernels : Pass<"tgc-generate-gpu-kernels", "::mlir::ModuleOp"> {
  let summary = "Generate a gpu.func for every outlined kernel";
  let description = [{
    Adds `gpu.module @tgc_gpu_kernels` with one kernel per function tagged
    `tgc.kernel`, using the strategy of its kind (vectorized elementwise,
    block-per-row reductions with warp shuffles, shared-memory tiled matmul,
    or one thread per element). Records `tgc.gpu_grid` and `tgc.gpu_block`
    on each kernel function.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::tgc::TgcDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
}

def TgcGenerateHostKernels : Pass<"tgc-generate-host-kernels", "::mlir::ModuleOp"> {
  let summary = "Generate host CPU workgroup functions for every kernel";
  let description = [{
    Adds `module @tgc_host_kernels` with one `@<kernel>_body(bindings...,
    begin, end)` per kernel function, computing workgroups [begin, end), and
    records `tgc.host_workgroups` on each kernel function.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::tgc::TgcDialect"];
}

#endif // TGC_COMPILER_PASSES_TD

//===- Passes.td - tgc compiler passes ---------------------*- tablegen -*-===//
//
// Every pass of the compiler, in pipeline order: tg -> linalg, dispatch
// formation, kernel generation (compiler/transforms, compiler/codegen), then
// the target lowering steps the back ends run (compiler/targets). All take
// the `tgc-` prefix and can be run one by one with tg-opt.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_PASSES_TD
#define TGC_COMPILER_PASSES_TD

include "mlir/Pass/PassBase.td"

def TgcDecomposeComposites : Pass<"tgc-decompose-composites", "::mlir::ModuleOp"> {
  let summary = "Decompose composite tg ops into primitive tg ops";
  let description = [{
    Rewrites softmax, layer_norm, rms_norm, silu, gelu (tanh form) and
    reduce_mean into elementwise ops and reductions, so that later passes
    only see primitives. The erf form of gelu stays: it maps to one
    elementwise function.
  }];
  let dependentDialects = ["::mlir::tg::TgDialect"];
}

def TgcFuseAttention : Pass<"tgc-fuse-attention", "::mlir::ModuleOp"> {
  let summary = "Replace scaled dot-product attention by one tgc.attention";
  let description = [{
    Matches `softmax(matmul(q, k^T) [* or / scalar] [+ mask]) @ v` over the
    last axis (f32, every intermediate used once) and replaces it with
    `tgc.attention`, which the host strategy computes without storing the
    scores. Run only when every target is a host target: GPU targets have
    no fused strategy yet and compile the ops as they are.
  }];
  let dependentDialects = ["::mlir::tg::TgDialect", "::tgc::TgcDialect"];
}

def TgcConvertTgToLinalg : Pass<"tgc-convert-tg-to-linalg", "::mlir::ModuleOp"> {
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
    `tgc.kernel = #tgc.kernel_kind<elementwise | row | matmul | generic |
    attention | update_slice>` and replaced
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
                           "::mlir::vector::VectorDialect",
                           "::mlir::ub::UBDialect"];
  let options = [
    Option<"registerRows", "register-rows", "bool", /*default=*/"false",
           "Row kernels read each thread's few vectors of the row once and "
           "keep them in registers for every pass (tgc --gpu-register-rows)">,
  ];
}

def TgcGenerateHostKernels : Pass<"tgc-generate-host-kernels", "::mlir::ModuleOp"> {
  let summary = "Generate host CPU workgroup functions for every kernel";
  let description = [{
    Adds `module @tgc_host_kernels` with one `@<kernel>_body(bindings...,
    [workspace,] begin, end)` per kernel function, computing workgroups
    [begin, end), and records `tgc.host_workgroups` (and
    `tgc.host_workspace` when the strategy needs per-thread scratch) on each
    kernel function. Strategies size their register tiles for the target's
    vectors, recorded on the module as `tgc.host_vector_shape`.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Width of the target's vector registers in bits (128, 256, 512)">,
    Option<"vectorRegisters", "vector-registers", "unsigned",
           /*default=*/"16", "Number of vector registers (16 or 32)">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect",
                           "::tgc::TgcDialect", "::mlir::ub::UBDialect"];
}

//===----------------------------------------------------------------------===//
// Target lowering (compiler/targets): steps of lowerGpuModule and
// lowerHostModule, exposed so each can be tested on its own.
//===----------------------------------------------------------------------===//

def TgcLowerMath : Pass<"tgc-lower-math"> {
  let summary = "Rewrite transcendental math into polynomial approximations";
  let description = [{
    Leaves only math ops every target implements natively (sqrt, fabs, fma,
    floor, ...), so no libm, libdevice or ocml call survives; fails on math
    that has no approximation (e.g. f64 exp), naming the op.
  }];
  let options = [
    Option<"hasFma", "has-fma", "bool", /*default=*/"true",
           "math.fma is a fused instruction on the target (some "
           "approximations rely on it for their accuracy)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::scf::SCFDialect"];
}

def TgcPrepareVector : Pass<"tgc-prepare-vector"> {
  let summary = "Lower vector ops without a direct LLVM lowering";
  let description = [{
    Broadcasts, transfers, shape casts, contractions and friends become ops
    the vector-to-LLVM conversion handles, so that conversion can be one
    step of each target's single dialect conversion.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
}

def TgcAmdDispatchPacket : Pass<"tgc-amd-dispatch-packet", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Read block and grid sizes from the HSA dispatch packet";
  let description = [{
    gpu.block_dim and gpu.grid_dim become loads from the AQL kernel dispatch
    packet, which every HSA runtime fills, instead of the ROCDL lowering's
    calls into the device libraries.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect"];
}

def TgcConvertGpuModule : Pass<"tgc-convert-gpu-module", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Convert a gpu.module to the LLVM dialect plus NVVM or ROCDL";
  let description = [{
    One dialect conversion for both GPU vendors: arith, cf, func, memref,
    vector, index, ub and the native math ops to LLVM, gpu ops to NVVM (for
    an sm_NN chip) or ROCDL (gfxNNNN). Kernel arguments use the bare-pointer
    convention: one device address per binding.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_80\"",
           "The chip: sm_NN (NVIDIA) or gfxNNNN (AMD)">,
    Option<"indexBitwidth", "index-bitwidth", "unsigned", /*default=*/"64",
           "Width of index in device code">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::ROCDL::ROCDLDialect",
                           "::mlir::cf::ControlFlowDialect"];
}

def TgcExpandHostArith : Pass<"tgc-expand-host-arith"> {
  let summary = "Expand the arith ops LLVM has no CPU lowering for";
  let description = [{
    Signed ceil/floor divisions and bf16 conversions become plain integer
    and float arithmetic, like upstream's arith-expand-ops; NaN-propagating
    maximumf/minimumf stay whole. They become llvm.maximum/minimum, which
    LLVM's loop vectorizer turns into vector reductions (a row max) and
    AArch64 executes natively, where the expanded compare-and-select chain
    stays serial.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def TgcConvertHostModule : Pass<"tgc-convert-host-module", "::mlir::ModuleOp"> {
  let summary = "Convert host kernel bodies to the LLVM dialect";
  let description = [{
    The host counterpart of tgc-convert-gpu-module: kernel bodies take one
    pointer per binding, which is what the entry points load from the
    binding array (docs/host-abi.md).
  }];
  let options = [
    Option<"nativeFma", "native-fma", "bool", /*default=*/"true",
           "Lower math.fma to llvm.fma (else llvm.fmuladd: mul+add on CPUs "
           "without FMA instead of a call to fmaf)">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::cf::ControlFlowDialect"];
}

#endif // TGC_COMPILER_PASSES_TD

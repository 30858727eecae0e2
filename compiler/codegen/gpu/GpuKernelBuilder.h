//===- GpuKernelBuilder.h - target hooks and gpu.func creation --*- C++ -*-===//
//
// GPU strategies (ElementwiseStrategy, RowStrategy, MatmulStrategy) write
// against two pieces: GpuTargetHooks, the few things that differ between GPU
// families (thread and workgroup ids, barriers, cross-lane shuffles,
// workgroup memory, the subgroup width), and GpuKernelBuilder, which creates
// the gpu.func for one kernel function and records its launch shape.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_CODEGEN_GPU_GPUKERNELBUILDER_H
#define TGC_COMPILER_CODEGEN_GPU_GPUKERNELBUILDER_H

#include "compiler/codegen/KernelEmitter.h"
#include "compiler/codegen/KernelStrategy.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

#include <array>

namespace tgc {

/// What a GPU strategy needs from the target it generates for.
class GpuTargetHooks {
public:
  virtual ~GpuTargetHooks() = default;
  /// Lanes that run in lockstep and exchange values with shuffles.
  virtual int64_t subgroupSize() const = 0;
  /// The thread's index in its workgroup (x), and the workgroup's in the grid.
  virtual mlir::Value threadId(mlir::OpBuilder &b,
                               mlir::Location loc) const = 0;
  virtual mlir::Value workgroupId(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::gpu::Dimension dim) const = 0;
  /// Waits for every thread of the workgroup (and its workgroup memory).
  virtual void barrier(mlir::OpBuilder &b, mlir::Location loc) const = 0;
  /// `value` of the lane whose index is this lane's xor `mask`.
  virtual mlir::Value shuffleXor(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value value, int32_t mask) const = 0;
  /// A buffer shared by the threads of a workgroup.
  virtual mlir::MemRefType workgroupMemory(llvm::ArrayRef<int64_t> shape,
                                           mlir::Type element) const = 0;
};

/// The hooks every GPU target lowers today: gpu dialect ops (NVVM and
/// ROCDL lowerings implement them) with 32-lane subgroups, which both
/// NVIDIA warps and AMD's wave32/wave64 run.
const GpuTargetHooks &gpuDialectHooks();

/// Builds the gpu.func of one kernel function in the kernels' gpu.module.
class GpuKernelBuilder : public KernelFunction {
public:
  GpuKernelBuilder(mlir::func::FuncOp kernel, mlir::gpu::GPUModuleOp module,
                   const GpuTargetHooks &hooks)
      : KernelFunction(kernel), hooks(hooks), module(module),
        ctx(kernel.getContext()) {}

  /// Fills the function: `memrefs` are its input bindings (the output is
  /// outputMemref()); returns failure when the body could not be built
  /// (a diagnostic has been emitted).
  using BodyFn = llvm::function_ref<mlir::LogicalResult(mlir::OpBuilder &,
                                                        mlir::gpu::GPUFuncOp)>;

  /// Creates the gpu.func with one memref argument per binding and the
  /// given workgroup buffers, and records the launch shape on the kernel.
  mlir::LogicalResult createFunc(std::array<int64_t, 3> grid,
                                 std::array<int64_t, 3> block,
                                 llvm::ArrayRef<mlir::Type> workgroupBuffers,
                                 BodyFn body);

  llvm::SmallVector<mlir::Value> inputMemrefs(mlir::gpu::GPUFuncOp func) const;
  mlir::Value outputMemref(mlir::gpu::GPUFuncOp func) const;

  /// The indices of each of the `width` contiguous elements of vector
  /// `vectorIndex` of a row, in lane order.
  struct RowLanes {
    llvm::SmallVector<llvm::SmallVector<mlir::Value>> indices;
    /// Each lane's innermost index (the emitter's lane mode).
    llvm::SmallVector<mlir::Value> last;
  };
  RowLanes rowLanes(mlir::OpBuilder &b, KernelEmitter &e,
                    mlir::Value vectorIndex, llvm::ArrayRef<mlir::Value> rowIdx,
                    llvm::ArrayRef<int64_t> reducedShape, int64_t width);
  /// Calls `body` with each lane's indices, in lane order, with the
  /// emitter's lane mode on so their loads become one vector load. The same
  /// RowLanes give the same index values, so the emitter reuses what an
  /// earlier call computed in the same scope.
  void forEachLane(KernelEmitter &e, const RowLanes &lanes,
                   llvm::function_ref<void(mlir::ValueRange)> body);
  void forEachLane(mlir::OpBuilder &b, KernelEmitter &e,
                   mlir::Value vectorIndex, llvm::ArrayRef<mlir::Value> rowIdx,
                   llvm::ArrayRef<int64_t> reducedShape, int64_t width,
                   llvm::function_ref<void(mlir::ValueRange)> body) {
    forEachLane(e, rowLanes(b, e, vectorIndex, rowIdx, reducedShape, width),
                body);
  }
  /// Stores lane values to consecutive elements starting at `first`.
  void storeLanes(mlir::OpBuilder &b, mlir::Location loc,
                  llvm::ArrayRef<mlir::Value> values, mlir::Value memref,
                  mlir::ValueRange first);
  /// Reduces `v` over a subgroup; every lane gets the result.
  mlir::Value subgroupAllReduce(mlir::OpBuilder &b, mlir::Location loc,
                                CombineKind kind, mlir::Value v);

  const GpuTargetHooks &hooks;

private:
  mlir::gpu::GPUModuleOp module;
  mlir::MLIRContext *ctx;
};

/// Index arithmetic with constant operands, folded where it can be: what
/// the matrix-core strategies write their addresses in.
struct IndexArith {
  mlir::OpBuilder &b;
  mlir::Location loc;
  KernelEmitter &e;

  mlir::Value idx(int64_t v) const;
  mlir::Value add(mlir::Value x, mlir::Value y) const;
  mlir::Value mul(mlir::Value x, int64_t c) const;
  mlir::Value div(mlir::Value x, int64_t c) const;
  mlir::Value rem(mlir::Value x, int64_t c) const;
  /// x < bound, unsigned.
  mlir::Value below(mlir::Value x, int64_t bound) const;
};

/// Elementwise kernels: one thread per `width` contiguous output elements
/// (vector loads and stores); `vectorize` false keeps one element per
/// thread with serial reductions (generic kernels).
mlir::LogicalResult generateGpuElementwiseKernel(GpuKernelBuilder &kernel,
                                                 bool vectorize);
/// Row kernels: one workgroup per row; each reduction a strided loop, a
/// subgroup butterfly and a workgroup-memory step. `registerRows`: when
/// each thread's part of the row is a few vectors, they are read once and
/// kept in registers for every pass (GpuKernelOptions).
mlir::LogicalResult generateGpuRowKernel(GpuKernelBuilder &kernel,
                                         bool registerRows);
/// Matmul kernels: output tiles per workgroup staged through workgroup
/// memory, the epilogue in registers.
mlir::LogicalResult generateGpuMatmulKernel(GpuKernelBuilder &kernel,
                                            const MatmulLoops &loops);
/// Attention kernels (f32 tgc.attention): a block of queries per
/// workgroup, the scores in workgroup memory one key block at a time with
/// an online softmax (flash attention's structure).
mlir::LogicalResult generateGpuAttentionKernel(GpuKernelBuilder &kernel);
/// update_slice kernels: one thread per element of a
/// tg.dynamic_update_slice's update, written into its window.
mlir::LogicalResult generateGpuUpdateSliceKernel(GpuKernelBuilder &kernel);

/// Matrix instructions a GPU target offers the matmul strategy.
enum class MatrixCores {
  /// None: every matmul runs on the FMA strategy (the kernels every GPU
  /// target can run, which tgc-generate-gpu-kernels makes).
  None,
  /// NVIDIA sm_80 and newer: warp-level mma.sync.m16n8k16 with ldmatrix.
  NvidiaMmaSync,
  /// NVIDIA sm_90 (Hopper) only: warpgroup wgmma.m64n128k16 from shared
  /// memory filled by cp.async and mbarriers (sm_90a code); matmuls whose
  /// operands it cannot copy take the NvidiaMmaSync kernels.
  NvidiaWgmma,
  /// AMD gfx11 (RDNA3): wave32 wmma 16x16x16.
  AmdWmmaGfx11,
  /// AMD gfx1200/gfx1201 (RDNA4): wave32 wmma 16x16x16, gfx12 layout.
  AmdWmmaGfx12,
};

/// The element type (f16 or bf16) of a contraction the matrix-core
/// strategies compute exactly as the FMA strategy would: both operands of
/// that type, products accumulated in f32; nullopt for any other. With
/// `allowTf32`, also f32 for a plain f32 x f32 -> f32 contraction, which
/// the tf32 kernels compute with operands rounded to tf32 (not exactly).
std::optional<mlir::Type> matrixCoreOperandType(const MatmulLoops &loops,
                                                bool allowTf32 = false);
/// Tensor-core matmul kernels (NVIDIA mma.sync, AMD gfx11/gfx12 wmma; not
/// MatrixCores::None) for operands of type `half`. For `half` = f32 (only
/// with MatrixCores::NvidiaMmaSync): mma.sync.m16n8k8 on tf32 operands.
mlir::LogicalResult generateGpuMatrixCoreMatmulKernel(GpuKernelBuilder &kernel,
                                                      const MatmulLoops &loops,
                                                      mlir::Type half,
                                                      MatrixCores cores);

/// The element type (f16 or bf16) of a contraction the wgmma strategy
/// computes: matrixCoreOperandType, and both operands are arguments of
/// `kernel` stored so that 16-byte copies read them (see
/// WgmmaMatmulStrategy.cpp); nullopt for any other.
std::optional<mlir::Type> wgmmaOperandType(mlir::func::FuncOp kernel,
                                           const MatmulLoops &loops);
/// sm_90 warpgroup-MMA matmul kernels for operands of type `half`.
mlir::LogicalResult generateGpuWgmmaMatmulKernel(GpuKernelBuilder &kernel,
                                                 const MatmulLoops &loops,
                                                 mlir::Type half);

/// Choices that change the GPU kernels of a compile (tgc's --gpu-* options,
/// which stay off until scripts/gpu-check.sh has checked the kernels they
/// make on hardware).
struct GpuKernelOptions {
  /// The matrix instructions matmuls may use (a target's own).
  MatrixCores cores = MatrixCores::None;
  /// f32 x f32 -> f32 matmuls on tf32 mma.sync whatever `cores` is (tgc
  /// --allow-tf32; only for NVIDIA sm_80 and newer, which the caller
  /// checks).
  bool allowTf32 = false;
  /// Row kernels read their row once into registers (tgc
  /// --gpu-register-rows).
  bool registerRows = false;
};

/// Adds `gpu.module @tgc_gpu_kernels` to `module` with one gpu.func per
/// kernel function (what tgc-generate-gpu-kernels does, with its
/// register-rows option and MatrixCores::None), using `options.cores` for
/// the matmuls they can compute.
mlir::LogicalResult generateGpuKernels(mlir::ModuleOp module,
                                       const GpuKernelOptions &options);
/// Whether `module` has a kernel function for which `options` would make
/// another matmul kernel than the FMA strategy.
bool usesMatrixCores(mlir::ModuleOp module, const GpuKernelOptions &options);

} // namespace tgc

#endif // TGC_COMPILER_CODEGEN_GPU_GPUKERNELBUILDER_H

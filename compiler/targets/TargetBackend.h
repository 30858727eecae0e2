//===- TargetBackend.h - one target family's back end -----------*- C++ -*-===//
//
// The pipeline drives every target through this interface: it asks the
// back end of each target to lower the generated kernels to the LLVM dialect
// and then to emit code objects, without knowing which family it talks to.
// A new target family is one new implementation (one file) plus a case in
// createTargetBackend.
//
// Threading: lower() mutates IR and may load dialects, so the pipeline runs
// it one target at a time; emitAssembly() and emit() only read the lowered
// module and use their own LLVMContext, files and processes, so the pipeline
// runs them for all targets in parallel (see Targets.h).
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_TARGETS_TARGETBACKEND_H
#define TGC_COMPILER_TARGETS_TARGETBACKEND_H

#include "compiler/targets/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::gpu {
class GPUModuleOp;
} // namespace mlir::gpu

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tgc {

/// How one kernel of a code object is launched. GPU: `grid` workgroups of
/// `block` threads with `scratchBytes` of dynamic workgroup memory. Host:
/// grid[0] workgroups (block [1, 1, 1]) and `scratchBytes` of workspace per
/// thread (docs/host-abi.md).
struct KernelLaunch {
  std::array<int64_t, 3> grid = {1, 1, 1}, block = {1, 1, 1};
  uint64_t scratchBytes = 0;
};

/// One code object as the bundle records it.
struct CodeObject {
  CodeFormat format;
  /// Target::name(): "sm_90", "gfx1100", "x86_64-unknown-linux-gnu".
  std::string arch;
  /// Host code: the CPU it requires ("x86-64-v3"); empty for GPUs.
  std::string cpu;
  std::vector<uint8_t> bytes;
  /// One per kernel function, in module order.
  std::vector<KernelLaunch> launches;
};

/// A target's kernels lowered to the LLVM dialect (plus NVVM or ROCDL) and
/// how each kernel function (in module order) is launched.
/// Set on a lowered NVIDIA kernel module whose code only runs on its exact
/// chip (wgmma: sm_90a), which the back end then emits it for. No dot in
/// the name: "tgc." attributes are the dialect's, which verifies them.
inline constexpr llvm::StringLiteral kArchSpecificAttrName =
    "tgc_arch_specific";

struct LoweredKernels {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<KernelLaunch> launches;
};

/// A code object that could not be made because a tool tgc does not ship is
/// missing (cubin without ptxas). Whether that is an error is the caller's
/// call: a bundle falls back to the target's other formats.
struct SkippedCode {
  CodeFormat format;
  std::string reason;
};

/// Which of the kernels that kernel generation produced a back end compiles.
enum class KernelSet { Gpu, Host };

/// Choices of a compile that change what a back end makes.
struct BackendOptions {
  /// f16/bf16 matmuls on matrix instructions (mma.sync on sm_80+, wgmma on
  /// sm_90, WMMA on gfx11) where the target has them: tgc --gpu-matrix-cores.
  /// Off by default until scripts/gpu-check.sh has checked those kernels'
  /// results on hardware (docs/compiler.md, "Tensor cores").
  bool gpuMatrixCores = false;
  /// f32 x f32 -> f32 matmuls on tf32 tensor cores (mma.sync.m16n8k8,
  /// operands rounded to tf32) on NVIDIA sm_80 and newer: tgc --allow-tf32.
  /// Its own opt-in (it needs no gpuMatrixCores): the user asks for reduced
  /// precision, which is never the default. No AMD target has a tf32 path.
  bool allowTf32 = false;
  /// Row kernels keep each thread's part of the row in registers: tgc
  /// --gpu-register-rows, off until checked on hardware like the above.
  bool gpuRegisterRows = false;
};

class TargetBackend {
public:
  explicit TargetBackend(Target target, BackendOptions options = {})
      : target_(std::move(target)), options_(options) {}
  virtual ~TargetBackend();

  const Target &target() const { return target_; }
  const BackendOptions &options() const { return options_; }

  virtual KernelSet kernelSet() const = 0;

  /// A new module holding the kernels of `module` (after kernel
  /// generation) for this target, lowered to the LLVM dialect (plus NVVM or
  /// ROCDL), and their launches. `module` itself is not changed.
  virtual mlir::FailureOr<LoweredKernels>
  lower(mlir::ModuleOp module) const = 0;

  /// Whether the target has an assembly language apart from its code
  /// formats (AMDGPU and the host do; PTX is NVIDIA's code format).
  virtual bool hasAssembly() const { return false; }
  virtual mlir::FailureOr<std::string> emitAssembly(mlir::ModuleOp lowered,
                                                    unsigned optLevel) const;

  /// Emits the code objects of `formats` (each one of
  /// target().codeFormats()) from a lowered module: each goes to `objects`,
  /// or to `skipped` when an optional tool is missing.
  virtual mlir::LogicalResult emit(mlir::ModuleOp lowered,
                                   llvm::ArrayRef<CodeFormat> formats,
                                   unsigned optLevel,
                                   std::vector<CodeObject> &objects,
                                   std::vector<SkippedCode> &skipped) const = 0;

protected:
  /// A code object of this target with `bytes`.
  CodeObject codeObject(CodeFormat format, llvm::ArrayRef<char> bytes) const;
  /// A fresh module (marked as a GPU container) holding a copy of the
  /// kernel module named `name`, or a diagnostic when there is none.
  mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
  cloneKernelModule(mlir::ModuleOp module, llvm::StringRef name) const;

private:
  Target target_;
  BackendOptions options_;
};

/// What the NVIDIA and AMD back ends share: they compile the kernels of
/// `gpu.module @tgc_gpu_kernels`, lowered by lowerGpuModule.
class GpuTargetBackend : public TargetBackend {
public:
  using TargetBackend::TargetBackend;
  KernelSet kernelSet() const override { return KernelSet::Gpu; }
  mlir::FailureOr<LoweredKernels> lower(mlir::ModuleOp module) const override;

protected:
  /// The gpu.module of a module lower() returned.
  static mlir::gpu::GPUModuleOp gpuModule(mlir::ModuleOp lowered);
};

std::unique_ptr<TargetBackend>
createTargetBackend(const Target &target, const BackendOptions &options = {});

namespace detail {
std::unique_ptr<TargetBackend> createNvptxBackend(const Target &target,
                                                  const BackendOptions &);
std::unique_ptr<TargetBackend> createAmdgpuBackend(const Target &target,
                                                   const BackendOptions &);
std::unique_ptr<TargetBackend> createHostBackend(const Target &target);
} // namespace detail

} // namespace tgc

#endif // TGC_COMPILER_TARGETS_TARGETBACKEND_H

//===- Targets.h - tgc target back ends -------------------------*- C++ -*-===//
//
// The last step of the compiler: lowering generated kernels to LLVM and
// turning them into code objects. NVIDIA gets PTX (and a cubin when ptxas is
// installed), AMD gets an HSACO, the host CPU gets a shared library with the
// workgroup-function ABI of docs/host-abi.md.
//
// Every entry point reports failures as located MLIR diagnostics and returns
// failure(); none of them asserts on bad input. Transcendental math is lowered
// to polynomial approximations, so no libdevice, ocml or libm is needed and
// no unresolved external symbol may survive: each emitter checks that.
//
// Threading: the lower* functions mutate IR and may load dialects, so run
// them one at a time per context. The emit* functions and ptxToCubin only
// read their (already lowered) module and work on their own LLVMContext,
// temporary directory and processes, so they may run concurrently on
// different modules of one context, provided registerTargetDialects was in
// the context's registry from the start (otherwise the first emit appends
// the LLVM IR translations to the context, which must not race).
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_TARGETS_TARGETS_H
#define TGC_COMPILER_TARGETS_TARGETS_H

#include "compiler/targets/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
namespace gpu {
class GPUModuleOp;
} // namespace gpu
} // namespace mlir

namespace tgc {

/// Raw bytes of a code object (cubin, HSACO, shared library).
using Binary = std::vector<char>;

/// Registers the dialects and LLVM IR translations the back ends produce.
/// The entry points also register them on demand, so calling this is only
/// needed to parse or print lowered IR before that happens.
void registerTargetDialects(mlir::DialectRegistry &registry);

//===----------------------------------------------------------------------===//
// GPU
//===----------------------------------------------------------------------===//

/// Lowers `module` in place to the LLVM dialect plus NVVM or ROCDL. Kernel
/// arguments follow the bare-pointer convention: each statically shaped
/// memref becomes one pointer, so the runtime passes one 8-byte device
/// address per binding. `gpu.known_block_size` becomes the launch-bound
/// attributes of the target (maxntid / flat work-group size).
///
/// `indexBitwidth` is the width of `index` in device code. 64 matches the
/// host and the pointer width; 32 saves registers but is only valid while
/// every buffer has fewer than 2^31 elements, which nothing checks yet.
mlir::LogicalResult lowerGpuModule(mlir::gpu::GPUModuleOp module,
                                   const Target &target,
                                   unsigned indexBitwidth = 64);

/// Translates a lowered NVIDIA gpu.module to LLVM IR, optimizes it at
/// `optLevel` (0-3) and emits PTX for `chip`. `ptxVersion` (e.g. 80 for PTX
/// ISA 8.0) 0 means the oldest version that supports the chip (7.8 for sm_90,
/// 7.0 for sm_80), so the PTX JITs on the oldest driver that knows the chip.
/// Fails, naming them, if the PTX would reference any function or variable it
/// does not define.
mlir::FailureOr<std::string> emitPtx(mlir::gpu::GPUModuleOp module,
                                     const Target &target, unsigned optLevel,
                                     unsigned ptxVersion = 0);

/// The output of a step that needs a tool tgc does not ship. Either `bytes`
/// holds the result, or the tool is not installed and `skipped` says which
/// tool and where it was looked for; the caller decides whether that is an
/// error (cubin required for an eGPU bundle) or a warning (PTX-only bundle).
struct OptionalToolOutput {
  std::optional<Binary> bytes;
  std::string skipped;
};

/// ptxas from $CUDA_HOME/bin, $CUDA_PATH/bin, /usr/local/cuda/bin or PATH.
std::optional<std::string> findPtxas();

/// Assembles PTX into a cubin for the target's chip with ptxas. A ptxas error
/// is a diagnostic at `loc` carrying ptxas's own message.
mlir::FailureOr<OptionalToolOutput>
ptxToCubin(mlir::Location loc, llvm::StringRef ptx, const Target &target);

/// Runs ptxas on the PTX without keeping the output. Returns true when ptxas
/// accepted it, false when ptxas is not installed (nothing was checked).
mlir::FailureOr<bool> validatePtx(mlir::Location loc, llvm::StringRef ptx,
                                  const Target &target);

/// Translates a lowered AMD gpu.module, emits an AMDGPU object for the chip
/// (code object version 5) and links it with ld.lld into an HSACO. Fails if
/// ld.lld is missing or the HSACO has undefined symbols.
mlir::FailureOr<Binary> emitHsaco(mlir::gpu::GPUModuleOp module,
                                  const Target &target, unsigned optLevel);

/// The AMDGPU assembly of a lowered AMD gpu.module (what emitHsaco links).
mlir::FailureOr<std::string> emitAmdgpuAssembly(mlir::gpu::GPUModuleOp module,
                                                const Target &target,
                                                unsigned optLevel);

//===----------------------------------------------------------------------===//
// Host CPU
//===----------------------------------------------------------------------===//

/// The vector registers host kernels are shaped for.
struct HostVectorShape {
  /// Register width: 512 with AVX-512, 256 with AVX2, 128 on AArch64 (NEON).
  unsigned bits = 256;
  /// Architectural vector registers: 32 with AVX-512 and on AArch64, else 16.
  unsigned registers = 16;
  bool operator==(const HostVectorShape &o) const {
    return bits == o.bits && registers == o.registers;
  }
};

/// The vector shape of a host target's CPU (its features as LLVM knows
/// them), or a diagnostic at `loc`.
mlir::FailureOr<HostVectorShape> hostVectorShape(const Target &target,
                                                 mlir::Location loc);

/// One exported kernel of the host shared library.
struct HostKernel {
  /// Exported C symbol: void symbol(void *const *bindings, int64_t wg_begin,
  ///                                 int64_t wg_end).
  std::string symbol;
  /// The func.func implementing it: (memref x numBindings, index, index).
  /// With a workspace, the last binding is the per-thread workspace the host
  /// device passes after the schedule's bindings (docs/host-abi.md).
  std::string body;
  unsigned numBindings = 0;
};

/// Lowers the host module in place to the LLVM dialect and adds, for every
/// kernel, the exported ABI entry point that unpacks the binding array and
/// calls the body (a function of its own, docs/host-abi.md). Everything except
/// the entry points becomes internal. The target matters because some math
/// lowerings depend on it (fused multiply-add only where the CPU has one).
mlir::LogicalResult lowerHostModule(mlir::ModuleOp module,
                                    llvm::ArrayRef<HostKernel> kernels,
                                    const Target &target);

/// Compiles a module lowered by lowerHostModule into a shared library: an
/// ELF .so linked with ld.lld, or a Mach-O .dylib linked with ld64.lld for
/// Darwin. Only the kernel entry points are exported; memcpy, memset and
/// memmove are the only undefined symbols allowed (the loading process
/// provides them). `soname` defaults to "tgc-host.so" / "tgc-host.dylib".
mlir::FailureOr<Binary> emitHostSharedLibrary(mlir::ModuleOp module,
                                              const Target &target,
                                              unsigned optLevel,
                                              llvm::StringRef soname = "");

/// Assembly of a lowered host module (what emitHostSharedLibrary links).
mlir::FailureOr<std::string> emitHostAssembly(mlir::ModuleOp module,
                                              const Target &target,
                                              unsigned optLevel);

/// ld.lld (or ld64.lld for `flavor` "ld64.lld") from LLVM 22's bin directory,
/// the -22 suffixed name, or PATH.
std::optional<std::string> findLld(llvm::StringRef flavor = "ld.lld");

} // namespace tgc

#endif // TGC_COMPILER_TARGETS_TARGETS_H

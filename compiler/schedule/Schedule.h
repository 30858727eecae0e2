//===- Schedule.h - the host-side plan of every entry function --*- C++ -*-===//
//
// After dispatch formation an entry function is a sequence of calls to
// kernel functions. Its schedule says, as plain data, what the runtime does
// for one call: which device buffers exist (the caller's inputs and outputs,
// resident constants, scratch reused between values whose lifetimes do not
// overlap), which kernel runs on which bindings, and which outputs are
// copies. The bundle writer only encodes it; `tgc --emit=schedule` prints it.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_SCHEDULE_SCHEDULE_H
#define TGC_COMPILER_SCHEDULE_SCHEDULE_H

#include "compiler/ExternalWeights.h"
#include "format/ScheduleKinds.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace tgc {

struct ScheduledBuffer {
  BufferKind kind;
  /// Input/output position, or constant index; 0 for scratch.
  uint32_t index = 0;
  uint64_t size = 0;
};

/// A kernel argument: a buffer and a byte offset into it.
struct Binding {
  uint32_t buffer;
  uint64_t offset = 0;
};

struct Step {
  StepKind kind;
  /// Dispatch: index into Schedule::kernels.
  uint32_t kernel = 0;
  /// Dispatch: the kernel's inputs, then its output. Copy: source, target.
  std::vector<Binding> bindings;
  /// Copy: bytes.
  uint64_t size = 0;
};

struct FunctionSchedule {
  std::string name;
  std::vector<mlir::RankedTensorType> inputs, outputs;
  std::vector<ScheduledBuffer> buffers;
  std::vector<Step> steps;
};

/// A kernel function and the launch shapes kernel generation chose.
struct ScheduledKernel {
  /// The kernel function's symbol (mangled to what code objects accept).
  std::string name;
  /// Where the kernel came from, for diagnostics.
  mlir::Location loc;
  /// Its inputs, then its output.
  uint32_t numBindings;
  /// Bytes the kernel reads through each input binding, then writes through
  /// its output: the storage size of each argument and of the result. The
  /// runtime checks every dispatch against them.
  std::vector<uint64_t> bindingBytes;
  /// Per input binding: the output may be written over it (the kernel reads
  /// it element by element, each before writing the same output element).
  std::vector<bool> inPlaceInputs;
  /// update_slice kernels: the argument copied into the output before the
  /// dispatch (the kernel writes only the updated window).
  std::optional<uint32_t> updatedArgument;
  /// Host targets: workgroups; GPU targets: grid and block. Only the ones
  /// whose kernels were generated are set.
  std::optional<int64_t> hostWorkgroups;
  std::optional<std::array<int64_t, 3>> gpuGrid, gpuBlock;
};

/// A tensor of a weights file that a constant refers to.
struct ExternalConstant {
  uint32_t file; // index into Schedule::weightFiles
  std::string name;
  mlir::Type elementType;
  std::vector<int64_t> shape;
};

/// A slice of the constants section, or (`external` set, `offset` 0) a
/// tensor of a weights file.
struct ScheduledConstant {
  uint64_t offset, size;
  std::optional<ExternalConstant> external;
};

struct Schedule {
  /// Kernel functions in module order.
  std::vector<ScheduledKernel> kernels;
  /// Public entry functions in module order.
  std::vector<FunctionSchedule> functions;
  std::vector<ScheduledConstant> constants;
  /// The constants section: each constant once, 64-byte aligned,
  /// row-major little-endian, i1 as one byte per element.
  std::vector<uint8_t> constantData;
  /// The weights files external constants refer to, as the bundle names
  /// them: those of ExternalWeights that a constant uses, in its order.
  std::vector<std::string> weightFiles;
};

/// Scratch and constant offsets are multiples of this, so vector loads of a
/// kernel stay aligned.
inline constexpr uint64_t kBufferAlignment = 64;

/// Bytes of a tensor as the runtime stores it (i1 as one byte per element).
uint64_t storageSize(mlir::RankedTensorType type);

/// The schedule of every public function of `module`, after dispatch
/// formation and kernel generation. Emits a located diagnostic on failure.
/// Constants whose bytes are a tensor of `external` (when given) become
/// references to it rather than bytes of the constants section.
mlir::FailureOr<Schedule>
buildSchedule(mlir::ModuleOp module, const ExternalWeights *external = nullptr);

/// A readable listing (tgc --emit=schedule).
void printSchedule(const Schedule &schedule, llvm::raw_ostream &os);

} // namespace tgc

#endif // TGC_COMPILER_SCHEDULE_SCHEDULE_H

//===- CodeObject.h - launch descriptions from cubins and HSACOs -*- C++
//-*-===//
//
// A backend without a vendor driver (an eGPU behind TinyGPU, docs/egpu.md)
// must load code objects itself: put the code in GPU memory and fill in what
// the hardware launches from — a QMD on NVIDIA, the COMPUTE_PGM_* registers
// of a PM4 dispatch on AMD. Those need, per kernel, where its code starts,
// its registers, shared memory, stack, and where each argument goes. The
// CUDA and HIP drivers read this from the code object; these loaders read it
// the same way, from the cubins (ELF with `.nv.info` attribute records) and
// HSACOs (ELF with 64-byte kernel descriptors and a msgpack metadata note)
// that tgc writes, with no vendor library and no LLVM. Every read is bounds
// checked: a truncated or corrupt object is an error that names the section
// or record and the offset.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_HAL_CODEOBJECT_CODEOBJECT_H
#define TGC_HAL_CODEOBJECT_CODEOBJECT_H

#include "hal/Device.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tgc::hal {

/// One kernel parameter: where its bytes go in the argument buffer (NVIDIA:
/// the parameter area of constant bank 0; AMD: the kernarg segment).
struct KernelArgument {
  uint32_t ordinal = 0;
  uint32_t offset = 0;
  uint32_t size = 0;
  std::string kind; // AMD metadata's .value_kind ("global_buffer", "hidden_…")
};

/// NVIDIA: a constant bank whose initial contents the cubin holds
/// (`.nv.constant<bank>.<kernel>`): the loader copies them to GPU memory and
/// binds the bank in the QMD. Bank 0 also receives the launch parameters at
/// `paramBankOffset`.
struct ConstantBank {
  uint32_t bank = 0;
  uint64_t fileOffset = 0;
  uint64_t size = 0;
};

/// NVIDIA: a relocation of the kernel's code (`.rel[a].text.<kernel>`) that a
/// loader must apply once it knows where the referenced symbol landed.
struct CodeRelocation {
  uint64_t offset = 0; // within the kernel's code
  uint32_t type = 0;   // R_CUDA_*
  std::string symbol;
  int64_t addend = 0;
};

struct NvidiaLaunchInfo {
  uint32_t paramBankOffset = 0;      // parameters start here in constant bank 0
  uint64_t frameBytes = 0;           // EIATTR_FRAME_SIZE
  uint64_t minStackBytes = 0;        // EIATTR_MIN_STACK_SIZE
  uint64_t maxStackBytes = 0;        // EIATTR_MAX_STACK_SIZE
  uint32_t barriers = 0;             // EIATTR_NUM_BARRIERS
  std::vector<uint32_t> exitOffsets; // EIATTR_EXIT_INSTR_OFFSETS
  std::vector<ConstantBank> constantBanks;
  std::vector<CodeRelocation> relocations;
};

struct AmdLaunchInfo {
  uint64_t descriptorFileOffset = 0; // the 64-byte `<kernel>.kd`
  uint32_t computePgmRsrc1 = 0;
  uint32_t computePgmRsrc2 = 0;
  uint32_t computePgmRsrc3 = 0;
  uint16_t kernelCodeProperties = 0;
  uint32_t wavefrontSize = 64;
  uint32_t userSgprs = 0;      // COMPUTE_PGM_RSRC2.USER_SGPR_COUNT
  uint32_t allocatedVgprs = 0; // from COMPUTE_PGM_RSRC1's granule
  bool usesScratch = false;    // COMPUTE_PGM_RSRC2.ENABLE_PRIVATE_SEGMENT
  bool hasMetadata = false;    // the NT_AMDGPU_METADATA note described it
  uint32_t kernargAlignment = 0;
};

/// What launching one kernel needs, independent of any driver.
struct KernelLaunchDescription {
  std::string name;
  /// The kernel's code: where it lies in the file, and the entry point as a
  /// byte offset from `codeFileOffset` (NVIDIA: the symbol's value in
  /// `.text.<kernel>`; AMD: descriptor address + kernel_code_entry_byte_offset,
  /// taken relative to the start of the code's section).
  uint64_t codeFileOffset = 0;
  uint64_t codeSize = 0;
  uint64_t entryOffset = 0;
  /// NVIDIA: registers per thread. AMD: VGPRs per work item (the metadata's
  /// exact count when present, else what the descriptor allocates).
  uint32_t registers = 0;
  uint32_t scalarRegisters = 0;   // AMD SGPRs (metadata only); 0 on NVIDIA
  uint64_t sharedMemoryBytes = 0; // static shared memory / LDS per block
  /// Per-thread stack (NVIDIA: the largest of frame, min and max stack size)
  /// or private segment (AMD) bytes.
  uint64_t stackBytes = 0;
  uint32_t argumentBytes = 0;            // CBANK_PARAM_SIZE / kernarg_size
  std::vector<KernelArgument> arguments; // by ordinal
  std::array<uint32_t, 3> requiredBlock = {0, 0, 0}; // 0: not fixed
  NvidiaLaunchInfo nvidia;
  AmdLaunchInfo amd;
};

struct CodeObjectDescription {
  CodeFormat format = CodeFormat::Cubin;
  std::string arch;                             // "sm_90", "gfx1100"
  std::vector<KernelLaunchDescription> kernels; // sorted by name

  const KernelLaunchDescription *findKernel(const std::string &name) const;
};

/// Reads a cubin (sm_XX ELF, as ptxas writes it for tgc).
Status describeCubin(const void *bytes, size_t size,
                     CodeObjectDescription &out);
/// Reads an HSACO (AMDGPU code object v4/v5, as lld links it for tgc).
Status describeHsaco(const void *bytes, size_t size,
                     CodeObjectDescription &out);
/// Either of the above, by the ELF machine (EM_CUDA or EM_AMDGPU).
Status describeCodeObject(const void *bytes, size_t size,
                          CodeObjectDescription &out);

/// The description as text, one kernel per paragraph (the format of
/// `tg-run --describe-code-object`, docs/egpu.md).
std::string formatCodeObjectDescription(const CodeObjectDescription &object);

} // namespace tgc::hal

#endif // TGC_HAL_CODEOBJECT_CODEOBJECT_H

//===- CodeObject.cpp - launch descriptions from cubins and HSACOs --------===//

#include "hal/codeobject/CodeObject.h"
#include "hal/codeobject/Elf.h"

#include <cstdarg>
#include <cstdio>

namespace tgc::hal {

const KernelLaunchDescription *
CodeObjectDescription::findKernel(const std::string &name) const {
  for (const KernelLaunchDescription &kernel : kernels)
    if (kernel.name == name)
      return &kernel;
  return nullptr;
}

Status describeCodeObject(const void *bytes, size_t size,
                          CodeObjectDescription &out) {
  const auto *p = static_cast<const uint8_t *>(bytes);
  if (p && size >= 20 && p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' &&
      p[3] == 'F') {
    uint16_t machine = elf::load16(p + 18);
    if (machine == elf::kMachineCuda)
      return describeCubin(bytes, size, out);
    if (machine == elf::kMachineAmdgpu)
      return describeHsaco(bytes, size, out);
    return Status::error("code object: ELF machine " + std::to_string(machine) +
                         " at offset 0x12 is neither EM_CUDA (190, a cubin) "
                         "nor EM_AMDGPU (224, an HSACO)");
  }
  return Status::error("code object: not an ELF file (a cubin or HSACO "
                       "starts with 0x7f 'ELF')");
}

namespace {

std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char *fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, args);
  va_end(args);
  return buf;
}

using ull = unsigned long long;

} // namespace

std::string formatCodeObjectDescription(const CodeObjectDescription &object) {
  bool nvidia = object.format == CodeFormat::Cubin;
  std::string text = format("%s %s: %zu kernel%s\n", nvidia ? "cubin" : "hsaco",
                            object.arch.c_str(), object.kernels.size(),
                            object.kernels.size() == 1 ? "" : "s");
  // Every line starts with the kernel's name so that tests can match
  // lines of several kernels in any order.
  for (const KernelLaunchDescription &k : object.kernels) {
    const char *name = k.name.c_str();
    text += format(
        "%s: code at file offset 0x%llx (%llu bytes), entry +0x%llx\n", name,
        ull(k.codeFileOffset), ull(k.codeSize), ull(k.entryOffset));
    if (nvidia) {
      text += format("%s: registers %u, shared memory %llu bytes, stack %llu "
                     "bytes\n",
                     name, k.registers, ull(k.sharedMemoryBytes),
                     ull(k.stackBytes));
      text += format("%s: frame %llu bytes, min stack %llu bytes, max stack "
                     "%llu bytes, barriers %u, exits %zu\n",
                     name, ull(k.nvidia.frameBytes),
                     ull(k.nvidia.minStackBytes), ull(k.nvidia.maxStackBytes),
                     k.nvidia.barriers, k.nvidia.exitOffsets.size());
      text += format("%s: arguments %u bytes at constant bank 0 offset 0x%x\n",
                     name, k.argumentBytes, k.nvidia.paramBankOffset);
    } else {
      const AmdLaunchInfo &amd = k.amd;
      if (amd.hasMetadata)
        text += format("%s: registers %u VGPRs (%u allocated), %u SGPRs, "
                       "wave%u, shared memory %llu bytes, stack %llu bytes\n",
                       name, k.registers, amd.allocatedVgprs, k.scalarRegisters,
                       amd.wavefrontSize, ull(k.sharedMemoryBytes),
                       ull(k.stackBytes));
      else
        text += format("%s: registers %u VGPRs allocated, wave%u, shared "
                       "memory %llu bytes, stack %llu bytes (no metadata)\n",
                       name, amd.allocatedVgprs, amd.wavefrontSize,
                       ull(k.sharedMemoryBytes), ull(k.stackBytes));
      text += format("%s: descriptor at file offset 0x%llx: rsrc1 0x%08x "
                     "rsrc2 0x%08x rsrc3 0x%08x, properties 0x%04x, %u user "
                     "SGPRs, scratch %s\n",
                     name, ull(amd.descriptorFileOffset), amd.computePgmRsrc1,
                     amd.computePgmRsrc2, amd.computePgmRsrc3,
                     amd.kernelCodeProperties, amd.userSgprs,
                     amd.usesScratch ? "on" : "off");
      text += format("%s: arguments %u bytes (kernarg segment, align %u)\n",
                     name, k.argumentBytes, amd.kernargAlignment);
    }
    for (const KernelArgument &a : k.arguments)
      text +=
          format("%s: argument %u: offset %u, %u bytes%s%s\n", name, a.ordinal,
                 a.offset, a.size, a.kind.empty() ? "" : ", ", a.kind.c_str());
    if (k.requiredBlock[0])
      text += format("%s: required block %ux%ux%u\n", name, k.requiredBlock[0],
                     k.requiredBlock[1], k.requiredBlock[2]);
    for (const ConstantBank &bank : k.nvidia.constantBanks)
      text += format("%s: constant bank %u: %llu bytes at file offset 0x%llx\n",
                     name, bank.bank, ull(bank.size), ull(bank.fileOffset));
    for (const CodeRelocation &r : k.nvidia.relocations)
      text += format("%s: relocation at +0x%llx: type %u, symbol '%s', addend "
                     "%lld\n",
                     name, ull(r.offset), r.type, r.symbol.c_str(),
                     (long long)r.addend);
  }
  return text;
}

} // namespace tgc::hal

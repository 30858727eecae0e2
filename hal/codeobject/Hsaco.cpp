//===- Hsaco.cpp - launch descriptions from AMDGPU code objects -----------===//
//
// An HSACO describes each kernel twice. The 64-byte kernel descriptor
// (`<kernel>.kd`, in .rodata) is what the hardware needs: a PM4 dispatch
// copies its COMPUTE_PGM_RSRC1/2/3 into registers and starts at the entry
// it points to (layout: LLVM's AMDGPUUsage, "Kernel Descriptor"). The
// NT_AMDGPU_METADATA note (msgpack) adds what the descriptor leaves out:
// each argument's offset and size, and exact register counts (the
// descriptor only has granules). Both are read; where they overlap they
// must agree, or the object is refused as corrupt.
//
//===----------------------------------------------------------------------===//

#include "hal/codeobject/CodeObject.h"
#include "hal/codeobject/Elf.h"
#include "hal/codeobject/MsgPack.h"

#include <algorithm>

namespace tgc::hal {

namespace {

using elf::hex;
using elf::load16;
using elf::load32;
using elf::load64;

constexpr uint64_t kDescriptorSize = 64;
constexpr uint32_t kNoteAmdgpuMetadata = 32; // NT_AMDGPU_METADATA
constexpr uint64_t kSectionExecutable = 0x4; // SHF_EXECINSTR
constexpr uint16_t kPropertyWavefront32 = 1u << 10;
constexpr const char *kDescriptorSuffix = ".kd";

/// The file offset of virtual address range [address, address + size) in
/// one section, if some section with bytes in the file holds all of it.
const elf::Section *sectionAt(const elf::File &file, uint64_t address,
                              uint64_t size, uint64_t requiredFlags) {
  for (const elf::Section &s : file.sections())
    if (s.index != 0 && s.type != elf::kSectionNoBits &&
        (s.flags & requiredFlags) == requiredFlags && address >= s.address &&
        address - s.address <= s.size && size <= s.size - (address - s.address))
      return &s;
  return nullptr;
}

/// The gfx name from "amdgcn-amd-amdhsa--gfx1100:xnack-".
std::string archFromTarget(const std::string &target) {
  size_t at = target.rfind("--");
  std::string arch = at == std::string::npos ? target : target.substr(at + 2);
  return arch.substr(0, arch.find(':'));
}

Status readDescriptor(const elf::File &file, const elf::Symbol &symbol,
                      const std::string &arch,
                      KernelLaunchDescription &kernel) {
  const elf::Section *section =
      sectionAt(file, symbol.value, kDescriptorSize, 0);
  if (!section || symbol.size != kDescriptorSize)
    return file.error("kernel descriptor '" + symbol.name + "' at " +
                      hex(symbol.value) + " (" + std::to_string(symbol.size) +
                      " bytes) is not 64 bytes inside a section");
  const uint8_t *bytes;
  if (Status s = file.sectionBytes(*section, bytes); !s)
    return s;
  uint64_t inSection = symbol.value - section->address;
  const uint8_t *kd = bytes + inSection;
  AmdLaunchInfo &amd = kernel.amd;
  amd.descriptorFileOffset = section->offset + inSection;
  kernel.sharedMemoryBytes = load32(kd + 0);
  kernel.stackBytes = load32(kd + 4);
  kernel.argumentBytes = load32(kd + 8);
  int64_t entryFromDescriptor = int64_t(load64(kd + 16));
  amd.computePgmRsrc3 = load32(kd + 44);
  amd.computePgmRsrc1 = load32(kd + 48);
  amd.computePgmRsrc2 = load32(kd + 52);
  amd.kernelCodeProperties = load16(kd + 56);
  amd.wavefrontSize =
      (amd.kernelCodeProperties & kPropertyWavefront32) ? 32 : 64;
  amd.usesScratch = amd.computePgmRsrc2 & 1;
  amd.userSgprs = (amd.computePgmRsrc2 >> 1) & 0x1f;
  // VGPRs are granted in granules: GRANULATED_WORKITEM_VGPR_COUNT is
  // blocks - 1. A block is 8 VGPRs in wave32 and on gfx90a/gfx94x, else 4.
  bool eightPerBlock = amd.wavefrontSize == 32 || arch == "gfx90a" ||
                       arch.compare(0, 5, "gfx94") == 0 ||
                       arch.compare(0, 5, "gfx95") == 0;
  amd.allocatedVgprs =
      ((amd.computePgmRsrc1 & 0x3f) + 1) * (eightPerBlock ? 8 : 4);
  kernel.registers = amd.allocatedVgprs;

  uint64_t entry = symbol.value + uint64_t(entryFromDescriptor);
  const elf::Section *text = sectionAt(file, entry, 1, kSectionExecutable);
  if (!text)
    return file.error("kernel descriptor '" + symbol.name + "': entry at " +
                      hex(entry) + " (descriptor " + hex(symbol.value) +
                      " + kernel_code_entry_byte_offset " +
                      std::to_string(entryFromDescriptor) +
                      ") is not in an executable section");
  kernel.codeFileOffset = text->offset;
  kernel.codeSize = text->size;
  kernel.entryOffset = entry - text->address;
  return Status();
}

Status mismatch(const elf::File &file, const std::string &kernel,
                const char *field, uint64_t metadata, uint64_t descriptor) {
  return file.error("kernel '" + kernel + "': metadata says " + field + " " +
                    std::to_string(metadata) + ", the kernel descriptor " +
                    std::to_string(descriptor));
}

/// Fills in what the metadata note says about one kernel and checks it
/// against the descriptor.
Status readKernelMetadata(const elf::File &file, const msgpack::Value &entry,
                          KernelLaunchDescription &kernel) {
  auto field = [&](const char *name, uint64_t &out) -> Status {
    const msgpack::Value *v = entry.find(name);
    if (!v || !v->asUnsigned(out) || out > UINT32_MAX)
      return file.error("metadata of kernel '" + kernel.name + "': " + name +
                        " is missing or not an unsigned 32-bit integer");
    return Status();
  };
  uint64_t group, priv, kernarg, sgprs, vgprs, wavefront;
  for (auto [name, out] :
       {std::pair{".group_segment_fixed_size", &group},
        std::pair{".private_segment_fixed_size", &priv},
        std::pair{".kernarg_segment_size", &kernarg},
        std::pair{".sgpr_count", &sgprs}, std::pair{".vgpr_count", &vgprs},
        std::pair{".wavefront_size", &wavefront}})
    if (Status s = field(name, *out); !s)
      return s;
  if (group != kernel.sharedMemoryBytes)
    return mismatch(file, kernel.name, "group_segment_fixed_size", group,
                    kernel.sharedMemoryBytes);
  if (priv != kernel.stackBytes)
    return mismatch(file, kernel.name, "private_segment_fixed_size", priv,
                    kernel.stackBytes);
  if (kernarg != kernel.argumentBytes)
    return mismatch(file, kernel.name, "kernarg_segment_size", kernarg,
                    kernel.argumentBytes);
  if (wavefront != kernel.amd.wavefrontSize)
    return mismatch(file, kernel.name, "wavefront_size", wavefront,
                    kernel.amd.wavefrontSize);
  if (vgprs > kernel.amd.allocatedVgprs)
    return file.error("kernel '" + kernel.name + "': metadata says " +
                      std::to_string(vgprs) + " VGPRs, more than the " +
                      std::to_string(kernel.amd.allocatedVgprs) +
                      " its descriptor allocates");
  kernel.registers = uint32_t(vgprs);
  kernel.scalarRegisters = uint32_t(sgprs);
  uint64_t align = 0;
  if (const msgpack::Value *v = entry.find(".kernarg_segment_align"))
    if (v->asUnsigned(align) && align <= UINT32_MAX)
      kernel.amd.kernargAlignment = uint32_t(align);
  if (const msgpack::Value *reqd = entry.find(".reqd_workgroup_size")) {
    if (reqd->kind != msgpack::Value::Kind::Array || reqd->array.size() != 3)
      return file.error("metadata of kernel '" + kernel.name +
                        "': .reqd_workgroup_size is not 3 integers");
    for (int i = 0; i < 3; ++i) {
      uint64_t n;
      if (!reqd->array[i].asUnsigned(n) || n > UINT32_MAX)
        return file.error("metadata of kernel '" + kernel.name +
                          "': .reqd_workgroup_size is not 3 integers");
      kernel.requiredBlock[i] = uint32_t(n);
    }
  }
  const msgpack::Value *args = entry.find(".args");
  if (!args)
    return Status(); // a kernel without arguments may omit the list
  if (args->kind != msgpack::Value::Kind::Array)
    return file.error("metadata of kernel '" + kernel.name +
                      "': .args is not an array");
  for (size_t i = 0; i < args->array.size(); ++i) {
    const msgpack::Value &arg = args->array[i];
    uint64_t offset, size;
    const msgpack::Value *o = arg.find(".offset"), *s = arg.find(".size");
    if (!o || !s || !o->asUnsigned(offset) || !s->asUnsigned(size) ||
        offset > UINT32_MAX || size > UINT32_MAX)
      return file.error("metadata of kernel '" + kernel.name + "': argument " +
                        std::to_string(i) + " has no valid .offset and .size");
    if (offset + size > kernel.argumentBytes)
      return file.error(
          "metadata of kernel '" + kernel.name + "': argument " +
          std::to_string(i) + " at offset " + std::to_string(offset) + " (" +
          std::to_string(size) + " bytes) lies outside the " +
          std::to_string(kernel.argumentBytes) + "-byte kernarg segment");
    KernelArgument a;
    a.ordinal = uint32_t(i);
    a.offset = uint32_t(offset);
    a.size = uint32_t(size);
    if (const msgpack::Value *kind = arg.find(".value_kind");
        kind && kind->kind == msgpack::Value::Kind::String)
      a.kind = kind->string;
    kernel.arguments.push_back(a);
  }
  kernel.amd.hasMetadata = true;
  return Status();
}

/// The metadata map of the first NT_AMDGPU_METADATA note, if there is one.
Status readMetadataNote(const elf::File &file, bool &found,
                        msgpack::Value &out) {
  found = false;
  for (const elf::Section &section : file.sections()) {
    if (section.type != elf::kSectionNote)
      continue;
    std::vector<elf::Note> notes;
    if (Status s = file.notes(section, notes); !s)
      return s;
    for (const elf::Note &note : notes) {
      if (note.owner != "AMDGPU" || note.type != kNoteAmdgpuMetadata)
        continue;
      if (Status s = msgpack::parse(note.desc, note.descSize, out); !s)
        return file.sectionError(section, "AMDGPU metadata at file offset " +
                                              hex(note.fileOffset) + ": " +
                                              s.message());
      if (out.kind != msgpack::Value::Kind::Map)
        return file.sectionError(section, "AMDGPU metadata is not a map");
      found = true;
      return Status();
    }
  }
  return Status();
}

} // namespace

Status describeHsaco(const void *bytes, size_t size,
                     CodeObjectDescription &out) {
  out = CodeObjectDescription();
  out.format = CodeFormat::Hsaco;
  elf::File file;
  if (Status s = file.open(bytes, size, "hsaco", elf::kMachineAmdgpu); !s)
    return s;

  bool haveMetadata = false;
  msgpack::Value metadata;
  if (Status s = readMetadataNote(file, haveMetadata, metadata); !s)
    return s;
  if (haveMetadata)
    if (const msgpack::Value *target = metadata.find("amdhsa.target");
        target && target->kind == msgpack::Value::Kind::String)
      out.arch = archFromTarget(target->string);
  if (out.arch.empty())
    out.arch = "gfx-unknown (e_flags " + hex(file.flags()) + ")";

  // Descriptors are exported (.dynsym); .symtab has them too unless stripped.
  const elf::Section *table = file.findSection(".symtab");
  if (!table)
    table = file.findSection(".dynsym");
  if (!table)
    return file.error("no .symtab or .dynsym section");
  std::vector<elf::Symbol> symbols;
  if (Status s = file.symbols(*table, symbols); !s)
    return s;

  for (const elf::Symbol &symbol : symbols) {
    const std::string &name = symbol.name;
    size_t suffix = std::char_traits<char>::length(kDescriptorSuffix);
    if (symbol.type != elf::kSymbolObject || name.size() <= suffix ||
        name.compare(name.size() - suffix, suffix, kDescriptorSuffix) != 0)
      continue;
    KernelLaunchDescription kernel;
    kernel.name = name.substr(0, name.size() - suffix);
    if (Status s = readDescriptor(file, symbol, out.arch, kernel); !s)
      return s;
    out.kernels.push_back(std::move(kernel));
  }
  if (out.kernels.empty())
    return file.error("no kernel descriptors (no '<kernel>.kd' symbols)");

  if (haveMetadata) {
    const msgpack::Value *kernels = metadata.find("amdhsa.kernels");
    if (!kernels || kernels->kind != msgpack::Value::Kind::Array)
      return file.error("AMDGPU metadata has no amdhsa.kernels array");
    for (const msgpack::Value &entry : kernels->array) {
      const msgpack::Value *symbol = entry.find(".symbol");
      if (!symbol || symbol->kind != msgpack::Value::Kind::String)
        return file.error("AMDGPU metadata: a kernel has no .symbol");
      auto kernel =
          std::find_if(out.kernels.begin(), out.kernels.end(),
                       [&](const KernelLaunchDescription &k) {
                         return k.name + kDescriptorSuffix == symbol->string;
                       });
      if (kernel == out.kernels.end())
        return file.error("AMDGPU metadata describes '" + symbol->string +
                          "', which is not a kernel descriptor symbol");
      if (kernel->amd.hasMetadata)
        return file.error("AMDGPU metadata describes '" + symbol->string +
                          "' twice");
      if (Status s = readKernelMetadata(file, entry, *kernel); !s)
        return s;
    }
  }
  std::sort(out.kernels.begin(), out.kernels.end(),
            [](const KernelLaunchDescription &a,
               const KernelLaunchDescription &b) { return a.name < b.name; });
  return Status();
}

} // namespace tgc::hal

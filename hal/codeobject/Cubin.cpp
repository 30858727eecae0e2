//===- Cubin.cpp - launch descriptions from NVIDIA cubins -----------------===//
//
// A cubin keeps per-kernel launch facts in attribute records: `.nv.info`
// holds those keyed by function symbol (register count, frame and stack
// sizes), `.nv.info.<kernel>` those of one kernel (parameter layout,
// parameter bank, barriers, exits). A record is `u8 format, u8 attribute`
// followed by a `u16` value (EIFMT_NVAL/BVAL/HVAL), or by a `u16` size and
// that many bytes (EIFMT_SVAL). The attribute numbers are NVIDIA's, as
// cuobjdump names them; this reads the ones a QMD needs and steps over the
// rest by their format, so records a newer ptxas adds do not matter.
//
//===----------------------------------------------------------------------===//

#include "hal/codeobject/CodeObject.h"
#include "hal/codeobject/Elf.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

namespace tgc::hal {

namespace {

using elf::hex;
using elf::load16;
using elf::load32;

enum RecordFormat : uint8_t {
  kFormatNoValue = 1, // EIFMT_NVAL
  kFormatByte = 2,    // EIFMT_BVAL
  kFormatHalf = 3,    // EIFMT_HVAL
  kFormatSized = 4,   // EIFMT_SVAL
};

enum Attribute : uint8_t {
  kAttrMaxThreads = 0x05,      // EIATTR_MAX_THREADS: u32 x, y, z
  kAttrParamCbank = 0x0a,      // EIATTR_PARAM_CBANK: u32 sym, u16 off, size
  kAttrRequiredThreads = 0x10, // EIATTR_REQNTID: u32 x, y, z
  kAttrFrameSize = 0x11,       // EIATTR_FRAME_SIZE: u32 sym, u32 bytes
  kAttrMinStackSize = 0x12,    // EIATTR_MIN_STACK_SIZE: u32 sym, u32 bytes
  kAttrKparamInfo = 0x17,      // EIATTR_KPARAM_INFO: see readParameter
  kAttrCbankParamSize = 0x19,  // EIATTR_CBANK_PARAM_SIZE: u16 bytes
  kAttrExitOffsets = 0x1c,     // EIATTR_EXIT_INSTR_OFFSETS: u32 each
  kAttrMaxStackSize = 0x23,    // EIATTR_MAX_STACK_SIZE: u32 sym, u32 bytes
  kAttrRegCount = 0x2f,        // EIATTR_REGCOUNT: u32 sym, u32 registers
  kAttrNumBarriers = 0x4c,     // EIATTR_NUM_BARRIERS: u8 count
};

struct Record {
  uint8_t format;
  uint8_t attribute;
  uint64_t offset;         // of the record within its section
  uint16_t value = 0;      // NVAL/BVAL/HVAL
  const uint8_t *data = 0; // SVAL
  uint16_t size = 0;       // SVAL
};

/// Calls `visit` for each record of an `.nv.info*` section.
Status forEachRecord(const elf::File &file, const elf::Section &section,
                     const std::function<Status(const Record &)> &visit) {
  const uint8_t *bytes;
  if (Status s = file.sectionBytes(section, bytes); !s)
    return s;
  uint64_t at = 0;
  while (at < section.size) {
    if (section.size - at < 4)
      return file.sectionError(section, "record at offset " + hex(at) +
                                            " is truncated (" +
                                            std::to_string(section.size - at) +
                                            " bytes left, a record has 4)");
    Record r{bytes[at], bytes[at + 1], at};
    if (r.format == kFormatSized) {
      r.size = load16(bytes + at + 2);
      if (r.size > section.size - at - 4)
        return file.sectionError(section,
                                 "record at offset " + hex(at) +
                                     " (attribute " + hex(r.attribute) +
                                     ") announces " + std::to_string(r.size) +
                                     " bytes, past the section end (" +
                                     hex(section.size) + " bytes)");
      r.data = bytes + at + 4;
      at += 4 + uint64_t(r.size);
    } else if (r.format >= kFormatNoValue && r.format <= kFormatHalf) {
      r.value = load16(bytes + at + 2);
      at += 4;
    } else {
      return file.sectionError(section, "record at offset " + hex(at) +
                                            " has unknown format " +
                                            std::to_string(r.format));
    }
    if (Status s = visit(r); !s)
      return s;
  }
  return Status();
}

/// An SVAL record must hold at least `bytes`.
Status expectSize(const elf::File &file, const elf::Section &section,
                  const Record &r, const char *name, uint16_t bytes) {
  if (r.format != kFormatSized || r.size < bytes)
    return file.sectionError(
        section, std::string(name) + " record at offset " + hex(r.offset) +
                     " holds " + std::to_string(r.size) + " bytes, expected " +
                     std::to_string(bytes));
  return Status();
}

/// Per-function facts of the global `.nv.info`, keyed by symbol index.
struct FunctionFacts {
  std::optional<uint32_t> registers;
  uint64_t frameBytes = 0, minStackBytes = 0, maxStackBytes = 0;
};

Status readGlobalInfo(const elf::File &file, const elf::Section &section,
                      std::map<uint32_t, FunctionFacts> &facts) {
  return forEachRecord(file, section, [&](const Record &r) -> Status {
    const char *name = nullptr;
    switch (r.attribute) {
    case kAttrRegCount:
      name = "EIATTR_REGCOUNT";
      break;
    case kAttrFrameSize:
      name = "EIATTR_FRAME_SIZE";
      break;
    case kAttrMinStackSize:
      name = "EIATTR_MIN_STACK_SIZE";
      break;
    case kAttrMaxStackSize:
      name = "EIATTR_MAX_STACK_SIZE";
      break;
    default:
      return Status();
    }
    if (Status s = expectSize(file, section, r, name, 8); !s)
      return s;
    FunctionFacts &f = facts[load32(r.data)];
    uint32_t value = load32(r.data + 4);
    switch (r.attribute) {
    case kAttrRegCount:
      f.registers = value;
      break;
    case kAttrFrameSize:
      f.frameBytes = value;
      break;
    case kAttrMinStackSize:
      f.minStackBytes = value;
      break;
    default:
      f.maxStackBytes = value;
      break;
    }
    return Status();
  });
}

Status readKernelInfo(const elf::File &file, const elf::Section &section,
                      KernelLaunchDescription &kernel) {
  bool haveParamSize = false;
  Status status = forEachRecord(file, section, [&](const Record &r) -> Status {
    switch (r.attribute) {
    case kAttrKparamInfo: {
      // u32 index, u16 ordinal, u16 offset, u32 packed: log2 alignment of
      // the pointee (bits 0-7), space (8-11), bank (12-16), size (18-31).
      if (Status s = expectSize(file, section, r, "EIATTR_KPARAM_INFO", 12); !s)
        return s;
      KernelArgument arg;
      arg.ordinal = load16(r.data + 4);
      arg.offset = load16(r.data + 6);
      arg.size = load32(r.data + 8) >> 18;
      kernel.arguments.push_back(arg);
      return Status();
    }
    case kAttrCbankParamSize:
      if (r.format != kFormatHalf)
        return file.sectionError(section, "EIATTR_CBANK_PARAM_SIZE record at "
                                          "offset " +
                                              hex(r.offset) +
                                              " is not a 16-bit value");
      kernel.argumentBytes = r.value;
      haveParamSize = true;
      return Status();
    case kAttrParamCbank:
      if (Status s = expectSize(file, section, r, "EIATTR_PARAM_CBANK", 8); !s)
        return s;
      kernel.nvidia.paramBankOffset = load16(r.data + 4);
      return Status();
    case kAttrRequiredThreads:
    case kAttrMaxThreads: {
      const char *name = r.attribute == kAttrRequiredThreads
                             ? "EIATTR_REQNTID"
                             : "EIATTR_MAX_THREADS";
      if (Status s = expectSize(file, section, r, name, 12); !s)
        return s;
      if (r.attribute == kAttrRequiredThreads)
        for (int i = 0; i < 3; ++i)
          kernel.requiredBlock[i] = load32(r.data + 4 * i);
      return Status();
    }
    case kAttrExitOffsets:
      if (r.format != kFormatSized || r.size % 4 != 0)
        return file.sectionError(section,
                                 "EIATTR_EXIT_INSTR_OFFSETS record at offset " +
                                     hex(r.offset) + " is not a list of u32");
      for (uint16_t i = 0; i < r.size; i += 4)
        kernel.nvidia.exitOffsets.push_back(load32(r.data + i));
      return Status();
    case kAttrNumBarriers:
      kernel.nvidia.barriers = r.value & 0xff; // EIFMT_BVAL
      return Status();
    default:
      return Status();
    }
  });
  if (!status)
    return status;
  if (!haveParamSize && !kernel.arguments.empty())
    return file.sectionError(section, "has parameters but no "
                                      "EIATTR_CBANK_PARAM_SIZE");
  std::sort(kernel.arguments.begin(), kernel.arguments.end(),
            [](const KernelArgument &a, const KernelArgument &b) {
              return a.ordinal < b.ordinal;
            });
  for (size_t i = 0; i < kernel.arguments.size(); ++i) {
    const KernelArgument &a = kernel.arguments[i];
    if (a.ordinal != i)
      return file.sectionError(
          section, "parameter ordinals are not 0.." +
                       std::to_string(kernel.arguments.size() - 1) +
                       " (found ordinal " + std::to_string(a.ordinal) + ")");
    if (uint64_t(a.offset) + a.size > kernel.argumentBytes)
      return file.sectionError(
          section, "parameter " + std::to_string(i) + " at offset " +
                       std::to_string(a.offset) + " (" +
                       std::to_string(a.size) + " bytes) lies outside the " +
                       std::to_string(kernel.argumentBytes) +
                       "-byte parameter area");
  }
  return Status();
}

bool startsWith(const std::string &s, const std::string &prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

Status describeCubin(const void *bytes, size_t size,
                     CodeObjectDescription &out) {
  out = CodeObjectDescription();
  out.format = CodeFormat::Cubin;
  elf::File file;
  if (Status s = file.open(bytes, size, "cubin", elf::kMachineCuda); !s)
    return s;
  // The SM version sits in e_flags: bits 8-15 since ELF ABI version 8
  // (CUDA 12.8), bits 0-7 before.
  uint32_t sm =
      file.abiVersion() >= 8 ? (file.flags() >> 8) & 0xff : file.flags() & 0xff;
  out.arch = "sm_" + std::to_string(sm);

  const elf::Section *symtab = file.findSection(".symtab");
  if (!symtab)
    return file.error("no .symtab section");
  std::vector<elf::Symbol> symbols;
  if (Status s = file.symbols(*symtab, symbols); !s)
    return s;

  std::map<uint32_t, FunctionFacts> facts;
  if (const elf::Section *info = file.findSection(".nv.info"))
    if (Status s = readGlobalInfo(file, *info, facts); !s)
      return s;

  const std::string infoPrefix = ".nv.info.";
  for (const elf::Section &section : file.sections()) {
    // Only kernels (entry functions) have an .nv.info.<kernel> section.
    if (!startsWith(section.name, infoPrefix))
      continue;
    KernelLaunchDescription kernel;
    kernel.name = section.name.substr(infoPrefix.size());
    const elf::Section *text = file.findSection(".text." + kernel.name);
    if (!text)
      return file.sectionError(section, "kernel '" + kernel.name +
                                            "' has no .text." + kernel.name +
                                            " section");
    if (text->type == elf::kSectionNoBits)
      return file.sectionError(*text, "holds no code (SHT_NOBITS)");
    auto symbol = std::find_if(
        symbols.begin(), symbols.end(), [&](const elf::Symbol &sym) {
          return sym.name == kernel.name && sym.sectionIndex == text->index;
        });
    if (symbol == symbols.end())
      return file.error("kernel '" + kernel.name + "' has no symbol in .text." +
                        kernel.name);
    uint64_t entry = symbol->value >= text->address
                         ? symbol->value - text->address
                         : symbol->value;
    if (entry >= text->size)
      return file.error("kernel '" + kernel.name + "' entry " + hex(entry) +
                        " lies outside its code (" + hex(text->size) +
                        " bytes)");
    kernel.codeFileOffset = text->offset;
    kernel.codeSize = text->size;
    kernel.entryOffset = entry;

    if (Status s = readKernelInfo(file, section, kernel); !s)
      return s;

    // Registers: EIATTR_REGCOUNT where ptxas writes it (sm_90), else the
    // top byte of the code section's sh_info (sm_80 and older toolkits).
    const FunctionFacts &f = facts[symbol->index];
    kernel.registers = f.registers ? *f.registers : text->info >> 24;
    if (kernel.registers == 0)
      return file.error("kernel '" + kernel.name +
                        "' has no register count (neither EIATTR_REGCOUNT "
                        "nor sh_info of .text." +
                        kernel.name + ")");
    kernel.nvidia.frameBytes = f.frameBytes;
    kernel.nvidia.minStackBytes = f.minStackBytes;
    kernel.nvidia.maxStackBytes = f.maxStackBytes;
    kernel.stackBytes =
        std::max({f.frameBytes, f.minStackBytes, f.maxStackBytes});

    if (const elf::Section *shared =
            file.findSection(".nv.shared." + kernel.name))
      kernel.sharedMemoryBytes = shared->size;

    const std::string bankSuffix = "." + kernel.name;
    for (const elf::Section &bank : file.sections()) {
      const std::string prefix = ".nv.constant";
      if (!startsWith(bank.name, prefix) ||
          bank.name.size() <= bankSuffix.size() ||
          bank.name.compare(bank.name.size() - bankSuffix.size(),
                            bankSuffix.size(), bankSuffix) != 0)
        continue;
      std::string number = bank.name.substr(
          prefix.size(), bank.name.size() - bankSuffix.size() - prefix.size());
      if (number.empty() || number.size() > 2 ||
          number.find_first_not_of("0123456789") != std::string::npos)
        continue;
      if (bank.type == elf::kSectionNoBits)
        return file.sectionError(bank, "constant bank has no bytes");
      kernel.nvidia.constantBanks.push_back(
          {uint32_t(std::stoul(number)), bank.offset, bank.size});
    }
    std::sort(kernel.nvidia.constantBanks.begin(),
              kernel.nvidia.constantBanks.end(),
              [](const ConstantBank &a, const ConstantBank &b) {
                return a.bank < b.bank;
              });
    if (!kernel.arguments.empty()) {
      auto bank0 =
          std::find_if(kernel.nvidia.constantBanks.begin(),
                       kernel.nvidia.constantBanks.end(),
                       [](const ConstantBank &b) { return b.bank == 0; });
      if (bank0 == kernel.nvidia.constantBanks.end() ||
          uint64_t(kernel.nvidia.paramBankOffset) + kernel.argumentBytes >
              bank0->size)
        return file.error("kernel '" + kernel.name + "': parameters at " +
                          hex(kernel.nvidia.paramBankOffset) + " (" +
                          std::to_string(kernel.argumentBytes) +
                          " bytes) do not fit its constant bank 0");
    }

    for (const char *kind : {".rela.text.", ".rel.text."}) {
      const elf::Section *rel = file.findSection(kind + kernel.name);
      if (!rel)
        continue;
      std::vector<elf::Relocation> entries;
      if (Status s = file.relocations(*rel, entries); !s)
        return s;
      for (const elf::Relocation &r : entries) {
        if (r.symbolIndex >= symbols.size())
          return file.sectionError(*rel, "relocation at " + hex(r.offset) +
                                             " names symbol " +
                                             std::to_string(r.symbolIndex) +
                                             ", past the symbol table");
        if (r.offset >= text->size)
          return file.sectionError(*rel, "relocation at " + hex(r.offset) +
                                             " lies outside the code");
        kernel.nvidia.relocations.push_back(
            {r.offset, r.type, symbols[r.symbolIndex].name, r.addend});
      }
    }
    out.kernels.push_back(std::move(kernel));
  }
  std::sort(out.kernels.begin(), out.kernels.end(),
            [](const KernelLaunchDescription &a,
               const KernelLaunchDescription &b) { return a.name < b.name; });
  return Status();
}

} // namespace tgc::hal

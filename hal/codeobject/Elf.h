//===- Elf.h - a bounds-checked reader of 64-bit ELF code objects -*- C++
//-*-===//
//
// Cubins and HSACOs are little-endian ELF64 files. The loaders need their
// section headers, symbols, notes and relocations, and nothing else, so this
// reads exactly that, from bytes in memory, without <elf.h> (absent on macOS)
// and without LLVM (hal/ must stay free of it). Every offset, size and count
// is checked against the bytes before use: a truncated or corrupt file is an
// error naming the section or symbol and the offset, never a read outside
// the buffer.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_HAL_CODEOBJECT_ELF_H
#define TGC_HAL_CODEOBJECT_ELF_H

#include "hal/Device.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tgc::hal::elf {

// The few ELF constants the loaders use (System V gABI values).
inline constexpr uint16_t kMachineCuda = 190;   // EM_CUDA
inline constexpr uint16_t kMachineAmdgpu = 224; // EM_AMDGPU
inline constexpr uint32_t kSectionNote = 7;     // SHT_NOTE
inline constexpr uint32_t kSectionNoBits = 8;   // SHT_NOBITS
inline constexpr uint32_t kSectionSymtab = 2;   // SHT_SYMTAB
inline constexpr uint32_t kSectionDynsym = 11;  // SHT_DYNSYM
inline constexpr uint32_t kSectionRela = 4;     // SHT_RELA
inline constexpr uint32_t kSectionRel = 9;      // SHT_REL
inline constexpr uint8_t kSymbolObject = 1;     // STT_OBJECT
inline constexpr uint8_t kSymbolFunction = 2;   // STT_FUNC

/// Little-endian loads from a byte pointer the caller has range-checked.
inline uint64_t loadLE(const uint8_t *p, unsigned bytes) {
  uint64_t value = 0;
  for (unsigned i = 0; i < bytes; ++i)
    value |= uint64_t(p[i]) << (8 * i);
  return value;
}
inline uint16_t load16(const uint8_t *p) { return uint16_t(loadLE(p, 2)); }
inline uint32_t load32(const uint8_t *p) { return uint32_t(loadLE(p, 4)); }
inline uint64_t load64(const uint8_t *p) { return loadLE(p, 8); }

struct Section {
  unsigned index = 0;
  std::string name;
  uint32_t type = 0;
  uint64_t flags = 0;
  uint64_t address = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t link = 0;
  uint32_t info = 0;
  uint64_t entrySize = 0;
};

struct Symbol {
  unsigned index = 0;
  std::string name;
  uint64_t value = 0;
  uint64_t size = 0;
  uint8_t type = 0;    // STT_*
  uint8_t binding = 0; // STB_*
  uint16_t sectionIndex = 0;
};

struct Relocation {
  uint64_t offset = 0;
  uint32_t type = 0;
  uint32_t symbolIndex = 0;
  int64_t addend = 0; // 0 for SHT_REL
};

struct Note {
  std::string owner;
  uint32_t type = 0;
  const uint8_t *desc = nullptr;
  uint64_t descSize = 0;
  uint64_t fileOffset = 0; // of the descriptor, for messages
};

/// A parsed ELF64 little-endian file. Holds a pointer to the caller's bytes,
/// which must outlive it.
class File {
public:
  /// Reads the header and every section header. `what` names the file in
  /// messages ("cubin", "hsaco"); `machine` is the e_machine it must have.
  Status open(const void *bytes, size_t size, const std::string &what,
              uint16_t machine);

  const std::string &what() const { return what_; }
  uint8_t abiVersion() const { return abiVersion_; }
  uint32_t flags() const { return flags_; }
  uint16_t fileType() const { return fileType_; }
  const std::vector<Section> &sections() const { return sections_; }
  /// The first section called `name`, or nullptr.
  const Section *findSection(const std::string &name) const;

  /// The bytes of a section; an error for SHT_NOBITS or one whose range
  /// lies outside the file (checked by open, so only NOBITS fails here).
  Status sectionBytes(const Section &section, const uint8_t *&data) const;
  /// Every symbol of a SHT_SYMTAB or SHT_DYNSYM section, names resolved
  /// through its linked string table.
  Status symbols(const Section &table, std::vector<Symbol> &out) const;
  /// The entries of a SHT_REL or SHT_RELA section.
  Status relocations(const Section &table, std::vector<Relocation> &out) const;
  /// The notes of a SHT_NOTE section.
  Status notes(const Section &section, std::vector<Note> &out) const;

  /// An error naming the file and the section: "cubin: section 9
  /// '.nv.info.k': <message>".
  Status sectionError(const Section &section, const std::string &message) const;
  Status error(const std::string &message) const;

private:
  Status readString(const Section &table, uint64_t offset,
                    std::string &out) const;

  const uint8_t *bytes_ = nullptr;
  size_t size_ = 0;
  std::string what_;
  uint8_t abiVersion_ = 0;
  uint16_t fileType_ = 0;
  uint32_t flags_ = 0;
  std::vector<Section> sections_;
};

/// "0x1a2b" — offsets in messages, as readelf and cuobjdump print them.
std::string hex(uint64_t value);

} // namespace tgc::hal::elf

#endif // TGC_HAL_CODEOBJECT_ELF_H

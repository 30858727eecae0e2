//===- Elf.cpp - a bounds-checked reader of 64-bit ELF code objects -------===//

#include "hal/codeobject/Elf.h"

#include <cstdio>
#include <cstring>

namespace tgc::hal::elf {

namespace {

constexpr size_t kHeaderSize = 64;
constexpr size_t kSectionHeaderSize = 64;
constexpr size_t kSymbolSize = 24;
constexpr size_t kRelSize = 16;
constexpr size_t kRelaSize = 24;
// Far above what a code object holds; keeps a corrupt count from making
// the reader allocate gigabytes before the range check catches it.
constexpr uint64_t kMaxSections = 1u << 16;

/// [offset, offset + size) lies within [0, limit), without overflow.
bool inRange(uint64_t offset, uint64_t size, uint64_t limit) {
  return offset <= limit && size <= limit - offset;
}

} // namespace

std::string hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)value);
  return buf;
}

Status File::error(const std::string &message) const {
  return Status::error(what_ + ": " + message);
}

Status File::sectionError(const Section &section,
                          const std::string &message) const {
  return error("section " + std::to_string(section.index) + " '" +
               section.name + "': " + message);
}

Status File::open(const void *bytes, size_t size, const std::string &what,
                  uint16_t machine) {
  bytes_ = static_cast<const uint8_t *>(bytes);
  size_ = size;
  what_ = what;
  sections_.clear();
  if (!bytes_ || size_ < kHeaderSize)
    return error("truncated: " + std::to_string(size_) +
                 " bytes is shorter than an ELF64 header (64 bytes)");
  if (std::memcmp(bytes_,
                  "\x7f"
                  "ELF",
                  4) != 0)
    return error("not an ELF file (bad magic at offset 0)");
  if (bytes_[4] != 2)
    return error("not a 64-bit ELF file (EI_CLASS " +
                 std::to_string(bytes_[4]) + " at offset 0x4)");
  if (bytes_[5] != 1)
    return error("not a little-endian ELF file (EI_DATA " +
                 std::to_string(bytes_[5]) + " at offset 0x5)");
  abiVersion_ = bytes_[8];
  fileType_ = load16(bytes_ + 16);
  uint16_t fileMachine = load16(bytes_ + 18);
  if (fileMachine != machine)
    return error("ELF machine " + std::to_string(fileMachine) +
                 " at offset 0x12, expected " + std::to_string(machine) +
                 (machine == kMachineCuda ? " (EM_CUDA)" : " (EM_AMDGPU)"));
  flags_ = load32(bytes_ + 48);
  uint64_t sectionTable = load64(bytes_ + 40);
  uint16_t entrySize = load16(bytes_ + 58);
  uint64_t count = load16(bytes_ + 60);
  uint64_t namesIndex = load16(bytes_ + 62);
  if (count == 0)
    return error("no section headers (e_shnum 0 at offset 0x3c)");
  if (entrySize != kSectionHeaderSize)
    return error("section header size " + std::to_string(entrySize) +
                 " at offset 0x3a, expected 64");
  if (count > kMaxSections ||
      !inRange(sectionTable, count * kSectionHeaderSize, size_))
    return error("section header table at " + hex(sectionTable) + " (" +
                 std::to_string(count) + " entries) runs past the end of the " +
                 std::to_string(size_) + "-byte file");
  // Program headers are not read, but a file cut inside them is truncated
  // all the same (ptxas writes them after the section headers).
  uint64_t programTable = load64(bytes_ + 32);
  uint64_t programCount = load16(bytes_ + 56);
  uint64_t programEntrySize = load16(bytes_ + 54);
  if (programCount != 0 &&
      !inRange(programTable, programCount * programEntrySize, size_))
    return error("program header table at " + hex(programTable) + " (" +
                 std::to_string(programCount) +
                 " entries) runs past the end of the " + std::to_string(size_) +
                 "-byte file");
  if (namesIndex >= count)
    return error("section name table index " + std::to_string(namesIndex) +
                 " at offset 0x3e is not below the section count " +
                 std::to_string(count));

  sections_.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    const uint8_t *h = bytes_ + sectionTable + i * kSectionHeaderSize;
    Section &s = sections_[i];
    s.index = unsigned(i);
    s.type = load32(h + 4);
    s.flags = load64(h + 8);
    s.address = load64(h + 16);
    s.offset = load64(h + 24);
    s.size = load64(h + 32);
    s.link = load32(h + 40);
    s.info = load32(h + 44);
    s.entrySize = load64(h + 56);
    // Section 0 too: it should be all zeros, but a corrupt file may give it
    // a type, and whoever looks sections up by type would then read it.
    if (s.type != kSectionNoBits && !inRange(s.offset, s.size, size_))
      return error("section " + std::to_string(i) + ": bytes [" +
                   hex(s.offset) + ", +" + hex(s.size) + ") lie outside the " +
                   std::to_string(size_) + "-byte file");
  }
  const Section &names = sections_[namesIndex];
  for (uint64_t i = 1; i < count; ++i) {
    const uint8_t *h = bytes_ + sectionTable + i * kSectionHeaderSize;
    if (Status s = readString(names, load32(h), sections_[i].name); !s)
      return error("section " + std::to_string(i) + " name: " + s.message());
  }
  return Status();
}

const Section *File::findSection(const std::string &name) const {
  for (const Section &s : sections_)
    if (s.index != 0 && s.name == name)
      return &s;
  return nullptr;
}

Status File::sectionBytes(const Section &section, const uint8_t *&data) const {
  if (section.type == kSectionNoBits)
    return sectionError(section, "has no bytes in the file (SHT_NOBITS)");
  data = bytes_ + section.offset; // range checked in open()
  return Status();
}

Status File::readString(const Section &table, uint64_t offset,
                        std::string &out) const {
  if (table.type == kSectionNoBits || table.index == 0)
    return Status::error("string table is section " +
                         std::to_string(table.index) + ", which has no bytes");
  if (offset >= table.size)
    return Status::error("string offset " + hex(offset) +
                         " lies outside the string table (" + hex(table.size) +
                         " bytes)");
  const char *start =
      reinterpret_cast<const char *>(bytes_ + table.offset + offset);
  const void *end = std::memchr(start, 0, table.size - offset);
  if (!end)
    return Status::error("string at offset " + hex(offset) +
                         " is not terminated within the string table");
  out.assign(start, static_cast<const char *>(end));
  return Status();
}

Status File::symbols(const Section &table, std::vector<Symbol> &out) const {
  out.clear();
  if (table.type != kSectionSymtab && table.type != kSectionDynsym)
    return sectionError(table, "is not a symbol table");
  if (table.entrySize != kSymbolSize)
    return sectionError(table, "symbol size " +
                                   std::to_string(table.entrySize) +
                                   ", expected 24");
  if (table.link >= sections_.size())
    return sectionError(table, "string table index " +
                                   std::to_string(table.link) +
                                   " is not a section");
  const Section &strings = sections_[table.link];
  uint64_t count = table.size / kSymbolSize;
  out.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    const uint8_t *p = bytes_ + table.offset + i * kSymbolSize;
    Symbol &sym = out[i];
    sym.index = unsigned(i);
    sym.type = p[4] & 0xf;
    sym.binding = p[4] >> 4;
    sym.sectionIndex = load16(p + 6);
    sym.value = load64(p + 8);
    sym.size = load64(p + 16);
    if (i == 0)
      continue;
    if (Status s = readString(strings, load32(p), sym.name); !s)
      return sectionError(table, "symbol " + std::to_string(i) +
                                     " name: " + s.message());
  }
  return Status();
}

Status File::relocations(const Section &table,
                         std::vector<Relocation> &out) const {
  out.clear();
  bool withAddend = table.type == kSectionRela;
  if (!withAddend && table.type != kSectionRel)
    return sectionError(table, "is not a relocation section");
  uint64_t entry = withAddend ? kRelaSize : kRelSize;
  if (table.entrySize != entry)
    return sectionError(table, "relocation size " +
                                   std::to_string(table.entrySize) +
                                   ", expected " + std::to_string(entry));
  uint64_t count = table.size / entry;
  out.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    const uint8_t *p = bytes_ + table.offset + i * entry;
    Relocation &r = out[i];
    r.offset = load64(p);
    uint64_t info = load64(p + 8);
    r.type = uint32_t(info);
    r.symbolIndex = uint32_t(info >> 32);
    r.addend = withAddend ? int64_t(load64(p + 16)) : 0;
  }
  return Status();
}

Status File::notes(const Section &section, std::vector<Note> &out) const {
  out.clear();
  if (section.type != kSectionNote)
    return sectionError(section, "is not a note section");
  const uint8_t *data = bytes_ + section.offset;
  uint64_t at = 0;
  auto align4 = [](uint64_t v) { return (v + 3) & ~uint64_t(3); };
  while (at < section.size) {
    if (section.size - at < 12)
      return sectionError(section,
                          "note header at offset " + hex(at) + " is truncated");
    uint64_t nameSize = load32(data + at);
    uint64_t descSize = load32(data + at + 4);
    uint32_t type = load32(data + at + 8);
    uint64_t nameAt = at + 12;
    if (!inRange(nameAt, align4(nameSize), section.size))
      return sectionError(section, "note name at offset " + hex(nameAt) +
                                       " runs past the section end");
    uint64_t descAt = nameAt + align4(nameSize);
    if (!inRange(descAt, descSize, section.size))
      return sectionError(section, "note descriptor at offset " + hex(descAt) +
                                       " (" + hex(descSize) +
                                       " bytes) runs past the section end (" +
                                       hex(section.size) + " bytes)");
    Note note;
    const char *name = reinterpret_cast<const char *>(data + nameAt);
    note.owner.assign(name, strnlen(name, nameSize));
    note.type = type;
    note.desc = data + descAt;
    note.descSize = descSize;
    note.fileOffset = section.offset + descAt;
    out.push_back(note);
    at = descAt + align4(descSize);
  }
  return Status();
}

} // namespace tgc::hal::elf

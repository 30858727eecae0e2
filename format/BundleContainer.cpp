//===- BundleContainer.cpp - the tgc bundle container ---------------------===//

#include "format/BundleContainer.h"

#include <cstring>
#include <xxhash.h>
#include <zstd.h>

using namespace tgc::format;

// Fields are written byte by byte in little-endian order so the format does
// not depend on the host's struct layout or endianness.
static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
static uint32_t get32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= uint32_t(p[i]) << (8 * i);
  return v;
}
static uint64_t get64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

static uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// Offsets of header fields.
enum : size_t {
  kVersionOffset = 8,
  kSectionCountOffset = 12,
  kFileSizeOffset = 16,
  kHeaderChecksumOffset = 24,
};

static uint64_t headerChecksum(const uint8_t *data, size_t tableEnd) {
  // The checksum field itself counts as zero.
  XXH64_state_t *state = XXH64_createState();
  XXH64_reset(state, 0);
  XXH64_update(state, data, kHeaderChecksumOffset);
  const uint8_t zero[8] = {};
  XXH64_update(state, zero, 8);
  XXH64_update(state, data + kHeaderChecksumOffset + 8,
               tableEnd - kHeaderChecksumOffset - 8);
  uint64_t hash = XXH64_digest(state);
  XXH64_freeState(state);
  return hash;
}

std::vector<uint8_t>
tgc::format::writeContainer(const std::vector<SectionInput> &sections,
                            int zstdLevel) {
  struct Stored {
    const std::vector<uint8_t> *raw;
    std::vector<uint8_t> compressed;
    bool isCompressed = false;
    const std::vector<uint8_t> &bytes() const {
      return isCompressed ? compressed : *raw;
    }
  };
  std::vector<Stored> stored(sections.size());
  for (size_t i = 0; i < sections.size(); ++i) {
    stored[i].raw = &sections[i].bytes;
    if (!sections[i].compress || sections[i].bytes.empty())
      continue;
    std::vector<uint8_t> out(ZSTD_compressBound(sections[i].bytes.size()));
    size_t n = ZSTD_compress(out.data(), out.size(), sections[i].bytes.data(),
                             sections[i].bytes.size(), zstdLevel);
    if (!ZSTD_isError(n) && n < sections[i].bytes.size()) {
      out.resize(n);
      stored[i].compressed = std::move(out);
      stored[i].isCompressed = true;
    }
  }

  size_t tableEnd = kHeaderSize + kSectionEntrySize * sections.size();
  uint64_t offset = alignUp(tableEnd, kSectionAlignment);
  std::vector<uint64_t> offsets;
  for (const Stored &s : stored) {
    offsets.push_back(offset);
    offset = alignUp(offset + s.bytes().size(), kSectionAlignment);
  }
  std::vector<uint8_t> file(offset, 0);
  std::memcpy(file.data(), kMagic, sizeof(kMagic));
  put32(&file[kVersionOffset], kFormatVersion);
  put32(&file[kSectionCountOffset], uint32_t(sections.size()));
  put64(&file[kFileSizeOffset], file.size());
  for (size_t i = 0; i < sections.size(); ++i) {
    uint8_t *e = &file[kHeaderSize + kSectionEntrySize * i];
    const std::vector<uint8_t> &bytes = stored[i].bytes();
    put32(e + 0, uint32_t(sections[i].kind));
    put32(e + 4, uint32_t(stored[i].isCompressed ? Compression::Zstd
                                                 : Compression::None));
    put64(e + 8, offsets[i]);
    put64(e + 16, bytes.size());
    put64(e + 24, sections[i].bytes.size());
    put64(e + 32, XXH64(bytes.data(), bytes.size(), 0));
    if (!bytes.empty())
      std::memcpy(&file[offsets[i]], bytes.data(), bytes.size());
  }
  put64(&file[kHeaderChecksumOffset], headerChecksum(file.data(), tableEnd));
  return file;
}

const char *tgc::format::sectionKindName(SectionKind kind) {
  switch (kind) {
  case SectionKind::Metadata:
    return "metadata";
  case SectionKind::Code:
    return "code";
  case SectionKind::Constants:
    return "constants";
  }
  return "unknown";
}

bool Container::parse(const uint8_t *data, size_t size, std::string &error) {
  sections_.clear();
  if (size < kHeaderSize) {
    error = "file is " + std::to_string(size) +
            " bytes, smaller than the 64-byte bundle header (truncated?)";
    return false;
  }
  if (std::memcmp(data, kMagic, sizeof(kMagic)) != 0) {
    error = "not a tgc bundle (bad magic at offset 0)";
    return false;
  }
  version_ = get32(data + kVersionOffset);
  if (version_ != kFormatVersion) {
    error = "bundle format version " + std::to_string(version_) +
            " is not supported (this runtime reads version " +
            std::to_string(kFormatVersion) + ")";
    return false;
  }
  uint32_t count = get32(data + kSectionCountOffset);
  uint64_t fileSize = get64(data + kFileSizeOffset);
  if (fileSize != size) {
    error = "header says the bundle is " + std::to_string(fileSize) +
            " bytes but " + std::to_string(size) +
            " bytes were read (truncated or padded file)";
    return false;
  }
  if (count == 0 || count > kMaxSections) {
    error = "section count " + std::to_string(count) + " is out of range";
    return false;
  }
  uint64_t tableEnd = kHeaderSize + uint64_t(kSectionEntrySize) * count;
  if (tableEnd > size) {
    error = "section table (" + std::to_string(count) +
            " entries) runs past the end of the file";
    return false;
  }
  if (get64(data + kHeaderChecksumOffset) != headerChecksum(data, tableEnd)) {
    error = "header checksum mismatch (corrupted header or section table)";
    return false;
  }
  uint64_t previousEnd = tableEnd;
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t *e = data + kHeaderSize + kSectionEntrySize * i;
    SectionEntry s;
    s.kind = SectionKind(get32(e + 0));
    s.compression = Compression(get32(e + 4));
    s.offset = get64(e + 8);
    s.storedSize = get64(e + 16);
    s.rawSize = get64(e + 24);
    s.checksum = get64(e + 32);
    std::string where = "section " + std::to_string(i);
    if (s.kind != SectionKind::Metadata && s.kind != SectionKind::Code &&
        s.kind != SectionKind::Constants) {
      error = where + " has unknown kind " + std::to_string(uint32_t(s.kind));
      return false;
    }
    if ((i == 0) != (s.kind == SectionKind::Metadata)) {
      error = where + ": the metadata must be section 0 and only section 0";
      return false;
    }
    if (s.compression != Compression::None &&
        s.compression != Compression::Zstd) {
      error = where + " has unknown compression " +
              std::to_string(uint32_t(s.compression));
      return false;
    }
    // Sections are laid out in order and never overlap; checking against
    // the previous end also rules out arithmetic overflow below.
    if (s.offset < previousEnd || s.offset > size ||
        s.storedSize > size - s.offset) {
      error = where + " (" + sectionKindName(s.kind) + ", offset " +
              std::to_string(s.offset) + ", " + std::to_string(s.storedSize) +
              " bytes) lies outside the file or overlaps another section";
      return false;
    }
    if (s.rawSize > kMaxSectionRawSize ||
        (s.compression == Compression::None && s.rawSize != s.storedSize)) {
      error = where + " has an invalid size (" + std::to_string(s.rawSize) +
              " bytes raw, " + std::to_string(s.storedSize) + " stored)";
      return false;
    }
    previousEnd = s.offset + s.storedSize;
    sections_.push_back(s);
  }
  data_ = data;
  size_ = size;
  return true;
}

bool Container::readSection(size_t i, std::vector<uint8_t> &out,
                            std::string &error) const {
  const SectionEntry &s = sections_.at(i);
  std::string where =
      "section " + std::to_string(i) + " (" + sectionKindName(s.kind) + ")";
  const uint8_t *bytes = data_ + s.offset;
  if (XXH64(bytes, s.storedSize, 0) != s.checksum) {
    error = where + ": checksum mismatch (corrupted data)";
    return false;
  }
  if (s.compression == Compression::None) {
    out.assign(bytes, bytes + s.storedSize);
    return true;
  }
  unsigned long long frameSize = ZSTD_getFrameContentSize(bytes, s.storedSize);
  if (frameSize == ZSTD_CONTENTSIZE_ERROR ||
      frameSize == ZSTD_CONTENTSIZE_UNKNOWN || frameSize != s.rawSize) {
    error = where + ": compressed frame does not declare the expected " +
            std::to_string(s.rawSize) + " bytes";
    return false;
  }
  out.resize(s.rawSize);
  size_t n = ZSTD_decompress(out.data(), out.size(), bytes, s.storedSize);
  if (ZSTD_isError(n) || n != s.rawSize) {
    error = where + ": zstd decompression failed: " +
            (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch");
    out.clear();
    return false;
  }
  return true;
}

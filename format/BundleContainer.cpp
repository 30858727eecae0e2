//===- BundleContainer.cpp - the tgc bundle container ---------------------===//

#include "format/BundleContainer.h"

#include <cstring>
#include <sodium.h>
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
  kSignatureOffsetOffset = 32,
  kSignatureSizeOffset = 40,
};

/// What the signature covers besides the file's own bytes, so that a
/// signature over something else never verifies as one over a bundle.
constexpr char kSignatureDomain[] = "tgc bundle signature v1";

static bool sodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

static std::array<uint8_t, kSectionHashSize> sectionHash(const uint8_t *bytes,
                                                         size_t size) {
  std::array<uint8_t, kSectionHashSize> hash;
  crypto_generichash(hash.data(), hash.size(), bytes, size, nullptr, 0);
  return hash;
}

/// The signed message: the domain, the header and section table, and the
/// signature block without the signature itself (so its public key and the
/// section hashes are covered).
static std::vector<uint8_t> signedMessage(const uint8_t *data, size_t tableEnd,
                                          const uint8_t *block,
                                          size_t blockSize) {
  std::vector<uint8_t> message(kSignatureDomain,
                               kSignatureDomain + sizeof(kSignatureDomain));
  message.insert(message.end(), data, data + tableEnd);
  message.insert(message.end(), block, block + 16 + kPublicKeySize);
  message.insert(message.end(), block + kSignatureHeaderSize,
                 block + blockSize);
  return message;
}

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
                            int zstdLevel, uint32_t version) {
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
  put32(&file[kVersionOffset], version);
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

uint64_t tgc::format::maxRawSize(SectionKind kind) {
  switch (kind) {
  case SectionKind::Metadata:
    return kMaxMetadataRawSize;
  case SectionKind::Code:
    return kMaxCodeRawSize;
  case SectionKind::Constants:
    return kMaxConstantsRawSize;
  }
  return 0;
}

static std::string sizeText(uint64_t bytes) {
  if (bytes % (1ull << 30) == 0)
    return std::to_string(bytes >> 30) + " GiB";
  if (bytes % (1ull << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

bool tgc::format::unsignContainer(std::vector<uint8_t> &container,
                                  std::string &error) {
  if (container.size() < kHeaderSize ||
      std::memcmp(container.data(), kMagic, sizeof(kMagic)) != 0) {
    error = "not a tgc bundle";
    return false;
  }
  uint64_t offset = get64(&container[kSignatureOffsetOffset]);
  uint32_t count = get32(&container[kSectionCountOffset]);
  uint64_t tableEnd = kHeaderSize + uint64_t(kSectionEntrySize) * count;
  if (offset == 0)
    return true;
  if (offset < tableEnd || offset > container.size() ||
      tableEnd > container.size()) {
    error = "the signature block lies outside the file";
    return false;
  }
  container.resize(offset);
  put64(&container[kSignatureOffsetOffset], 0);
  put64(&container[kSignatureSizeOffset], 0);
  put64(&container[kFileSizeOffset], container.size());
  put64(&container[kHeaderChecksumOffset],
        headerChecksum(container.data(), tableEnd));
  return true;
}

bool tgc::format::signContainer(std::vector<uint8_t> &container,
                                const SecretKeyBytes &secretKey,
                                std::string &error) {
  if (!sodiumReady()) {
    error = "libsodium cannot be initialized";
    return false;
  }
  if (!unsignContainer(container, error))
    return false;
  Container parsed;
  if (!parsed.parse(container.data(), container.size(), error))
    return false;
  size_t count = parsed.numSections();
  size_t tableEnd = kHeaderSize + kSectionEntrySize * count;
  std::vector<std::array<uint8_t, kSectionHashSize>> hashes;
  for (size_t i = 0; i < count; ++i) {
    const SectionEntry &s = parsed.section(i);
    hashes.push_back(sectionHash(container.data() + s.offset, s.storedSize));
  }
  uint64_t offset = alignUp(container.size(), kSectionAlignment);
  size_t blockSize = kSignatureHeaderSize + kSectionHashSize * count;
  container.resize(offset + blockSize, 0);
  uint8_t *block = &container[offset];
  std::memcpy(block, kSignatureMagic, sizeof(kSignatureMagic));
  put32(block + 8, kSignatureAlgorithm);
  put32(block + 12, uint32_t(count));
  // libsodium's secret key ends with the public key.
  std::memcpy(block + 16, secretKey.data() + 32, kPublicKeySize);
  for (size_t i = 0; i < count; ++i)
    std::memcpy(block + kSignatureHeaderSize + kSectionHashSize * i,
                hashes[i].data(), kSectionHashSize);
  put64(&container[kSignatureOffsetOffset], offset);
  put64(&container[kSignatureSizeOffset], blockSize);
  put64(&container[kFileSizeOffset], container.size());
  put64(&container[kHeaderChecksumOffset],
        headerChecksum(container.data(), tableEnd));
  block = &container[offset];
  std::vector<uint8_t> message =
      signedMessage(container.data(), tableEnd, block, blockSize);
  crypto_sign_detached(block + 16 + kPublicKeySize, nullptr, message.data(),
                       message.size(), secretKey.data());
  return true;
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
  hashes_.clear();
  signed_ = false;
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
  if (version_ < kOldestFormatVersion) {
    error = "bundle format version " + std::to_string(version_) +
            " is older than this runtime reads (version " +
            std::to_string(kOldestFormatVersion) +
            ", signed bundles): recompile it with this tgc (tgc model.mlir "
            "-o model.bin)";
    return false;
  }
  if (version_ > kFormatVersion) {
    error = "bundle format version " + std::to_string(version_) +
            " is newer than this runtime reads (versions " +
            std::to_string(kOldestFormatVersion) + " to " +
            std::to_string(kFormatVersion) +
            "): update tgc, or recompile the bundle with this tgc";
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

  // The signature block, when there is one, ends the file.
  uint64_t signatureOffset = get64(data + kSignatureOffsetOffset);
  uint64_t signatureSize = get64(data + kSignatureSizeOffset);
  uint64_t sectionsEnd = size;
  if (signatureOffset != 0 || signatureSize != 0) {
    uint64_t expected =
        kSignatureHeaderSize + uint64_t(kSectionHashSize) * count;
    if (signatureOffset < tableEnd || signatureOffset % kSectionAlignment ||
        signatureOffset > size || signatureSize != size - signatureOffset ||
        signatureSize != expected) {
      error = "signature block (offset " + std::to_string(signatureOffset) +
              ", " + std::to_string(signatureSize) +
              " bytes) is malformed: it must end the file and hold " +
              std::to_string(expected) + " bytes for " + std::to_string(count) +
              " sections";
      return false;
    }
    sectionsEnd = signatureOffset;
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
    if (s.offset < previousEnd || s.offset > sectionsEnd ||
        s.storedSize > sectionsEnd - s.offset) {
      error = where + " (" + sectionKindName(s.kind) + ", offset " +
              std::to_string(s.offset) + ", " + std::to_string(s.storedSize) +
              " bytes) lies outside the file or overlaps another section";
      return false;
    }
    // Checked here, from the table, before anything is allocated or
    // decompressed.
    if (s.rawSize > maxRawSize(s.kind)) {
      error = where + " (" + sectionKindName(s.kind) +
              ") would decompress to " + std::to_string(s.rawSize) +
              " bytes, more than the limit of " + sizeText(maxRawSize(s.kind)) +
              " for a " + sectionKindName(s.kind) + " section";
      return false;
    }
    if (s.compression == Compression::None && s.rawSize != s.storedSize) {
      error = where + " has an invalid size (" + std::to_string(s.rawSize) +
              " bytes raw, " + std::to_string(s.storedSize) + " stored)";
      return false;
    }
    previousEnd = s.offset + s.storedSize;
    sections_.push_back(s);
  }

  if (signatureOffset != 0) {
    const uint8_t *block = data + signatureOffset;
    if (std::memcmp(block, kSignatureMagic, sizeof(kSignatureMagic)) != 0 ||
        get32(block + 8) != kSignatureAlgorithm || get32(block + 12) != count) {
      error = "signature block at offset " + std::to_string(signatureOffset) +
              " is not one this runtime reads (bad magic, algorithm or "
              "section count)";
      return false;
    }
    std::vector<uint8_t> message =
        signedMessage(data, tableEnd, block, signatureSize);
    if (!sodiumReady() ||
        crypto_sign_verify_detached(block + 16 + kPublicKeySize, message.data(),
                                    message.size(), block + 16) != 0) {
      error = "signature check failed: the bundle was changed after it was "
              "signed (or its signature block is damaged)";
      return false;
    }
    std::memcpy(signer_.data(), block + 16, kPublicKeySize);
    for (uint32_t i = 0; i < count; ++i) {
      std::array<uint8_t, kSectionHashSize> hash;
      std::memcpy(hash.data(),
                  block + kSignatureHeaderSize + kSectionHashSize * i,
                  kSectionHashSize);
      hashes_.push_back(hash);
    }
    signed_ = true;
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
  // The checksum only catches accidents: whoever edits a section can
  // recompute it. The signed hash cannot be recomputed without the key.
  if (signed_ && sectionHash(bytes, s.storedSize) != hashes_[i]) {
    error = where + " does not match the bundle's signature: it was changed "
                    "after the bundle was signed";
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

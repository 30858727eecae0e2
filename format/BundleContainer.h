//===- BundleContainer.h - the tgc bundle container -------------*- C++ -*-===//
//
// The byte layout around the FlatBuffers metadata of a bundle: a fixed
// header, a section table, and the sections (optionally zstd-compressed, each
// with an xxh64 checksum). The compiler's writer and the runtime's reader
// both use this file, so the two cannot drift. docs/bundle-format.md is the
// prose specification.
//
// No LLVM or MLIR here: the runtime links this.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_FORMAT_BUNDLECONTAINER_H
#define TGC_FORMAT_BUNDLECONTAINER_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tgc::format {

inline constexpr char kMagic[8] = {'T', 'G', 'C', 'B', 'U', 'N', 'D', 'L'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kHeaderSize = 64;
inline constexpr size_t kSectionEntrySize = 48;
inline constexpr size_t kSectionAlignment = 64;
inline constexpr uint32_t kMaxSections = 1u << 16;
/// Upper bound on any decompressed section; protects readers from
/// decompression bombs in corrupted or hostile files.
inline constexpr uint64_t kMaxSectionRawSize = 16ull << 30;

enum class SectionKind : uint32_t { Metadata = 1, Code = 2, Constants = 3 };
enum class Compression : uint32_t { None = 0, Zstd = 1 };

struct SectionEntry {
  SectionKind kind;
  Compression compression;
  uint64_t offset;     // from the start of the file
  uint64_t storedSize; // bytes in the file
  uint64_t rawSize;    // bytes after decompression
  uint64_t checksum;   // xxh64 (seed 0) of the stored bytes
};

/// A section to be written.
struct SectionInput {
  SectionKind kind;
  std::vector<uint8_t> bytes;
  bool compress;
};

/// Writes header, table and sections. `sections[0]` must be the metadata.
/// Compression is skipped where it would not make a section smaller.
std::vector<uint8_t> writeContainer(const std::vector<SectionInput> &sections,
                                    int zstdLevel = 9);

/// A validated view of a container held in memory (not owned).
class Container {
public:
  /// Validates magic, version, header checksum, section bounds, overlaps
  /// and sizes. Section checksums are checked by readSection. On failure
  /// returns false and sets `error` to a message naming what and where.
  bool parse(const uint8_t *data, size_t size, std::string &error);

  size_t numSections() const { return sections_.size(); }
  const SectionEntry &section(size_t i) const { return sections_[i]; }
  uint32_t version() const { return version_; }

  /// Verifies the checksum of section `i` and decompresses it into `out`.
  bool readSection(size_t i, std::vector<uint8_t> &out,
                   std::string &error) const;

private:
  const uint8_t *data_ = nullptr;
  size_t size_ = 0;
  uint32_t version_ = 0;
  std::vector<SectionEntry> sections_;
};

const char *sectionKindName(SectionKind kind);

} // namespace tgc::format

#endif // TGC_FORMAT_BUNDLECONTAINER_H

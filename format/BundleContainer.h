//===- BundleContainer.h - the tgc bundle container -------------*- C++ -*-===//
//
// The byte layout around the FlatBuffers metadata of a bundle: a fixed
// header, a section table, the sections (optionally zstd-compressed, each
// with an xxh64 checksum), and a signature block (Ed25519, libsodium) that
// covers all of it. The compiler's writer and the runtime's reader
// both use this file, so the two cannot drift. docs/bundle-format.md is the
// prose specification.
//
// No LLVM or MLIR here: the runtime links this.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_FORMAT_BUNDLECONTAINER_H
#define TGC_FORMAT_BUNDLECONTAINER_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tgc::format {

inline constexpr char kMagic[8] = {'T', 'G', 'C', 'B', 'U', 'N', 'D', 'L'};
/// The newest version this code reads and writes. 3: constants may be
/// external (Constant.external, Module.weight_files); 2: the signature block
/// (docs/bundle-format.md) and per-binding extents.
inline constexpr uint32_t kFormatVersion = 3;
/// The oldest version readers accept. Writers stamp the oldest version that
/// reads a bundle correctly (2 unless it has external constants), so that
/// runtimes of version 2 keep running the bundles they can.
inline constexpr uint32_t kOldestFormatVersion = 2;
inline constexpr size_t kHeaderSize = 64;
inline constexpr size_t kSectionEntrySize = 48;
inline constexpr size_t kSectionAlignment = 64;
inline constexpr uint32_t kMaxSections = 1u << 16;

/// Upper bounds on a section's decompressed size, by kind, checked against
/// the size the section table records before anything is allocated or
/// decompressed: they keep a small hostile file from making a reader
/// allocate gigabytes (a zstd bomb). The metadata of real models is
/// kilobytes, code objects megabytes; constants are the weights.
inline constexpr uint64_t kMaxMetadataRawSize = 64ull << 20;
inline constexpr uint64_t kMaxCodeRawSize = 1ull << 30;
inline constexpr uint64_t kMaxConstantsRawSize = 16ull << 30;
/// The largest of the three.
inline constexpr uint64_t kMaxSectionRawSize = kMaxConstantsRawSize;

/// The signature block: magic, algorithm, section count, the signer's
/// Ed25519 public key, the signature, then a BLAKE2b-256 hash of each
/// section's stored bytes.
inline constexpr char kSignatureMagic[8] = {'T', 'G', 'C', 'S',
                                            'I', 'G', 'N', '1'};
inline constexpr uint32_t kSignatureAlgorithm = 1; // Ed25519 over BLAKE2b
inline constexpr size_t kPublicKeySize = 32;
inline constexpr size_t kSignatureSize = 64;
inline constexpr size_t kSectionHashSize = 32;
inline constexpr size_t kSignatureHeaderSize =
    16 + kPublicKeySize + kSignatureSize;

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

/// Writes header, table and sections, unsigned. `sections[0]` must be the
/// metadata. Compression is skipped where it would not make a section
/// smaller. `version` is stamped in the header (kOldestFormatVersion to
/// kFormatVersion).
std::vector<uint8_t> writeContainer(const std::vector<SectionInput> &sections,
                                    int zstdLevel = 9,
                                    uint32_t version = kOldestFormatVersion);

/// An Ed25519 secret key in libsodium's layout (seed, then public key).
using SecretKeyBytes = std::array<uint8_t, 64>;

/// Signs a container in place: replaces any signature block with one made
/// with `secretKey` over the header, the section table and a BLAKE2b-256
/// hash of every section (constants included: other weights are another
/// model). False with `error` set if `container` is not a valid one.
bool signContainer(std::vector<uint8_t> &container,
                   const SecretKeyBytes &secretKey, std::string &error);

/// Drops the signature block (for tests of unsigned bundles).
bool unsignContainer(std::vector<uint8_t> &container, std::string &error);

/// A validated view of a container held in memory (not owned).
class Container {
public:
  /// Validates magic, version, header checksum, section bounds, overlaps
  /// and sizes (against the limits above), and the signature block: when
  /// there is one, its signature must verify under the public key it
  /// names. Section contents are checked by readSection. On failure
  /// returns false and sets `error` to a message naming what and where.
  bool parse(const uint8_t *data, size_t size, std::string &error);

  size_t numSections() const { return sections_.size(); }
  const SectionEntry &section(size_t i) const { return sections_[i]; }
  uint32_t version() const { return version_; }
  /// Whether the container carries a (verified) signature.
  bool isSigned() const { return signed_; }
  /// The signer's public key; only when isSigned().
  const std::array<uint8_t, kPublicKeySize> &signer() const { return signer_; }

  /// Verifies the checksum of section `i` (and, when signed, its signed
  /// hash) and decompresses it into `out`.
  bool readSection(size_t i, std::vector<uint8_t> &out,
                   std::string &error) const;

private:
  const uint8_t *data_ = nullptr;
  size_t size_ = 0;
  uint32_t version_ = 0;
  std::vector<SectionEntry> sections_;
  bool signed_ = false;
  std::array<uint8_t, kPublicKeySize> signer_{};
  /// Signed BLAKE2b-256 hash of each section's stored bytes.
  std::vector<std::array<uint8_t, kSectionHashSize>> hashes_;
};

/// The raw-size limit of a section of `kind`.
uint64_t maxRawSize(SectionKind kind);

const char *sectionKindName(SectionKind kind);

} // namespace tgc::format

#endif // TGC_FORMAT_BUNDLECONTAINER_H

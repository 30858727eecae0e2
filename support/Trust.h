//===- Trust.h - signing keys and who is trusted ----------------*- C++ -*-===//
//
// A bundle is code (docs/security.md): tgc signs every bundle it writes with
// the user's Ed25519 key (libsodium), and the runtime runs only bundles
// signed by a key it trusts. This file holds the keys and that decision:
//
//  - the configuration directory: $TGC_CONFIG_DIR, else $XDG_CONFIG_HOME/tgc,
//    else ~/.config/tgc (created with mode 0700, refused when another user
//    could write it);
//  - the user's signing key, <config>/signing-key (mode 0600) and its public
//    half <config>/signing-key.pub, made on first use; $TGC_SIGN_KEY (or
//    tgc --sign-key) names another key file;
//  - trusted public keys of other people, <config>/trusted-keys/*.pub
//    (`tgc trust add`), plus keys a caller names (tg-run --trust-key);
//  - the per-user secret that authenticates cache entries,
//    <config>/cache-key (mode 0600), made on first use.
//
// Key files are one line of text: "tgc-ed25519-public <64 hex digits>"
// (optionally followed by a comment) and "tgc-ed25519-secret <128 hex
// digits>" (libsodium's secret key: seed, then public key).
//
// No LLVM here: the runtime uses this.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_SUPPORT_TRUST_H
#define TGC_SUPPORT_TRUST_H

#include "support/Status.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tgc::trust {

using PublicKey = std::array<uint8_t, 32>;
using SecretKey = std::array<uint8_t, 64>;
using Signature = std::array<uint8_t, 64>;
/// The key of the keyed MAC (BLAKE2b) over cache entries.
using MacKey = std::array<uint8_t, 32>;

/// Prepares libsodium; false if it cannot work (no randomness source).
bool initialize();

/// $TGC_CONFIG_DIR, else $XDG_CONFIG_HOME/tgc, else ~/.config/tgc; empty
/// when there is no home directory.
std::string configDirectory();
/// <config>/trusted-keys.
std::string trustedKeysDirectory();
/// <config>/signing-key.
std::string defaultSigningKeyPath();

struct KeyPair {
  SecretKey secret;
  PublicKey publicKey;
  /// The secret key's file.
  std::string path;
};

/// The key to sign with: `path` when not empty, else $TGC_SIGN_KEY when
/// set, else the user's own key, <config>/signing-key, which is created on
/// first use (with its .pub; `created` says so). A key file must be a
/// regular file owned by this user that no one else can read or write.
Status loadSigningKey(const std::string &path, KeyPair &out,
                      bool *created = nullptr);
/// Makes a new key pair in `path` (mode 0600) and `path`.pub; fails if
/// `path` exists.
Status createKeyPair(const std::string &path, KeyPair &out);

/// Ed25519 signature of `message`.
Signature sign(const SecretKey &key, const uint8_t *message, size_t size);
bool verify(const PublicKey &key, const Signature &signature,
            const uint8_t *message, size_t size);

/// The first 8 bytes of the key in hex: names it in messages.
std::string fingerprint(const PublicKey &key);
/// "tgc-ed25519-public <64 hex digits>".
std::string publicKeyText(const PublicKey &key);
/// A public key from the text of a .pub file, or from the file at
/// `textOrPath`. `source` (may be null) receives where it came from.
Status parsePublicKey(const std::string &textOrPath, PublicKey &out,
                      std::string *source = nullptr);

struct TrustedKey {
  PublicKey key;
  /// "your own key (<path>)", "<trusted-keys>/name.pub", "--trust-key".
  std::string source;
};

/// Who may sign the bundles a process runs.
struct TrustPolicy {
  /// Accept unsigned bundles and bundles signed by anyone (a valid
  /// signature is still required when there is one).
  bool allowUnsigned = false;
  /// Trusted besides the user's own keys and the trusted-keys directory.
  std::vector<TrustedKey> extraKeys;
  /// Use the user's own keys and the trusted-keys directory.
  bool useUserKeys = true;

  /// allowUnsigned from TGC_ALLOW_UNSIGNED (1, true, yes or on).
  static TrustPolicy fromEnvironment();
};

/// The keys `policy` trusts. Keys that cannot be used safely (a
/// trusted-keys directory others can write, a malformed file) are left out
/// and described in `notes`.
void trustedKeys(const TrustPolicy &policy, std::vector<TrustedKey> &out,
                 std::vector<std::string> &notes);

/// Whether a bundle signed by `signer` (null: unsigned) may be used.
/// PERMISSION_DENIED otherwise, with a message that says how to trust it.
/// `trustedAs` (may be null) receives the key's source when trusted, or
/// why it is allowed anyway ("allowed unsigned (...)", "not trusted;
/// allowed (...)").
Status checkSigner(const TrustPolicy &policy, const PublicKey *signer,
                   std::string *trustedAs = nullptr);

/// Installs the public key `textOrPath` as <trusted-keys>/<fingerprint>.pub.
Status addTrustedKey(const std::string &textOrPath, std::string &installed,
                     PublicKey &key);
/// Removes the trusted key whose fingerprint starts with `prefix` (at least
/// 8 hex digits); `removed` is the file removed.
Status removeTrustedKey(const std::string &prefix, std::string &removed);

/// The per-user secret behind the caches' MACs, <config>/cache-key,
/// created on first use.
Status loadCacheKey(MacKey &out);
/// BLAKE2b-256 keyed with `key` over the parts, each preceded by its
/// length (so no two different part lists give the same input).
std::array<uint8_t, 32>
mac(const MacKey &key,
    std::initializer_list<std::pair<const void *, size_t>> parts);
/// Constant-time comparison.
bool equalSecrets(const uint8_t *a, const uint8_t *b, size_t size);

} // namespace tgc::trust

#endif // TGC_SUPPORT_TRUST_H

//===- Trust.cpp - signing keys and who is trusted ------------------------===//

#include "support/Trust.h"

#include "support/SafeFiles.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace tgc;
using namespace tgc::trust;

namespace {

constexpr const char *kPublicPrefix = "tgc-ed25519-public";
constexpr const char *kSecretPrefix = "tgc-ed25519-secret";
constexpr const char *kCachePrefix = "tgc-cache-key";
constexpr const char *kSigningKeyName = "signing-key";
constexpr const char *kCacheKeyName = "cache-key";
constexpr const char *kTrustedKeysName = "trusted-keys";
constexpr uint64_t kMaxKeyFileBytes = 4096;
constexpr const char *kConfigWhat = "tgc configuration directory";

std::string env(const char *name) {
  const char *value = std::getenv(name);
  return value ? value : "";
}

std::string hex(const uint8_t *bytes, size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();
  return out;
}

bool unhex(const std::string &text, uint8_t *out, size_t size) {
  size_t length = 0;
  const char *end = nullptr;
  return text.size() == size * 2 &&
         sodium_hex2bin(out, size, text.data(), text.size(), nullptr, &length,
                        &end) == 0 &&
         length == size && end == text.data() + text.size();
}

/// The words of the first line of a key file.
std::vector<std::string> words(const std::string &text) {
  std::vector<std::string> out;
  std::string line = text.substr(0, text.find('\n'));
  size_t at = 0;
  while (at < line.size()) {
    size_t start = line.find_first_not_of(" \t\r", at);
    if (start == std::string::npos)
      break;
    size_t end = line.find_first_of(" \t\r", start);
    out.push_back(line.substr(start, end - start));
    at = end == std::string::npos ? line.size() : end;
  }
  return out;
}

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", unsigned(mode & 07777));
  return buf;
}

/// Reads a key file from an open descriptor after checking who can touch
/// it: a secret must be readable by its owner only, a public key writable
/// by its owner only.
Status readKeyFd(int fd, const std::string &path, bool secret,
                 std::string &text) {
  struct stat st;
  if (::fstat(fd, &st) != 0)
    return Status::ioError("cannot read '" + path +
                           "': " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    return Status::ioError("'" + path + "' is not a regular file");
  if (st.st_uid != ::geteuid() && !(st.st_uid == 0 && !secret))
    return {TGC_STATUS_PERMISSION_DENIED,
            "key file '" + path + "' belongs to another user (uid " +
                std::to_string(st.st_uid) + ")"};
  mode_t unsafe = secret ? (S_IRWXG | S_IRWXO) : (S_IWGRP | S_IWOTH);
  if (st.st_mode & unsafe)
    return {TGC_STATUS_PERMISSION_DENIED,
            std::string(secret ? "signing key '" : "key file '") + path +
                "' can be " + (secret ? "read or written" : "written") +
                " by other users (mode " + octal(st.st_mode) +
                "); make it private with chmod " + (secret ? "600" : "644") +
                " '" + path + "'"};
  if (uint64_t(st.st_size) > kMaxKeyFileBytes)
    return Status::invalidArgument("'" + path +
                                   "' is too large for a key file");
  text.assign(size_t(st.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return Status::ioError("cannot read '" + path + "'");
    done += size_t(n);
  }
  return Status::ok();
}

Status readKeyPath(const std::string &path, bool secret, std::string &text) {
  // O_NONBLOCK: a FIFO named like a key never blocks the open.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string message =
        "cannot open key file '" + path + "': " + std::strerror(err);
    return err == ENOENT ? Status::notFound(message) : Status::ioError(message);
  }
  Status status = readKeyFd(fd, path, secret, text);
  ::close(fd);
  return status;
}

Status readKeyAt(const PrivateDirectory &dir, const std::string &name,
                 bool secret, std::string &text) {
  std::string error;
  bool absent = false;
  int fd = openRegularFileAt(dir.fd(), name, error, &absent);
  if (fd < 0)
    return absent
               ? Status::notFound("'" + dir.pathOf(name) + "' does not exist")
               : Status::ioError("cannot read key file '" + dir.pathOf(name) +
                                 "': " + error);
  Status status = readKeyFd(fd, dir.pathOf(name), secret, text);
  ::close(fd);
  return status;
}

Status parseSecret(const std::string &text, const std::string &path,
                   KeyPair &out) {
  std::vector<std::string> w = words(text);
  if (w.size() < 2 || w[0] != kSecretPrefix ||
      !unhex(w[1], out.secret.data(), out.secret.size()))
    return Status::invalidArgument(
        "'" + path + "' is not a tgc signing key (expected a line '" +
        kSecretPrefix + " <128 hex digits>')");
  // The secret holds the seed and the public key; a damaged file would sign
  // with a key that verifies under nothing.
  SecretKey check;
  PublicKey publicKey;
  crypto_sign_seed_keypair(publicKey.data(), check.data(), out.secret.data());
  if (!equalSecrets(check.data(), out.secret.data(), check.size())) {
    sodium_memzero(check.data(), check.size());
    return Status::invalidArgument("'" + path +
                                   "' is damaged (its public half does not "
                                   "belong to its secret half)");
  }
  sodium_memzero(check.data(), check.size());
  out.publicKey = publicKey;
  out.path = path;
  return Status::ok();
}

std::string secretText(const SecretKey &key) {
  return std::string(kSecretPrefix) + " " + hex(key.data(), key.size()) + "\n";
}

/// A fresh key pair, written without replacing anything: if another process
/// made the file first, its key is the one loaded.
Status createKeyAt(const PrivateDirectory &dir, const std::string &name,
                   bool &created) {
  SecretKey secret;
  PublicKey publicKey;
  crypto_sign_keypair(publicKey.data(), secret.data());
  std::string text = secretText(secret);
  sodium_memzero(secret.data(), secret.size());
  Status status = writeFileAt(dir.fd(), name, text.data(), text.size(), 0600,
                              /*replace=*/false, &created);
  sodium_memzero(text.data(), text.size());
  if (!status)
    return status.withContext("cannot create the signing key '" +
                              dir.pathOf(name) + "'");
  if (created) {
    std::string pub = publicKeyText(publicKey) + "\n";
    TGC_RETURN_IF_ERROR(
        writeFileAt(dir.fd(), name + ".pub", pub.data(), pub.size(), 0644)
            .withContext("cannot write '" + dir.pathOf(name + ".pub") + "'"));
  }
  return Status::ok();
}

} // namespace

bool tgc::trust::initialize() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

static Status requireSodium() {
  if (!initialize())
    return Status::unavailable("libsodium cannot be initialized (no source "
                               "of randomness?)");
  return Status::ok();
}

std::string tgc::trust::configDirectory() {
  return userDirectory("TGC_CONFIG_DIR", "XDG_CONFIG_HOME", ".config");
}

std::string tgc::trust::trustedKeysDirectory() {
  std::string config = configDirectory();
  return config.empty() ? "" : config + "/" + kTrustedKeysName;
}

std::string tgc::trust::defaultSigningKeyPath() {
  std::string config = configDirectory();
  return config.empty() ? "" : config + "/" + kSigningKeyName;
}

static Status openConfigDirectory(bool create, PrivateDirectory &out) {
  std::string config = configDirectory();
  if (config.empty())
    return Status::notFound("no configuration directory for tgc's keys (set "
                            "TGC_CONFIG_DIR, XDG_CONFIG_HOME or HOME)");
  return PrivateDirectory::open(config, create, kConfigWhat, out);
}

Status tgc::trust::loadSigningKey(const std::string &path, KeyPair &out,
                                  bool *created) {
  TGC_RETURN_IF_ERROR(requireSodium());
  if (created)
    *created = false;
  std::string explicitPath = path.empty() ? env("TGC_SIGN_KEY") : path;
  std::string text;
  if (!explicitPath.empty()) {
    TGC_RETURN_IF_ERROR(readKeyPath(explicitPath, /*secret=*/true, text));
    Status status = parseSecret(text, explicitPath, out);
    sodium_memzero(text.data(), text.size());
    return status;
  }
  PrivateDirectory dir;
  TGC_RETURN_IF_ERROR(openConfigDirectory(/*create=*/true, dir));
  Status status = readKeyAt(dir, kSigningKeyName, true, text);
  if (status.code() == TGC_STATUS_NOT_FOUND) {
    bool made = false;
    TGC_RETURN_IF_ERROR(createKeyAt(dir, kSigningKeyName, made));
    if (created)
      *created = made;
    status = readKeyAt(dir, kSigningKeyName, true, text);
  }
  if (status)
    status = parseSecret(text, dir.pathOf(kSigningKeyName), out);
  sodium_memzero(text.data(), text.size());
  return status;
}

Status tgc::trust::createKeyPair(const std::string &path, KeyPair &out) {
  TGC_RETURN_IF_ERROR(requireSodium());
  size_t slash = path.find_last_of('/');
  std::string directory =
      slash == std::string::npos ? "." : path.substr(0, slash ? slash : 1);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (!isPlainFileName(name))
    return Status::invalidArgument("'" + path + "' is not a file name");
  int dirFd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd < 0)
    return Status::ioError("cannot open '" + directory +
                           "': " + std::strerror(errno));
  SecretKey secret;
  PublicKey publicKey;
  crypto_sign_keypair(publicKey.data(), secret.data());
  std::string text = secretText(secret);
  bool created = false;
  Status status = writeFileAt(dirFd, name, text.data(), text.size(), 0600,
                              /*replace=*/false, &created);
  sodium_memzero(text.data(), text.size());
  if (status && !created)
    status = Status::invalidArgument("'" + path +
                                     "' exists; tgc does not overwrite keys");
  if (status) {
    std::string pub = publicKeyText(publicKey) + "\n";
    status = writeFileAt(dirFd, name + ".pub", pub.data(), pub.size(), 0644);
  }
  ::close(dirFd);
  if (!status) {
    sodium_memzero(secret.data(), secret.size());
    return status;
  }
  out.secret = secret;
  out.publicKey = publicKey;
  out.path = path;
  sodium_memzero(secret.data(), secret.size());
  return Status::ok();
}

Signature tgc::trust::sign(const SecretKey &key, const uint8_t *message,
                           size_t size) {
  initialize();
  Signature signature;
  crypto_sign_detached(signature.data(), nullptr, message, size, key.data());
  return signature;
}

bool tgc::trust::verify(const PublicKey &key, const Signature &signature,
                        const uint8_t *message, size_t size) {
  return initialize() && crypto_sign_verify_detached(signature.data(), message,
                                                     size, key.data()) == 0;
}

std::string tgc::trust::fingerprint(const PublicKey &key) {
  return hex(key.data(), 8);
}

std::string tgc::trust::publicKeyText(const PublicKey &key) {
  return std::string(kPublicPrefix) + " " + hex(key.data(), key.size());
}

static bool parsePublicText(const std::string &text, PublicKey &out) {
  std::vector<std::string> w = words(text);
  return w.size() >= 2 && w[0] == kPublicPrefix &&
         unhex(w[1], out.data(), out.size());
}

Status tgc::trust::parsePublicKey(const std::string &textOrPath, PublicKey &out,
                                  std::string *source) {
  if (textOrPath.rfind(kPublicPrefix, 0) == 0) {
    if (!parsePublicText(textOrPath, out))
      return Status::invalidArgument("'" + textOrPath +
                                     "' is not a tgc public key (expected '" +
                                     kPublicPrefix + " <64 hex digits>')");
    if (source)
      *source = "key " + fingerprint(out);
    return Status::ok();
  }
  std::string text;
  TGC_RETURN_IF_ERROR(readKeyPath(textOrPath, /*secret=*/false, text));
  if (!parsePublicText(text, out)) {
    if (text.rfind(kSecretPrefix, 0) == 0)
      return Status::invalidArgument(
          "'" + textOrPath +
          "' is a secret signing key; give its public half (the .pub file)");
    return Status::invalidArgument("'" + textOrPath +
                                   "' is not a tgc public key file (expected "
                                   "a line '" +
                                   std::string(kPublicPrefix) +
                                   " <64 hex digits>')");
  }
  if (source)
    *source = textOrPath;
  return Status::ok();
}

TrustPolicy TrustPolicy::fromEnvironment() {
  TrustPolicy policy;
  std::string allow = env("TGC_ALLOW_UNSIGNED");
  std::transform(allow.begin(), allow.end(), allow.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  policy.allowUnsigned =
      allow == "1" || allow == "true" || allow == "yes" || allow == "on";
  return policy;
}

/// The public half of the key in `dir/name`: its .pub, else derived from the
/// secret (a process may be between writing one and the other).
static Status ownPublicKey(const PrivateDirectory &dir, const std::string &name,
                           PublicKey &out) {
  std::string text;
  Status status = readKeyAt(dir, name + ".pub", false, text);
  if (status && parsePublicText(text, out))
    return Status::ok();
  if (status)
    return Status::invalidArgument("'" + dir.pathOf(name + ".pub") +
                                   "' is not a tgc public key file");
  if (status.code() != TGC_STATUS_NOT_FOUND)
    return status;
  TGC_RETURN_IF_ERROR(readKeyAt(dir, name, true, text));
  KeyPair pair;
  status = parseSecret(text, dir.pathOf(name), pair);
  sodium_memzero(text.data(), text.size());
  sodium_memzero(pair.secret.data(), pair.secret.size());
  if (status)
    out = pair.publicKey;
  return status;
}

void tgc::trust::trustedKeys(const TrustPolicy &policy,
                             std::vector<TrustedKey> &out,
                             std::vector<std::string> &notes) {
  out = policy.extraKeys;
  if (!policy.useUserKeys || !initialize())
    return;
  PrivateDirectory config;
  Status status = openConfigDirectory(/*create=*/false, config);
  if (status) {
    PublicKey key;
    Status own = ownPublicKey(config, kSigningKeyName, key);
    if (own)
      out.push_back({key, "your own key (" +
                              config.pathOf(std::string(kSigningKeyName)) +
                              ")"});
    else if (own.code() != TGC_STATUS_NOT_FOUND)
      notes.push_back("your own key is not used: " + own.message());
  } else if (status.code() != TGC_STATUS_NOT_FOUND) {
    notes.push_back("your own and trusted keys are not used: " +
                    status.message());
  }
  std::string signKey = env("TGC_SIGN_KEY");
  if (!signKey.empty()) {
    PublicKey key;
    std::string text;
    Status pub = readKeyPath(signKey + ".pub", false, text);
    if (pub && parsePublicText(text, key))
      out.push_back({key, "TGC_SIGN_KEY (" + signKey + ")"});
  }
  if (!status)
    return;
  int fd = ::openat(config.fd(), kTrustedKeysName,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT)
      notes.push_back("the trusted keys in '" +
                      config.pathOf(kTrustedKeysName) + "' are not used: " +
                      (errno == ELOOP || errno == ENOTDIR
                           ? std::string("it is not a directory (a symbolic "
                                         "link is not followed)")
                           : std::strerror(errno)));
    return;
  }
  Status safe = checkPrivate(fd, config.pathOf(kTrustedKeysName),
                             "trusted-keys directory");
  if (!safe) {
    ::close(fd);
    notes.push_back("the trusted keys are not used: " + safe.message());
    return;
  }
  DIR *listing = ::fdopendir(fd);
  if (!listing) {
    ::close(fd);
    return;
  }
  std::vector<std::string> names;
  while (const struct dirent *entry = ::readdir(listing)) {
    std::string name = entry->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".pub") == 0)
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (const std::string &name : names) {
    std::string path = config.pathOf(kTrustedKeysName) + "/" + name, error;
    int keyFd = openRegularFileAt(::dirfd(listing), name, error);
    if (keyFd < 0) {
      notes.push_back("ignored '" + path + "': " + error);
      continue;
    }
    std::string text;
    Status read = readKeyFd(keyFd, path, false, text);
    ::close(keyFd);
    PublicKey key;
    if (!read)
      notes.push_back("ignored " + read.message());
    else if (!parsePublicText(text, key))
      notes.push_back("ignored '" + path + "': not a tgc public key file");
    else
      out.push_back({key, path});
  }
  ::closedir(listing);
}

Status tgc::trust::checkSigner(const TrustPolicy &policy,
                               const PublicKey *signer,
                               std::string *trustedAs) {
  if (!signer) {
    if (policy.allowUnsigned) {
      if (trustedAs)
        *trustedAs = "allowed unsigned (--allow-unsigned or "
                     "TGC_ALLOW_UNSIGNED)";
      return Status::ok();
    }
    return {TGC_STATUS_PERMISSION_DENIED,
            "the bundle is not signed, and a bundle is code: tgc signs every "
            "bundle it writes, so compile it again with this tgc, or (only "
            "for a bundle you trust) allow unsigned bundles with "
            "--allow-unsigned or TGC_ALLOW_UNSIGNED=1"};
  }
  std::vector<TrustedKey> keys;
  std::vector<std::string> notes;
  trustedKeys(policy, keys, notes);
  for (const TrustedKey &key : keys)
    if (key.key == *signer) {
      if (trustedAs)
        *trustedAs = key.source;
      return Status::ok();
    }
  if (policy.allowUnsigned) {
    if (trustedAs)
      *trustedAs = "not trusted; allowed (--allow-unsigned or "
                   "TGC_ALLOW_UNSIGNED)";
    return Status::ok();
  }
  std::string message =
      "the bundle is signed by key " + fingerprint(*signer) +
      ", which is not trusted here; if you trust whoever signed it, add "
      "their public key with `tgc trust add KEY.pub` (or pass "
      "--trust-key=KEY.pub to tg-run), or (only for a bundle you trust) "
      "allow it with --allow-unsigned or TGC_ALLOW_UNSIGNED=1";
  for (const std::string &note : notes)
    message += "; note: " + note;
  return {TGC_STATUS_PERMISSION_DENIED, message};
}

Status tgc::trust::addTrustedKey(const std::string &textOrPath,
                                 std::string &installed, PublicKey &key) {
  TGC_RETURN_IF_ERROR(requireSodium());
  TGC_RETURN_IF_ERROR(parsePublicKey(textOrPath, key));
  PrivateDirectory config;
  TGC_RETURN_IF_ERROR(openConfigDirectory(/*create=*/true, config));
  if (::mkdirat(config.fd(), kTrustedKeysName, 0700) != 0 && errno != EEXIST)
    return Status::ioError("cannot create '" + config.pathOf(kTrustedKeysName) +
                           "': " + std::strerror(errno));
  int fd = ::openat(config.fd(), kTrustedKeysName,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return Status::ioError("cannot open '" + config.pathOf(kTrustedKeysName) +
                           "': " + std::strerror(errno));
  Status status = checkPrivate(fd, config.pathOf(kTrustedKeysName),
                               "trusted-keys directory");
  std::string name = fingerprint(key) + ".pub";
  std::string text = publicKeyText(key) + "\n";
  if (status)
    status = writeFileAt(fd, name, text.data(), text.size(), 0644);
  ::close(fd);
  installed = config.pathOf(kTrustedKeysName) + "/" + name;
  return status;
}

Status tgc::trust::removeTrustedKey(const std::string &prefix,
                                    std::string &removed) {
  if (prefix.size() < 8 ||
      prefix.find_first_not_of("0123456789abcdef") != std::string::npos)
    return Status::invalidArgument(
        "'" + prefix +
        "' is not a key fingerprint (at least 8 lowercase hex digits, as "
        "`tgc trust list` shows them)");
  std::vector<TrustedKey> keys;
  std::vector<std::string> notes;
  TrustPolicy policy;
  trustedKeys(policy, keys, notes);
  std::string directory = trustedKeysDirectory() + "/";
  std::vector<std::string> matches;
  for (const TrustedKey &key : keys)
    if (fingerprint(key.key).rfind(prefix, 0) == 0 &&
        key.source.rfind(directory, 0) == 0)
      matches.push_back(key.source);
  if (matches.empty())
    return Status::notFound("no trusted key in '" + trustedKeysDirectory() +
                            "' has fingerprint " + prefix);
  if (matches.size() > 1)
    return Status::invalidArgument("fingerprint " + prefix +
                                   " matches several keys; give more digits");
  if (::unlink(matches[0].c_str()) != 0)
    return Status::ioError("cannot remove '" + matches[0] +
                           "': " + std::strerror(errno));
  removed = matches[0];
  return Status::ok();
}

Status tgc::trust::loadCacheKey(MacKey &out) {
  TGC_RETURN_IF_ERROR(requireSodium());
  PrivateDirectory config;
  TGC_RETURN_IF_ERROR(openConfigDirectory(/*create=*/true, config));
  std::string text;
  Status status = readKeyAt(config, kCacheKeyName, true, text);
  if (status.code() == TGC_STATUS_NOT_FOUND) {
    MacKey fresh;
    randombytes_buf(fresh.data(), fresh.size());
    std::string line = std::string(kCachePrefix) + " " +
                       hex(fresh.data(), fresh.size()) + "\n";
    sodium_memzero(fresh.data(), fresh.size());
    status = writeFileAt(config.fd(), kCacheKeyName, line.data(), line.size(),
                         0600, /*replace=*/false);
    sodium_memzero(line.data(), line.size());
    if (!status)
      return status.withContext("cannot create the cache key '" +
                                config.pathOf(kCacheKeyName) + "'");
    status = readKeyAt(config, kCacheKeyName, true, text);
  }
  if (!status)
    return status;
  std::vector<std::string> w = words(text);
  bool ok = w.size() >= 2 && w[0] == kCachePrefix &&
            unhex(w[1], out.data(), out.size());
  sodium_memzero(text.data(), text.size());
  if (!ok)
    return Status::invalidArgument("'" + config.pathOf(kCacheKeyName) +
                                   "' is damaged (delete it; the caches "
                                   "start afresh)");
  return Status::ok();
}

std::array<uint8_t, 32>
tgc::trust::mac(const MacKey &key,
                std::initializer_list<std::pair<const void *, size_t>> parts) {
  initialize();
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), 32);
  for (const auto &[data, size] : parts) {
    uint8_t length[8];
    for (int i = 0; i < 8; ++i)
      length[i] = uint8_t(uint64_t(size) >> (8 * i));
    crypto_generichash_update(&state, length, sizeof(length));
    crypto_generichash_update(&state, static_cast<const uint8_t *>(data), size);
  }
  std::array<uint8_t, 32> out;
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

bool tgc::trust::equalSecrets(const uint8_t *a, const uint8_t *b, size_t size) {
  return sodium_memcmp(a, b, size) == 0;
}

//===- signed-bundle.cpp - libFuzzer harness for signed bundles -----------===//
//
// Like bundle.cpp, but every input is signed before it is read, with a key
// made here and trusted through tgc_bundle_options_t, and unsigned bundles
// are not allowed: mutations then reach past the checksums *and* the
// signature into the metadata checks (issue 14), as they would for a
// bundle a trusted key signed, and the signed-hash path of every section
// read is exercised. Inputs are the two forms of bundle.cpp; a whole bundle
// whose container no longer parses is read unsigned, which must fail.
// Device selection runs on the host; nothing is loaded (no dlopen of fuzzed
// code).
//
//===----------------------------------------------------------------------===//

#include "format/BundleContainer.h"
#include "fuzz/SectionList.h"
#include "tgc/runtime.h"

#include <sodium.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

struct Key {
  tgc::format::SecretKeyBytes secret;
  std::string publicText;
  Key() {
    if (sodium_init() < 0)
      __builtin_trap();
    unsigned char seed[crypto_sign_SEEDBYTES] = {};
    std::memcpy(seed, "tgc-fuzz-signed-bundle", 22);
    unsigned char publicKey[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_seed_keypair(publicKey, secret.data(), seed);
    char hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
    sodium_bin2hex(hex, sizeof(hex), publicKey, sizeof(publicKey));
    publicText = std::string("tgc-ed25519-public ") + hex;
  }
};

const Key &key() {
  static const Key k;
  return k;
}

void consume(tgc_status_t status) {
  if (status) {
    (void)std::strlen(tgc_status_message(status));
    tgc_status_free(status);
  }
}

void readSigned(std::vector<uint8_t> bytes) {
  std::string error;
  bool isSigned = tgc::format::signContainer(bytes, key().secret, error);
  tgc_bundle_options_t options;
  tgc_bundle_options_init(&options);
  options.allow_unsigned = false;
  const char *keys[] = {key().publicText.c_str()};
  options.trusted_keys = keys;
  options.trusted_key_count = 1;
  tgc_bundle_t *bundle = nullptr;
  tgc_status_t status = tgc_bundle_open_memory_with_options(
      bytes.data(), bytes.size(), "fuzz", &options, &bundle);
  if (status) {
    // Whatever signContainer accepted parses as a container; anything it
    // refused must not open.
    consume(status);
    return;
  }
  if (!isSigned || std::strlen(tgc_bundle_signer(bundle)) != 16)
    __builtin_trap(); // opened without a valid, trusted signature
  (void)std::strlen(tgc_bundle_producer(bundle));
  for (size_t i = 0; i < tgc_bundle_code_object_count(bundle); ++i)
    (void)std::strlen(tgc_bundle_code_object(bundle, i));
  consume(tgc_bundle_verify(bundle));
  tgc_device_t *device = nullptr;
  consume(tgc_device_open("host", bundle, &device));
  tgc_device_destroy(device);
  tgc_bundle_destroy(bundle);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size >= 8 && std::memcmp(data, "TGCBUNDL", 8) == 0) {
    readSigned(std::vector<uint8_t>(data, data + size));
    return 0;
  }
  std::vector<uint8_t> bundle = tgc::fuzz::containerFromSectionList(data, size);
  if (!bundle.empty())
    readSigned(std::move(bundle));
  return 0;
}

//===- TrustCommands.cpp - tgc trust add/list/remove/key/new-key ----------===//
//
// Manages who may sign the bundles this user runs (docs/security.md): the
// user's own key, made on first use, and the public keys of others in
// $TGC_CONFIG_DIR/trusted-keys/.
//
//===----------------------------------------------------------------------===//

#include "tools/tgc/TrustCommands.h"

#include "support/Trust.h"

#include <cstdio>
#include <string>
#include <vector>

using namespace tgc;

static const char *kUsage =
    "usage: tgc trust <command>\n"
    "  list                 your key and the keys you trust\n"
    "  add KEY.pub          trust bundles signed by this public key (a .pub\n"
    "                       file, or its text)\n"
    "  remove KEY           stop trusting a key: its fingerprint (as `list`\n"
    "                       shows it) or its .pub file\n"
    "  key                  print your public key (make it if needed), to\n"
    "                       give to people who run your bundles\n"
    "  new-key FILE         make a key pair FILE and FILE.pub, to sign with\n"
    "                       tgc --sign-key=FILE\n";

static int fail(const std::string &message) {
  std::fprintf(stderr, "tgc: error: %s\n", message.c_str());
  return 1;
}

int tgc::runTrustCommand(int argc, char **argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" ||
      args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 1 : 0;
  }
  if (!trust::initialize())
    return fail("libsodium cannot be initialized");
  const std::string &command = args[0];
  auto expect = [&](size_t count) {
    if (args.size() == count + 1)
      return true;
    std::fprintf(stderr, "tgc: error: 'tgc trust %s' takes %zu argument%s\n%s",
                 command.c_str(), count, count == 1 ? "" : "s", kUsage);
    return false;
  };

  if (command == "list") {
    if (!expect(0))
      return 1;
    std::vector<trust::TrustedKey> keys;
    std::vector<std::string> notes;
    trust::TrustPolicy policy;
    trust::trustedKeys(policy, keys, notes);
    bool own = false;
    for (const trust::TrustedKey &key : keys) {
      bool isOwn = key.source.rfind("your own key", 0) == 0;
      own |= isOwn;
      std::printf("%s %s  %s\n", isOwn ? "your key:" : "trusted: ",
                  trust::fingerprint(key.key).c_str(), key.source.c_str());
    }
    if (!own)
      std::printf("your key: none yet (tgc makes %s when it first writes a "
                  "bundle)\n",
                  trust::defaultSigningKeyPath().c_str());
    for (const std::string &note : notes)
      std::printf("note: %s\n", note.c_str());
    return 0;
  }
  if (command == "add") {
    if (!expect(1))
      return 1;
    std::string installed;
    trust::PublicKey key;
    Status status = trust::addTrustedKey(args[1], installed, key);
    if (!status)
      return fail(status.message());
    std::printf("trusted key %s (%s)\n", trust::fingerprint(key).c_str(),
                installed.c_str());
    return 0;
  }
  if (command == "remove") {
    if (!expect(1))
      return 1;
    std::string removed, prefix = args[1];
    trust::PublicKey key;
    if (trust::parsePublicKey(args[1], key))
      prefix = trust::fingerprint(key);
    Status status = trust::removeTrustedKey(prefix, removed);
    if (!status)
      return fail(status.message());
    std::printf("removed %s\n", removed.c_str());
    return 0;
  }
  if (command == "key") {
    if (!expect(0))
      return 1;
    trust::KeyPair pair;
    Status status = trust::loadSigningKey("", pair);
    if (!status)
      return fail(status.message());
    std::printf("%s\n", trust::publicKeyText(pair.publicKey).c_str());
    return 0;
  }
  if (command == "new-key") {
    if (!expect(1))
      return 1;
    trust::KeyPair pair;
    Status status = trust::createKeyPair(args[1], pair);
    if (!status)
      return fail(status.message());
    std::printf("made key %s: %s (secret, mode 0600) and %s.pub\n",
                trust::fingerprint(pair.publicKey).c_str(), args[1].c_str(),
                args[1].c_str());
    return 0;
  }
  return fail("unknown command 'tgc trust " + command + "'\n" + kUsage);
}

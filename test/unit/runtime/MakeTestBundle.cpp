//===- MakeTestBundle.cpp - write the runtime test bundle to a file -------===//
//
// tgc-make-test-bundle OUT.bin: the bundle of TestBundle.h's addModule with
// the host kernels of host_kernels.c, for running tg-run without a compiler.
//
//===----------------------------------------------------------------------===//

#include "TestBundle.h"

#include <cstdio>
#include <exception>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: tgc-make-test-bundle OUT.bin\n");
    return 1;
  }
  try {
    std::vector<uint8_t> bytes =
        tgc::test::buildAddBundle(tgc::test::hostKernelLibrary());
    std::FILE *out = std::fopen(argv[1], "wb");
    if (!out ||
        std::fwrite(bytes.data(), 1, bytes.size(), out) != bytes.size() ||
        std::fclose(out) != 0) {
      std::perror(argv[1]);
      return 1;
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "tgc-make-test-bundle: %s\n", e.what());
    return 1;
  }
  return 0;
}

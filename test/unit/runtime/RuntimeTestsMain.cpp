//===- RuntimeTestsMain.cpp - gtest main, plus writing the test bundle ----===//
//
// `runtime-tests --write-test-bundle=OUT.bin` writes the test bundle (see
// TestBundle.h: addModule with the host kernels of host_kernels.c) and
// exits, so tg-run can be tried and lit-tested without a compiler;
// --write-gpu-test-bundle= adds the same kernels as PTX. It lives here
// because every executable of the unit suite is run as a test.
//
//===----------------------------------------------------------------------===//

#include "test/unit/runtime/TestBundle.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <unistd.h>

static int writeTestBundle(const char *path, bool withPtx) {
  try {
    std::vector<uint8_t> host = tgc::test::hostKernelLibrary();
    std::string ptx = tgc::test::testPtx();
    std::vector<uint8_t> bytes =
        withPtx ? tgc::test::buildGpuBundle(
                      host, std::vector<uint8_t>(ptx.begin(), ptx.end()))
                : tgc::test::buildAddBundle(host);
    std::FILE *out = std::fopen(path, "wb");
    if (!out ||
        std::fwrite(bytes.data(), 1, bytes.size(), out) != bytes.size() ||
        std::fclose(out) != 0) {
      std::perror(path);
      return 1;
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "runtime-tests: %s\n", e.what());
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  // Signing keys and cache secrets made by the tests never go to the
  // user's home: lit sets TGC_CONFIG_DIR; a run by hand gets a fresh one.
  if (!std::getenv("TGC_CONFIG_DIR")) {
    static char dir[] = "/tmp/tgc-test-config-XXXXXX";
    if (::mkdtemp(dir))
      ::setenv("TGC_CONFIG_DIR", dir, 1);
  }
  for (int i = 1; i < argc; ++i) {
    for (const char *flag :
         {"--write-test-bundle=", "--write-gpu-test-bundle="}) {
      if (std::strncmp(argv[i], flag, std::strlen(flag)) == 0)
        return writeTestBundle(argv[i] + std::strlen(flag),
                               std::strstr(flag, "gpu") != nullptr);
    }
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

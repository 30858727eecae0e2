//===- JitTestsMain.cpp - gtest main, plus the compile child mode ---------===//
//
// `jit-tests --compile-child CACHE_ROOT MODEL.mlir` compiles and runs one
// model and exits with 10 + its tgc_jit_cache_result_t: the process-race
// tests start N of these at once (see JitTestSupport.h).
//
//===----------------------------------------------------------------------===//

#include "test/unit/jit/JitTestSupport.h"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

int main(int argc, char **argv) {
  // Signing keys and cache secrets made by the tests never go to the
  // user's home: lit sets TGC_CONFIG_DIR; a run by hand gets a fresh one.
  if (!std::getenv("TGC_CONFIG_DIR")) {
    static char dir[] = "/tmp/tgc-test-config-XXXXXX";
    if (::mkdtemp(dir))
      ::setenv("TGC_CONFIG_DIR", dir, 1);
  }
  if (argc == 4 && std::strcmp(argv[1], "--compile-child") == 0)
    return tgc::test::compileChildMain(argv[2], argv[3]);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

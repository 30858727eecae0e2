//===- JitTestsMain.cpp - gtest main, plus the compile child mode ---------===//
//
// `jit-tests --compile-child CACHE_ROOT MODEL.mlir` compiles and runs one
// model and exits with 10 + its tgc_jit_cache_result_t: the process-race
// tests start N of these at once (see JitTestSupport.h).
//
//===----------------------------------------------------------------------===//

#include "test/unit/jit/JitTestSupport.h"

#include <cstring>

int main(int argc, char **argv) {
  if (argc == 4 && std::strcmp(argv[1], "--compile-child") == 0)
    return tgc::test::compileChildMain(argv[2], argv[3]);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

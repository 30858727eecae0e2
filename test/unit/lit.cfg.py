# -*- Python -*-
# The GoogleTest executables (named *tests) built under test/unit/.

import os

import lit.formats

config.name = "tgc-unit"
config.test_source_root = os.path.join(config.tgc_obj_root, "test", "unit")
config.test_exec_root = config.test_source_root
# GoogleTest looks in directories relative to the suite root; give it the
# directories the executables were actually built in.
subdirs = sorted(
    {os.path.relpath(d, config.test_source_root) for d in config.unit_test_dirs if d}
)
config.test_format = lit.formats.GoogleTest(";".join(subdirs), "tests")
# Tests that write caches or signing keys must not touch the user's.
config.environment["TGC_CACHE_DIR"] = os.path.join(config.test_exec_root, "tgc-cache")
config.environment["TGC_CONFIG_DIR"] = os.path.join(config.test_exec_root, "tgc-config")

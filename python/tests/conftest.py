"""Shared set-up of the tgc Python tests.

Run from the build tree (`./build.sh test` does, through lit):
    PYTHONPATH=build/python TGC_BUILD_DIR=build python -m pytest python/tests
Every test process gets its own config (signing key) and cache directories,
so nothing here touches the user's ~/.config/tgc or ~/.cache/tgc.
"""

import os
import pathlib
import subprocess
import sys
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TGC_BUILD_DIR", ROOT / "build"))

# Before `import tgc`: the JIT reads them when it is first used.
_home = tempfile.mkdtemp(prefix="tgc-pytest-")
os.environ["TGC_CONFIG_DIR"] = os.path.join(_home, "config")
os.environ["TGC_CACHE_DIR"] = os.path.join(_home, "cache")
os.environ.pop("TGC_ALLOW_UNSIGNED", None)
os.environ.pop("TGC_SIGN_KEY", None)

RELU = """
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
"""


@pytest.fixture
def tgc_tool():
    """Runs the tgc command-line compiler of the same build."""
    tool = BUILD / "bin" / "tgc"
    if not tool.exists():
        pytest.skip(f"no {tool}")

    def run(*args):
        return subprocess.run([str(tool), *map(str, args)], check=True,
                              capture_output=True, text=True)

    return run


@pytest.fixture
def run_python():
    """Runs a snippet in a fresh interpreter with this test's environment
    (the same config and cache directories)."""

    def run(code: str) -> str:
        return subprocess.run([sys.executable, "-c", code], check=True,
                              capture_output=True, text=True,
                              env=dict(os.environ)).stdout

    return run

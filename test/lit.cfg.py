# -*- Python -*-
# The tgc lit suite: test/<area>/*.mlir and *.test, run with lit's internal
# shell. Features a test may REQUIRE:
#   tgc-compiler  built with TGC_BUILD_COMPILER (set for ir/, compiler/, tgc/)
#   tg-opt, tgc, tg-run, tg-eval, tinygpu-emu   the tool has been built
#   ptxas         ptxas on PATH, in $CUDA_HOME/bin or /usr/local/cuda/bin
#   cuobjdump     $TGC_CUOBJDUMP, or cuobjdump where ptxas is looked for
#   numpy         %python can import numpy
#   onnx-venv     build/onnx-venv exists (scripts/onnx-venv.sh): %onnx_python
#   python-package  the `tgc` Python package was built (build/python/tgc)
#   cuda-driver   never detected: opt in with `lit -Dcuda-driver=1` or
#                 TGC_TEST_CUDA_DRIVER=1 on a machine with an NVIDIA GPU
#   ldd, nm       the binutils the link checks use
#   script        util-linux's script, to run a tool on a pseudo-terminal
#   clang-format  clang-format 14 (the version the tree is formatted with)
#   git-checkout  the source tree is a git work tree (format/ lists its files)
# Substitutions: %python (the python3 with numpy when there is one),
# %clang_format (with the clang-format feature),
# %{tg-opt} %{tgc} %{tg-run} %{tg-eval} (absolute tool paths), %ptxas,
# %cuobjdump, %tgc_src_root,
# %tgc_obj_root, %runtime_link_closure, %runtime_artifacts.

import os
import shutil
import subprocess
import sys

import lit.formats

config.name = "tgc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tgc_obj_root, "test")
# unit/ is its own suite (GoogleTest executables, see unit/lit.cfg.py).
config.excludes = ["Inputs", "unit", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py"]
if not config.tgc_build_compiler:
    # Runtime-only build: no tg-opt, no tgc, no generated docs.
    config.excludes += ["ir", "compiler", "tgc", "docs"]
else:
    config.available_features.add("tgc-compiler")

# PATH: our tools first, then LLVM's (FileCheck, not, count, llvm-readelf).
path = list(dict.fromkeys([d for d in config.tgc_tools_dirs if d] +
                          [config.llvm_tools_dir]))
config.environment["PATH"] = os.pathsep.join(path + [config.environment["PATH"]])

for tool in ["tg-opt", "tgc", "tg-run", "tg-eval", "tinygpu-emu"]:
    found = shutil.which(tool, path=config.environment["PATH"])
    if found:
        config.available_features.add(tool)
        config.substitutions.append(("%{" + tool + "}", found))

for tool in ["ldd", "nm", "script"]:
    if shutil.which(tool, path=config.environment["PATH"]):
        config.available_features.add(tool)


def find_clang_format():
    """clang-format 14, which the tree is formatted with (other versions
    break some lines differently, so the check would fail spuriously)."""
    for name in ["clang-format-14", "clang-format"]:
        found = shutil.which(name)
        if not found:
            continue
        try:
            version = subprocess.run([found, "--version"], capture_output=True,
                                     text=True, timeout=60).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        if " version 14." in version:
            return found
    return None


clang_format = find_clang_format()
if clang_format:
    config.available_features.add("clang-format")
    config.substitutions.append(("%clang_format", clang_format))
try:
    subprocess.run(["git", "-C", config.tgc_src_root, "rev-parse",
                    "--is-inside-work-tree"], check=True, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    config.available_features.add("git-checkout")
except (OSError, subprocess.SubprocessError):
    pass


def find_cuda_tool(name):
    found = shutil.which(name, path=config.environment["PATH"])
    if found:
        return found
    roots = [os.environ.get(v) for v in ("CUDA_HOME", "CUDA_PATH")]
    for root in [r for r in roots if r] + ["/usr/local/cuda"]:
        candidate = os.path.join(root, "bin", name)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


# cuobjdump is not part of every toolkit install (pip's nvidia-cuda-cuobjdump
# and Triton ship it elsewhere): TGC_CUOBJDUMP names one anywhere.
cuobjdump = os.environ.get("TGC_CUOBJDUMP") or find_cuda_tool("cuobjdump")
if cuobjdump and os.access(cuobjdump, os.X_OK):
    config.available_features.add("cuobjdump")
    config.substitutions.append(("%cuobjdump", cuobjdump))

ptxas = find_cuda_tool("ptxas")
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
    config.environment["PATH"] += os.pathsep + os.path.dirname(ptxas)


def python_with_numpy():
    """The first python3 that can import numpy, if any."""
    candidates = [config.python_executable, sys.executable,
                  shutil.which("python3"), "/usr/bin/python3"]
    seen = set()
    for python in candidates:
        if not python or python in seen or not os.access(python, os.X_OK):
            continue
        seen.add(python)
        try:
            subprocess.run([python, "-c", "import numpy"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=60)
            return python
        except (OSError, subprocess.SubprocessError):
            pass
    return None


numpy_python = python_with_numpy()
if numpy_python:
    config.available_features.add("numpy")
config.substitutions.append(("%python", numpy_python or config.python_executable))

# The ONNX tests run in the venv scripts/onnx-venv.sh makes (onnx,
# onnxruntime from PyPI; ./build.sh test creates it first).
onnx_python = os.path.join(config.tgc_obj_root, "onnx-venv", "bin", "python3")
if os.access(onnx_python, os.X_OK):
    config.available_features.add("onnx-venv")
    config.substitutions.append(("%onnx_python", onnx_python))

# The Python package's tests (python/tests) run in that venv too, which has
# pytest.
package_dir = os.path.join(config.tgc_obj_root, "python", "tgc")
if os.path.isdir(package_dir) and any(
        f.startswith("_tgc.") for f in os.listdir(package_dir)):
    config.available_features.add("python-package")

# The host architecture, for tests of host code specifics.
import platform
if platform.machine() in ("x86_64", "AMD64"):
    config.available_features.add("x86_64")

if lit_config.params.get("cuda-driver") == "1" or \
        os.environ.get("TGC_TEST_CUDA_DRIVER") == "1":
    config.available_features.add("cuda-driver")

config.substitutions.append(("%tgc_src_root", config.tgc_src_root))
config.substitutions.append(("%tgc_obj_root", config.tgc_obj_root))
config.substitutions.append(("%runtime_link_closure", config.runtime_link_closure))
config.substitutions.append(("%runtime_artifacts", config.runtime_artifacts))

# Caches and signing keys written by tests stay inside the build tree (never
# the user's home); toolkits stay findable.
config.environment["TGC_CACHE_DIR"] = os.path.join(config.test_exec_root, "tgc-cache")
config.environment["TGC_CONFIG_DIR"] = os.path.join(config.test_exec_root, "tgc-config")
for var in ["CUDA_HOME", "CUDA_PATH", "ROCM_PATH", "HIP_PATH",
            "TGC_TEST_CUDA_DRIVER", "TGC_CUOBJDUMP"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]

//===- NvptxBackend.cpp - NVIDIA targets: PTX and cubin -------------------===//

#include "compiler/targets/TargetBackend.h"
#include "compiler/targets/TargetUtils.h"
#include "ir/TgcDialect.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Regex.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace tgc;
using namespace tgc::detail;

static constexpr StringLiteral kNvptxTriple = "nvptx64-nvidia-cuda";

/// The PTX ISA version LLVM picks for `chip` when asked for none: the oldest
/// that supports the chip. Read back from the `.version` of an empty module,
/// because LLVM keeps that table private and aborts (rather than reporting
/// an error) when given an older version.
static FailureOr<unsigned> minimumPtxVersion(Location loc, StringRef chip) {
  auto machine = createTargetMachine(loc, kNvptxTriple, chip, "", 0, false);
  if (failed(machine))
    return failure();
  llvm::LLVMContext llvmContext;
  llvm::Module module("probe", llvmContext);
  module.setTargetTriple((*machine)->getTargetTriple());
  module.setDataLayout((*machine)->createDataLayout());
  auto ptx = emitMachineCode(loc, module, **machine,
                             llvm::CodeGenFileType::AssemblyFile);
  if (failed(ptx))
    return failure();
  SmallVector<StringRef> match;
  unsigned major = 0, minor = 0;
  if (!llvm::Regex("\\.version ([0-9]+)\\.([0-9])").match(*ptx, &match) ||
      match[1].getAsInteger(10, major) || match[2].getAsInteger(10, minor))
    return emitError(loc) << "cannot find the PTX version LLVM uses for "
                          << chip;
  return major * 10 + minor;
}

/// `.extern` declarations in PTX: calls the driver cannot resolve.
static SmallVector<std::string> externSymbols(StringRef ptx) {
  SmallVector<std::string> names;
  llvm::Regex name("([A-Za-z_$%][A-Za-z0-9_$]*)[[:space:]]*(\\(|;|\\[)");
  SmallVector<StringRef> lines;
  ptx.split(lines, '\n');
  for (StringRef line : lines) {
    line = line.trim();
    // `.extern .shared` is dynamic shared memory, sized at launch.
    if (!line.starts_with(".extern") ||
        line.drop_front(strlen(".extern")).trim().starts_with(".shared"))
      continue;
    // `.extern .func (.param .b32 retval) __nv_expf(` : skip the return
    // parameter list, then the name is the identifier before the next '('.
    StringRef rest = line.drop_front(strlen(".extern"));
    if (rest.trim().starts_with(".func")) {
      rest = rest.trim().drop_front(strlen(".func")).trim();
      if (rest.starts_with("("))
        rest = rest.drop_until([](char c) { return c == ')'; }).drop_front();
    }
    SmallVector<StringRef> match;
    names.push_back(name.match(rest, &match) ? match[1].str() : line.str());
  }
  return names;
}

FailureOr<std::string> tgc::emitPtx(gpu::GPUModuleOp module,
                                    const Target &target, unsigned optLevel,
                                    unsigned ptxVersion) {
  Location loc = module.getLoc();
  StringRef chip = target.cpu();
  if (!target.isNvidia())
    return emitError(loc) << "'" << target.name()
                          << "' is not an NVIDIA chip (sm_NN)";
  if (failed(verifyFullyLowered(module, chip)))
    return failure();

  std::string features;
  if (ptxVersion != 0) {
    FailureOr<unsigned> minimum = minimumPtxVersion(loc, chip);
    if (failed(minimum))
      return failure();
    if (ptxVersion < *minimum)
      return emitError(loc)
             << "PTX ISA " << ptxVersion / 10 << "." << ptxVersion % 10
             << " does not support " << chip << " (it needs " << *minimum / 10
             << "." << *minimum % 10 << " or newer)";
    features = "+ptx" + llvm::utostr(ptxVersion);
  }
  auto machine = createTargetMachine(loc, kNvptxTriple, chip, features,
                                     optLevel, /*pic=*/false);
  if (failed(machine))
    return failure();

  llvm::LLVMContext llvmContext;
  auto llvmModule = translateToLlvm(module, llvmContext, **machine);
  if (failed(llvmModule) ||
      failed(optimizeModule(loc, **llvmModule, **machine, optLevel)) ||
      failed(checkNoExternals(loc, **llvmModule, {}, chip)))
    return failure();
  auto ptx = emitMachineCode(loc, **llvmModule, **machine,
                             llvm::CodeGenFileType::AssemblyFile);
  if (failed(ptx))
    return failure();

  // Codegen can still introduce calls (e.g. for an op the backend expands
  // into a libcall); the driver would only fail at load time, so fail here.
  SmallVector<std::string> externs = externSymbols(*ptx);
  if (!externs.empty()) {
    InFlightDiagnostic diag = emitError(loc);
    diag << "PTX for " << chip << " declares external symbol"
         << (externs.size() > 1 ? "s " : " ");
    llvm::interleaveComma(
        externs, diag, [&](const std::string &s) { diag << "'" << s << "'"; });
    diag << " that no CUDA driver provides";
    return diag;
  }
  return std::string(ptx->str());
}

static std::string ptxasMissing() {
  return "ptxas not found (looked at $TGC_PTXAS, $CUDA_HOME/bin, "
         "$CUDA_PATH/bin, /usr/local/cuda/bin and PATH)";
}

static FailureOr<OptionalToolOutput> runPtxas(Location loc, StringRef ptx,
                                              const Target &target, bool keep) {
  OptionalToolOutput result;
  std::optional<std::string> ptxas = findPtxas();
  if (!ptxas) {
    result.skipped = ptxasMissing();
    return result;
  }
  if (!target.isNvidia())
    return emitError(loc) << "'" << target.name()
                          << "' is not an NVIDIA chip (sm_NN)";
  StringRef chip = target.cpu();
  FailureOr<TempDir> dir = TempDir::create(loc);
  if (failed(dir) || failed(dir->write(loc, "kernels.ptx", ptx)))
    return failure();
  std::vector<std::string> args = {*ptxas, ("-arch=" + chip).str(), "-o",
                                   dir->file("kernels.cubin"),
                                   dir->file("kernels.ptx")};
  if (failed(runTool(loc, *dir, *ptxas, args, ("ptxas for " + chip).str())))
    return failure();
  if (!keep) {
    result.bytes.emplace();
    return result;
  }
  FailureOr<Binary> cubin = dir->read(loc, "kernels.cubin");
  if (failed(cubin))
    return failure();
  result.bytes = std::move(*cubin);
  return result;
}

FailureOr<OptionalToolOutput> tgc::ptxToCubin(Location loc, StringRef ptx,
                                              const Target &target) {
  return runPtxas(loc, ptx, target, /*keep=*/true);
}

FailureOr<bool> tgc::validatePtx(Location loc, StringRef ptx,
                                 const Target &target) {
  FailureOr<OptionalToolOutput> result =
      runPtxas(loc, ptx, target, /*keep=*/false);
  if (failed(result))
    return failure();
  return result->bytes.has_value();
}

//===----------------------------------------------------------------------===//
// The back end
//===----------------------------------------------------------------------===//

namespace {

class NvptxBackend : public GpuTargetBackend {
public:
  using GpuTargetBackend::GpuTargetBackend;

  LogicalResult emit(ModuleOp lowered, ArrayRef<CodeFormat> formats,
                     unsigned optLevel, std::vector<CodeObject> &objects,
                     std::vector<SkippedCode> &skipped) const override {
    gpu::GPUModuleOp module = gpuModule(lowered);
    // Arch-specific kernels (wgmma) are PTX and cubin for "sm_90a": ptxas
    // rejects wgmma for plain sm_90, and the bundle records "sm_90a" so that
    // the runtime JITs that PTX on sm_90 only, never on a newer GPU, which
    // could not run it (runtime/DeviceSelection.cpp); its cubin still loads
    // on any sm_90 device.
    Target chip = target();
    if (lowered->hasAttr(kArchSpecificAttrName) &&
        !StringRef(chip.cpu()).ends_with("a")) {
      FailureOr<Target> specific =
          Target::parse(chip.cpu() + "a", lowered.getLoc());
      if (failed(specific))
        return failure();
      chip = *specific;
    }
    auto object = [&](CodeFormat format, ArrayRef<char> bytes) {
      CodeObject code = codeObject(format, bytes);
      code.arch = chip.name();
      return code;
    };
    FailureOr<std::string> ptx = emitPtx(module, chip, optLevel);
    if (failed(ptx))
      return failure();
    if (llvm::is_contained(formats, CodeFormat::Ptx))
      objects.push_back(object(CodeFormat::Ptx, *ptx));
    if (!llvm::is_contained(formats, CodeFormat::Cubin))
      return success();
    FailureOr<OptionalToolOutput> cubin =
        ptxToCubin(module.getLoc(), *ptx, chip);
    if (failed(cubin))
      return failure();
    if (cubin->bytes)
      objects.push_back(object(CodeFormat::Cubin, *cubin->bytes));
    else
      skipped.push_back({CodeFormat::Cubin, cubin->skipped});
    return success();
  }
};

} // namespace

std::unique_ptr<TargetBackend>
tgc::detail::createNvptxBackend(const Target &target,
                                const BackendOptions &options) {
  return std::make_unique<NvptxBackend>(target, options);
}

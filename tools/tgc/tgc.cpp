//===- tgc.cpp - the tgc compiler driver ----------------------------------===//
//
//   tgc model.mlir -o model.bin [--targets=host,sm_90,gfx1100] [-O2]
//   tgc model.onnx -o model.bin [--dim=batch=1 --input-shape=ids=1x128]
//   tgc model.onnx --safetensors=w.safetensors --weights=external -o m.bin
//   tgc model.mlir --emit=kernels
//   tgc --inspect model.bin
//   tgc trust add|list|remove|key|new-key ...
//
// Every bundle is signed: with --sign-key, else $TGC_SIGN_KEY, else the
// user's own key (support/Trust.h, made on first use).
//
//===----------------------------------------------------------------------===//

#include "tools/common/HideLlvmOptions.h"
#include "tools/tgc/CacheCommands.h"
#include "tools/tgc/Inspect.h"
#include "tools/tgc/TerminalProgress.h"
#include "tools/tgc/TrustCommands.h"

#include "compiler/Pipeline.h"
#include "compiler/frontends/TgFrontend.h"
#include "compiler/frontends/onnx/OnnxImporter.h"
#include "format/BundleContainer.h"
#include "support/LargeStack.h"
#include "support/SafeFiles.h"
#include "support/Trust.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

/// tgc's own options: what --help shows (LLVM's and MLIR's stay usable and
/// are listed by --help-hidden).
static cl::OptionCategory tgcCategory("tgc options");

static cl::opt<std::string>
    inputFile(cl::Positional, cl::desc("<model.mlir | model.onnx | model.bin>"),
              cl::init("-"));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("file"), cl::init(""));
static cl::list<std::string>
    targets("targets", cl::CommaSeparated,
            cl::desc("Targets: host, a host triple (aarch64-linux-gnu, "
                     "aarch64-apple-darwin), sm_XX, gfxNNNN "
                     "(default host,sm_80,sm_90,gfx1100)"));
static cl::opt<char> optLevel("O", cl::Prefix, cl::init('2'),
                              cl::desc("Optimization level: -O0 ... -O3 "
                                       "(default -O2)"));
static cl::opt<std::string> hostCpu("host-cpu", cl::init(""),
                                    cl::desc("CPU for host code, or 'native' "
                                             "(default: portable baselines; "
                                             "x86-64-v4 and x86-64-v3 on "
                                             "x86-64)"));
/// --emit: an IR stage, the assembly, one kind of code object, or the bundle.
enum class Emit {
  Tg,
  Linalg,
  Kernels,
  Schedule,
  Llvm,
  Ptx,
  Cubin,
  Hsaco,
  Asm,
  Bundle
};
static cl::opt<Emit> emit(
    "emit", cl::desc("Stop after a stage and write its output"),
    cl::init(Emit::Bundle),
    cl::values(
        clEnumValN(Emit::Tg, "tg", "tg after decomposition"),
        clEnumValN(Emit::Linalg, "linalg", "linalg on tensors"),
        clEnumValN(Emit::Kernels, "kernels",
                   "kernel functions and generated GPU/host kernels"),
        clEnumValN(Emit::Schedule, "schedule",
                   "buffers, dispatches and copies of each function"),
        clEnumValN(Emit::Llvm, "llvm", "kernels lowered to the LLVM dialect"),
        clEnumValN(Emit::Ptx, "ptx", "PTX of each NVIDIA target"),
        clEnumValN(Emit::Cubin, "cubin", "cubin of the one NVIDIA target"),
        clEnumValN(Emit::Hsaco, "hsaco", "HSACO of the one AMD target"),
        clEnumValN(Emit::Asm, "asm", "assembly of each host and AMD target"),
        clEnumValN(Emit::Bundle, "bundle", "the bundle")));

static tgc::Output outputFor(Emit emit) {
  switch (emit) {
  case Emit::Tg:
    return tgc::Output::ir(tgc::IrStage::Tg);
  case Emit::Linalg:
    return tgc::Output::ir(tgc::IrStage::Linalg);
  case Emit::Kernels:
    return tgc::Output::ir(tgc::IrStage::Kernels);
  case Emit::Schedule:
    return tgc::Output::schedule();
  case Emit::Llvm:
    return tgc::Output::ir(tgc::IrStage::Llvm);
  case Emit::Ptx:
    return tgc::Output::code(tgc::CodeFormat::Ptx);
  case Emit::Cubin:
    return tgc::Output::code(tgc::CodeFormat::Cubin);
  case Emit::Hsaco:
    return tgc::Output::code(tgc::CodeFormat::Hsaco);
  case Emit::Asm:
    return tgc::Output::assembly();
  case Emit::Bundle:
    break;
  }
  return tgc::Output::bundle();
}

static cl::opt<std::string>
    dumpIntermediates("dump-intermediates", cl::init(""),
                      cl::desc("Write every stage's IR and code objects to "
                               "this directory"),
                      cl::value_desc("dir"));
static cl::list<std::string>
    dims("dim",
         cl::desc("ONNX: the size of a symbolic dimension, NAME=SIZE "
                  "(repeatable)"),
         cl::value_desc("name=size"));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("ONNX: the shape of a graph input, NAME=DxDx... (repeatable)"),
    cl::value_desc("name=dims"));
static cl::list<std::string> safetensors(
    "safetensors",
    cl::desc("ONNX: take the weights named in this safetensors file from it "
             "(initializers of the same name, or graph inputs of a model "
             "exported without its parameters; repeatable)"),
    cl::value_desc("file"));
enum class WeightsMode { Inline, External };
static cl::opt<WeightsMode> weightsMode(
    "weights",
    cl::desc("ONNX: where the bundle keeps the --safetensors weights"),
    cl::values(clEnumValN(WeightsMode::Inline, "inline",
                          "in the bundle (default)"),
               clEnumValN(WeightsMode::External, "external",
                          "in their safetensors files, which the runtime "
                          "opens: new weights of the same shapes need no "
                          "recompile")),
    cl::init(WeightsMode::Inline));
static cl::opt<bool>
    onnxOps("onnx-ops",
            cl::desc("List the ONNX ops the importer converts (with the "
                     "first opset of each) and exit"));
static cl::opt<bool>
    inspect("inspect", cl::desc("Describe a bundle instead of compiling"));
static cl::opt<bool> verbose("v", cl::desc("Print progress to stderr"));
static cl::opt<bool> gpuMatrixCores(
    "gpu-matrix-cores",
    cl::desc("f16/bf16 matmuls on tensor cores (sm_80+, wgmma on sm_90) and "
             "WMMA (gfx11, gfx12); not yet checked on a GPU "
             "(docs/compiler.md)"));
static cl::opt<bool> allowTf32(
    "allow-tf32",
    cl::desc("f32 matmuls on tensor cores (sm_80+) with operands rounded to "
             "tf32 (10-bit mantissa): faster, less exact; not yet checked on "
             "a GPU (docs/compiler.md)"));
static cl::opt<bool> gpuFusedAttention(
    "gpu-fused-attention",
    cl::desc("Attention as one kernel on GPU targets too (always on host "
             "targets); not yet checked on a GPU (docs/compiler.md)"));
static cl::opt<bool> gpuRegisterRows(
    "gpu-register-rows",
    cl::desc("GPU row kernels (softmax, norms) read their row once into "
             "registers; not yet checked on a GPU (docs/compiler.md)"));
static cl::opt<std::string>
    signKey("sign-key",
            cl::desc("Sign the bundle with this key (default: $TGC_SIGN_KEY, "
                     "else your own, ~/.config/tgc/signing-key, made on "
                     "first use); see `tgc trust`"),
            cl::value_desc("file"), cl::init(""));

/// Writes `bytes` to `path` through a temporary file renamed at the end, so
/// a failed or interrupted run never leaves a partial output behind. A
/// device or FIFO (-o /dev/null) is written directly: renaming over it
/// would replace the device node (as root, /dev/null itself).
static LogicalResult writeAtomically(StringRef path, StringRef bytes) {
  if (path == "-") {
    llvm::outs() << bytes;
    return success();
  }
  tgc::Status status =
      tgc::writeFileAtomically(path.str(), bytes.data(), bytes.size());
  if (!status) {
    llvm::errs() << "tgc: error: " << status.message() << "\n";
    return failure();
  }
  return success();
}

/// --dim and --input-shape into import options; false after an error.
static bool parseOnnxOptions(tgc::OnnxImportOptions &options) {
  std::string error;
  for (const std::string &arg : dims)
    if (!tgc::addOnnxDimOption(arg, options, error)) {
      llvm::errs() << "tgc: error: --dim=" << arg << ": " << error << "\n";
      return false;
    }
  for (const std::string &arg : inputShapes)
    if (!tgc::addOnnxInputShapeOption(arg, options, error)) {
      llvm::errs() << "tgc: error: --input-shape=" << arg << ": " << error
                   << "\n";
      return false;
    }
  options.weightFiles.assign(safetensors.begin(), safetensors.end());
  return true;
}

/// An absolute path without symbolic links or dots, as far as it exists.
static SmallString<256> canonicalPath(StringRef path) {
  SmallString<256> real;
  if (!llvm::sys::fs::real_path(path, real))
    return real;
  SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  return absolute;
}

/// How the bundle written to `output` names the weights file `path`: the
/// runtime looks for it relative to the bundle's directory, and a bundle
/// names nothing outside that directory. A file elsewhere is named by its
/// file name, with a warning: the runtime then looks for it beside the
/// bundle (or is told where it is, tg-run --weights=FILE).
static std::string bundleWeightsName(StringRef path, StringRef output) {
  SmallString<256> dir =
      canonicalPath(llvm::sys::path::parent_path(output).empty()
                        ? StringRef(".")
                        : llvm::sys::path::parent_path(output));
  // The file's own name stays as given: a link beside the bundle to the
  // weights elsewhere is how a user puts them "beside" it.
  StringRef parent = llvm::sys::path::parent_path(path);
  SmallString<256> file = canonicalPath(parent.empty() ? "." : parent);
  llvm::sys::path::append(file, llvm::sys::path::filename(path));
  StringRef relative = file;
  if (relative.consume_front(dir) &&
      (dir.ends_with("/") || relative.consume_front("/")) && !relative.empty())
    return relative.str();
  std::string name = llvm::sys::path::filename(file).str();
  llvm::errs() << "tgc: warning: --weights=external: '" << path
               << "' is not in the bundle's directory, so the bundle names it '"
               << name
               << "': put it beside the bundle, or run with tg-run --weights="
               << path << "\n";
  return name;
}

/// ONNX models have no source lines: diagnostics name the model and the
/// node.
static LogicalResult printOnnxDiagnostic(Diagnostic &diag) {
  llvm::errs() << tgc::formatOnnxDiagnostic(diag);
  return success();
}

static int run() {
  if (inspect)
    return tgc::inspectBundle(inputFile, llvm::outs());
  if (onnxOps) {
    for (const std::string &op : tgc::onnxSupportedOps())
      llvm::outs() << op << "\n";
    return 0;
  }
  if (std::optional<int> status = tgc::runCacheCommands())
    return *status;

  if (optLevel < '0' || optLevel > '3') {
    llvm::errs() << "tgc: error: invalid optimization level -O" << optLevel
                 << " (expected -O0 ... -O3)\n";
    return 1;
  }

  DialectRegistry registry;
  tgc::registerCompilerDialects(registry);
  MLIRContext context(registry);
  context.allowUnregisteredDialects(false);

  std::string errorMessage;
  auto input = openInputFile(inputFile, &errorMessage);
  if (!input) {
    llvm::errs() << "tgc: error: " << errorMessage << "\n";
    return 1;
  }
  OwningOpRef<ModuleOp> module;
  llvm::SourceMgr sourceMgr;
  std::optional<SourceMgrDiagnosticHandler> sourceDiagnostics;
  std::optional<ScopedDiagnosticHandler> onnxDiagnostics;
  tgc::ExternalWeights externalWeights;
  if (inputFile != "-" &&
      tgc::looksLikeOnnx(inputFile, input->getBuffer().take_front(1))) {
    // The importer reads the file itself (weights are mapped or parsed in
    // place, not held twice).
    input.reset();
    tgc::OnnxImportOptions onnxOptions;
    if (!parseOnnxOptions(onnxOptions))
      return 1;
    if (weightsMode == WeightsMode::External) {
      if (safetensors.empty()) {
        llvm::errs() << "tgc: error: --weights=external needs the weights "
                        "files to leave outside the bundle: give them with "
                        "--safetensors=FILE\n";
        return 1;
      }
      StringRef output = outputFile.empty() || outputFile == "-"
                             ? StringRef("./-")
                             : StringRef(outputFile);
      for (const std::string &path : safetensors)
        externalWeights.files.push_back(bundleWeightsName(path, output));
      onnxOptions.externalWeights = &externalWeights;
    }
    onnxDiagnostics.emplace(&context, printOnnxDiagnostic);
    module = tgc::importOnnxModel(inputFile, &context, onnxOptions);
  } else {
    if (!dims.empty() || !inputShapes.empty() || !safetensors.empty() ||
        weightsMode != WeightsMode::Inline) {
      llvm::errs() << "tgc: error: --dim, --input-shape, --safetensors and "
                      "--weights apply to ONNX models only\n";
      return 1;
    }
    sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
    sourceDiagnostics.emplace(sourceMgr, &context);
    module = tgc::parseTgModule(sourceMgr, &context);
  }
  if (!module)
    return 1;

  tgc::CompileOptions options;
  std::vector<std::string> spellings(targets.begin(), targets.end());
  if (spellings.empty())
    spellings = tgc::defaultTargetSpellings();
  tgc::HostCpuOptions host;
  host.cpu = hostCpu;
  FailureOr<std::vector<tgc::Target>> parsed =
      tgc::parseTargets(spellings, module->getLoc(), host);
  if (failed(parsed))
    return 1;
  options.targets = std::move(*parsed);
  options.optLevel = optLevel - '0';
  options.output = outputFor(emit);
  options.dumpDirectory = dumpIntermediates;
  options.verbose = verbose;
  options.gpuMatrixCores = gpuMatrixCores;
  options.allowTf32 = allowTf32;
  options.gpuFusedAttention = gpuFusedAttention;
  options.gpuRegisterRows = gpuRegisterRows;
  if (weightsMode == WeightsMode::External)
    options.externalWeights = &externalWeights;
  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope rootTiming = timing.getRootScope();
  options.timing = &rootTiming;
  options.configurePassManager = [&](PassManager &pm) {
    (void)applyPassManagerCLOptions(pm);
  };
  // The key is loaded before compiling, so a missing or unsafe key fails
  // at once rather than after the compile.
  tgc::trust::KeyPair key;
  if (emit == Emit::Bundle) {
    bool created = false;
    tgc::Status status = tgc::trust::loadSigningKey(signKey, key, &created);
    if (!status) {
      llvm::errs() << "tgc: error: cannot sign the bundle: " << status.message()
                   << "\n";
      return 1;
    }
    if (created && llvm::errs().is_displayed())
      llvm::errs() << "tgc: made your signing key " << key.path
                   << " (bundles you compile are signed with it; see "
                      "docs/security.md)\n";
    options.sealBundle = [&key](std::vector<uint8_t> &bundle) {
      std::string error;
      if (!tgc::format::signContainer(bundle, key.secret, error))
        return "cannot sign the bundle: " + error;
      return std::string();
    };
  }

  // A status line on a terminal (TerminalProgress.h), erased before any
  // diagnostic and when the compile ends.
  std::optional<tgc::TerminalProgress> progress;
  std::optional<ScopedDiagnosticHandler> eraseBeforeDiagnostics;
  if (!verbose && tgc::TerminalProgress::wanted()) {
    progress.emplace();
    options.progress = [&](StringRef stage, size_t kernels) {
      progress->update(stage, kernels);
    };
    // Registered last, so it sees each diagnostic first; failure() passes
    // the diagnostic on to the handler that prints it.
    eraseBeforeDiagnostics.emplace(&context, [&](Diagnostic &) {
      progress->erase();
      return failure();
    });
  }
  tgc::CompileResult result;
  LogicalResult compiled = tgc::compile(*module, options, result);
  eraseBeforeDiagnostics.reset();
  progress.reset();
  if (failed(compiled))
    return 1;
  for (const std::string &skipped : result.skipped)
    llvm::errs() << "tgc: warning: skipped " << skipped << "\n";

  bool binary = options.output.isBinary();
  std::string output = outputFile;
  if (output.empty()) {
    if (emit == Emit::Bundle) {
      llvm::errs() << "tgc: error: a bundle needs an output file (-o "
                      "model.bin); use --emit=<stage> to print a stage\n";
      return 1;
    }
    output = "-";
  }
  StringRef bytes =
      binary ? StringRef(reinterpret_cast<const char *>(result.bytes.data()),
                         result.bytes.size())
             : StringRef(result.text);
  return failed(writeAtomically(output, bytes)) ? 1 : 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  if (argc >= 2 && llvm::StringRef(argv[1]) == "trust")
    return tgc::runTrustCommand(argc - 2, argv + 2);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  // Every option declared in this file, and the MLIR ones users ask for.
  auto &registered = cl::getRegisteredOptions();
  // (cl::list overloads operator&, hence std::addressof.)
  for (cl::Option *option : std::initializer_list<cl::Option *>{
           std::addressof(inputFile), std::addressof(outputFile),
           std::addressof(targets), std::addressof(optLevel),
           std::addressof(hostCpu), std::addressof(emit),
           std::addressof(dumpIntermediates), std::addressof(dims),
           std::addressof(inputShapes), std::addressof(safetensors),
           std::addressof(weightsMode), std::addressof(onnxOps),
           std::addressof(inspect), std::addressof(verbose),
           std::addressof(gpuMatrixCores), std::addressof(allowTf32),
           std::addressof(gpuFusedAttention), std::addressof(gpuRegisterRows),
           std::addressof(signKey)})
    option->addCategory(tgcCategory);
  for (StringRef name : {"mlir-timing", "mlir-timing-display"})
    if (cl::Option *option = registered.lookup(name))
      option->addCategory(tgcCategory);
  // The rest is hidden (--help-hidden lists it), not removed.
  tgc::tools::hideOptionsOutside({&tgcCategory, &tgc::cacheCategory});
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << tgc::producerString() << ", bundle format versions "
       << tgc::format::kOldestFormatVersion << " to "
       << tgc::format::kFormatVersion << "\n";
  });
  cl::ParseCommandLineOptions(
      argc, argv,
      "tgc: tensor graph compiler\n\n"
      "  tgc model.mlir|model.onnx -o model.bin   compile\n"
      "  tgc --inspect model.bin                  describe a bundle\n"
      "  tgc trust add|list|remove|key|new-key    bundle signing keys\n\n"
      "  LLVM's and MLIR's own options: --help-hidden\n");

  // Parsing, verifying and printing recurse with the model's nesting: on a
  // stack known to hold what the front end allows (support/LargeStack.h),
  // whatever `ulimit -s` says.
  int status = 1;
  tgc::runOnLargeStack([&] { status = run(); });
  return status;
}

//===- Common.cpp - Pieces every tgc back end uses ------------------------===//

#include "compiler/Passes.h"
#include "compiler/targets/TargetUtils.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/ROCDL/ROCDLToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Target/LLVMIR/LLVMTranslationInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/MachO.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"

#include <mutex>

namespace tgc {
#define GEN_PASS_DEF_TGCPREPAREVECTOR
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;
using namespace tgc;
using namespace tgc::detail;

//===----------------------------------------------------------------------===//
// MLIR steps
//===----------------------------------------------------------------------===//

namespace {

struct TgcPrepareVector : tgc::impl::TgcPrepareVectorBase<TgcPrepareVector> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    tgc::populatePrepareVectorPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void tgc::populatePrepareVectorPatterns(RewritePatternSet &patterns) {
  // The same preparation convert-vector-to-llvm does before converting, so
  // that it can be one step of our single dialect conversion.
  vector::populateVectorToVectorCanonicalizationPatterns(patterns);
  vector::populateVectorBroadcastLoweringPatterns(patterns);
  vector::populateVectorContractLoweringPatterns(
      patterns, vector::VectorContractLowering::OuterProduct);
  vector::populateVectorMaskOpLoweringPatterns(patterns);
  vector::populateVectorShapeCastLoweringPatterns(patterns);
  vector::populateVectorInterleaveLoweringPatterns(patterns);
  vector::populateVectorTransposeLoweringPatterns(
      patterns, vector::VectorTransposeLowering::EltWise);
  vector::populateVectorMultiReductionLoweringPatterns(
      patterns, vector::VectorMultiReductionLowering::InnerParallel);
  vector::populateVectorRankReducingFMAPattern(patterns);
  vector::populateVectorGatherLoweringPatterns(patterns);
  vector::populateVectorStepLoweringPatterns(patterns);
  vector::populateVectorTransferLoweringPatterns(patterns,
                                                 /*maxTransferRank=*/1);
  vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
}

void tgc::detail::populateKernelToLLVMPatterns(LLVMTypeConverter &converter,
                                               RewritePatternSet &patterns,
                                               bool nativeFma) {
  arith::populateArithToLLVMConversionPatterns(converter, patterns);
  cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
  populateFuncToLLVMConversionPatterns(converter, patterns);
  populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
  populateVectorToLLVMConversionPatterns(converter, patterns);
  index::populateIndexToLLVMConversionPatterns(converter, patterns);
  ub::populateUBToLLVMConversionPatterns(converter, patterns);
  populateNativeMathToLLVMPatterns(converter, patterns, nativeFma);
}

LogicalResult tgc::detail::verifyFullyLowered(Operation *root, StringRef what) {
  WalkResult result = root->walk([&](Operation *op) {
    if (op == root ||
        isa<LLVM::LLVMDialect, NVVM::NVVMDialect, ROCDL::ROCDLDialect>(
            op->getDialect()))
      return WalkResult::advance();
    op->emitOpError() << "was not lowered to LLVM for " << what;
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

void tgc::detail::registerTranslations(MLIRContext *context) {
  // Appending to a context's registry is not something to do concurrently
  // or needlessly; skip it when the interfaces are already there.
  bool registered = llvm::all_of(
      ArrayRef<StringRef>{"builtin", "llvm", "nvvm", "rocdl", "gpu"},
      [&](StringRef name) {
        Dialect *dialect = context->getLoadedDialect(name);
        // Translation loads no dialects: only the loaded ones matter.
        return !dialect ||
               dialect
                   ->getRegisteredInterface<LLVMTranslationDialectInterface>();
      });
  if (registered)
    return;
  DialectRegistry registry;
  registerTargetDialects(registry);
  context->appendDialectRegistry(registry);
}

void tgc::registerTargetDialects(DialectRegistry &registry) {
  registry.insert<LLVM::LLVMDialect, NVVM::NVVMDialect, ROCDL::ROCDLDialect,
                  gpu::GPUDialect, func::FuncDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  registerROCDLDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
}

//===----------------------------------------------------------------------===//
// LLVM code generation
//===----------------------------------------------------------------------===//

void tgc::detail::initializeLlvmTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    LLVMInitializeAMDGPUTargetInfo();
    LLVMInitializeAMDGPUTarget();
    LLVMInitializeAMDGPUTargetMC();
    LLVMInitializeAMDGPUAsmPrinter();
  });
}

static bool isKnownFeature(const llvm::MCSubtargetInfo &info,
                           StringRef feature) {
  return llvm::any_of(
      info.getAllProcessorFeatures(),
      [&](const llvm::SubtargetFeatureKV &kv) { return feature == kv.Key; });
}

FailureOr<std::unique_ptr<llvm::TargetMachine>>
tgc::detail::createTargetMachine(Location loc, StringRef tripleName,
                                 StringRef cpu, StringRef features,
                                 unsigned optLevel, bool pic) {
  initializeLlvmTargets();
  llvm::Triple triple(tripleName);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(loc) << "unsupported target triple '" << tripleName
                          << "': " << error;

  // LLVM only warns on stderr about unknown CPUs and features and then
  // silently generates generic code; reject them instead.
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(triple, "", ""));
  if (!info)
    return emitError(loc) << "no subtarget information for '" << tripleName
                          << "'";
  if (!cpu.empty() && !info->isCPUStringValid(cpu))
    return emitError(loc) << "'" << cpu
                          << "' is not a processor LLVM knows for '"
                          << tripleName << "'";
  SmallVector<StringRef> featureList;
  features.split(featureList, ',', -1, /*KeepEmpty=*/false);
  for (StringRef feature : featureList) {
    if ((!feature.consume_front("+") && !feature.consume_front("-")) ||
        !isKnownFeature(*info, feature))
      return emitError(loc) << "'" << feature << "' is not a '+name'/'-name' "
                            << "feature LLVM knows for '" << tripleName << "'";
  }

  if (optLevel > 3)
    return emitError(loc) << "optimization level " << optLevel
                          << " is not in 0-3";
  llvm::CodeGenOptLevel level = llvm::CodeGenOptLevel::Aggressive;
  if (optLevel == 0)
    level = llvm::CodeGenOptLevel::None;
  else if (optLevel == 1)
    level = llvm::CodeGenOptLevel::Less;
  else if (optLevel == 2)
    level = llvm::CodeGenOptLevel::Default;

  // Default TargetOptions keep IEEE semantics: no unsafe/no-NaNs/no-infs
  // math. Fast-math flags the generator put on individual ops still apply.
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, options,
      pic ? std::optional<llvm::Reloc::Model>(llvm::Reloc::PIC_) : std::nullopt,
      std::nullopt, level));
  if (!machine)
    return emitError(loc) << "LLVM could not create a target machine for '"
                          << tripleName << "' (" << cpu << ")";
  return machine;
}

FailureOr<std::unique_ptr<llvm::Module>>
tgc::detail::translateToLlvm(Operation *op, llvm::LLVMContext &llvmContext,
                             llvm::TargetMachine &machine) {
  registerTranslations(op->getContext());
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(op, llvmContext, "tgc");
  if (!module)
    return op->emitError("translation to LLVM IR failed");
  module->setTargetTriple(machine.getTargetTriple());
  module->setDataLayout(machine.createDataLayout());
  return module;
}

LogicalResult tgc::detail::optimizeModule(Location loc, llvm::Module &module,
                                          llvm::TargetMachine &machine,
                                          unsigned optLevel) {
  std::string message;
  llvm::raw_string_ostream os(message);
  if (llvm::verifyModule(module, &os))
    return emitError(loc) << "invalid LLVM IR: " << message;

  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  // The PassBuilder adds the target's own passes (NVVMReflect, AMDGPU
  // attributor, ...) through the TargetMachine.
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);

  llvm::OptimizationLevel level = llvm::OptimizationLevel::O3;
  if (optLevel == 1)
    level = llvm::OptimizationLevel::O1;
  else if (optLevel == 2)
    level = llvm::OptimizationLevel::O2;
  llvm::ModulePassManager passes =
      optLevel == 0
          ? builder.buildO0DefaultPipeline(llvm::OptimizationLevel::O0)
          : builder.buildPerModuleDefaultPipeline(level);
  passes.run(module, mam);
  return success();
}

LogicalResult tgc::detail::checkNoExternals(Location loc, llvm::Module &module,
                                            ArrayRef<StringRef> allowed,
                                            StringRef target) {
  SmallVector<std::string> missing;
  for (llvm::Function &function : llvm::make_early_inc_range(module)) {
    if (!function.isDeclaration() || function.isIntrinsic() ||
        llvm::is_contained(allowed, function.getName()))
      continue;
    // An unused declaration emits nothing on the CPU but an `.extern .func`
    // in PTX; drop it rather than report it.
    if (function.use_empty()) {
      function.eraseFromParent();
      continue;
    }
    missing.push_back(function.getName().str());
  }
  for (llvm::GlobalVariable &global : module.globals())
    // Address space 3 declarations are dynamic shared memory / LDS, which
    // the GPU backends resolve; nothing else may be external.
    if (global.isDeclaration() && global.getAddressSpace() != 3 &&
        !llvm::is_contained(allowed, global.getName()))
      missing.push_back(global.getName().str());
  if (missing.empty())
    return success();
  InFlightDiagnostic diag = emitError(loc);
  diag << "code for " << target << " would reference undefined symbol"
       << (missing.size() > 1 ? "s " : " ");
  llvm::interleaveComma(missing, diag,
                        [&](const std::string &s) { diag << "'" << s << "'"; });
  diag << " (tgc kernels must not need libdevice, ocml or libm)";
  return diag;
}

FailureOr<llvm::SmallString<0>>
tgc::detail::emitMachineCode(Location loc, llvm::Module &module,
                             llvm::TargetMachine &machine,
                             llvm::CodeGenFileType type) {
  llvm::SmallString<0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, os, nullptr, type))
    return emitError(loc) << "LLVM cannot emit "
                          << (type == llvm::CodeGenFileType::AssemblyFile
                                  ? "assembly"
                                  : "object files")
                          << " for " << machine.getTargetTriple().str();
  passes.run(module);
  return buffer;
}

//===----------------------------------------------------------------------===//
// External tools
//===----------------------------------------------------------------------===//

FailureOr<TempDir> TempDir::create(Location loc) {
  SmallString<128> path;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("tgc-targets", path))
    return emitError(loc) << "cannot create a temporary directory: "
                          << ec.message();
  // Other users must not swap the files we hand to tools.
  (void)llvm::sys::fs::setPermissions(path, llvm::sys::fs::owner_all);
  return TempDir(path.str().str());
}

TempDir::~TempDir() {
  if (!path.empty())
    (void)llvm::sys::fs::remove_directories(path);
}

std::string TempDir::file(StringRef name) const {
  SmallString<128> result(path);
  llvm::sys::path::append(result, name);
  return result.str().str();
}

LogicalResult TempDir::write(Location loc, StringRef name,
                             StringRef contents) const {
  std::error_code ec;
  llvm::raw_fd_ostream os(file(name), ec);
  if (!ec) {
    os << contents;
    os.close();
    ec = os.error();
  }
  if (ec)
    return emitError(loc) << "cannot write " << file(name) << ": "
                          << ec.message();
  return success();
}

FailureOr<Binary> TempDir::read(Location loc, StringRef name) const {
  auto buffer = llvm::MemoryBuffer::getFile(file(name), /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(loc) << "cannot read " << file(name) << ": "
                          << buffer.getError().message();
  StringRef bytes = (*buffer)->getBuffer();
  return Binary(bytes.begin(), bytes.end());
}

LogicalResult tgc::detail::runTool(Location loc, const TempDir &dir,
                                   StringRef program,
                                   ArrayRef<std::string> args, StringRef what) {
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  std::string output = dir.file("tool-output.txt");
  std::optional<StringRef> redirects[] = {StringRef(""), StringRef(output),
                                          StringRef(output)};
  std::string error;
  int status = llvm::sys::ExecuteAndWait(program, argRefs, std::nullopt,
                                         redirects, 0, 0, &error);
  if (status == 0)
    return success();

  std::string text;
  if (auto buffer = llvm::MemoryBuffer::getFile(output))
    text = StringRef((*buffer)->getBuffer()).trim().str();
  // Keep the diagnostic readable if the tool was chatty.
  if (text.size() > 4000)
    text = text.substr(0, 4000) + "\n...";
  InFlightDiagnostic diag = emitError(loc);
  diag << what << " failed (" << program;
  if (status < 0)
    diag << ": " << (error.empty() ? "could not run" : error);
  else
    diag << " exited with status " << status;
  diag << ")";
  if (!text.empty())
    diag << ":\n" << text;
  return diag;
}

std::optional<std::string>
tgc::detail::findProgram(ArrayRef<StringRef> names,
                         ArrayRef<std::string> dirs) {
  for (const std::string &dir : dirs) {
    if (dir.empty())
      continue;
    for (StringRef name : names) {
      SmallString<256> path(dir);
      llvm::sys::path::append(path, name);
      if (llvm::sys::fs::can_execute(path) &&
          !llvm::sys::fs::is_directory(path))
        return path.str().str();
    }
  }
  for (StringRef name : names)
    if (llvm::ErrorOr<std::string> path = llvm::sys::findProgramByName(name))
      return *path;
  return std::nullopt;
}

/// An explicit tool path from the environment: it wins, and if it names
/// nothing executable the tool counts as missing (so tests can simulate a
/// machine without the tool).
static std::optional<std::optional<std::string>>
toolOverride(const char *variable) {
  const char *value = std::getenv(variable);
  if (!value)
    return std::nullopt;
  if (llvm::sys::fs::can_execute(value) && !llvm::sys::fs::is_directory(value))
    return std::optional<std::string>(value);
  return std::optional<std::string>();
}

std::optional<std::string> tgc::findPtxas() {
  if (auto forced = toolOverride("TGC_PTXAS"))
    return *forced;
  SmallVector<std::string> dirs;
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *root = std::getenv(variable))
      dirs.push_back((Twine(root) + "/bin").str());
  dirs.push_back("/usr/local/cuda/bin");
  return detail::findProgram({"ptxas"}, dirs);
}

std::optional<std::string> tgc::findLld(StringRef flavor) {
  if (auto forced =
          toolOverride(flavor == "ld64.lld" ? "TGC_LD64_LLD" : "TGC_LD_LLD"))
    return *forced;
  std::string suffixed = (flavor + "-22").str();
  return detail::findProgram({flavor, suffixed}, {TGC_LLVM_TOOLS_DIR});
}

FailureOr<LinkedSymbols> tgc::detail::readLinkedSymbols(Location loc,
                                                        const Binary &bytes) {
  llvm::MemoryBufferRef buffer(StringRef(bytes.data(), bytes.size()), "linked");
  auto object = llvm::object::ObjectFile::createObjectFile(buffer);
  if (!object)
    return emitError(loc) << "the linker produced an unreadable file: "
                          << llvm::toString(object.takeError());

  LinkedSymbols result;
  auto add = [&](const llvm::object::SymbolRef &symbol,
                 bool stripUnderscore) -> LogicalResult {
    llvm::Expected<uint32_t> flags = symbol.getFlags();
    llvm::Expected<StringRef> name = symbol.getName();
    if (!flags || !name) {
      llvm::consumeError(flags.takeError());
      llvm::consumeError(name.takeError());
      return emitError(loc) << "the linker produced an unreadable symbol table";
    }
    StringRef cName = *name;
    if (cName.empty())
      return success();
    if (stripUnderscore)
      cName.consume_front("_");
    if (*flags & llvm::object::SymbolRef::SF_Undefined)
      result.undefined.push_back(cName.str());
    else if ((*flags & llvm::object::SymbolRef::SF_Global) &&
             (*flags & llvm::object::SymbolRef::SF_Exported))
      result.exported.push_back(cName.str());
    return success();
  };

  if (auto *elf = dyn_cast<llvm::object::ELFObjectFileBase>(object->get())) {
    // What the loader sees is .dynsym; .symtab may list more undefined
    // symbols (e.g. weak references) that the link already resolved.
    for (const llvm::object::ELFSymbolRef &symbol :
         elf->getDynamicSymbolIterators())
      if (failed(add(symbol, false)))
        return failure();
  } else if (isa<llvm::object::MachOObjectFile>(object->get())) {
    for (const llvm::object::SymbolRef &symbol : (*object)->symbols())
      if (failed(add(symbol, true)))
        return failure();
  } else {
    return emitError(loc) << "the linker produced neither ELF nor Mach-O";
  }
  llvm::sort(result.undefined);
  result.undefined.erase(llvm::unique(result.undefined),
                         result.undefined.end());
  llvm::sort(result.exported);
  return result;
}

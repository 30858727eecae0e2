//===- HostBackend.cpp - the host CPU target: shared libraries ------------===//
//
// The host "device" runs a kernel's workgroups on a thread pool; each call
// of an exported kernel runs workgroups [wg_begin, wg_end) (docs/host-abi.md).
// The library is self-contained: no libm, no libc beyond the memcpy/memset/
// memmove LLVM may emit, all of which every process already has loaded.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/targets/TargetBackend.h"
#include "compiler/targets/TargetUtils.h"
#include "ir/TgcDialect.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace tgc {
#define GEN_PASS_DEF_TGCCONVERTHOSTMODULE
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;
using namespace tgc;
using namespace tgc::detail;

/// The only symbols the library may import. LLVM turns large copies and
/// zero-fills into these calls even without any in the IR; every process
/// that can dlopen the library already has them.
static constexpr StringRef kAllowedImports[] = {"memcpy", "memset", "memmove"};

namespace {

struct TgcConvertHostModule
    : tgc::impl::TgcConvertHostModuleBase<TgcConvertHostModule> {
  using TgcConvertHostModuleBase::TgcConvertHostModuleBase;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    LowerToLLVMOptions options(context);
    options.overrideIndexBitwidth(64);
    // Bodies take one pointer per binding, which is what the entry point
    // loads from the binding array.
    options.useBarePtrCallConv = true;
    LLVMTypeConverter converter(context, options);
    RewritePatternSet patterns(context);
    populateKernelToLLVMPatterns(converter, patterns, nativeFma);
    LLVMConversionTarget target(*context);
    target.addLegalOp<ModuleOp>();
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

/// Checks the body function of a kernel against the ABI, before lowering
/// loses the types.
LogicalResult verifyBody(ModuleOp module, SymbolTable &symbols,
                         const HostKernel &kernel) {
  auto body = symbols.lookup<func::FuncOp>(kernel.body);
  if (!body)
    return emitError(module.getLoc())
           << "kernel '" << kernel.symbol << "': no func.func @" << kernel.body;
  if (body.isExternal())
    return body.emitError() << "kernel body has no definition";
  if (symbols.lookup(kernel.symbol))
    return body.emitError() << "kernel symbol '" << kernel.symbol
                            << "' is already defined in the host module";
  FunctionType type = body.getFunctionType();
  if (type.getNumResults() != 0 ||
      type.getNumInputs() != kernel.numBindings + 2)
    return body.emitError() << "kernel body must be (" << kernel.numBindings
                            << " memrefs, index, index) -> (), not " << type;
  for (auto [i, input] : llvm::enumerate(type.getInputs())) {
    if (i >= kernel.numBindings) {
      if (!input.isIndex())
        return body.emitError()
               << "kernel body argument " << i
               << " (workgroup range) must be index, not " << input;
      continue;
    }
    auto memref = dyn_cast<MemRefType>(input);
    if (!memref || !memref.hasStaticShape() ||
        !memref.getLayout().isIdentity() || memref.getMemorySpace())
      return body.emitError()
             << "binding " << i << " must be a statically shaped memref "
             << "with identity layout in the default memory space, not "
             << input;
  }
  return success();
}

/// Size and alignment in bytes of each binding of a kernel body, read from
/// its memref types before lowering turns them into bare pointers.
struct BindingExtent {
  uint64_t bytes, align;
};

SmallVector<BindingExtent> bindingExtents(func::FuncOp body,
                                          unsigned numBindings) {
  SmallVector<BindingExtent> extents;
  for (Type input :
       body.getFunctionType().getInputs().take_front(numBindings)) {
    auto memref = cast<MemRefType>(input);
    uint64_t elementBytes =
        llvm::divideCeil(memref.getElementTypeBitWidth(), 8);
    extents.push_back({memref.getNumElements() * elementBytes, elementBytes});
  }
  return extents;
}

/// The exported entry point: unpack the binding array, call the body.
void buildEntryPoint(ModuleOp module, const HostKernel &kernel,
                     LLVM::LLVMFuncOp body, ArrayRef<BindingExtent> extents) {
  MLIRContext *context = module.getContext();
  Location loc = body.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(context);
  auto i64 = IntegerType::get(context, 64);
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto entry = LLVM::LLVMFuncOp::create(
      builder, loc, kernel.symbol,
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                  {ptr, i64, i64}));
  Block *block = entry.addEntryBlock(builder);
  builder.setInsertionPointToStart(block);
  SmallVector<Value> args;
  for (unsigned i = 0; i < kernel.numBindings; ++i) {
    Value slot =
        LLVM::GEPOp::create(builder, loc, ptr, ptr, block->getArgument(0),
                            ArrayRef<LLVM::GEPArg>{int32_t(i)});
    args.push_back(LLVM::LoadOp::create(builder, loc, ptr, slot,
                                        /*alignment=*/8));
  }
  args.push_back(block->getArgument(1));
  args.push_back(block->getArgument(2));
  LLVM::CallOp::create(builder, loc, body, args);
  LLVM::ReturnOp::create(builder, loc, ValueRange());
  // The body stays a function of its own (one call per range of
  // workgroups) so that its pointer parameters keep what LLVM knows about
  // them, which inlining would drop:
  //  - noalias: a kernel's output never shares memory with its inputs (the
  //    bundle writer picks the output buffer before releasing the inputs');
  //  - dereferenceable and align: every binding is a whole tensor.
  // Together they let LICM hoist loads of broadcast inputs, and the math on
  // them, out of the loops, even out of branches (concatenations). Besides
  // being faster, that is what keeps LLVM 22's loop vectorizer finishing:
  // its uniformity query (vputils::isUniformAcrossVFsAndUFs) recurses
  // through loop-invariant operands without memoization, which is
  // exponential on a long chain recomputed in the loop (pow then tanh of a
  // broadcast scalar; sin, exp and sqrt of one in each branch of a concat).
  body.setNoInline(true);
  for (auto [i, extent] : llvm::enumerate(extents)) {
    body.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(),
                    UnitAttr::get(context));
    body.setArgAttr(i, LLVM::LLVMDialect::getDereferenceableAttrName(),
                    builder.getI64IntegerAttr(extent.bytes));
    body.setArgAttr(i, LLVM::LLVMDialect::getAlignAttrName(),
                    builder.getI64IntegerAttr(extent.align));
  }
}

/// Loads, stores, selects and block arguments (phis) of bf16 become i16.
/// CPUs without bf16 arithmetic keep bf16 values promoted to f32, so a bf16
/// that LLVM carries across blocks (a value loaded once and stored in a
/// loop, as broadcasts do; a branch result, as concatenations have) or
/// selects is rounded back with compiler-rt's __truncsfbf2, which host code
/// may not call. As i16 the bits only move; the bitcasts fold away.
void moveBf16AsI16(ModuleOp module) {
  auto asI16 = [](Type type) -> Type {
    auto i16 = IntegerType::get(type.getContext(), 16);
    if (type.isBF16())
      return i16;
    if (auto vector = dyn_cast<VectorType>(type))
      if (vector.getElementType().isBF16())
        return vector.clone(i16);
    return nullptr;
  };
  module.walk([&](LLVM::LoadOp load) {
    Type bits = asI16(load.getType());
    if (!bits)
      return;
    OpBuilder b(load);
    auto raw = LLVM::LoadOp::create(b, load.getLoc(), bits, load.getAddr(),
                                    load.getAlignment().value_or(0),
                                    load.getVolatile_(), load.getNontemporal());
    load.replaceAllUsesWith(
        LLVM::BitcastOp::create(b, load.getLoc(), load.getType(), raw)
            .getResult());
    load.erase();
  });
  module.walk([&](LLVM::StoreOp store) {
    Type bits = asI16(store.getValue().getType());
    if (!bits)
      return;
    OpBuilder b(store);
    Value raw =
        LLVM::BitcastOp::create(b, store.getLoc(), bits, store.getValue());
    store.getValueMutable().assign(raw);
  });
  module.walk([&](LLVM::SelectOp select) {
    Type bits = asI16(select.getType());
    if (!bits)
      return;
    OpBuilder b(select);
    Location loc = select.getLoc();
    Value raw = LLVM::SelectOp::create(
        b, loc, select.getCondition(),
        LLVM::BitcastOp::create(b, loc, bits, select.getTrueValue()),
        LLVM::BitcastOp::create(b, loc, bits, select.getFalseValue()));
    select.replaceAllUsesWith(
        LLVM::BitcastOp::create(b, loc, select.getType(), raw).getResult());
    select.erase();
  });
  module.walk([&](BranchOpInterface branch) {
    OpBuilder b(branch);
    for (unsigned s = 0; s < branch->getNumSuccessors(); ++s) {
      MutableOperandRange forwarded =
          branch.getSuccessorOperands(s).getMutableForwardedOperands();
      for (unsigned i = 0; i < forwarded.size(); ++i)
        if (Type bits = asI16(forwarded[i].get().getType()))
          forwarded[i].set(LLVM::BitcastOp::create(b, branch.getLoc(), bits,
                                                   forwarded[i].get()));
    }
  });
  module.walk([&](Block *block) {
    if (block->isEntryBlock())
      return;
    for (BlockArgument arg : block->getArguments()) {
      Type bits = asI16(arg.getType());
      if (!bits)
        continue;
      Type original = arg.getType();
      arg.setType(bits);
      OpBuilder b = OpBuilder::atBlockBegin(block);
      auto value = LLVM::BitcastOp::create(b, arg.getLoc(), original, arg);
      arg.replaceAllUsesExcept(value, value);
    }
  });
}

/// Whether math.fma can be llvm.fma without a libm call.
bool hasNativeFma(llvm::TargetMachine &machine) {
  if (!machine.getTargetTriple().isX86())
    return true; // AArch64 always has fused multiply-add.
  return machine.getMCSubtargetInfo()->checkFeatures("+fma");
}

} // namespace

/// Host code needs a host target.
static LogicalResult checkHost(Location loc, const Target &target) {
  if (target.isHost())
    return success();
  return emitError(loc) << "'" << target.name() << "' is not a host target";
}

FailureOr<HostVectorShape> tgc::hostVectorShape(const Target &target,
                                                Location loc) {
  if (failed(checkHost(loc, target)))
    return failure();
  auto machine = createTargetMachine(loc, target.triple(), target.cpu(),
                                     target.features(), 0, /*pic=*/true);
  if (failed(machine))
    return failure();
  const llvm::MCSubtargetInfo &subtarget = *(*machine)->getMCSubtargetInfo();
  if (!(*machine)->getTargetTriple().isX86())
    return HostVectorShape{128, 32}; // AArch64: NEON
  if (subtarget.checkFeatures("+avx512f"))
    return HostVectorShape{512, 32};
  if (subtarget.checkFeatures("+avx2"))
    return HostVectorShape{256, 16};
  return HostVectorShape{128, 16};
}

LogicalResult tgc::lowerHostModule(ModuleOp module,
                                   ArrayRef<HostKernel> kernels,
                                   const Target &target) {
  Location loc = module.getLoc();
  if (failed(checkHost(loc, target)))
    return failure();
  auto machine = createTargetMachine(loc, target.triple(), target.cpu(),
                                     target.features(), 0, /*pic=*/true);
  if (failed(machine))
    return failure();

  // Symbol tables rather than module.lookupSymbol, a scan of the module per
  // call, which made lowering K kernels O(K^2).
  llvm::StringSet<> listed;
  SymbolTable symbols(module);
  SmallVector<SmallVector<BindingExtent>> extents;
  for (const HostKernel &kernel : kernels) {
    if (!listed.insert(kernel.symbol).second)
      return emitError(loc)
             << "kernel symbol '" << kernel.symbol << "' is listed twice";
    if (failed(verifyBody(module, symbols, kernel)))
      return failure();
    extents.push_back(bindingExtents(symbols.lookup<func::FuncOp>(kernel.body),
                                     kernel.numBindings));
  }
  // frem becomes a call to fmodf on CPUs, and there is no approximation.
  WalkResult remf = module.walk([](arith::RemFOp op) {
    op.emitOpError() << "needs fmod from libm, which host code may not use";
    return WalkResult::interrupt();
  });
  if (remf.wasInterrupted())
    return failure();

  MLIRContext *context = module.getContext();
  PassManager pm(context, ModuleOp::getOperationName());
  bool nativeFma = hasNativeFma(**machine);
  pm.addPass(createTgcLowerMath(TgcLowerMathOptions{nativeFma}));
  // bf16 has no arithmetic on baseline CPUs and its conversions would be
  // compiler-rt calls: compute in f32 and convert with integer ops.
  pm.addPass(math::createMathExtendToSupportedTypes());
  pm.addPass(arith::createArithEmulateUnsupportedFloats(
      arith::ArithEmulateUnsupportedFloatsOptions{{"bf16"}, "f32"}));
  pm.addPass(createTgcExpandHostArith());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createTgcPrepareVector());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(
      createTgcConvertHostModule(TgcConvertHostModuleOptions{nativeFma}));
  pm.addPass(createReconcileUnrealizedCastsPass());
  if (failed(pm.run(module)))
    return emitError(loc) << "lowering the host module for " << target.triple()
                          << " failed";

  moveBf16AsI16(module);
  // Only the entry points are visible outside the library.
  for (auto func : module.getOps<LLVM::LLVMFuncOp>())
    if (!func.isExternal())
      func.setLinkage(LLVM::Linkage::Internal);
  for (auto global : module.getOps<LLVM::GlobalOp>())
    if (global.getValueOrNull() || !global.getInitializerRegion().empty())
      global.setLinkage(LLVM::Linkage::Internal);

  SymbolTable lowered(module);
  for (auto [kernel, kernelExtents] : llvm::zip(kernels, extents)) {
    auto body = lowered.lookup<LLVM::LLVMFuncOp>(kernel.body);
    if (!body)
      return emitError(loc) << "kernel body @" << kernel.body
                            << " disappeared during lowering";
    buildEntryPoint(module, kernel, body, kernelExtents);
  }
  return verifyFullyLowered(module, target.triple());
}

/// Translates, optimizes and emits a lowered host module as an object file
/// or assembly; fails if it would import anything but memcpy & co.
static FailureOr<SmallString<0>> compileHost(ModuleOp module,
                                             const Target &target,
                                             unsigned optLevel,
                                             llvm::CodeGenFileType type) {
  Location loc = module.getLoc();
  auto machine = createTargetMachine(loc, target.triple(), target.cpu(),
                                     target.features(), optLevel, /*pic=*/true);
  if (failed(machine))
    return failure();
  llvm::LLVMContext llvmContext;
  auto llvmModule = translateToLlvm(module, llvmContext, **machine);
  if (failed(llvmModule))
    return failure();
  // LLVM's x86-64-v4 tuning prefers 256-bit vectors (Skylake-X clocked down
  // on 512-bit code); the kernels are shaped for the whole register, and
  // with this the loops LLVM vectorizes itself (epilogues, row reductions,
  // elementwise chains) use all of it too.
  FailureOr<HostVectorShape> shape = hostVectorShape(target, loc);
  if (succeeded(shape) && shape->bits == 512)
    for (llvm::Function &function : **llvmModule)
      if (!function.isDeclaration())
        function.addFnAttr("prefer-vector-width", "512");
  if (failed(optimizeModule(loc, **llvmModule, **machine, optLevel)) ||
      failed(checkNoExternals(loc, **llvmModule, kAllowedImports,
                              target.triple())))
    return failure();
  return emitMachineCode(loc, **llvmModule, **machine, type);
}

FailureOr<std::string> tgc::emitHostAssembly(ModuleOp module,
                                             const Target &target,
                                             unsigned optLevel) {
  if (failed(checkHost(module.getLoc(), target)) ||
      failed(verifyFullyLowered(module, target.triple())))
    return failure();
  auto assembly = compileHost(module, target, optLevel,
                              llvm::CodeGenFileType::AssemblyFile);
  if (failed(assembly))
    return failure();
  return std::string(assembly->str());
}

FailureOr<Binary> tgc::emitHostSharedLibrary(ModuleOp module,
                                             const Target &target,
                                             unsigned optLevel,
                                             StringRef soname) {
  Location loc = module.getLoc();
  if (failed(checkHost(loc, target)))
    return failure();
  bool darwin = target.isDarwin();
  StringRef linker = darwin ? "ld64.lld" : "ld.lld";
  std::optional<std::string> lld = findLld(linker);
  if (!lld)
    return emitError(loc) << linker
                          << " is needed to link host code but was not found "
                             "(looked at $TGC_"
                          << (darwin ? "LD64_LLD" : "LD_LLD")
                          << ", " TGC_LLVM_TOOLS_DIR
                             ", and PATH; Debian: lld-22)";
  if (failed(verifyFullyLowered(module, target.triple())))
    return failure();

  // Exports: what lowerHostModule left external.
  SmallVector<std::string> exports;
  for (auto func : module.getOps<LLVM::LLVMFuncOp>())
    if (!func.isExternal() && func.getLinkage() != LLVM::Linkage::Internal &&
        func.getLinkage() != LLVM::Linkage::Private)
      exports.push_back(func.getName().str());
  llvm::sort(exports);

  auto object =
      compileHost(module, target, optLevel, llvm::CodeGenFileType::ObjectFile);
  if (failed(object))
    return failure();

  FailureOr<TempDir> dir = TempDir::create(loc);
  if (failed(dir) || failed(dir->write(loc, "kernels.o", *object)))
    return failure();
  std::string name = soname.empty()
                         ? (darwin ? "tgc-host.dylib" : "tgc-host.so")
                         : soname.str();
  std::vector<std::string> args = {*lld};
  if (darwin) {
    // Undefined symbols (memcpy & co.) bind at load time from whatever
    // the process has: we cannot link against an SDK's libSystem here.
    args.insert(args.end(), {"-dylib", "-arch", "arm64", "-platform_version",
                             "macos", "13.0", "13.0", "-install_name",
                             "@rpath/" + name, "-undefined", "dynamic_lookup"});
  } else {
    args.insert(args.end(), {"-shared", "-soname", name, "-z", "noexecstack",
                             "-z", "relro", "-z", "now", "--hash-style=both"});
  }
  args.insert(args.end(),
              {"-o", dir->file("kernels.so"), dir->file("kernels.o")});
  if (failed(runTool(loc, *dir, *lld, args,
                     ("linking the host library with " + linker).str())))
    return failure();
  FailureOr<Binary> library = dir->read(loc, "kernels.so");
  if (failed(library))
    return failure();

  FailureOr<LinkedSymbols> symbols = readLinkedSymbols(loc, *library);
  if (failed(symbols))
    return failure();
  SmallVector<std::string> unexpected;
  for (const std::string &symbol : symbols->undefined)
    if (!llvm::is_contained(kAllowedImports, symbol))
      unexpected.push_back(symbol);
  if (!unexpected.empty()) {
    InFlightDiagnostic diag = emitError(loc);
    diag << "host library for " << target.triple()
         << " would import symbols only libm/compiler-rt provide: ";
    llvm::interleaveComma(unexpected, diag);
    if (llvm::Triple(target.triple()).isX86())
      diag << " (on x86, rounding instructions need SSE4.1 (x86-64-v2) and "
              "f16 conversions need F16C (x86-64-v3, the default CPU))";
    return diag;
  }
  if (ArrayRef(symbols->exported) != ArrayRef(exports)) {
    InFlightDiagnostic diag = emitError(loc);
    diag << "host library exports [";
    llvm::interleaveComma(symbols->exported, diag);
    diag << "], expected exactly the kernels [";
    llvm::interleaveComma(exports, diag);
    return diag << "]";
  }
  return std::move(*library);
}

//===----------------------------------------------------------------------===//
// The back end
//===----------------------------------------------------------------------===//

namespace {

/// Whether `module` holds host kernels generated for `shape`.
bool hasHostKernelsFor(ModuleOp module, const HostVectorShape &shape) {
  auto hostModule = dyn_cast_or_null<ModuleOp>(
      SymbolTable::lookupSymbolIn(module, TgcDialect::kHostKernelModuleName));
  if (!hostModule)
    return false;
  DenseI64ArrayAttr recorded = module.getContext()
                                   ->getLoadedDialect<TgcDialect>()
                                   ->getHostVectorShapeAttrHelper()
                                   .getAttr(hostModule);
  return recorded && recorded.size() == 2 && recorded[0] == shape.bits &&
         recorded[1] == shape.registers;
}

/// A copy of `module` whose host kernels are generated for `shape`.
FailureOr<OwningOpRef<ModuleOp>>
generateHostKernels(ModuleOp module, const HostVectorShape &shape) {
  OwningOpRef<ModuleOp> copy = module.clone();
  if (Operation *old =
          SymbolTable::lookupSymbolIn(*copy, TgcDialect::kHostKernelModuleName))
    old->erase();
  PassManager pm(module.getContext());
  pm.addPass(createTgcGenerateHostKernels(
      TgcGenerateHostKernelsOptions{shape.bits, shape.registers}));
  if (failed(pm.run(*copy)))
    return failure();
  return copy;
}

class HostBackend : public TargetBackend {
public:
  using TargetBackend::TargetBackend;

  KernelSet kernelSet() const override { return KernelSet::Host; }

  FailureOr<LoweredKernels> lower(ModuleOp module) const override {
    FailureOr<HostVectorShape> shape =
        hostVectorShape(target(), module.getLoc());
    if (failed(shape))
      return failure();
    // Host kernels are shaped for the target's vectors: use the ones the
    // pipeline generated when they were made for this shape, else make
    // this target's own from the kernel functions.
    OwningOpRef<ModuleOp> regenerated;
    if (!hasHostKernelsFor(module, *shape)) {
      FailureOr<OwningOpRef<ModuleOp>> own =
          generateHostKernels(module, *shape);
      if (failed(own))
        return failure();
      regenerated = std::move(*own);
      module = *regenerated;
    }

    // One exported entry point per kernel function, wrapping the body that
    // kernel generation made for it (docs/host-abi.md).
    auto *tgc = module.getContext()->getLoadedDialect<TgcDialect>();
    std::vector<HostKernel> kernels;
    std::vector<KernelLaunch> launches;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!isKernelFunction(func))
        continue;
      IntegerAttr workgroups = tgc->getHostWorkgroupsAttrHelper().getAttr(func);
      if (!workgroups)
        return emitError(func.getLoc()) << "kernel '" << func.getSymName()
                                        << "' has no host workgroup count";
      IntegerAttr workspace = tgc->getHostWorkspaceAttrHelper().getAttr(func);
      kernels.push_back({func.getSymName().str(),
                         (func.getSymName() + "_body").str(),
                         func.getNumArguments() + (workspace ? 2 : 1)});
      launches.push_back({{workgroups.getInt(), 1, 1},
                          {1, 1, 1},
                          workspace ? uint64_t(workspace.getInt()) : 0});
    }
    auto lowered = cloneKernelModule(module, TgcDialect::kHostKernelModuleName);
    if (failed(lowered) ||
        failed(lowerHostModule(**lowered, kernels, target())))
      return failure();
    return LoweredKernels{std::move(*lowered), std::move(launches)};
  }

  bool hasAssembly() const override { return true; }
  FailureOr<std::string> emitAssembly(ModuleOp lowered,
                                      unsigned optLevel) const override {
    return emitHostAssembly(lowered, target(), optLevel);
  }

  LogicalResult emit(ModuleOp lowered, ArrayRef<CodeFormat> formats,
                     unsigned optLevel, std::vector<CodeObject> &objects,
                     std::vector<SkippedCode> &) const override {
    for (CodeFormat format : formats) {
      FailureOr<Binary> library =
          emitHostSharedLibrary(lowered, target(), optLevel);
      if (failed(library))
        return failure();
      objects.push_back(codeObject(format, *library));
    }
    return success();
  }
};

} // namespace

std::unique_ptr<TargetBackend>
tgc::detail::createHostBackend(const Target &target) {
  return std::make_unique<HostBackend>(target);
}

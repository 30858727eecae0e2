//===- LowerGpuModule.cpp - gpu.module to NVVM / ROCDL --------------------===//
//
// One pipeline for both GPU vendors. Upstream's convert-gpu-to-nvvm and
// convert-gpu-to-rocdl are not used as passes because they lower math to
// libdevice/ocml calls; instead the same conversion is assembled here from
// the populate functions, with math already rewritten by tgc-lower-math.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/targets/TargetUtils.h"

#include "mlir/Conversion/AMDGPUToROCDL/AMDGPUToROCDL.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/GPUToROCDL/GPUToROCDLPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/AMDGPU/Utils/Chipset.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

namespace tgc {
#define GEN_PASS_DEF_TGCAMDDISPATCHPACKET
#include "compiler/Passes.h.inc"
#define GEN_PASS_DEF_TGCCONVERTGPUMODULE
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;
using namespace tgc;

namespace {

/// Offsets in the HSA AQL kernel dispatch packet
/// (hsa_kernel_dispatch_packet_t).
constexpr int64_t kPacketWorkgroupSize = 4; // uint16_t workgroup_size_{x,y,z}
constexpr int64_t kPacketGridSize = 12;     // uint32_t grid_size_{x,y,z}

/// Reads a field of the dispatch packet as an index.
Value loadPacketField(OpBuilder &b, Location loc, int64_t offset,
                      unsigned bits) {
  MLIRContext *context = b.getContext();
  auto constant = LLVM::LLVMPointerType::get(context, /*addressSpace=*/4);
  Value packet = LLVM::CallIntrinsicOp::create(
                     b, loc, constant,
                     b.getStringAttr("llvm.amdgcn.dispatch.ptr"), ValueRange())
                     .getResult(0);
  Value field = LLVM::GEPOp::create(b, loc, constant, b.getI8Type(), packet,
                                    ArrayRef<LLVM::GEPArg>{int32_t(offset)});
  Value value =
      LLVM::LoadOp::create(b, loc, b.getIntegerType(bits), field,
                           /*alignment=*/bits / 8,
                           /*isVolatile=*/false, /*isNonTemporal=*/false,
                           /*isInvariant=*/true);
  if (bits < 32)
    value = arith::ExtUIOp::create(b, loc, b.getI32Type(), value);
  return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), value);
}

/// The block size a kernel is known to be launched with: gpu.func's own
/// `known_block_size`, or the discardable `gpu.known_block_size` (which is
/// also what survives on the llvm.func after conversion).
DenseI32ArrayAttr knownBlockSize(Operation *func) {
  for (StringRef name :
       {StringRef("known_block_size"),
        StringRef(gpu::GPUDialect::KnownBlockSizeAttrHelper::getNameStr())})
    if (auto known = func->getAttrOfType<DenseI32ArrayAttr>(name))
      if (known.size() == 3)
        return known;
  return {};
}

/// Block size along `dim`: a constant under a known block size, else read
/// from the dispatch packet.
Value amdBlockDim(OpBuilder &b, Operation *op, gpu::Dimension dim) {
  unsigned index = static_cast<unsigned>(dim);
  if (auto func = op->getParentOfType<gpu::GPUFuncOp>())
    if (DenseI32ArrayAttr known = knownBlockSize(func))
      return arith::ConstantIndexOp::create(b, op->getLoc(), known[index]);
  return loadPacketField(b, op->getLoc(), kPacketWorkgroupSize + 2 * index, 16);
}

/// Upstream lowers gpu.block_dim/grid_dim for AMD to calls into ockl (ROCm's
/// device library), which tgc does not link. The same numbers are in the
/// AQL dispatch packet that every HSA/HIP launch provides, in every code
/// object version; reading it needs no hidden kernel arguments.
struct AmdBlockDimFromPacket : OpRewritePattern<gpu::BlockDimOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(gpu::BlockDimOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, amdBlockDim(rewriter, op, op.getDimension()));
    return success();
  }
};

struct AmdGridDimFromPacket : OpRewritePattern<gpu::GridDimOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(gpu::GridDimOp op,
                                PatternRewriter &rewriter) const override {
    // The packet holds the grid in work-items; blocks = ceil(grid / block).
    unsigned index = static_cast<unsigned>(op.getDimension());
    Value items =
        loadPacketField(rewriter, op.getLoc(), kPacketGridSize + 4 * index, 32);
    Value block = amdBlockDim(rewriter, op, op.getDimension());
    rewriter.replaceOpWithNewOp<arith::CeilDivUIOp>(op, items, block);
    return success();
  }
};

struct TgcAmdDispatchPacket
    : tgc::impl::TgcAmdDispatchPacketBase<TgcAmdDispatchPacket> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateAmdDispatchPacketPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

struct TgcConvertGpuModule
    : tgc::impl::TgcConvertGpuModuleBase<TgcConvertGpuModule> {
  using TgcConvertGpuModuleBase::TgcConvertGpuModuleBase;

  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    FailureOr<Target> target = Target::parse(chip, module.getLoc());
    if (failed(target) || target->isHost()) {
      if (succeeded(target))
        module.emitError() << "'" << chip << "' is not a GPU chip";
      return signalPassFailure();
    }
    bool nvidia = target->isNvidia();
    amdgpu::Chipset chipset;
    if (!nvidia)
      chipset = *amdgpu::Chipset::parse(chip);
    if (indexBitwidth != 32 && indexBitwidth != 64) {
      module.emitError() << "index bitwidth must be 32 or 64, not "
                         << indexBitwidth;
      return signalPassFailure();
    }

    // All-reduce and friends become shuffles first: they are gpu ops that
    // lower to other gpu ops, which one conversion cannot do.
    {
      RewritePatternSet patterns(context);
      populateGpuRewritePatterns(patterns);
      if (failed(applyPatternsGreedily(module, std::move(patterns))))
        return signalPassFailure();
    }

    LowerToLLVMOptions options(context, DataLayout(cast<DataLayoutOpInterface>(
                                            module.getOperation())));
    options.overrideIndexBitwidth(indexBitwidth);
    // One pointer per memref binding: the runtime passes device addresses.
    options.useBarePtrCallConv = true;
    LLVMTypeConverter converter(context, options);
    populateGpuMemorySpaceAttributeConversions(
        converter, [nvidia](gpu::AddressSpace space) -> unsigned {
          switch (space) {
          case gpu::AddressSpace::Global:
            return 1;
          case gpu::AddressSpace::Workgroup:
            return 3;
          case gpu::AddressSpace::Private:
            // NVPTX wants allocas in the generic space; AMDGPU's are
            // private (5).
            return nvidia ? 0 : 5;
          }
          return 0;
        });

    RewritePatternSet patterns(context);
    tgc::detail::populateKernelToLLVMPatterns(converter, patterns,
                                              /*nativeFma=*/true);
    LLVMConversionTarget legal(*context);
    legal.addIllegalDialect<gpu::GPUDialect>();
    legal.addLegalOp<gpu::GPUModuleOp>();
    if (nvidia) {
      populateGpuToNVVMConversionPatterns(converter, patterns);
      // ldmatrix of the tensor-core matmul kernels.
      populateNVGPUToNVVMConversionPatterns(converter, patterns);
      legal.addLegalDialect<NVVM::NVVMDialect>();
    } else {
      populateGpuToROCDLConversionPatterns(converter, patterns,
                                           gpu::amd::Runtime::HIP, chipset);
      // wmma of the tensor-core matmul kernels.
      populateAMDGPUToROCDLConversionPatterns(converter, patterns, chipset);
      legal.addLegalDialect<ROCDL::ROCDLDialect>();
    }
    if (failed(applyPartialConversion(module, legal, std::move(patterns))))
      return signalPassFailure();
    // NVVM ops without an LLVM intrinsic (wgmma.mma_async,
    // mbarrier.try_wait.parity of the sm_90 matmul kernels) become inline
    // PTX.
    if (nvidia) {
      RewritePatternSet ptx(context);
      populateNVVMToLLVMConversionPatterns(ptx);
      if (failed(applyPatternsGreedily(module, std::move(ptx))))
        signalPassFailure();
    }
  }
};

/// Turns `gpu.known_block_size` into the launch bounds the backends read, if
/// the conversion did not already: a bound lets ptxas/LLVM budget registers
/// for the real block size instead of 1024 threads.
void addLaunchBounds(gpu::GPUModuleOp module, TargetKind vendor) {
  MLIRContext *context = module.getContext();
  for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
    DenseI32ArrayAttr known = knownBlockSize(func);
    if (!known)
      continue;
    int64_t threads = 1;
    for (int32_t size : known.asArrayRef())
      threads *= size;
    if (vendor == TargetKind::Cuda) {
      if (!func->hasAttr(NVVM::NVVMDialect::getMaxntidAttrName()) &&
          !func->hasAttr(NVVM::NVVMDialect::getReqntidAttrName()))
        func->setAttr(NVVM::NVVMDialect::getMaxntidAttrName(), known);
      continue;
    }
    if (!func->hasAttr(ROCDL::ROCDLDialect::getFlatWorkGroupSizeAttrName()))
      func->setAttr(ROCDL::ROCDLDialect::getFlatWorkGroupSizeAttrName(),
                    StringAttr::get(context, "1," + Twine(threads)));
  }
}

/// gpu.dynamic_shared_memory lowers to an internal zero-sized array in the
/// workgroup address space, which NVPTX then "demotes" to a zero-sized
/// static .shared variable: every access is out of bounds. Dynamic shared
/// memory is an external declaration (CUDA's `extern __shared__`, AMDGPU's
/// dynamic LDS), so make it one.
void externalizeDynamicSharedMemory(gpu::GPUModuleOp module) {
  for (auto global : module.getOps<LLVM::GlobalOp>()) {
    auto array = dyn_cast<LLVM::LLVMArrayType>(global.getType());
    if (global.getAddrSpace() == 3 && array && array.getNumElements() == 0 &&
        !global.getValueOrNull() && global.getInitializerRegion().empty())
      global.setLinkage(LLVM::Linkage::External);
  }
}

} // namespace

void tgc::populateAmdDispatchPacketPatterns(RewritePatternSet &patterns) {
  patterns.add<AmdBlockDimFromPacket, AmdGridDimFromPacket>(
      patterns.getContext());
}

LogicalResult tgc::lowerGpuModule(gpu::GPUModuleOp module, const Target &target,
                                  unsigned indexBitwidth) {
  Location loc = module.getLoc();
  if (target.isHost())
    return emitError(loc) << "'" << target.name() << "' is not a GPU target";

  MLIRContext *context = module.getContext();
  PassManager pm(context, gpu::GPUModuleOp::getOperationName());
  pm.addPass(createTgcLowerMath(TgcLowerMathOptions{/*hasFma=*/true}));
  if (target.isAmd())
    pm.addPass(createTgcAmdDispatchPacket());
  // ceildivsi, floordivsi, maximumf etc. have no direct LLVM lowering.
  pm.addPass(arith::createArithExpandOpsPass());
  // subview/reinterpret_cast -> offsets the LLVM lowering understands;
  // that produces affine.apply, hence lower-affine after it.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createTgcPrepareVector());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createTgcConvertGpuModule(
      TgcConvertGpuModuleOptions{target.cpu(), indexBitwidth}));
  pm.addPass(createReconcileUnrealizedCastsPass());
  if (failed(pm.run(module)))
    return emitError(loc) << "lowering gpu.module @" << module.getName()
                          << " for " << target.name() << " failed";
  addLaunchBounds(module, target.kind());
  externalizeDynamicSharedMemory(module);
  return tgc::detail::verifyFullyLowered(module, target.name());
}

//===- WgmmaMatmulStrategy.cpp - Hopper warpgroup MMA matmul kernels ------===//
//
// f16 x f16 and bf16 x bf16 contractions with f32 accumulation on sm_90
// (Hopper) warpgroup MMA:
// `wgmma.mma_async.sync.aligned.m64n128k16.f32.{f16,bf16}.{f16,bf16}` with
// both operands read from shared memory through matrix descriptors. Only
// sm_90 itself: wgmma is an sm_90a feature that sm_100 and sm_120 do not
// have, so they keep the mma.sync kernels (MatrixCoreMatmulStrategy.cpp),
// and the PTX of these kernels is sm_90a PTX, which no other GPU can JIT
// (NvptxBackend.cpp records it as such).
//
// A workgroup of two warpgroups (256 threads) computes a 128x128 tile of C,
// each warpgroup the 64x128 half of its rows, in K slices of kTileK:
//  - kStages slices are in flight in shared memory. Every thread copies its
//    16-byte chunks of a slice from global memory with
//    `cp.async.cg.shared.global` (16 bytes, zero-filled past the matrix: the
//    source size is 0 there), then `cp.async.mbarrier.arrive.noinc` on the
//    stage's mbarrier, which was initialized to the thread count: the phase
//    completes once every thread's copies have landed.
//  - Per slice, every thread waits for the stage's mbarrier phase, fences
//    the generic proxy (cp.async wrote) against the async proxy (wgmma
//    reads), and its warpgroup issues one wgmma per k16 step, commits them
//    and waits until at most the group just issued is in flight: the one
//    of the previous slice has then read its stage. A workgroup barrier
//    makes that true of both warpgroups before the stage is refilled with
//    the slice kStages - 1 ahead.
//  - The epilogue is the mma.sync strategy's: the kernel's root evaluated
//    at each accumulator's (m, n) in registers (bias, activation, residual,
//    casts), stores guarded.
//
// Not TMA proper: cp.async.bulk.tensor needs a CUtensorMap that the host
// builds and passes to the kernel, which the runtime's launch ABI (one
// device pointer per binding) has no place for. Nor cp.async.bulk (the
// bulk copy without a tensor map): it copies contiguous bytes without
// zero fill, while the layout below puts every 16 bytes of a row in
// another place, so it would be one 16-byte bulk copy per chunk plus
// separate zeroing of the chunks outside the matrix.
//
// Shared memory layout (PTX ISA, "Asynchronous Warpgroup Level Matrix
// Shared Memory Layout", no swizzle): wgmma reads its operands as "core
// matrices" of 8 rows of 16 bytes (8 halves), stored as 128 contiguous
// bytes. A matrix descriptor (PTX ISA, "Matrix Descriptor Format") gives
// the start address >> 4 (bits 0-13), the leading dimension byte offset
// LBO >> 4 (bits 16-29): the distance between core matrices adjacent in K,
// and the stride dimension byte offset SBO >> 4 (bits 32-45): the distance
// between core matrices adjacent in M (for A) or N (for B); swizzle mode 0
// (bits 62-63). Each operand's slice of a stage is R rows (M or N: 128) by
// kTileK, stored as core matrix (g = row / 8, c = k / 8) at
//   g * (kTileK / 8) * 128 + c * 128,
// so LBO = 128 and SBO = kTileK * 16; and within a core matrix:
//  - K-major (A[m][k], and B stored [N, K]): the 8 rows are 8 rows of the
//    operand (m or n), each 8 consecutive k: byte (row % 8) * 16 +
//    (k % 8) * 2. wgmma's default: "A row-major, B column-major".
//  - MN-major (B stored [K, N]): the 8 rows are 8 consecutive k, each 8
//    consecutive n: byte (k % 8) * 16 + (n % 8) * 2, the transposed
//    layout (imm-trans-b = 1, which f16/bf16 allow).
// Either way a 16-byte chunk of a global row lands as one 16-byte row of a
// core matrix, so one cp.async of 16 bytes per chunk fills it. The k16 step
// s of a slice starts 2 * s core matrices (256 bytes) into it; warpgroup w's
// 64 rows of A start w * 8 core-matrix rows in.
//
// Accumulators (PTX ISA, "Register Fragments", wgmma .m64nNk16 D): with
// warp = the warp's index in its warpgroup, g = lane / 4, t = lane % 4,
// f32 register r holds D[16 warp + g + 8 ((r % 4) / 2)][8 (r / 4) + 2t +
// r % 2], the mma.sync m16n8 layout repeated along N.
//
// Preconditions (wgmmaOperandType): both operands are kernel arguments
// (not inlined producers: the copies read them as stored), A is stored
// [.., M, K] and B [.., K, N] or [.., N, K], and their contiguous
// dimension is a multiple of 8 elements, so that every chunk is 16-byte
// aligned and entirely inside or outside the matrix. Other matmuls take the
// mma.sync kernels.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/gpu/GpuKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace tgc;

namespace {

constexpr int64_t kWarp = 32;
constexpr int64_t kWarpgroup = 128;
/// Two warpgroups, each a 64-row wgmma of the full tile width.
constexpr int64_t kTileM = 128, kTileN = 128;
constexpr int64_t kInstrM = 64, kInstrK = 16;
/// K per stage and stages in flight: 4 x 8 KiB of shared memory (A and B
/// slices of 128 x 16 halves each), within the 48 KiB a kernel gets without
/// opting in to more (the launch ABI sets no dynamic shared memory).
constexpr int64_t kTileK = 16;
constexpr int64_t kStages = 4;
constexpr int64_t kThreads = 2 * kWarpgroup;
/// Bytes of a chunk: one core-matrix row, one cp.async.
constexpr int64_t kChunk = 16;
constexpr int64_t kChunkElems = 8;
/// Bytes of one core matrix, and of one operand's slice of one stage.
constexpr int64_t kCoreBytes = 128;
constexpr int64_t kSliceBytes = kTileM * kTileK * 2;
static_assert(kTileM == kTileN, "A and B slices share the stage layout");
/// Accumulators per thread: 64 x 128 f32 over a warpgroup's 128 threads.
constexpr int64_t kAccumulators = kInstrM * kTileN / kWarpgroup;

/// How an operand is stored, as seen from the kernel.
struct OperandLayout {
  /// The kernel argument it is.
  unsigned argument;
  /// Its innermost (contiguous) dimension is k (else m or n).
  bool kMajor;
};

/// The layout of `operand` if the copies can read it (see the file
/// comment), for the operand whose other loop is `mnDim`.
std::optional<OperandLayout> operandLayout(func::FuncOp kernel,
                                           const MatmulLoops &loops,
                                           OpOperand *operand, AffineMap map,
                                           unsigned mnDim) {
  auto arg = dyn_cast<BlockArgument>(operand->get());
  if (!arg || arg.getOwner() != &kernel.getBody().front())
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(arg.getType());
  if (!type || !type.hasStaticShape() || type.getRank() < 2 ||
      map.getNumResults() != type.getRank() || !map.isProjectedPermutation())
    return std::nullopt;
  MLIRContext *ctx = kernel.getContext();
  AffineExpr last = map.getResults().back();
  AffineExpr k = getAffineDimExpr(loops.kDim, ctx);
  AffineExpr mn = getAffineDimExpr(mnDim, ctx);
  bool kMajor = last == k;
  if (!kMajor && last != mn)
    return std::nullopt;
  if (!llvm::is_contained(map.getResults(), kMajor ? mn : k))
    return std::nullopt;
  if (type.getShape().back() % kChunkElems != 0)
    return std::nullopt;
  return OperandLayout{arg.getArgNumber(), kMajor};
}

} // namespace

std::optional<Type> tgc::wgmmaOperandType(func::FuncOp kernel,
                                          const MatmulLoops &loops) {
  std::optional<Type> half = matrixCoreOperandType(loops);
  if (!half)
    return std::nullopt;
  auto a = operandLayout(kernel, loops, loops.lhs, loops.lhsMap, loops.mDim);
  auto b = operandLayout(kernel, loops, loops.rhs, loops.rhsMap, loops.nDim);
  // A must be K-major: an M-major A is allowed by wgmma too, but has no
  // test here; such matmuls keep mma.sync.
  if (!a || !a->kMajor || !b)
    return std::nullopt;
  return half;
}

LogicalResult tgc::generateGpuWgmmaMatmulKernel(GpuKernelBuilder &kernel,
                                                const MatmulLoops &loops,
                                                Type half) {
  const GpuTargetHooks &hooks = kernel.hooks;
  int64_t M = loops.M, N = loops.N, K = loops.K;
  ArrayRef<int64_t> batchShape = loops.batchShape;
  std::optional<OperandLayout> aLayout =
      operandLayout(kernel.func, loops, loops.lhs, loops.lhsMap, loops.mDim);
  std::optional<OperandLayout> bLayout =
      operandLayout(kernel.func, loops, loops.rhs, loops.rhsMap, loops.nDim);
  assert(aLayout && bLayout && "wgmmaOperandType admits the matmul");
  MLIRContext *ctx = kernel.func.getContext();
  // One buffer for every stage: [stage][A slice, B slice]; and the stages'
  // mbarriers.
  auto stagesType =
      hooks.workgroupMemory({kStages * 2 * kTileM * kTileK}, half);
  auto barriersType =
      hooks.workgroupMemory({kStages}, IntegerType::get(ctx, 64));

  int64_t tilesN = llvm::divideCeilSigned(N, kTileN);
  int64_t numK = llvm::divideCeilSigned(K, kTileK);
  std::array<int64_t, 3> grid = {tilesN * computeProduct(batchShape),
                                 llvm::divideCeilSigned(M, kTileM), 1};
  Location loc = kernel.func.getLoc();
  return kernel.createFunc(
      grid, {kThreads, 1, 1}, {stagesType, barriersType},
      [&](OpBuilder &b, gpu::GPUFuncOp func) {
        KernelEmitter e(b, loc, kernel.func, kernel.inputMemrefs(func));
        Value stages = func.getWorkgroupAttributions()[0];
        Value barriers = func.getWorkgroupAttributions()[1];
        // Core matrices need 16-byte alignment; 128 keeps each one in a
        // single 128-byte line.
        func.setWorkgroupAttributionAttr(
            0, LLVM::LLVMDialect::getAlignAttrName(), b.getI64IntegerAttr(128));
        func.setWorkgroupAttributionAttr(
            1, LLVM::LLVMDialect::getAlignAttrName(), b.getI64IntegerAttr(8));
        Type i32 = b.getI32Type(), i64 = b.getI64Type();
        auto sharedPtr = LLVM::LLVMPointerType::get(ctx, 3);
        auto globalPtr = LLVM::LLVMPointerType::get(ctx, 1);
        auto genericPtr = LLVM::LLVMPointerType::get(ctx);
        IndexArith ix{b, loc, e};
        auto toI64 = [&](Value x) {
          return b.createOrFold<arith::IndexCastUIOp>(loc, i64, x);
        };
        auto toI32 = [&](Value x) {
          return b.createOrFold<arith::IndexCastUIOp>(loc, i32, x);
        };
        auto address = [&](Value memref) {
          return memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
        };
        auto shared = [&](Value byteAddress) -> Value {
          return LLVM::IntToPtrOp::create(b, loc, sharedPtr,
                                          toI64(byteAddress));
        };

        Value tid = hooks.threadId(b, loc);
        Value m0 = ix.mul(hooks.workgroupId(b, loc, gpu::Dimension::y), kTileM);
        SmallVector<Value> column =
            e.delinearize(hooks.workgroupId(b, loc, gpu::Dimension::x),
                          {computeProduct(batchShape), tilesN});
        Value n0 = ix.mul(column[1], kTileN);
        SmallVector<Value> batchIdx = e.delinearize(column[0], batchShape);
        Value stagesBase = address(stages);
        Value barriersBase = address(barriers);
        auto barrier = [&](Value stage) {
          return shared(ix.add(barriersBase, ix.mul(stage, 8)));
        };

        // Thread 0 initializes the mbarriers: every thread arrives once
        // per phase (cp.async.mbarrier.arrive.noinc counts as the arrival).
        {
          Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                              tid, ix.idx(0));
          auto init = scf::IfOp::create(b, loc, first, false);
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(&init.getThenRegion().front());
          Value count = arith::ConstantIntOp::create(b, loc, i32, kThreads);
          for (int64_t s = 0; s < kStages; ++s)
            NVVM::MBarrierInitOp::create(b, loc, barrier(ix.idx(s)), count,
                                         /*predicate=*/Value());
        }
        hooks.barrier(b, loc);

        // The global byte address of an operand element, the operand
        // indexed through its map from the loop indices.
        auto elementAddress = [&](const OperandLayout &layout, AffineMap map,
                                  unsigned mnDim, Value mn, Value k) {
          Value memref = e.memref(layout.argument);
          auto type = cast<MemRefType>(memref.getType());
          SmallVector<Value> loopIdx(batchIdx);
          loopIdx.resize(loops.numBatch + 3, ix.idx(0));
          loopIdx[mnDim] = mn;
          loopIdx[loops.kDim] = k;
          SmallVector<Value> operandIdx = e.applyMap(map, loopIdx);
          Value offset = ix.idx(0);
          SmallVector<int64_t> strides = computeStrides(type.getShape());
          for (auto [i, stride] : llvm::zip(operandIdx, strides))
            offset = ix.add(offset, ix.mul(i, stride));
          return ix.add(address(memref), ix.mul(offset, 2));
        };
        // Copies this thread's chunks of slice `kt` (an index) of both
        // operands into stage `stage`, then arrives on its mbarrier.
        auto load = [&](Value kt, Value stage) {
          Value k0 = ix.mul(kt, kTileK);
          Value stageBase = ix.add(stagesBase, ix.mul(stage, 2 * kSliceBytes));
          auto copyOperand = [&](const OperandLayout &layout, AffineMap map,
                                 unsigned mnDim, Value mnBase, int64_t mnSize,
                                 Value sliceBase) {
            int64_t chunks = kTileM * kTileK / kChunkElems;
            for (int64_t q = 0; q < chunks / kThreads; ++q) {
              Value flat = ix.add(tid, ix.idx(q * kThreads));
              // Which chunk: consecutive threads fill consecutive 16-byte
              // rows of core matrices, so that a warp's 32 chunks are four
              // whole 128-byte core matrices (no shared-memory bank
              // conflicts), and read 16 (K-major) or 8 (MN-major) rows of
              // 32 or 64 contiguous global bytes.
              //  - K-major: chunk c = flat % (kTileK / 8) of row flat / 2
              //    (kTileK = 16);
              //  - MN-major: k row k % 8 = flat % 8 of the 8 consecutive
              //    n of group g = (flat / 8) % (kTileM / 8), in the k / 8 =
              //    flat / kTileM -th core matrix along K.
              Value row, k;
              if (layout.kMajor) {
                row = ix.div(flat, kTileK / kChunkElems);
                k = ix.mul(ix.rem(flat, kTileK / kChunkElems), kChunkElems);
              } else {
                k = ix.add(ix.rem(flat, 8), ix.mul(ix.div(flat, kTileM), 8));
                row = ix.mul(ix.rem(ix.div(flat, 8), kTileM / kChunkElems),
                             kChunkElems);
              }
              // Core matrix (row / 8, k / 8); the chunk is its row
              // row % 8 (K-major) or k % 8 (MN-major).
              Value core =
                  ix.add(ix.mul(ix.div(row, 8), kTileK / 8 * kCoreBytes),
                         ix.mul(ix.div(k, 8), kCoreBytes));
              Value dst = ix.add(
                  sliceBase, ix.add(core, ix.mul(layout.kMajor ? ix.rem(row, 8)
                                                               : ix.rem(k, 8),
                                                 kChunk)));
              Value mn = ix.add(mnBase, row), kk = ix.add(k0, k);
              Value inside = arith::AndIOp::create(b, loc, ix.below(mn, mnSize),
                                                   ix.below(kk, K));
              // Outside the matrix: read nothing (source size 0, the 16
              // bytes are zero-filled) from the operand's first element.
              Value src = arith::SelectOp::create(
                  b, loc, inside, elementAddress(layout, map, mnDim, mn, kk),
                  address(e.memref(layout.argument)));
              Value srcSize = arith::SelectOp::create(
                  b, loc, inside,
                  arith::ConstantIntOp::create(b, loc, i32, kChunk),
                  arith::ConstantIntOp::create(b, loc, i32, 0));
              Value generic =
                  LLVM::IntToPtrOp::create(b, loc, genericPtr, toI64(src));
              Value global =
                  LLVM::AddrSpaceCastOp::create(b, loc, globalPtr, generic);
              NVVM::CpAsyncOp::create(b, loc, shared(dst), global, kChunk,
                                      NVVM::LoadCacheModifierKind::CG, srcSize);
            }
          };
          copyOperand(*aLayout, loops.lhsMap, loops.mDim, m0, M, stageBase);
          copyOperand(*bLayout, loops.rhsMap, loops.nDim, n0, N,
                      ix.add(stageBase, ix.idx(kSliceBytes)));
          NVVM::CpAsyncMBarrierArriveOp::create(b, loc, barrier(stage),
                                                /*noinc=*/true);
        };
        // Slice kt, if there is one, into stage kt % kStages.
        auto loadIfAny = [&](Value kt) {
          auto ifOp = scf::IfOp::create(b, loc, ix.below(kt, numK), false);
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(&ifOp.getThenRegion().front());
          load(kt, ix.rem(kt, kStages));
        };
        for (int64_t s = 0; s < kStages - 1; ++s)
          loadIfAny(ix.idx(s));

        // Descriptor constants: LBO = 128 (next core matrix in K), SBO =
        // kTileK * 16 (next 8 rows of M or N), no swizzle.
        int64_t lbo = kCoreBytes, sbo = kTileK / 8 * kCoreBytes;
        Value descBits = arith::ConstantIntOp::create(
            b, loc, i64, ((lbo >> 4) << 16) | ((sbo >> 4) << 32));
        auto descriptor = [&](Value byteAddress) {
          Value start = arith::ShRUIOp::create(
              b, loc,
              arith::AndIOp::create(
                  b, loc, toI64(byteAddress),
                  arith::ConstantIntOp::create(b, loc, i64, 0x3FFFF)),
              arith::ConstantIntOp::create(b, loc, i64, 4));
          return arith::OrIOp::create(b, loc, start, descBits).getResult();
        };
        Value warpgroup = ix.div(tid, kWarpgroup);
        // Warpgroup w's rows of A: 64 rows, w * 8 core-matrix rows in.
        Value aRows = ix.mul(warpgroup, kInstrM / 8 * sbo);

        Type f32 = b.getF32Type();
        auto accType = LLVM::LLVMStructType::getLiteral(
            ctx, SmallVector<Type>(kAccumulators, f32));
        Value zeroAcc = LLVM::ZeroOp::create(b, loc, accType);
        bool bf16 = half.isBF16();
        auto wgmmaType = bf16 ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
        auto kLoop = scf::ForOp::create(b, loc, ix.idx(0), ix.idx(numK),
                                        ix.idx(1), ValueRange{zeroAcc});
        {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(kLoop.getBody());
          Value kt = kLoop.getInductionVar();
          Value stage = ix.rem(kt, kStages);
          // The stage's (kt / kStages)-th phase: its parity.
          Value parity = toI32(ix.rem(ix.div(kt, kStages), 2));
          NVVM::MBarrierTryWaitParityOp::create(
              b, loc, barrier(stage), parity,
              arith::ConstantIntOp::create(b, loc, i32, 10000000));
          // cp.async wrote through the generic proxy; wgmma reads through
          // the async proxy.
          NVVM::FenceProxyOp::create(
              b, loc,
              NVVM::ProxyKindAttr::get(ctx, NVVM::ProxyKind::async_shared),
              NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
          NVVM::WgmmaFenceAlignedOp::create(b, loc);
          Value stageBase = ix.add(stagesBase, ix.mul(stage, 2 * kSliceBytes));
          Value acc = kLoop.getRegionIterArgs()[0];
          for (int64_t step = 0; step < kTileK / kInstrK; ++step) {
            Value stepOffset = ix.idx(step * 2 * kCoreBytes);
            Value descA =
                descriptor(ix.add(ix.add(stageBase, aRows), stepOffset));
            Value descB = descriptor(
                ix.add(ix.add(stageBase, ix.idx(kSliceBytes)), stepOffset));
            acc = NVVM::WgmmaMmaAsyncOp::create(
                b, loc, accType, acc, descA, descB,
                NVVM::MMAShapeAttr::get(ctx, kInstrM, kTileN, kInstrK),
                NVVM::WGMMATypesAttr::get(ctx, wgmmaType),
                NVVM::WGMMATypesAttr::get(ctx, wgmmaType),
                NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f32),
                NVVM::WGMMAScaleOutAttr::get(ctx, NVVM::WGMMAScaleOut::one),
                NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
                NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
                NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::row),
                NVVM::MMALayoutAttr::get(ctx, bLayout->kMajor
                                                  ? NVVM::MMALayout::col
                                                  : NVVM::MMALayout::row),
                /*satfinite=*/nullptr);
          }
          NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
          // The previous slice's wgmma group has read its stage ...
          NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 1);
          // ... in both warpgroups: refill that stage.
          hooks.barrier(b, loc);
          loadIfAny(ix.add(kt, ix.idx(kStages - 1)));
          scf::YieldOp::create(b, loc, acc);
        }
        NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
        Value acc = kLoop.getResult(0);

        // Epilogue: accumulator r is C[m][n] with (see the file comment)
        //   m = 64 warpgroup + 16 warp + g + 8 ((r % 4) / 2),
        //   n = 8 (r / 4) + 2t + r % 2.
        Value out = kernel.outputMemref(func);
        Value lane = ix.rem(tid, kWarp);
        Value rowBase = ix.add(
            ix.add(m0, ix.mul(warpgroup, kInstrM)),
            ix.add(ix.mul(ix.rem(ix.div(tid, kWarp), 4), 16), ix.div(lane, 4)));
        Value colBase = ix.add(n0, ix.mul(ix.rem(lane, 4), 2));
        for (int64_t r = 0; r < kAccumulators; ++r) {
          Value m = ix.add(rowBase, ix.idx(((r % 4) / 2) * 8));
          Value n = ix.add(colBase, ix.idx((r / 4) * 8 + r % 2));
          Value inside =
              arith::AndIOp::create(b, loc, ix.below(m, M), ix.below(n, N));
          Value v = LLVM::ExtractValueOp::create(b, loc, acc, r);
          auto write = scf::IfOp::create(b, loc, inside, false);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(&write.getThenRegion().front());
          e.pushScope();
          SmallVector<Value> outIdx(batchIdx);
          outIdx.push_back(m);
          outIdx.push_back(n);
          e.define(linalg::GenericOp(loops.op).getResult(0), outIdx, v);
          memref::StoreOp::create(b, loc, e.emit(kernel.root, outIdx), out,
                                  outIdx);
          e.popScope();
        }
        return e.status();
      });
}

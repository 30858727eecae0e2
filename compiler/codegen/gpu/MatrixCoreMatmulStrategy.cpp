//===- MatrixCoreMatmulStrategy.cpp - tensor-core matmul kernels ----------===//
//
// f16 x f16 and bf16 x bf16 contractions with f32 accumulation on matrix
// instructions: NVIDIA's warp-level
// `mma.sync.aligned.m16n8k16.row.col.f32.{f16,bf16}.{f16,bf16}.f32` (sm_80
// and newer) and AMD's wave32 `v_wmma_f32_16x16x16_{f16,bf16}` (gfx11,
// RDNA3, and gfx1200/gfx1201, RDNA4, with another lane layout). With
// tgc --allow-tf32 also f32 x f32 -> f32 contractions on NVIDIA's
// `mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32`, operands rounded to
// tf32 (cvt.rna.tf32.f32) as they are staged. All are one strategy: only
// the fragment loads, the instruction and where each accumulator lies in C
// differ.
//
// A workgroup computes a tileM x tileN block of C in K slices of kTileK:
//  - every thread loads its share of the A slice (tileM x kTileK) and of the
//    B slice (kTileK x tileN) from global memory through the kernel emitter
//    (so inlined producers such as transposes or casts still work), zero
//    outside the matrix, and stores it to workgroup memory as A[m][k] and
//    B^T[n][k]: both k-contiguous, the layout both vendors' fragments read
//    (NVIDIA's ldmatrix without .trans, AMD's one row or column per lane);
//  - each warp (wave) owns a warpTileM x warpTileN block of the tile and,
//    per k16 step, loads its fragments and issues one instruction per
//    instruction-sized tile of its block;
//  - the epilogue evaluates the kernel's root at each accumulator's (m, n)
//    in registers, like the FMA strategy (MatmulStrategy.cpp).
// Shapes need not be tile multiples: out-of-range loads are zero, which adds
// nothing to a dot product, and stores are guarded.
//
// NVIDIA fragments (PTX ISA, "Matrix Fragments for mma.m16n8k16 with
// floating point type"), with lane = laneid, g = lane / 4 ("groupID") and
// t = lane % 4 ("threadID_in_group"):
//  - A (16x16, row-major), four .b32 registers of two halves each:
//      a[0] = A[g][2t..2t+1]     a[1] = A[g+8][2t..2t+1]
//      a[2] = A[g][2t+8..2t+9]   a[3] = A[g+8][2t+8..2t+9]
//  - B (16x8, "col": consecutive k in one register), two registers:
//      b[0] = B[2t..2t+1][g]     b[1] = B[2t+8..2t+9][g]
//  - C/D (16x8 f32), four registers:
//      c[0], c[1] = C[g][2t], C[g][2t+1]; c[2], c[3] = C[g+8][2t], C[g+8][2t+1]
// ldmatrix.x4 (PTX "ldmatrix"): lanes 8j..8j+7 give the addresses of the
// eight 16-byte rows of 8x8 matrix j, and register j of every lane receives
// row g, elements 2t and 2t+1, of matrix j. So for A, lane l addresses
// A[l % 16][(l / 16) * 8]: matrices 0..3 are (rows 0-7, k 0-7),
// (rows 8-15, k 0-7), (rows 0-7, k 8-15), (rows 8-15, k 8-15), which is
// a[0..3] above. For two n8 tiles of B^T, lane l addresses
// B^T[(l / 16) * 8 + l % 8][((l / 8) % 2) * 8]: matrices (n 0-7, k 0-7),
// (n 0-7, k 8-15), (n 8-15, k 0-7), (n 8-15, k 8-15), i.e. b[0], b[1] of
// the first n8 tile, then of the second.
//
// AMD gfx11 wave32 fragments (RDNA3 ISA, "Wave Matrix Multiply
// Accumulate"; AMD GPUOpen's "How to accelerate AI applications on RDNA 3
// using WMMA"), with lane = 0..31 and r = lane % 16:
//  - A (16x16): lane holds row r of A, k = 0..15, as 16 halves;
//  - B (16x16): lane holds column r of B, k = 0..15 (row r of B^T);
//    lanes 16..31 must hold the same A and B values as lanes 0..15 (gfx11
//    reads each operand from both half-waves), which r = lane % 16 gives;
//  - C/D (16x16 f32), eight registers: c[i] = C[2i + lane / 16][r].
// Each fragment is one 32-byte row of workgroup memory, 16-byte aligned.
//
// AMD gfx12 wave32 fragments (RDNA4 ISA, "Wave Matrix Multiply
// Accumulate"; AMD GPUOpen's "Using the Matrix Cores of AMD RDNA 4
// architecture GPUs", which describes the change from RDNA3; LLVM's gfx12
// wmma intrinsics take <8 x half> A and B and <8 x float> C in wave32, so
// 16x16 halves over 32 lanes are not duplicated), with r = lane % 16 and
// h = lane / 16 (the half-wave):
//  - A (16x16): lane holds row r of A, k = 8h .. 8h + 7, as 8 halves
//    (lanes 0..15 the first eight k, lanes 16..31 the last eight);
//  - B (16x16): lane holds column r of B (row r of B^T), k = 8h .. 8h + 7;
//  - C/D (16x16 f32), eight registers: c[i] = C[i + 8h][r] (lanes 0..15
//    hold rows 0..7, lanes 16..31 rows 8..15; gfx11 interleaves them).
// Each fragment is 16 contiguous bytes of one row, 16-byte aligned. This
// layout is unverified on hardware, like everything here; a wrong layout
// is a silently wrong product, so scripts/gpu-check.sh must check it on an
// RDNA4 GPU before --gpu-matrix-cores becomes a default there.
//
// NVIDIA tf32 fragments (PTX ISA, "Matrix Fragments for mma.m16n8k8",
// the .tf32 figures; one 32-bit element per register), g and t as above:
//  - A (16x8, row-major), four registers:
//      a[0] = A[g][t]     a[1] = A[g+8][t]
//      a[2] = A[g][t+4]   a[3] = A[g+8][t+4]
//    (the f16 m16n8k16 layout with each register one element wide: rows g
//    and g + 8 alternate first, then the k half);
//  - B (8x8, "col"), two registers: b[0] = B[t][g], b[1] = B[t+4][g];
//  - C/D (16x8 f32): the same as for m16n8k16.
// ldmatrix moves 16-bit elements (an 8x8 matrix of b16), which would split
// each tf32 value across two lanes, so the fragments are plain 32-bit
// workgroup-memory loads of A[m][k] and B^T[n][k]: lane (g, t) reads word
// (row g, k t) of its tiles, conflict-free with rows of 36 words.
//
// sm_90 runs warpgroup MMA instead (WgmmaMatmulStrategy.cpp) for f16/bf16
// where its copies can read the operands, and these kernels otherwise
// (tf32 included).
//
// Not done (yet): cp.async / multi-stage pipelining (the global loads go
// through registers, one stage), vectorized global loads.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/gpu/GpuKernelBuilder.h"

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace tgc;

namespace {

constexpr int64_t kWarp = 32;
/// Every instruction here is 16 deep in k.
constexpr int64_t kInstrK = 16;
/// K slice staged per iteration: two k16 steps per barrier pair.
constexpr int64_t kTileK = 32;
/// Workgroup rows are padded by 8 halves (16 bytes) to 80 bytes: the eight
/// 16-byte row reads of one ldmatrix matrix then start at byte offsets
/// 0, 80, 160, ... whose banks (offset / 4 mod 32) are 0, 20, 8, 28, 16, 4,
/// 24, 12: disjoint groups of four, so no bank conflicts; 80 keeps every
/// row 16-byte aligned, which ldmatrix and 16-byte vector loads require.
constexpr int64_t kRowStride = kTileK + 8;
/// tf32's mma.sync is 8 deep in k.
constexpr int64_t kTf32InstrK = 8;
/// tf32 rows are 32-bit words, padded by 4 to 36 words: a fragment load has
/// lane (g, t) read word g * 36 + t (+ a constant), i.e. bank
/// (4g + t) mod 32, which is distinct for the 32 lanes: no bank conflicts.
constexpr int64_t kTf32RowStride = kTileK + 4;

/// A workgroup of warpsM x warpsN warps, each computing a warpTileM x
/// warpTileN block of C.
struct MatrixCoreTiling {
  int64_t warpsM, warpsN, warpTileM, warpTileN;
  int64_t tileM() const { return warpsM * warpTileM; }
  int64_t tileN() const { return warpsN * warpTileN; }
  int64_t threads() const { return warpsM * warpsN * kWarp; }
};
/// 128x128 tiles, 8 warps of 64x32 (64 f32 accumulators per thread with
/// either instruction): the classic Ampere configuration, enough reuse of
/// each fragment.
constexpr MatrixCoreTiling kLargeTiling{2, 4, 64, 32};
/// 64x64 tiles, 4 warps of 32x32, for matrices with fewer than 128 rows or
/// columns, where a 128x128 tile would leave most of the workgroup idle.
constexpr MatrixCoreTiling kSmallTiling{2, 2, 32, 32};

/// Whether `v` is `arith.extf` of the block argument `arg`.
bool isExtensionOf(Value v, Value arg) {
  auto ext = v.getDefiningOp<arith::ExtFOp>();
  return ext && ext.getIn() == arg;
}

} // namespace

std::optional<Type> tgc::matrixCoreOperandType(const MatmulLoops &loops,
                                               bool allowTf32) {
  // The contraction TgToLinalg makes for f16/bf16 operands:
  //   ^bb0(%a: T, %b: T, %acc: f32):
  //     yield %acc + extf(%a) * extf(%b)
  // The matrix instructions compute this up to the order (and, inside the
  // instruction, the rounding) of the f32 additions: products of T values
  // are exact in f32. Only this body qualifies. With allowTf32, so does
  //   ^bb0(%a: f32, %b: f32, %acc: f32): yield %acc + %a * %b
  // which the tf32 kernels compute with %a and %b rounded to tf32.
  auto type = [](OpOperand *operand) {
    return getElementTypeOrSelf(operand->get().getType());
  };
  Type element = type(loops.lhs);
  bool f32 = allowTf32 && element.isF32();
  if (!(element.isF16() || element.isBF16() || f32) ||
      type(loops.rhs) != element || !loops.accumulator.isF32())
    return std::nullopt;
  linalg::GenericOp op = loops.op;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
  if (!add)
    return std::nullopt;
  if (body.getNumArguments() != 3)
    return std::nullopt;
  Value acc = body.getArgument(2);
  Value product = add.getLhs() == acc   ? add.getRhs()
                  : add.getRhs() == acc ? add.getLhs()
                                        : Value();
  auto mul = product ? product.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul)
    return std::nullopt;
  Value a = body.getArgument(loops.lhs->getOperandNumber());
  Value x = body.getArgument(loops.rhs->getOperandNumber());
  // f16/bf16 operands are extended to f32; f32 ones are used as they are.
  auto is = [&](Value v, Value arg) {
    return f32 ? v == arg : isExtensionOf(v, arg);
  };
  if ((is(mul.getLhs(), a) && is(mul.getRhs(), x)) ||
      (is(mul.getLhs(), x) && is(mul.getRhs(), a)))
    return element;
  return std::nullopt;
}

namespace {

/// One k16 step of a warp on NVIDIA: ldmatrix.x4 fragments of A (one per
/// m16 tile) and of B^T (one per two n8 tiles), then mma.sync per tile.
void mmaSyncStep(OpBuilder &b, Location loc, Value aTile, Value bTile,
                 Value warpM, Value warpN, Value lane, int64_t kk,
                 int64_t fragsM, int64_t fragsN, Type half,
                 MutableArrayRef<Value> acc) {
  auto idx = [&](int64_t v) {
    return b.createOrFold<arith::ConstantIndexOp>(loc, v);
  };
  auto add = [&](Value x, Value y) {
    return b.createOrFold<arith::AddIOp>(loc, x, y);
  };
  auto affine = [&](Value x, int64_t divisor, int64_t modulus, int64_t scale) {
    Value v = b.createOrFold<arith::DivUIOp>(loc, x, idx(divisor));
    v = b.createOrFold<arith::RemUIOp>(loc, v, idx(modulus));
    return b.createOrFold<arith::MulIOp>(loc, v, idx(scale));
  };
  bool bf16 = half.isBF16();
  MLIRContext *ctx = b.getContext();
  auto fragType = VectorType::get({4, 2}, half);
  // Register j of an ldmatrix result as mma.sync wants it: two f16 in a
  // vector<2xf16>; a bf16 pair as the .b32 register itself, because NVVM's
  // mma.sync takes bf16 operands as i32 (and nvgpu.mma.sync cannot lower
  // bf16 in MLIR 22: "failed to deduce operand PTX types").
  auto operandRegister = [&](Value frag, int64_t j) -> Value {
    Value pair = vector::ExtractOp::create(b, loc, frag, j);
    if (!bf16)
      return pair;
    Value word = vector::BitCastOp::create(
        b, loc, VectorType::get({1}, b.getI32Type()), pair);
    return vector::ExtractOp::create(b, loc, word, 0);
  };
  // Lane l's ldmatrix row addresses (see the file comment):
  //   A:   row l % 16,                  k (l / 16) * 8;
  //   B^T: row (l / 16) * 8 + l % 8,    k ((l / 8) % 2) * 8.
  Value aRow = affine(lane, 1, 16, 1), aCol = affine(lane, 16, 2, 8);
  Value bRow = add(affine(lane, 16, 2, 8), affine(lane, 1, 8, 1));
  Value bCol = affine(lane, 8, 2, 8);
  SmallVector<SmallVector<Value, 4>> aFrags, bFrags;
  for (int64_t fm = 0; fm < fragsM; ++fm) {
    Value row = add(warpM, add(aRow, idx(fm * 16)));
    Value frag = nvgpu::LdMatrixOp::create(b, loc, fragType, aTile,
                                           ValueRange{row, add(aCol, idx(kk))},
                                           /*transpose=*/false,
                                           /*numTiles=*/4);
    auto &regs = aFrags.emplace_back();
    for (int64_t j = 0; j < 4; ++j)
      regs.push_back(operandRegister(frag, j));
  }
  for (int64_t fn = 0; fn < fragsN; fn += 2) {
    Value row = add(warpN, add(bRow, idx(fn * 8)));
    Value frag = nvgpu::LdMatrixOp::create(b, loc, fragType, bTile,
                                           ValueRange{row, add(bCol, idx(kk))},
                                           /*transpose=*/false,
                                           /*numTiles=*/4);
    for (int64_t tile = 0; tile < 2; ++tile) {
      auto &regs = bFrags.emplace_back();
      regs.push_back(operandRegister(frag, 2 * tile));
      regs.push_back(operandRegister(frag, 2 * tile + 1));
    }
  }
  Type f32 = b.getF32Type();
  auto resultType =
      LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(4, f32));
  auto ptxType = bf16 ? NVVM::MMATypes::bf16 : NVVM::MMATypes::f16;
  for (int64_t fm = 0; fm < fragsM; ++fm)
    for (int64_t fn = 0; fn < fragsN; ++fn) {
      MutableArrayRef<Value> c = acc.slice((fm * fragsN + fn) * 4, 4);
      Value d = NVVM::MmaOp::create(
          b, loc, resultType, aFrags[fm], bFrags[fn], c, {16, 8, 16},
          /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt,
          std::array<NVVM::MMATypes, 2>{ptxType, ptxType},
          std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                         NVVM::MMALayout::col});
      for (int64_t i = 0; i < 4; ++i)
        c[i] = LLVM::ExtractValueOp::create(b, loc, d, i);
    }
}

/// One k8 step of a warp on NVIDIA with tf32 operands: plain 32-bit
/// workgroup-memory loads of the fragments (ldmatrix moves 16-bit elements
/// only; see the file comment for the layout), then mma.sync.m16n8k8 per
/// tile. The tiles hold tf32 bit patterns (cvt.rna.tf32.f32 when staged).
void mmaSyncTf32Step(OpBuilder &b, Location loc, Value aTile, Value bTile,
                     Value warpM, Value warpN, Value lane, int64_t kk,
                     int64_t fragsM, int64_t fragsN,
                     MutableArrayRef<Value> acc) {
  auto idx = [&](int64_t v) {
    return b.createOrFold<arith::ConstantIndexOp>(loc, v);
  };
  auto add = [&](Value x, Value y) {
    return b.createOrFold<arith::AddIOp>(loc, x, y);
  };
  Value g = b.createOrFold<arith::DivUIOp>(loc, lane, idx(4));
  Value t = b.createOrFold<arith::RemUIOp>(loc, lane, idx(4));
  auto load = [&](Value tile, Value row, int64_t rowOffset, int64_t k) {
    return memref::LoadOp::create(
               b, loc, tile,
               ValueRange{add(row, idx(rowOffset)), add(t, idx(kk + k))})
        .getResult();
  };
  // A (m16 x k8) of tile fm: a[0] = A[g][t], a[1] = A[g+8][t],
  // a[2] = A[g][t+4], a[3] = A[g+8][t+4].
  SmallVector<SmallVector<Value, 4>> aFrags, bFrags;
  for (int64_t fm = 0; fm < fragsM; ++fm) {
    Value row = add(warpM, g);
    auto &regs = aFrags.emplace_back();
    for (int64_t j = 0; j < 4; ++j)
      regs.push_back(load(aTile, row, fm * 16 + (j % 2) * 8, (j / 2) * 4));
  }
  // B (k8 x n8) of tile fn, read from B^T: b[0] = B[t][g] = B^T[g][t],
  // b[1] = B[t+4][g] = B^T[g][t+4].
  for (int64_t fn = 0; fn < fragsN; ++fn) {
    Value row = add(warpN, g);
    auto &regs = bFrags.emplace_back();
    for (int64_t j = 0; j < 2; ++j)
      regs.push_back(load(bTile, row, fn * 8, j * 4));
  }
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type();
  auto resultType =
      LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(4, f32));
  for (int64_t fm = 0; fm < fragsM; ++fm)
    for (int64_t fn = 0; fn < fragsN; ++fn) {
      MutableArrayRef<Value> c = acc.slice((fm * fragsN + fn) * 4, 4);
      Value d = NVVM::MmaOp::create(
          b, loc, resultType, aFrags[fm], bFrags[fn], c, {16, 8, 8},
          /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt,
          std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::tf32,
                                        NVVM::MMATypes::tf32},
          std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                         NVVM::MMALayout::col});
      for (int64_t i = 0; i < 4; ++i)
        c[i] = LLVM::ExtractValueOp::create(b, loc, d, i);
    }
}

/// One k16 step of a wave on AMD. gfx11: lane l reads row l % 16 of each
/// m16 tile of A and of each n16 tile of B^T (16 contiguous halves, 32
/// bytes at a 16-byte aligned offset). gfx12: lane l reads the 8 halves
/// k = 8 (l / 16) .. 8 (l / 16) + 7 of that row (16 bytes, 16-byte
/// aligned). Then one wmma per tile.
void wmmaStep(OpBuilder &b, Location loc, Value aTile, Value bTile, Value warpM,
              Value warpN, Value lane, int64_t kk, int64_t fragsM,
              int64_t fragsN, Type half, bool gfx12,
              MutableArrayRef<Value> acc) {
  auto idx = [&](int64_t v) {
    return b.createOrFold<arith::ConstantIndexOp>(loc, v);
  };
  auto add = [&](Value x, Value y) {
    return b.createOrFold<arith::AddIOp>(loc, x, y);
  };
  auto fragType = VectorType::get({gfx12 ? 8 : 16}, half);
  Value r = b.createOrFold<arith::RemUIOp>(loc, lane, idx(16));
  Value k = idx(kk);
  if (gfx12)
    k = add(k, b.createOrFold<arith::MulIOp>(
                   loc, b.createOrFold<arith::DivUIOp>(loc, lane, idx(16)),
                   idx(8)));
  auto load = [&](Value tile, Value base, int64_t offset) -> Value {
    Value row = add(base, add(r, idx(offset)));
    return vector::LoadOp::create(b, loc, fragType, tile, ValueRange{row, k},
                                  /*nontemporal=*/false, llvm::Align(16));
  };
  SmallVector<Value> aFrags, bFrags;
  for (int64_t fm = 0; fm < fragsM; ++fm)
    aFrags.push_back(load(aTile, warpM, fm * 16));
  for (int64_t fn = 0; fn < fragsN; ++fn)
    bFrags.push_back(load(bTile, warpN, fn * 16));
  for (int64_t fm = 0; fm < fragsM; ++fm)
    for (int64_t fn = 0; fn < fragsN; ++fn) {
      Value &c = acc[fm * fragsN + fn];
      c = amdgpu::WMMAOp::create(
          b, loc, c.getType(), b.getI32IntegerAttr(16), b.getI32IntegerAttr(16),
          b.getI32IntegerAttr(16), aFrags[fm], bFrags[fn], c);
    }
}

} // namespace

LogicalResult tgc::generateGpuMatrixCoreMatmulKernel(GpuKernelBuilder &kernel,
                                                     const MatmulLoops &loops,
                                                     Type half,
                                                     MatrixCores cores) {
  assert(cores != MatrixCores::None && "the FMA strategy has no fragments");
  const GpuTargetHooks &hooks = kernel.hooks;
  int64_t M = loops.M, N = loops.N, K = loops.K;
  ArrayRef<int64_t> batchShape = loops.batchShape;
  bool gfx12 = cores == MatrixCores::AmdWmmaGfx12;
  bool amd = cores == MatrixCores::AmdWmmaGfx11 || gfx12;
  // tf32: f32 operands, staged as tf32 bit patterns (i32), k8 instructions,
  // rows of kTileK + 4 words (see kTf32RowStride).
  bool tf32 = half.isF32();
  assert((!tf32 || cores == MatrixCores::NvidiaMmaSync) && "tf32 is NVIDIA's");
  int64_t instrK = tf32 ? kTf32InstrK : kInstrK;
  int64_t rowStride = tf32 ? kTf32RowStride : kRowStride;
  Type staged = tf32 ? Type(IntegerType::get(half.getContext(), 32)) : half;
  // One instruction's tile of C and how many accumulators of it each lane
  // holds (16x8: 4, 16x16: 8).
  int64_t instrM = 16, instrN = amd ? 16 : 8;
  int64_t perTile = instrM * instrN / kWarp;
  const MatrixCoreTiling &t =
      M >= 128 && N >= 128 ? kLargeTiling : kSmallTiling;
  int64_t fragsM = t.warpTileM / instrM, fragsN = t.warpTileN / instrN;
  int64_t tileM = t.tileM(), tileN = t.tileN(), threads = t.threads();
  auto aType = hooks.workgroupMemory({tileM, rowStride}, staged);
  auto bType = hooks.workgroupMemory({tileN, rowStride}, staged);
  Type f32 = Float32Type::get(kernel.func.getContext());

  // As in MatmulStrategy.cpp: the batch shares grid.x with the N tiles.
  int64_t tilesN = llvm::divideCeilSigned(N, tileN);
  std::array<int64_t, 3> grid = {tilesN * computeProduct(batchShape),
                                 llvm::divideCeilSigned(M, tileM), 1};
  Location loc = kernel.func.getLoc();
  return kernel.createFunc(
      grid, {threads, 1, 1}, {aType, bType},
      [&](OpBuilder &b, gpu::GPUFuncOp func) {
        KernelEmitter e(b, loc, kernel.func, kernel.inputMemrefs(func));
        Value aTile = func.getWorkgroupAttributions()[0];
        Value bTile = func.getWorkgroupAttributions()[1];
        // The fragment loads (ldmatrix rows, AMD's 16-byte vector loads)
        // need 16-byte aligned rows; rows are 80 bytes, so the buffers must
        // start 16-byte aligned, which the GPU-to-NVVM/ROCDL lowering makes
        // of `llvm.align` (else it aligns them to the element: 2 bytes).
        for (unsigned i = 0; i < 2; ++i)
          func.setWorkgroupAttributionAttr(
              i, LLVM::LLVMDialect::getAlignAttrName(),
              b.getI64IntegerAttr(16));
        IndexArith ix{b, loc, e};

        Value tid = hooks.threadId(b, loc);
        Value lane = ix.rem(tid, kWarp);
        Value warp = ix.div(tid, kWarp);
        // The warp's block of the workgroup tile: warps walk n fastest.
        Value warpM = ix.mul(ix.div(warp, t.warpsN), t.warpTileM);
        Value warpN = ix.mul(ix.rem(warp, t.warpsN), t.warpTileN);
        Value m0 = ix.mul(hooks.workgroupId(b, loc, gpu::Dimension::y), tileM);
        SmallVector<Value> column =
            e.delinearize(hooks.workgroupId(b, loc, gpu::Dimension::x),
                          {computeProduct(batchShape), tilesN});
        Value n0 = ix.mul(column[1], tileN);
        SmallVector<Value> batchIdx = e.delinearize(column[0], batchShape);
        Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(half));

        // One element of an operand at (m or n, k), zero outside.
        auto loadOperand = [&](OpOperand *operand, AffineMap map, Value mn,
                               unsigned mnDim, Value k, int64_t mnSize) {
          Value inside = arith::AndIOp::create(b, loc, ix.below(mn, mnSize),
                                               ix.below(k, K));
          auto ifOp = scf::IfOp::create(
              b, loc, inside,
              [&](OpBuilder &nb, Location l) {
                e.pushScope();
                SmallVector<Value> loopIdx(batchIdx);
                loopIdx.resize(loops.numBatch + 3, ix.idx(0));
                loopIdx[mnDim] = mn;
                loopIdx[loops.kDim] = k;
                Value v = e.emit(operand->get(), e.applyMap(map, loopIdx));
                e.popScope();
                scf::YieldOp::create(nb, l, v);
              },
              [&](OpBuilder &nb, Location l) {
                scf::YieldOp::create(nb, l, zero);
              });
          return ifOp.getResult(0);
        };
        // Whether an operand's innermost (contiguous) dimension is k:
        // consecutive threads then walk k, else m or n, so that a warp's
        // global loads are contiguous either way.
        auto kIsContiguous = [&](AffineMap map) {
          return map.getNumResults() > 0 &&
                 map.getResults().back() ==
                     getAffineDimExpr(loops.kDim, b.getContext());
        };
        // Stages an operand slice (mnTile rows of the tile x kTileK) into
        // `tile` as tile[mn][k].
        auto stage = [&](OpOperand *operand, AffineMap map, Value tile,
                         Value mnBase, unsigned mnDim, int64_t mnTile,
                         int64_t mnSize, Value k0) {
          bool walkK = kIsContiguous(map);
          for (int64_t q = 0; q < mnTile * kTileK / threads; ++q) {
            Value flat = ix.add(tid, ix.idx(q * threads));
            Value mn = walkK ? ix.div(flat, kTileK) : ix.rem(flat, mnTile);
            Value k = walkK ? ix.rem(flat, kTileK) : ix.div(flat, mnTile);
            Value v = loadOperand(operand, map, ix.add(mnBase, mn), mnDim,
                                  ix.add(k0, k), mnSize);
            // Rounded to nearest, ties away from zero (cvt.rna.tf32.f32),
            // once per element as it is staged, so that every warp reading
            // it multiplies the same tf32 value.
            if (tf32)
              v = NVVM::ConvertFloatToTF32Op::create(
                  b, loc, staged, v, NVVM::FPRoundingMode::RNA,
                  NVVM::SaturationMode::NONE, /*relu=*/false);
            memref::StoreOp::create(b, loc, v, tile, ValueRange{mn, k});
          }
        };

        // Accumulators, tile (fm, fn) at [(fm * fragsN + fn) * perTile]:
        // NVIDIA's as f32 scalars (mma.sync takes and returns them one by
        // one), AMD's as one vector<8xf32> per tile (the wmma operand).
        auto accVector = VectorType::get({perTile}, f32);
        SmallVector<Value> init;
        if (amd)
          init.assign(
              fragsM * fragsN,
              arith::ConstantOp::create(
                  b, loc, accVector,
                  DenseElementsAttr::get(accVector, b.getF32FloatAttr(0))));
        else
          init.assign(fragsM * fragsN * perTile,
                      arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)));
        auto kLoop = scf::ForOp::create(b, loc, ix.idx(0), ix.idx(K),
                                        ix.idx(kTileK), init);
        {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(kLoop.getBody());
          e.pushScope();
          Value k0 = kLoop.getInductionVar();
          // Every warp is done reading the previous slice.
          hooks.barrier(b, loc);
          stage(loops.lhs, loops.lhsMap, aTile, m0, loops.mDim, tileM, M, k0);
          stage(loops.rhs, loops.rhsMap, bTile, n0, loops.nDim, tileN, N, k0);
          hooks.barrier(b, loc);
          SmallVector<Value> acc(kLoop.getRegionIterArgs());
          for (int64_t kk = 0; kk < kTileK; kk += instrK) {
            if (amd)
              wmmaStep(b, loc, aTile, bTile, warpM, warpN, lane, kk, fragsM,
                       fragsN, half, gfx12, acc);
            else if (tf32)
              mmaSyncTf32Step(b, loc, aTile, bTile, warpM, warpN, lane, kk,
                              fragsM, fragsN, acc);
            else
              mmaSyncStep(b, loc, aTile, bTile, warpM, warpN, lane, kk, fragsM,
                          fragsN, half, acc);
          }
          e.popScope();
          scf::YieldOp::create(b, loc, acc);
        }

        // Epilogue: accumulator i of tile (fm, fn) is C[m][n] with
        //   NVIDIA: m = 16 fm + g + 8 (i / 2),      n = 8 fn + 2t + i % 2;
        //   gfx11:  m = 16 fm + 2i + lane / 16,     n = 16 fn + lane % 16;
        //   gfx12:  m = 16 fm + i + 8 (lane / 16),  n = 16 fn + lane % 16;
        // all relative to the warp's block (see the file comment). tf32's
        // m16n8k8 has the same C layout as m16n8k16.
        Value out = kernel.outputMemref(func);
        Value rowBase = gfx12 ? ix.mul(ix.div(lane, 16), 8)
                        : amd ? ix.div(lane, 16)
                              : ix.div(lane, 4);
        Value colBase = amd ? ix.rem(lane, 16) : ix.mul(ix.rem(lane, 4), 2);
        for (int64_t fm = 0; fm < fragsM; ++fm)
          for (int64_t fn = 0; fn < fragsN; ++fn)
            for (int64_t i = 0; i < perTile; ++i) {
              int64_t rowOffset = fm * instrM + (gfx12 ? i
                                                 : amd ? 2 * i
                                                       : (i / 2) * 8);
              int64_t colOffset = fn * instrN + (amd ? 0 : i % 2);
              Value m =
                  ix.add(ix.add(m0, warpM), ix.add(rowBase, ix.idx(rowOffset)));
              Value n =
                  ix.add(ix.add(n0, warpN), ix.add(colBase, ix.idx(colOffset)));
              Value inside =
                  arith::AndIOp::create(b, loc, ix.below(m, M), ix.below(n, N));
              auto write = scf::IfOp::create(b, loc, inside, false);
              OpBuilder::InsertionGuard guard(b);
              b.setInsertionPointToStart(&write.getThenRegion().front());
              e.pushScope();
              SmallVector<Value> outIdx(batchIdx);
              outIdx.push_back(m);
              outIdx.push_back(n);
              int64_t tile = fm * fragsN + fn;
              Value v = amd ? vector::ExtractOp::create(
                                  b, loc, kLoop.getResult(tile), i)
                                  .getResult()
                            : kLoop.getResult(tile * perTile + i);
              e.define(linalg::GenericOp(loops.op).getResult(0), outIdx, v);
              memref::StoreOp::create(b, loc, e.emit(kernel.root, outIdx), out,
                                      outIdx);
              e.popScope();
            }
        return e.status();
      });
}

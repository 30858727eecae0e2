//===- TgcDialect.td - compiler-internal kernel metadata ---*- tablegen -*-===//
//
// The `tgc` dialect declares the discardable attributes that tgc's passes use
// to talk to each other about kernel functions, so producer and consumer
// share one definition (generated accessors and a verifier) instead of
// spelling attribute names and kinds as strings; and the compiler-internal
// ops that a code generation strategy needs to see whole (fused attention),
// which users do not write.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_DIALECT_TD
#define TGC_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tgc_Dialect : Dialect {
  let name = "tgc";
  let cppNamespace = "::tgc";
  let summary = "Metadata tgc's passes attach to kernel functions";
  let description = [{
    Dispatch formation outlines each kernel into a private `func.func` and
    tags it with `tgc.kernel` (its kind, which picks the code generation
    strategy) and, for row kernels, the shape of the rows and of what each row
    reduces. Kernel generation records the launch shape it chose:
    `tgc.gpu_grid` and `tgc.gpu_block` for GPU targets, `tgc.host_workgroups`
    and `tgc.host_workspace` (bytes of per-thread scratch) for the host, and
    on the host kernel module `tgc.host_vector_shape` (vector bits, vector
    registers) it was generated for. The target back ends read them back.

    Its one op, `tgc.attention`, is formed by `tgc-fuse-attention` from the
    tg ops of scaled dot-product attention when host code is generated for
    it; it is never written by users and never reaches GPU targets.
  }];
  let discardableAttrs = (ins
    "::tgc::KernelKindAttr":$kernel,
    "::mlir::DenseI64ArrayAttr":$row_shape,
    "::mlir::DenseI64ArrayAttr":$reduced_shape,
    "::mlir::DenseI64ArrayAttr":$gpu_grid,
    "::mlir::DenseI64ArrayAttr":$gpu_block,
    "::mlir::IntegerAttr":$host_workgroups,
    "::mlir::IntegerAttr":$host_workspace,
    "::mlir::DenseI64ArrayAttr":$host_vector_shape,
    "::mlir::UnitAttr":$nan_free
  );
  let hasOperationAttrVerify = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// The module kernel generation adds the GPU kernels to (a gpu.module)
    /// and the one it adds the host workgroup functions to (a builtin.module).
    static constexpr ::llvm::StringLiteral kGpuKernelModuleName =
        "tgc_gpu_kernels";
    static constexpr ::llvm::StringLiteral kHostKernelModuleName =
        "tgc_host_kernels";
  }];
}

def Tgc_KernelKind : I32EnumAttr<"KernelKind", "code generation strategy of a kernel", [
    // All loops parallel: elementwise ops, reshapes, slices, concats.
    I32EnumAttrCase<"elementwise", 0>,
    // Reductions over the trailing dimensions of each row, plus what reads
    // them (softmax, layer_norm): one workgroup per row.
    I32EnumAttrCase<"row", 1>,
    // A contraction and its elementwise epilogue.
    I32EnumAttrCase<"matmul", 2>,
    // Anything else: one thread per output element, serial reductions.
    I32EnumAttrCase<"generic", 3>,
    // One tgc.attention: softmax(q k^T scale + mask) v, tiled with an online
    // softmax (host targets only).
    I32EnumAttrCase<"attention", 4>,
    // One tg.dynamic_update_slice of an entry function's argument: writes
    // only the window of the update; the schedule copies the argument into
    // the result first (a copy the runtime skips under donation).
    I32EnumAttrCase<"update_slice", 5>]> {
  let cppNamespace = "::tgc";
  let genSpecializedAttr = 0;
}

def Tgc_KernelKindAttr : EnumAttr<Tgc_Dialect, Tgc_KernelKind, "kernel_kind"> {
  let assemblyFormat = "`<` $value `>`";
}

def Tgc_AttentionOp : Op<Tgc_Dialect, "attention",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Fused scaled dot-product attention (compiler-internal)";
  let description = [{
    `softmax(q · kᵀ · scale + mask) · v` over the last two dimensions, with
    the leading (batch, head) dimensions of all operands equal:
    q `[..., M, D]`, k `[..., N, D]`, v `[..., N, E]`, the optional mask
    `[..., M, N]` (added to the scaled scores; -inf hides a key), the
    optional `visible` (i1 `[..., M, N]`: where false the score is -inf
    whatever it was, as `select(visible, s, -inf)` gives, so a hidden key's
    NaN or infinity does not reach the row -- a causal mask), result
    `[..., M, E]`, or that permuted by `result_permutation` (result
    dimension i is dimension `result_permutation[i]` of `[..., M, E]`: the
    transpose back to `[M, heads, E]` that attention is followed by, written
    directly). Accumulation is in f32 for narrower floats. A row whose keys
    are all masked is NaN, as the unfused softmax gives.

    The optional `key_count` (a run-time i32, `tensor<i32>` for every query
    or `[..., M]` per query) hides every key from `clamp(key_count, 0, N)`
    on, as `-inf` in a select would: a decode step whose cache holds
    `pos + 1` valid rows out of a maximum context of N, or a causal mask
    (query i sees keys `0..i + offset`). Unlike a mask it lets the kernel
    skip the hidden keys altogether, so the cost follows the visible keys,
    not N.

    Formed by `tgc-fuse-attention`; the host strategy computes it in query
    blocks with an online softmax over key blocks, so the M×N scores are
    never stored.
  }];
  let arguments = (ins AnyRankedTensor:$query, AnyRankedTensor:$key,
                       AnyRankedTensor:$value,
                       Optional<AnyRankedTensor>:$mask,
                       Optional<AnyRankedTensor>:$visible,
                       Optional<AnyRankedTensor>:$key_count, F64Attr:$scale,
                       OptionalAttr<DenseI64ArrayAttr>:$result_permutation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` $mask^)?
    (`visible` `(` $visible^ `:` type($visible) `)`)?
    (`key_count` `(` $key_count^ `:` type($key_count) `)`)? `scale` `=` $scale
    attr-dict `:` type($query) `,` type($key) `,` type($value)
    (`,` type($mask)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // TGC_DIALECT_TD

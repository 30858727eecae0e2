//===- TgcDialect.td - compiler-internal kernel metadata ---*- tablegen -*-===//
//
// The `tgc` dialect has no ops: it declares the discardable attributes that
// tgc's passes use to talk to each other about kernel functions, so producer
// and consumer share one definition (generated accessors and a verifier)
// instead of spelling attribute names and kinds as strings.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_DIALECT_TD
#define TGC_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

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
    I32EnumAttrCase<"generic", 3>]> {
  let cppNamespace = "::tgc";
  let genSpecializedAttr = 0;
}

def Tgc_KernelKindAttr : EnumAttr<Tgc_Dialect, Tgc_KernelKind, "kernel_kind"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // TGC_DIALECT_TD

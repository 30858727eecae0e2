//===- TgBase.td - tg dialect definition -------------------*- tablegen -*-===//
//
// The `tg` dialect: a small tensor IR for ML models, the input of tgc.
//
//===----------------------------------------------------------------------===//

#ifndef TG_BASE_TD
#define TG_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Tg_Dialect : Dialect {
  let name = "tg";
  let cppNamespace = "::mlir::tg";
  let summary = "A small tensor IR for ML models, compiled by tgc";
  let description = [{
    Values are builtin ranked tensors with static shapes and element types
    f32, f16, bf16, i32 or i8 (i1 is produced by comparisons and consumed by
    `tg.select`). A model is a `module` of `func.func` entry points whose
    bodies use `tg` ops and `func.return`.

    Binary elementwise ops broadcast like NumPy: shapes are aligned at the
    trailing dimension and a dimension of size 1 stretches to match the
    other operand. Result types are inferred, so the assembly names only the
    operand types.

    Dynamic dimensions (`?`) and empty tensors (a dimension of size 0) are
    rejected by every op's verifier.
  }];
  let hasConstantMaterializer = 1;
}

// Element types tg computes with.
def Tg_Float : AnyTypeOf<[F32, F16, BF16]>;
def Tg_Int : AnyTypeOf<[I32, I8]>;
def Tg_Element : AnyTypeOf<[F32, F16, BF16, I32, I8, I1]>;

// Ranked tensors; static shapes and allowed element types are checked by the
// `TgTensorTypes` trait so the diagnostic can name the offending dimension.
def Tg_Tensor : RankedTensorOf<[Tg_Element]>;

// What each operand and result accepts, as the generated docs show it. The
// predicate is Tg_Tensor's for all of them: an element type tg does not have
// at all (f64, i64) fails here, while the kind an op needs (floats, numbers)
// is checked by the TgFloatElements / TgNumericElements traits, whose
// messages say what to do instead.
class Tg_TensorOf<string kinds>
    : Type<Tg_Tensor.predicate, "ranked tensor of " # kinds # " values",
           Tg_Tensor.cppType>;
def Tg_AnyTensor : Tg_TensorOf<"f32, f16, bf16, i32, i8 or i1">;
def Tg_NumericTensor : Tg_TensorOf<"f32, f16, bf16, i32 or i8">;
def Tg_FloatTensor : Tg_TensorOf<"f32, f16 or bf16">;
def Tg_I32Tensor : Tg_TensorOf<"i32">;
def Tg_I1Tensor : Tg_TensorOf<"i1">;
def Tg_MatmulTensor : Tg_TensorOf<"f32, f16, bf16 or i32">;

def Tg_TensorTypesTrait : NativeOpTrait<"TgTensorTypes"> {
  let cppNamespace = "::mlir::tg";
}

def Tg_ComparePredicate : I32EnumAttr<"ComparePredicate",
    "comparison predicate", [
      I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>,
      I32EnumAttrCase<"lt", 2>, I32EnumAttrCase<"le", 3>,
      I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::mlir::tg";
}

class Tg_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tg_Dialect, mnemonic, !listconcat(traits, [Tg_TensorTypesTrait])>;

#endif // TG_BASE_TD

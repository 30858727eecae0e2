//===- TgOps.td - tg dialect operations --------------------*- tablegen -*-===//

#ifndef TG_OPS_TD
#define TG_OPS_TD

include "TgBase.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tg_FloatElementsTrait : NativeOpTrait<"TgFloatElements"> {
  let cppNamespace = "::mlir::tg";
}
def Tg_NumericElementsTrait : NativeOpTrait<"TgNumericElements"> {
  let cppNamespace = "::mlir::tg";
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Tg_ConstantOp : Tg_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "A tensor constant";
  let description = [{
    Produces a tensor from a `dense` or `dense_resource` elements attribute.
    Large weights should use `dense_resource` so they are not printed inline.

    ```mlir
    %w = tg.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Tg_AnyTensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

class Tg_UnaryOp<string mnemonic, string summaryText, Type tensor,
                 list<Trait> traits = []>
    : Tg_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType])> {
  let summary = summaryText;
  let description = [{
    Applies the function to every element; the result has the operand's type.
    f16 and bf16 are computed in f32 and rounded once.

    ```mlir
    %y = tg.}] # mnemonic # [{ %x : tensor<4xf32>
    ```
  }];
  let arguments = (ins tensor:$input);
  let results = (outs tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

class Tg_FloatUnaryOp<string mnemonic, string summaryText>
    : Tg_UnaryOp<mnemonic, summaryText, Tg_FloatTensor,
                 [Tg_FloatElementsTrait]>;
class Tg_NumericUnaryOp<string mnemonic, string summaryText>
    : Tg_UnaryOp<mnemonic, summaryText, Tg_NumericTensor,
                 [Tg_NumericElementsTrait]> {
  let description = [{
    Applies the function to every element; the result has the operand's type.
    Integers wrap: the negation and the absolute value of the most negative
    value are that value itself.

    ```mlir
    %y = tg.}] # mnemonic # [{ %x : tensor<4xi32>
    ```
  }];
}

def Tg_NegOp : Tg_NumericUnaryOp<"neg", "Negation, -x"> { let hasFolder = 1; }
def Tg_AbsOp : Tg_NumericUnaryOp<"abs", "Absolute value, |x|">;
def Tg_ReluOp : Tg_NumericUnaryOp<"relu", "Rectified linear unit, max(x, 0)">;
def Tg_ExpOp : Tg_FloatUnaryOp<"exp", "Natural exponential, e^x">;
def Tg_LogOp : Tg_FloatUnaryOp<"log", "Natural logarithm">;
def Tg_SqrtOp : Tg_FloatUnaryOp<"sqrt", "Square root">;
def Tg_RsqrtOp : Tg_FloatUnaryOp<"rsqrt", "Reciprocal square root, 1/sqrt(x)">;
def Tg_ReciprocalOp : Tg_FloatUnaryOp<"reciprocal", "Reciprocal, 1/x">;
def Tg_TanhOp : Tg_FloatUnaryOp<"tanh", "Hyperbolic tangent">;
def Tg_SigmoidOp : Tg_FloatUnaryOp<"sigmoid", "Logistic sigmoid, 1/(1+e^-x)">;
def Tg_SiluOp : Tg_FloatUnaryOp<"silu", "Sigmoid linear unit, x*sigmoid(x)">;
def Tg_SinOp : Tg_FloatUnaryOp<"sin", "Sine">;
def Tg_CosOp : Tg_FloatUnaryOp<"cos", "Cosine">;
def Tg_ErfOp : Tg_FloatUnaryOp<"erf", "Error function"> {
  let description = [{
    `erf(x) = 2/sqrt(pi) * integral from 0 to x of e^(-t^2) dt`, computed in
    f32 for f16 and bf16 and rounded once.

    ```mlir
    %y = tg.erf %x : tensor<4xf32>
    ```
  }];
}

class Tg_RoundingOp<string mnemonic, string summaryText, string rule>
    : Tg_FloatUnaryOp<mnemonic, summaryText> {
  let description = rule # [{ The result is exact; NaN, infinities and
    signed zeros are kept.

    ```mlir
    %y = tg.}] # mnemonic # [{ %x : tensor<4xf32>
    ```
  }];
}
def Tg_FloorOp : Tg_RoundingOp<"floor", "Round down to an integer",
    "The largest integer not greater than `x`.">;
def Tg_CeilOp : Tg_RoundingOp<"ceil", "Round up to an integer",
    "The smallest integer not less than `x`.">;
def Tg_RoundOp : Tg_RoundingOp<"round",
    "Round to the nearest integer, ties to even",
    "The integer nearest to `x`; halfway cases go to the even one "
    "(`round(2.5) = 2`, `round(-0.5) = -0`), as in ONNX and NumPy.">;

def Tg_GeluOp : Tg_Op<"gelu", [Pure, SameOperandsAndResultType,
    Tg_FloatElementsTrait]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `x * 0.5 * (1 + erf(x / sqrt(2)))`; with `tanh`, the approximation
    `x * 0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))`.

    ```mlir
    %y = tg.gelu %x tanh : tensor<4xf32>
    ```
  }];
  let arguments = (ins Tg_FloatTensor:$input, UnitAttr:$tanh);
  let results = (outs Tg_FloatTensor:$result);
  let assemblyFormat = "$input (`tanh` $tanh^)? attr-dict `:` type($input)";
}

//===----------------------------------------------------------------------===//
// Elementwise binary (NumPy broadcasting)
//===----------------------------------------------------------------------===//

class Tg_BinaryOp<string mnemonic, string summaryText, list<Trait> traits = [],
                  Type tensor = Tg_NumericTensor>
    : Tg_Op<mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor,
                                           Tg_NumericElementsTrait])> {
  let summary = summaryText;
  let description = [{
    Elementwise on two operands of the same element type, broadcast like
    NumPy. The result type is inferred from the operands. f16 and bf16 are
    computed in f32 and rounded once; integer arithmetic wraps (two's
    complement).

    ```mlir
    %z = tg.}] # mnemonic # [{ %x, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins tensor:$lhs, tensor:$rhs);
  let results = (outs tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, ::std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return inferBroadcastBinary(getOperationName(), loc, adaptor.getLhs(),
                                  adaptor.getRhs(), /*elementType=*/{}, types);
    }
  }];
}

def Tg_AddOp : Tg_BinaryOp<"add", "Addition", [Commutative]> {
  let hasFolder = 1;
}
def Tg_SubOp : Tg_BinaryOp<"sub", "Subtraction"> { let hasFolder = 1; }
def Tg_MulOp : Tg_BinaryOp<"mul", "Multiplication", [Commutative]> {
  let hasFolder = 1;
}
def Tg_DivOp : Tg_BinaryOp<"div", "Division (truncating for integers)"> {
  let hasFolder = 1;
  let description = [{
    Elementwise on two operands of the same element type, broadcast like
    NumPy. Floats follow IEEE (x/0 is an infinity, 0/0 NaN). Integer
    division truncates toward zero, division by zero gives 0 and the most
    negative value divided by -1 wraps to itself; none of them traps.

    ```mlir
    %q = tg.div %x, %y : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
    ```
  }];
}
def Tg_MaxOp : Tg_BinaryOp<"max", "Elementwise maximum (NaN-propagating)",
    [Commutative]> {
  let description = [{
    Elementwise on two operands of the same element type, broadcast like
    NumPy. A NaN operand gives NaN, and -0 counts as less than +0 (IEEE
    maximum); integers compare as signed.

    ```mlir
    %z = tg.max %x, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
    ```
  }];
}
def Tg_MinOp : Tg_BinaryOp<"min", "Elementwise minimum (NaN-propagating)",
    [Commutative]> {
  let description = [{
    Elementwise on two operands of the same element type, broadcast like
    NumPy. A NaN operand gives NaN, and -0 counts as less than +0 (IEEE
    minimum); integers compare as signed.

    ```mlir
    %z = tg.min %x, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
    ```
  }];
}
def Tg_PowOp : Tg_BinaryOp<"pow", "Power, x^y (floating point)",
    [Tg_FloatElementsTrait], Tg_FloatTensor> {
  let description = [{
    Elementwise on two float operands, broadcast like NumPy, with the special
    cases of C's `pow`: a negative base with an integer exponent gives a real
    result (negative for odd exponents), a finite negative base with any
    other exponent gives NaN, and `y = 0`, `x = 1` and `(-1)^(+-inf)` give 1
    even when the other operand is NaN.

    ```mlir
    %z = tg.pow %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
    ```
  }];
}

def Tg_CompareOp : Tg_Op<"compare", [Pure, InferTypeOpAdaptor]> {
  let summary = "Elementwise comparison producing i1";
  let description = [{
    Compares two broadcast operands of the same element type with one of
    `eq`, `ne`, `lt`, `le`, `gt`, `ge`. With a NaN operand every predicate
    is false except `ne`, which is true (IEEE); integers compare as signed,
    and i1 as false < true. The result has element type i1.

    ```mlir
    %m = tg.compare lt, %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xi1>
    ```
  }];
  let arguments = (ins Tg_ComparePredicate:$predicate, Tg_AnyTensor:$lhs,
                       Tg_AnyTensor:$rhs);
  let results = (outs Tg_I1Tensor:$result);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->`
    type($result)
  }];
}

def Tg_SelectOp : Tg_Op<"select", [Pure, InferTypeOpAdaptor]> {
  let summary = "Elementwise choice: cond ? true_value : false_value";
  let description = [{
    All three operands broadcast together; `cond` has element type i1 and
    the two values share an element type.

    ```mlir
    %r = tg.select %m, %x, %y : tensor<4xi1>, tensor<4xf32>, tensor<f32> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Tg_I1Tensor:$cond, Tg_AnyTensor:$true_value,
                       Tg_AnyTensor:$false_value);
  let results = (outs Tg_AnyTensor:$result);
  let assemblyFormat = [{
    $cond `,` $true_value `,` $false_value attr-dict `:` type($cond) `,`
    type($true_value) `,` type($false_value) `->` type($result)
  }];
}

def Tg_ClampOp : Tg_Op<"clamp", [Pure, Tg_NumericElementsTrait,
    AllTypesMatch<["input", "result"]>]> {
  let summary = "Elementwise clamp into [min, max]";
  let description = [{
    `min(max(x, min), max)` with `tg.max` and `tg.min`'s rules: a NaN in any
    operand gives NaN, and where `min > max` the result is `max`. `min` and
    `max` have the input's element type and broadcast to its shape (a
    rank-0 tensor for a scalar bound); the result has the input's type.

    ```mlir
    %y = tg.clamp %x, %lo, %hi : tensor<4x8xf32>, tensor<f32>, tensor<f32>
    ```
  }];
  let arguments = (ins Tg_NumericTensor:$input, Tg_NumericTensor:$min,
                       Tg_NumericTensor:$max);
  let results = (outs Tg_NumericTensor:$result);
  let assemblyFormat = [{
    $input `,` $min `,` $max attr-dict `:` type($input) `,` type($min) `,`
    type($max)
  }];
  let hasVerifier = 1;
}

def Tg_CastOp : Tg_Op<"cast", [Pure]> {
  let summary = "Element type conversion";
  let description = [{
    Converts each element to the result's element type; the shape is kept.
    Between floats, and from integers to floats, the value is rounded to
    nearest (ties to even; overflow gives an infinity). Float to integer
    truncates toward zero and saturates, and NaN gives 0. Integers are
    signed: widening sign-extends, narrowing keeps the low bits (wraps).
    i1 converts to 0 or 1; any nonzero value (NaN included) converts to true.

    ```mlir
    %h = tg.cast %x : tensor<4xf32> to tensor<4xf16>
    ```
  }];
  let arguments = (ins Tg_AnyTensor:$input);
  let results = (outs Tg_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Tg_ReduceOp<string mnemonic, string summaryText>
    : Tg_Op<mnemonic, [Pure, InferTypeOpAdaptor, Tg_NumericElementsTrait]> {
  let summary = summaryText;
  let description = [{
    Reduces over the listed axes (distinct, in `[0, rank)`). With
    `keep_dims` the reduced axes stay as size 1, else they are removed.
    Floating-point sums accumulate in f32 or wider and f16/bf16 results are
    rounded once; maxima and minima propagate NaN. Integer sums wrap; an
    integer mean divides the sum, accumulated in i32, by the count,
    truncating toward zero.

    ```mlir
    %s = tg.}] # mnemonic # [{ %x axes = [1] keep_dims : tensor<2x3xf32> -> tensor<2x1xf32>
    ```
  }];
  let arguments = (ins Tg_NumericTensor:$input, DenseI64ArrayAttr:$axes,
                       UnitAttr:$keep_dims);
  let results = (outs Tg_NumericTensor:$result);
  let assemblyFormat = [{
    $input `axes` `=` $axes (`keep_dims` $keep_dims^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, ::std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return inferReduction(getOperationName(), loc, adaptor.getInput(),
                            adaptor.getAxes(), adaptor.getKeepDims(), types);
    }
  }];
}

def Tg_ReduceSumOp : Tg_ReduceOp<"reduce_sum", "Sum over axes">;
def Tg_ReduceMaxOp : Tg_ReduceOp<"reduce_max", "Maximum over axes">;
def Tg_ReduceMinOp : Tg_ReduceOp<"reduce_min", "Minimum over axes">;
def Tg_ReduceMeanOp : Tg_ReduceOp<"reduce_mean", "Arithmetic mean over axes">;

def Tg_CumsumOp : Tg_Op<"cumsum", [Pure, SameOperandsAndResultType,
    Tg_NumericElementsTrait]> {
  let summary = "Cumulative sum along an axis";
  let description = [{
    `result[..., i, ...] = sum of input[..., j, ...]` over `j <= i` along
    `axis`; with `exclusive` over `j < i` (the first element is 0), with
    `reverse` over `j >= i` (`j > i` with both). Floating-point sums
    accumulate in f32 or wider and f16/bf16 results are rounded once;
    integer sums wrap.

    ```mlir
    %c = tg.cumsum %x axis = 1 : tensor<2x5xf32>
    %d = tg.cumsum %x axis = 1 exclusive reverse : tensor<2x5xf32>
    ```
  }];
  let arguments = (ins Tg_NumericTensor:$input, I64Attr:$axis,
                       UnitAttr:$exclusive, UnitAttr:$reverse);
  let results = (outs Tg_NumericTensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis (`exclusive` $exclusive^)? (`reverse` $reverse^)?
    attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

def Tg_MatmulOp : Tg_Op<"matmul", [Pure, InferTypeOpAdaptor]> {
  let summary = "Batched matrix product";
  let description = [{
    `lhs` is `[..., M, K]` (`[..., K, M]` with `transpose_a`), `rhs` is
    `[..., K, N]` (`[..., N, K]` with `transpose_b`); the leading batch
    dimensions broadcast like NumPy. Both operands have rank 2 or more and
    the same element type (f32, f16, bf16 or i32), which is also the
    result's; f16 and bf16 accumulate in f32, i32 wraps.

    ```mlir
    %c = tg.matmul %a, %b transpose_b : tensor<8x64xf32>, tensor<32x64xf32> -> tensor<8x32xf32>
    ```
  }];
  let arguments = (ins Tg_MatmulTensor:$lhs, Tg_MatmulTensor:$rhs, UnitAttr:$transpose_a,
                       UnitAttr:$transpose_b);
  let results = (outs Tg_MatmulTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`transpose_a` $transpose_a^)? (`transpose_b` $transpose_b^)?
    attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def Tg_IotaOp : Tg_Op<"iota", [Pure]> {
  let summary = "Indices along a dimension";
  let description = [{
    Element `[i0, ..., ik]` of the result is `i<dimension>`, converted to the
    result's element type (rounded to nearest for f16 and bf16 beyond their
    exact integers; wrapping for i8 beyond 127). With the arithmetic ops it
    expresses ranges, `start + iota * step`, and masks such as a causal
    (lower-triangular) one from comparing two iotas.

    ```mlir
    %rows = tg.iota dimension = 0 : tensor<4x4xi32>
    ```
  }];
  let arguments = (ins I64Attr:$dimension);
  let results = (outs Tg_NumericTensor:$result);
  let assemblyFormat = "`dimension` `=` $dimension attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Tg_ReshapeOp : Tg_Op<"reshape", [Pure]> {
  let summary = "Reinterpret the elements (row-major) with a new shape";
  let description = [{
    The element count and type are kept.

    ```mlir
    %y = tg.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
    ```
  }];
  let arguments = (ins Tg_AnyTensor:$input);
  let results = (outs Tg_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tg_TransposeOp : Tg_Op<"transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "Permute dimensions";
  let description = [{
    Result dimension `i` is input dimension `permutation[i]`.

    ```mlir
    %y = tg.transpose %x permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Tg_AnyTensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Tg_AnyTensor:$result);
  let assemblyFormat = [{
    $input `permutation` `=` $permutation attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Tg_BroadcastToOp : Tg_Op<"broadcast_to", [Pure]> {
  let summary = "Broadcast to a larger shape, like numpy.broadcast_to";
  let description = [{
    ```mlir
    %y = tg.broadcast_to %x : tensor<3xf32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Tg_AnyTensor:$input);
  let results = (outs Tg_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tg_SliceOp : Tg_Op<"slice", [Pure, InferTypeOpAdaptor]> {
  let summary = "Strided static slice";
  let description = [{
    Result element `i` along dimension `d` is input element
    `start[d] + i * stride[d]`, for `i < size[d]`; strides are positive and
    every selected index lies inside the input.

    ```mlir
    %y = tg.slice %x start = [0, 1] size = [2, 2] stride = [1, 1] : tensor<2x4xf32> -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Tg_AnyTensor:$input, DenseI64ArrayAttr:$start,
                       DenseI64ArrayAttr:$size, DenseI64ArrayAttr:$stride);
  let results = (outs Tg_AnyTensor:$result);
  let assemblyFormat = [{
    $input `start` `=` $start `size` `=` $size `stride` `=` $stride attr-dict
    `:` type($input) `->` type($result)
  }];
}

def Tg_ConcatOp : Tg_Op<"concat", [Pure, InferTypeOpAdaptor]> {
  let summary = "Concatenate tensors along an axis";
  let description = [{
    All operands have the same rank and element type and agree on every
    dimension except `axis`.

    ```mlir
    %y = tg.concat %a, %b axis = 0 : tensor<1x3xf32>, tensor<2x3xf32> -> tensor<3x3xf32>
    ```
  }];
  let arguments = (ins Variadic<Tg_AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs Tg_AnyTensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` type($inputs) `->` type($result)
  }];
  let hasFolder = 1;
}

def Tg_GatherOp : Tg_Op<"gather", [Pure, InferTypeOpAdaptor]> {
  let summary = "Gather rows of a table (embedding lookup)";
  let description = [{
    `result[i..., j...] = table[indices[i...], j...]`: the result shape is
    the indices' shape followed by the table's shape without its first
    dimension. Indices are i32; an index outside `[0, rows)` is clamped
    into range.

    ```mlir
    %e = tg.gather %table[%ids] : tensor<1000x64xf32>, tensor<8xi32> -> tensor<8x64xf32>
    ```
  }];
  let arguments = (ins Tg_AnyTensor:$table, Tg_I32Tensor:$indices);
  let results = (outs Tg_AnyTensor:$result);
  let assemblyFormat = [{
    $table `[` $indices `]` attr-dict `:` type($table) `,` type($indices) `->`
    type($result)
  }];
}

def Tg_DynamicUpdateSliceOp : Tg_Op<"dynamic_update_slice",
    [Pure, InferTypeOpAdaptor]> {
  let summary = "Write a tensor into another at offsets known at run time";
  let description = [{
    The result is `operand` with `update` written over it starting at
    `offsets`: one i32 scalar (`tensor<i32>` or `tensor<1xi32>`) per
    dimension, read when the function runs. `update` has the rank and element
    type of `operand` and no larger a dimension. Each offset is clamped into
    `[0, operand_dim - update_dim]`, so the update always lies inside (as in
    XLA); the result has the operand's type.

    This is how one function compiled for a maximum context length appends
    the keys and values of the current position to a KV cache: the position
    is an input, not a constant.

    ```mlir
    %c = tg.dynamic_update_slice %cache, %kv, %zero, %pos, %zero : tensor<4x128x64xf32>, tensor<4x1x64xf32>, tensor<i32>, tensor<i32>, tensor<i32> -> tensor<4x128x64xf32>
    ```
  }];
  let arguments = (ins Tg_AnyTensor:$operand, Tg_AnyTensor:$update,
                       Variadic<Tg_I32Tensor>:$offsets);
  let results = (outs Tg_AnyTensor:$result);
  let assemblyFormat = [{
    $operand `,` $update `,` $offsets attr-dict `:` type($operand) `,`
    type($update) `,` type($offsets) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Composites (decomposed by the compiler, kept for fusion and readability)
//===----------------------------------------------------------------------===//

def Tg_SoftmaxOp : Tg_Op<"softmax", [Pure, SameOperandsAndResultType,
    Tg_FloatElementsTrait]> {
  let summary = "Softmax along one axis";
  let description = [{
    `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis`, computed in f32
    for f16 and bf16 and rounded once.

    ```mlir
    %p = tg.softmax %x axis = 1 : tensor<4x128xf32>
    ```
  }];
  let arguments = (ins Tg_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Tg_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
}

class Tg_ArgReduceOp<string mnemonic, string summaryText, string extremum,
                     string nan>
    : Tg_Op<mnemonic, [Pure, InferTypeOpAdaptor, Tg_NumericElementsTrait]> {
  let summary = summaryText;
  let description = [{
    The index (i32) of the }] # extremum # [{ along `axis`: the first one, or
    the last with `select_last_index`. }] # nan # [{ With `keep_dims` the axis
    stays as size 1, else it is removed.

    ```mlir
    %i = tg.}] # mnemonic # [{ %x axis = 1 : tensor<2x5xf32> -> tensor<2xi32>
    ```
  }];
  let arguments = (ins Tg_NumericTensor:$input, I64Attr:$axis,
                       UnitAttr:$keep_dims, UnitAttr:$select_last_index);
  let results = (outs Tg_I32Tensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis (`keep_dims` $keep_dims^)?
    (`select_last_index` $select_last_index^)? attr-dict `:` type($input)
    `->` type($result)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, ::std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      if (failed(inferReduction(getOperationName(), loc, adaptor.getInput(),
                                {static_cast<int64_t>(adaptor.getAxis())}, adaptor.getKeepDims(),
                                types)))
        return ::mlir::failure();
      types[0] = ::llvm::cast<::mlir::RankedTensorType>(types[0]).clone(
          ::mlir::IntegerType::get(context, 32));
      return ::mlir::success();
    }
  }];
}

def Tg_ArgmaxOp : Tg_ArgReduceOp<"argmax", "Index of the maximum along an axis",
    "maximum", "A NaN counts as larger than any number (so the first NaN's "
    "index is the result, as in NumPy).">;
def Tg_ArgminOp : Tg_ArgReduceOp<"argmin", "Index of the minimum along an axis",
    "minimum", "A NaN counts as smaller than any number (so the first NaN's "
    "index is the result, as in NumPy).">;

def Tg_LayerNormOp : Tg_Op<"layer_norm", [Pure, AttrSizedOperandSegments,
    Tg_FloatElementsTrait, AllTypesMatch<["input", "result"]>]> {
  let summary = "Layer normalization over the trailing dimensions";
  let description = [{
    Normalizes over the dimensions `[axis, rank)`:
    `(x - mean) / sqrt(var + epsilon) * weight + bias`, with the biased
    variance, computed in f32 for f16 and bf16 and rounded once. `weight` and
    `bias` are optional and, when present, have the shape of those trailing
    dimensions. The sums are f32: a row whose sum or sum of squares exceeds
    the f32 range gives NaN or 0, as in f32 frameworks.

    ```mlir
    %y = tg.layer_norm %x weight %g bias %b axis = 1 epsilon = 1.0e-05 : tensor<4x64xf32>, tensor<64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Tg_FloatTensor:$input, Optional<Tg_FloatTensor>:$weight,
                       Optional<Tg_FloatTensor>:$bias, I64Attr:$axis,
                       F32Attr:$epsilon);
  let results = (outs Tg_FloatTensor:$result);
  // The trailing types are matched to the operands that are present, so a
  // bias without a weight parses back (two optional `, type` groups cannot
  // tell which operand a lone type belongs to).
  let assemblyFormat = [{
    $input (`weight` $weight^)? (`bias` $bias^)? `axis` `=` $axis `epsilon`
    `=` $epsilon attr-dict `:` custom<NormTypes>(type($input), ref($weight),
    ref($bias), type($weight), type($bias))
  }];
  let hasVerifier = 1;
}

def Tg_RmsNormOp : Tg_Op<"rms_norm", [Pure, Tg_FloatElementsTrait,
    AllTypesMatch<["input", "result"]>]> {
  let summary = "RMS normalization over the trailing dimensions";
  let description = [{
    Normalizes over the dimensions `[axis, rank)`:
    `x / sqrt(mean(x^2) + epsilon) * weight`, computed in f32 for f16 and
    bf16 and rounded once; `weight` is optional. The sum of squares is f32:
    a row holding values beyond about 1e19 gives 0, as in f32 frameworks.

    ```mlir
    %y = tg.rms_norm %x weight %g axis = 1 epsilon = 1.0e-06 : tensor<4x64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Tg_FloatTensor:$input, Optional<Tg_FloatTensor>:$weight,
                       I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Tg_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`weight` $weight^)? `axis` `=` $axis `epsilon` `=` $epsilon
    attr-dict `:` type($input) (`,` type($weight)^)?
  }];
  let hasVerifier = 1;
}

#endif // TG_OPS_TD

"""deep.py KIND DEPTH: prints a model nested DEPTH levels deep in one way
(issue 14, F1): attribute arrays, dense literals, call-site locations or
regions. MLIR's parser recurses once per level."""
import sys

kind, n = sys.argv[1], int(sys.argv[2])
if kind == "attribute":
    print("func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> attributes "
          "{a = " + "[" * n + "]" * n + "} {\n  return %x : tensor<4xf32>\n}")
elif kind == "dense":
    print("func.func @main() -> tensor<1xf32> {\n  %0 = tg.constant dense<" +
          "[" * n + "1.0" + "]" * n + "> : tensor<1xf32>\n"
          "  return %0 : tensor<1xf32>\n}")
elif kind == "location":
    print("func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
          "  return %x : tensor<4xf32> loc(" + "callsite(" * n + '"a"' +
          ' at "b")' * n + ")\n}")
elif kind == "region":
    print("func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n" +
          '"scf.execute_region"() ({\n' * n + '"scf.yield"() : () -> ()\n' +
          "}) : () -> ()\n" * n + "return %x : tensor<4xf32>\n}")
else:
    sys.exit("unknown kind " + kind)

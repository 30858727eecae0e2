"""Prints tg IR with non-splat constants around the folding limit (4096
elements), which are too long to write by hand. Used by
canonicalize-large-constants.test."""


def dense_i8(n, seed):
    # A non-splat pattern, hex-encoded (one byte per element).
    data = "".join("%02X" % ((i * 7 + seed) % 100) for i in range(n))
    return 'dense<"0x%s"> : tensor<%dxi8>' % (data, n)


def func(name, n, body):
    print("func.func @%s() -> tensor<%dxi8> {" % (name, n))
    print("  %%a = tg.constant %s" % dense_i8(n, 1))
    print("  %%b = tg.constant %s" % dense_i8(n, 2))
    print("  %%r = %s" % body.format(t="tensor<%dxi8>" % n))
    print("  return %%r : tensor<%dxi8>" % n)
    print("}")


func("neg_at_limit", 4096, "tg.neg %a : {t}")
func("neg_over_limit", 4097, "tg.neg %a : {t}")
func("add_at_limit", 4096, "tg.add %a, %b : {t}, {t} -> {t}")
func("add_over_limit", 4097, "tg.add %a, %b : {t}, {t} -> {t}")
func("sub_over_limit", 4097, "tg.sub %a, %b : {t}, {t} -> {t}")
func("mul_over_limit", 4097, "tg.mul %a, %b : {t}, {t} -> {t}")

# reshape only moves data, but folding it would still copy the weights.
print("func.func @reshape_over_limit() -> tensor<1x4097xi8> {")
print("  %%a = tg.constant %s" % dense_i8(4097, 1))
print("  %r = tg.reshape %a : tensor<4097xi8> -> tensor<1x4097xi8>")
print("  return %r : tensor<1x4097xi8>")
print("}")

func.func @g37(%g37_a1: tensor<67x2x2xi8>, %g37_a2: tensor<6x1xbf16>, %g37_a3: tensor<1x8xbf16>) -> (tensor<6x8xbf16>) {
  %g37_v4 = tg.matmul %g37_a2, %g37_a3 : tensor<6x1xbf16>, tensor<1x8xbf16> -> tensor<6x8xbf16>
  %g37_v5 = tg.transpose %g37_v4 permutation = [0, 1] : tensor<6x8xbf16> -> tensor<6x8xbf16>
  return %g37_v5 : tensor<6x8xbf16>
}

func.func @g21(%g21_a1: tensor<4x2xi8>, %g21_a2: tensor<6x5x8xbf16>) -> (tensor<6x5x8xbf16>, tensor<i8>) {
  %g21_v3 = tg.softmax %g21_a2 axis = 1 : tensor<6x5x8xbf16>
  %g21_v4 = tg.reduce_mean %g21_a1 axes = [0, 1] : tensor<4x2xi8> -> tensor<i8>
  %g21_v5 = tg.reciprocal %g21_v3 : tensor<6x5x8xbf16>
  return %g21_v5, %g21_v4 : tensor<6x5x8xbf16>, tensor<i8>
}

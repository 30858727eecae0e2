func.func @g36(%g36_a1: tensor<3x8xf16>, %g36_a3: tensor<67x3x8xf16>) -> (tensor<67x3x8xf16>, tensor<67x3x8xi1>) {
  %g36_v2 = tg.broadcast_to %g36_a1 : tensor<3x8xf16> -> tensor<67x3x8xf16>
  %g36_v4 = tg.compare eq, %g36_v2, %g36_a1 : tensor<67x3x8xf16>, tensor<3x8xf16> -> tensor<67x3x8xi1>
  %g36_v5 = tg.pow %g36_a3, %g36_a1 : tensor<67x3x8xf16>, tensor<3x8xf16> -> tensor<67x3x8xf16>
  %g36_v6 = tg.exp %g36_v5 : tensor<67x3x8xf16>
  return %g36_v6, %g36_v4 : tensor<67x3x8xf16>, tensor<67x3x8xi1>
}

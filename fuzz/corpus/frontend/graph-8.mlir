func.func @g8(%g8_a1: tensor<8xi32>, %g8_a4: tensor<6x2x67xi32>, %g8_a5: tensor<67x4xi32>) -> (tensor<6x2x4xi32>, tensor<3x1x2xi32>, tensor<i32>, tensor<8xi32>) {
  %g8_v2 = tg.cast %g8_a1 : tensor<8xi32> to tensor<8xi1>
  %g8_v3 = tg.sub %g8_a1, %g8_a1 : tensor<8xi32>, tensor<8xi32> -> tensor<8xi32>
  %g8_v6 = tg.matmul %g8_a4, %g8_a5 : tensor<6x2x67xi32>, tensor<67x4xi32> -> tensor<6x2x4xi32>
  %g8_v7 = tg.reduce_sum %g8_a1 axes = [0] : tensor<8xi32> -> tensor<i32>
  %g8_v8 = tg.slice %g8_v6 start = [2, 0, 1] size = [3, 1, 2] stride = [1, 1, 1] : tensor<6x2x4xi32> -> tensor<3x1x2xi32>
  %g8_v9 = tg.mul %g8_v6, %g8_v6 : tensor<6x2x4xi32>, tensor<6x2x4xi32> -> tensor<6x2x4xi32>
  return %g8_v9, %g8_v8, %g8_v7, %g8_v3 : tensor<6x2x4xi32>, tensor<3x1x2xi32>, tensor<i32>, tensor<8xi32>
}

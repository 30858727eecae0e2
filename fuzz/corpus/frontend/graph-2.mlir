func.func @g2(%g2_a1: tensor<i32>, %g2_a8: tensor<1x3xi32>) -> (tensor<1x3xi32>, tensor<3x1xi32>, tensor<1xi32>, tensor<1xi32>) {
  %g2_v2 = tg.div %g2_a1, %g2_a1 : tensor<i32>, tensor<i32> -> tensor<i32>
  %g2_v3 = tg.reshape %g2_v2 : tensor<i32> -> tensor<1x1xi32>
  %g2_v4 = tg.reshape %g2_a1 : tensor<i32> -> tensor<1xi32>
  %g2_v5 = tg.max %g2_v4, %g2_a1 : tensor<1xi32>, tensor<i32> -> tensor<1xi32>
  %g2_v6 = tg.relu %g2_v4 : tensor<1xi32>
  %g2_v7 = tg.concat %g2_v3, %g2_v3, %g2_v3 axis = 0 : tensor<1x1xi32>, tensor<1x1xi32>, tensor<1x1xi32> -> tensor<3x1xi32>
  %g2_v9 = tg.matmul %g2_v3, %g2_a8 : tensor<1x1xi32>, tensor<1x3xi32> -> tensor<1x3xi32>
  return %g2_v9, %g2_v7, %g2_v6, %g2_v5 : tensor<1x3xi32>, tensor<3x1xi32>, tensor<1xi32>, tensor<1xi32>
}

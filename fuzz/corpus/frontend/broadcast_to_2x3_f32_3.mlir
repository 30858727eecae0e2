func.func @broadcast_to_2x3_f32_3(%broadcast_to_2x3_f32_3_a1: tensor<3xf32>) -> (tensor<2x3xf32>) {
  %broadcast_to_2x3_f32_3_v2 = tg.broadcast_to %broadcast_to_2x3_f32_3_a1 : tensor<3xf32> -> tensor<2x3xf32>
  return %broadcast_to_2x3_f32_3_v2 : tensor<2x3xf32>
}

func.func @layer_norm_f32_4x32_1_wb(%layer_norm_f32_4x32_1_wb_a1: tensor<4x32xf32>, %layer_norm_f32_4x32_1_wb_a2: tensor<32xf32>, %layer_norm_f32_4x32_1_wb_a3: tensor<32xf32>) -> (tensor<4x32xf32>) {
  %layer_norm_f32_4x32_1_wb_v4 = tg.layer_norm %layer_norm_f32_4x32_1_wb_a1 weight %layer_norm_f32_4x32_1_wb_a2 bias %layer_norm_f32_4x32_1_wb_a3 axis = 1 epsilon = 1.0e-05 : tensor<4x32xf32>, tensor<32xf32>, tensor<32xf32>
  return %layer_norm_f32_4x32_1_wb_v4 : tensor<4x32xf32>
}

func.func @rms_norm_f32_4x32_1_w(%rms_norm_f32_4x32_1_w_a1: tensor<4x32xf32>, %rms_norm_f32_4x32_1_w_a2: tensor<32xf32>) -> (tensor<4x32xf32>) {
  %rms_norm_f32_4x32_1_w_v3 = tg.rms_norm %rms_norm_f32_4x32_1_w_a1 weight %rms_norm_f32_4x32_1_w_a2 axis = 1 epsilon = 1.0e-06 : tensor<4x32xf32>, tensor<32xf32>
  return %rms_norm_f32_4x32_1_w_v3 : tensor<4x32xf32>
}

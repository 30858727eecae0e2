func.func @g31(%g31_a1: tensor<1x2xf32>, %g31_a2: tensor<2x1x5xf16>) -> (tensor<1x5x2xf16>, tensor<1x1x1xf16>) {
  %g31_v3 = tg.tanh %g31_a2 : tensor<2x1x5xf16>
  %g31_v4 = tg.slice %g31_v3 start = [0, 0, 1] size = [1, 1, 4] stride = [1, 1, 1] : tensor<2x1x5xf16> -> tensor<1x1x4xf16>
  %g31_v5 = tg.transpose %g31_v3 permutation = [1, 2, 0] : tensor<2x1x5xf16> -> tensor<1x5x2xf16>
  %g31_v6 = tg.reduce_sum %g31_v4 axes = [1, 2] keep_dims : tensor<1x1x4xf16> -> tensor<1x1x1xf16>
  %g31_v7 = tg.rms_norm %g31_v5 axis = 0 epsilon = 1.0e-06 : tensor<1x5x2xf16>
  return %g31_v7, %g31_v6 : tensor<1x5x2xf16>, tensor<1x1x1xf16>
}

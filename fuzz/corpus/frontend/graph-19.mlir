func.func @g19(%g19_a1: tensor<8x67xbf16>) -> (tensor<8x67xbf16>, tensor<67xbf16>, tensor<8x134xbf16>, tensor<1x5xbf16>) {
  %g19_v2 = tg.slice %g19_a1 start = [0, 40] size = [1, 5] stride = [2, 1] : tensor<8x67xbf16> -> tensor<1x5xbf16>
  %g19_v3 = tg.pow %g19_a1, %g19_a1 : tensor<8x67xbf16>, tensor<8x67xbf16> -> tensor<8x67xbf16>
  %g19_v4 = tg.concat %g19_v3, %g19_a1 axis = 1 : tensor<8x67xbf16>, tensor<8x67xbf16> -> tensor<8x134xbf16>
  %g19_v5 = tg.reduce_mean %g19_v3 axes = [0] : tensor<8x67xbf16> -> tensor<67xbf16>
  %g19_v6 = tg.rms_norm %g19_v3 weight %g19_v3 axis = 0 epsilon = 1.000000e-03 : tensor<8x67xbf16>, tensor<8x67xbf16>
  return %g19_v6, %g19_v5, %g19_v4, %g19_v2 : tensor<8x67xbf16>, tensor<67xbf16>, tensor<8x134xbf16>, tensor<1x5xbf16>
}

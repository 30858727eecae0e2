func.func @constant_f32(%constant_f32_a1: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>) {
  %constant_f32_v2 = tg.constant dense<[1.5, -2.25, 0.1]> : tensor<3xf32>
  %constant_f32_v3 = tg.constant dense<-0.75> : tensor<2x3xf32>
  %constant_f32_v4 = tg.constant dense_resource<blob_f32> : tensor<2x3xf32>
  %constant_f32_v5 = tg.add %constant_f32_a1, %constant_f32_v2 : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %constant_f32_v6 = tg.add %constant_f32_v5, %constant_f32_v3 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  %constant_f32_v7 = tg.add %constant_f32_v6, %constant_f32_v4 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %constant_f32_v7, %constant_f32_v2 : tensor<2x3xf32>, tensor<3xf32>
}
{-#
  dialect_resources: {
    builtin: {
      blob_f32: "0x040000009563A8BF22A9603EF1F6F2BFCC0C1C3F06616E3EF096993F",
      blob_f16: "0x040000008536C6AB953C9D3C2B3A22BC",
      blob_bf16: "0x040000005BBBCE3E1FBE493FAB3F2C3F",
      blob_i32: "0x04000000F11B1C50E5B5DB11DB730D0ACB23BE558F05561ED17F9CC0",
      blob_i8: "0x04000000BFCCFBDF9D75"
    }
  }
#-}

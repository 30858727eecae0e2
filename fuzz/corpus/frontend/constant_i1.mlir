func.func @constant_i1(%constant_i1_a1: tensor<2x3xi1>) -> (tensor<2x3xi1>, tensor<3xi1>) {
  %constant_i1_v2 = tg.constant dense<[false, false, true]> : tensor<3xi1>
  %constant_i1_v3 = tg.constant dense<true> : tensor<2x3xi1>
  %constant_i1_v4 = tg.select %constant_i1_v2, %constant_i1_a1, %constant_i1_v2 : tensor<3xi1>, tensor<2x3xi1>, tensor<3xi1> -> tensor<2x3xi1>
  %constant_i1_v5 = tg.select %constant_i1_v3, %constant_i1_v4, %constant_i1_v3 : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1> -> tensor<2x3xi1>
  return %constant_i1_v5, %constant_i1_v2 : tensor<2x3xi1>, tensor<3xi1>
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

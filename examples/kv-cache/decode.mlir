// One decode step of single-head attention with a KV cache, compiled once for
// a maximum context of 16 positions of width 8: the step's key and value are
// written into the caches at the run-time position `pos`, and the query
// attends to rows 0..pos. The updated caches are outputs, so a caller that
// keeps them in device buffers donates them and they are updated in place
// (examples/kv-cache/main.cpp).
func.func @decode(%kcache: tensor<16x8xf32>, %vcache: tensor<16x8xf32>,
                  %k: tensor<1x8xf32>, %v: tensor<1x8xf32>,
                  %q: tensor<1x8xf32>, %pos: tensor<i32>)
    -> (tensor<1x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>) {
  %zero = tg.constant dense<0> : tensor<i32>
  %kc = tg.dynamic_update_slice %kcache, %k, %pos, %zero : tensor<16x8xf32>, tensor<1x8xf32>, tensor<i32>, tensor<i32> -> tensor<16x8xf32>
  %vc = tg.dynamic_update_slice %vcache, %v, %pos, %zero : tensor<16x8xf32>, tensor<1x8xf32>, tensor<i32>, tensor<i32> -> tensor<16x8xf32>
  %s = tg.matmul %q, %kc transpose_b : tensor<1x8xf32>, tensor<16x8xf32> -> tensor<1x16xf32>
  %scale = tg.constant dense<0.353553385> : tensor<f32>
  %ss = tg.mul %s, %scale : tensor<1x16xf32>, tensor<f32> -> tensor<1x16xf32>
  %row = tg.iota dimension = 1 : tensor<1x16xi32>
  %visible = tg.compare le, %row, %pos : tensor<1x16xi32>, tensor<i32> -> tensor<1x16xi1>
  %ninf = tg.constant dense<0xFF800000> : tensor<f32>
  %masked = tg.select %visible, %ss, %ninf : tensor<1x16xi1>, tensor<1x16xf32>, tensor<f32> -> tensor<1x16xf32>
  %p = tg.softmax %masked axis = 1 : tensor<1x16xf32>
  %out = tg.matmul %p, %vc : tensor<1x16xf32>, tensor<16x8xf32> -> tensor<1x8xf32>
  return %out, %kc, %vc : tensor<1x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>
}

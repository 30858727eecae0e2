// Host kernel on f16 and bf16 buffers (8 elements per workgroup):
//   c = pow(e, e) with e = tanh(a) + exp(b) + sqrt(b) computed in f32,
//   then a = f16(c), b = bf16(c).
func.func @kernel_mix_body(%a: memref<256xf16>, %b: memref<256xbf16>,
                           %c: memref<256xf32>, %begin: index, %end: index) {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %wg = %begin to %end step %c1 {
    %i = arith.muli %wg, %c8 : index
    %va = vector.load %a[%i] : memref<256xf16>, vector<8xf16>
    %vb = vector.load %b[%i] : memref<256xbf16>, vector<8xbf16>
    %ta = math.tanh %va : vector<8xf16>
    %eb = math.exp %vb : vector<8xbf16>
    %sb = math.sqrt %vb : vector<8xbf16>
    %sum = arith.addf %eb, %sb : vector<8xbf16>
    %fa = arith.extf %ta : vector<8xf16> to vector<8xf32>
    %fb = arith.extf %sum : vector<8xbf16> to vector<8xf32>
    %e = arith.addf %fa, %fb : vector<8xf32>
    %p = math.powf %e, %e : vector<8xf32>
    vector.store %p, %c[%i] : memref<256xf32>, vector<8xf32>
    %h = arith.truncf %p : vector<8xf32> to vector<8xf16>
    vector.store %h, %a[%i] : memref<256xf16>, vector<8xf16>
    %bb = arith.truncf %p : vector<8xf32> to vector<8xbf16>
    vector.store %bb, %b[%i] : memref<256xbf16>, vector<8xbf16>
  }
  return
}

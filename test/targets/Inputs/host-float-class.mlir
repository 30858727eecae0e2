// Host twin of float-class.mlir's kernel, one element per workgroup.
func.func @kernel_classify_body(%a: memref<32xf32>, %b: memref<32xi8>,
                                %begin: index, %end: index) {
  %c1 = arith.constant 1 : index
  scf.for %i = %begin to %end step %c1 {
    %v = memref.load %a[%i] : memref<32xf32>
    %n = math.isnan %v : f32
    %f = math.isinf %v : f32
    %t = math.isfinite %v : f32
    %m = math.isnormal %v : f32
    %o1 = arith.ori %n, %f : i1
    %o2 = arith.xori %t, %m : i1
    %o = arith.ori %o1, %o2 : i1
    %byte = arith.extui %o : i1 to i8
    memref.store %byte, %b[%i] : memref<32xi8>
    %r = math.roundeven %v : f32
    %c = math.ceil %r : f32
    %z = math.trunc %c : f32
    %w = math.round %z : f32
    %s = math.copysign %w, %v : f32
    memref.store %s, %a[%i] : memref<32xf32>
  }
  return
}

// Elementwise f32 host kernels, one per math op, for accuracy sweeps:
// tgc-targets-test --run=kernel_<op>:<op>:LO:HI runs one against libm.
// Each workgroup handles 64 consecutive elements of a 4096-element buffer.

func.func @kernel_exp_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.exp %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_exp2_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.exp2 %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_expm1_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.expm1 %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_log_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.log %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_log2_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.log2 %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_log10_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.log10 %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_log1p_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.log1p %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_tanh_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.tanh %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_erf_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.erf %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_erfc_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.erfc %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_sin_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.sin %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_cos_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.cos %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_tan_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.tan %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_atan_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.atan %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_asin_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.asin %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_acos_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.acos %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_sinh_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.sinh %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_cosh_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.cosh %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_cbrt_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.cbrt %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_sqrt_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.sqrt %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_rsqrt_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.rsqrt %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_sigmoid_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %one = arith.constant 1.0 : f32
      %n = arith.negf %x : f32
      %e = math.exp %n : f32
      %d = arith.addf %one, %e : f32
      %y = arith.divf %one, %d : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

func.func @kernel_pow2_5_body(%in: memref<4096xf32>, %out: memref<4096xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %p = arith.constant 2.5 : f32
      %y = math.powf %x, %p : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

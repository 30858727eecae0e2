// RUN: tg-opt %s --split-input-file --verify-diagnostics

func.func @rank(%q: tensor<8xf32>, %k: tensor<8xf32>, %v: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{needs operands of rank 2 or more}}
  %o = tgc.attention %q, %k, %v scale = 1.0 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  return %o : tensor<8xf32>
}

// -----

func.func @batch(%q: tensor<2x4x8xf32>, %k: tensor<3x6x8xf32>, %v: tensor<2x6x5xf32>) -> tensor<2x4x5xf32> {
  // expected-error @+1 {{needs the same leading dimensions on every operand}}
  %o = tgc.attention %q, %k, %v scale = 1.0 : tensor<2x4x8xf32>, tensor<3x6x8xf32>, tensor<2x6x5xf32> -> tensor<2x4x5xf32>
  return %o : tensor<2x4x5xf32>
}

// -----

func.func @depth(%q: tensor<4x8xf32>, %k: tensor<6x7xf32>, %v: tensor<6x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{needs query and key of one depth}}
  %o = tgc.attention %q, %k, %v scale = 1.0 : tensor<4x8xf32>, tensor<6x7xf32>, tensor<6x5xf32> -> tensor<4x5xf32>
  return %o : tensor<4x5xf32>
}

// -----

func.func @values(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<5x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{needs as many values as keys}}
  %o = tgc.attention %q, %k, %v scale = 1.0 : tensor<4x8xf32>, tensor<6x8xf32>, tensor<5x5xf32> -> tensor<4x5xf32>
  return %o : tensor<4x5xf32>
}

// -----

func.func @result(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x5xf32>) -> tensor<4x6xf32> {
  // expected-error @+1 {{result must be [..., queries, value depth]}}
  %o = tgc.attention %q, %k, %v scale = 1.0 : tensor<4x8xf32>, tensor<6x8xf32>, tensor<6x5xf32> -> tensor<4x6xf32>
  return %o : tensor<4x6xf32>
}

// -----

func.func @mask(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x5xf32>, %m: tensor<6xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{mask must be [..., queries, keys]}}
  %o = tgc.attention %q, %k, %v mask %m scale = 1.0 : tensor<4x8xf32>, tensor<6x8xf32>, tensor<6x5xf32>, tensor<6xf32> -> tensor<4x5xf32>
  return %o : tensor<4x5xf32>
}

// -----

func.func @integers(%q: tensor<4x8xi32>, %k: tensor<6x8xi32>, %v: tensor<6x5xi32>) -> tensor<4x5xi32> {
  // expected-error @+1 {{needs one floating-point element type}}
  %o = tgc.attention %q, %k, %v scale = 1.0 : tensor<4x8xi32>, tensor<6x8xi32>, tensor<6x5xi32> -> tensor<4x5xi32>
  return %o : tensor<4x5xi32>
}

// -----

func.func @key_count_shape(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x5xf32>, %n: tensor<1xi32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{key_count must be a tensor<i32> or i32 [..., queries], not 'tensor<1xi32>'}}
  %o = tgc.attention %q, %k, %v key_count(%n : tensor<1xi32>) scale = 1.0 : tensor<4x8xf32>, tensor<6x8xf32>, tensor<6x5xf32> -> tensor<4x5xf32>
  return %o : tensor<4x5xf32>
}

// -----

func.func @key_count_type(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x5xf32>, %n: tensor<f32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{key_count must be a tensor<i32> or i32 [..., queries], not 'tensor<f32>'}}
  %o = tgc.attention %q, %k, %v key_count(%n : tensor<f32>) scale = 1.0 : tensor<4x8xf32>, tensor<6x8xf32>, tensor<6x5xf32> -> tensor<4x5xf32>
  return %o : tensor<4x5xf32>
}

// -----

func.func @visible(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x5xf32>, %vis: tensor<4x6xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{visible must be [..., queries, keys] of i1}}
  %o = tgc.attention %q, %k, %v visible(%vis : tensor<4x6xf32>) scale = 1.0 : tensor<4x8xf32>, tensor<6x8xf32>, tensor<6x5xf32> -> tensor<4x5xf32>
  return %o : tensor<4x5xf32>
}

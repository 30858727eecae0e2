// Shuffles, workgroup memory, barriers, vectors and f16 compile for NVIDIA
// and AMD. AMD code objects carry the kernels by name, and neither needs a
// device library: block and grid sizes come from the dispatch packet (or
// fold to known_block_size), not from ockl.
// RUN: tgc-targets-test %S/Inputs/gpu-kernels.mlir --target=sm_90 | FileCheck %s --check-prefix=PTX
// REQUIRES: ld.lld
// RUN: tgc-targets-test %S/Inputs/gpu-kernels.mlir --target=gfx1100 -o %t.hsaco
// RUN: llvm-readelf --notes %t.hsaco | FileCheck %s --check-prefix=NOTES
// RUN: llvm-nm -D --undefined-only %t.hsaco | count 0
// RUN: llvm-objdump -d --mcpu=gfx1100 %t.hsaco | FileCheck %s --check-prefix=ISA
// RUN: tgc-targets-test %S/Inputs/gpu-kernels.mlir --target=gfx90a -o %t.gfx90a.hsaco
// RUN: llvm-readelf --notes %t.gfx90a.hsaco | FileCheck %s --check-prefix=GFX90A

// PTX-NOT: .extern .func
// PTX: .extern .shared .align 16 .b8 __dynamic_shmem__0[];
// PTX-LABEL: .visible .entry row_sum(
// PTX: .maxntid 256, 1, 1
// PTX: .shared .align 4 .b8
// PTX: shfl.sync.bfly.b32
// PTX: bar.sync 0
// PTX-LABEL: .visible .entry vector_f16(
// PTX-NOT: .maxntid
// PTX: mov.u32 {{.*}}%ntid.x
// PTX: mov.u32 {{.*}}%nctaid.x
// PTX: ld.global.v4.{{[bf]}}32
// PTX: st.global.v4.{{[bf]}}32
// PTX-LABEL: .visible .entry reverse(
// PTX: st.shared.b32 [%rd{{[0-9]+}}]
// PTX: bar.sync 0

// NOTES: amdhsa.kernels:
// NOTES: .group_segment_fixed_size: 32
// NOTES: .kernarg_segment_size: 16
// NOTES: .max_flat_workgroup_size: 256
// NOTES: .name: row_sum
// NOTES: .wavefront_size: 32
// NOTES: .name: vector_f16
// NOTES: .name: reverse
// NOTES: amdhsa.target: amdgcn-amd-amdhsa--gfx1100
// NOTES: amdhsa.version:
// NOTES-NEXT: - 1
// NOTES-NEXT: - 2

// ISA-DAG: ds_bpermute_b32
// ISA-DAG: s_barrier
// ISA-DAG: global_store_b128
// vector_f16 reads workgroup_size_x (offset 4) and grid_size_x (offset 12)
// of the dispatch packet.
// ISA-DAG: s_load_b32 {{.*}}, 0x4 //
// ISA-DAG: s_load_b32 {{.*}}, 0xc //

// GFX90A: .name: row_sum
// GFX90A: .wavefront_size: 64
// GFX90A: amdhsa.target: amdgcn-amd-amdhsa--gfx90a

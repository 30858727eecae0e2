#!/usr/bin/env python3
"""Turns what NVIDIA's and LLVM's own tools say about a code object into
FileCheck lines for `tg-run --describe-code-object`, so the loaders in
hal/codeobject/ are checked against independent readers:

    reference-launch-checks.py cuobjdump ELF_DUMP RESOURCE_USAGE > checks
        (the output of `cuobjdump -elf X.cubin` and `cuobjdump -res-usage`)
    reference-launch-checks.py readelf NOTES DESCRIPTORS > checks
        (the output of `llvm-readelf --notes X.hsaco` and of
        `llvm-objdump -D -j .rodata X.hsaco`, which decodes the kernel
        descriptors)

Each kernel fact becomes a CHECK-DAG line (tg-run prefixes every line with
the kernel's name, so order does not matter). Fails if the tools described
no kernel, so an empty dump cannot pass.
"""
import re
import sys


def cuobjdump(elf_dump, resource_usage):
    checks = []
    sm = re.search(r"64-bit ELF: .*\bsm=(\d+)", elf_dump)
    kernels = re.findall(r"^\.nv\.info\.(\S+)$", elf_dump, re.M)
    checks.append(f"CHECK: cubin sm_{sm.group(1)}: {len(kernels)} kernel")
    # Per-kernel attribute sections: parameters and their bank.
    for block in re.split(r"^(?=\.nv\.info\.)", elf_dump, flags=re.M)[1:]:
        name = block.split("\n", 1)[0][len(".nv.info."):]
        for ordinal, offset, size in re.findall(
                r"Ordinal\s*:\s*(0x[0-9a-f]+)\s+Offset\s*:\s*(0x[0-9a-f]+)\s+"
                r"Size\s*:\s*(0x[0-9a-f]+)", block):
            checks.append(f"CHECK-DAG: {name}: argument {int(ordinal, 16)}: "
                          f"offset {int(offset, 16)}, {int(size, 16)} bytes")
        size = re.search(r"EIATTR_CBANK_PARAM_SIZE\n.*\n\tValue:\t(0x[0-9a-f]+)",
                         block)
        bank = re.search(r"EIATTR_PARAM_CBANK\n.*\n\tValue:\t0x[0-9a-f]+ "
                         r"(0x[0-9a-f]+)", block)
        if size and bank:
            checks.append(f"CHECK-DAG: {name}: arguments {int(size.group(1), 16)}"
                          f" bytes at constant bank 0 offset "
                          f"{hex(int(bank.group(1), 16) & 0xffff)}")
    # Registers, shared memory, stack and constant banks per function.
    for name, usage in re.findall(r"Function (\S+):\n\s*(.*)", resource_usage):
        if name not in kernels:
            continue  # device functions have no launch
        fields = dict(re.findall(r"(\S+):(\d+)", usage))
        checks.append(f"CHECK-DAG: {name}: registers {fields['REG']}, shared "
                      f"memory {fields['SHARED']} bytes, stack "
                      f"{fields['STACK']} bytes")
        for bank, size in re.findall(r"CONSTANT\[(\d+)\]:(\d+)", usage):
            checks.append(f"CHECK-DAG: {name}: constant bank {bank}: {size} "
                          "bytes")
    return checks, len(kernels)


def readelf(notes, descriptors):
    # From the descriptors: allocated VGPRs and whether scratch is on.
    decoded = {}
    for name, body in re.findall(r"^[0-9a-f]+ <(\S+)\.kd>:\n(.*?)"
                                 r"\.end_amdhsa_kernel", descriptors,
                                 re.M | re.S):
        vgprs = re.search(r"\.amdhsa_next_free_vgpr (\d+)", body).group(1)
        scratch = re.search(r"\.amdhsa_enable_private_segment (\d)",
                            body).group(1)
        decoded[name] = (vgprs, "on" if scratch == "1" else "off")
    target = re.search(r"amdhsa\.target:\s+\S+--(gfx\w+)", notes)
    # One kernel per "  - .args:" (or "  - ." without args) item of
    # amdhsa.kernels; keys are sorted, so .args come first.
    body = notes.split("amdhsa.kernels:", 1)[1].split("amdhsa.target", 1)[0]
    kernels = re.split(r"^  - ", body, flags=re.M)[1:]
    checks = [f"CHECK: hsaco {target.group(1)}: {len(kernels)} kernel"]
    for kernel in kernels:
        field = lambda key: re.search(r"^\s*\.?" + re.escape(key) +
                                      r":\s+(\S+)", kernel, re.M).group(1)
        name = field(".name")
        args = re.split(r"^      - ", kernel.split(".group_segment", 1)[0],
                        flags=re.M)[1:]
        for i, arg in enumerate(args):
            offset = re.search(r"\.offset:\s+(\d+)", arg).group(1)
            size = re.search(r"\.size:\s+(\d+)", arg).group(1)
            kind = re.search(r"\.value_kind:\s+(\S+)", arg).group(1)
            checks.append(f"CHECK-DAG: {name}: argument {i}: offset {offset}, "
                          f"{size} bytes, {kind}")
        vgprs, scratch = decoded[name]
        checks.append(f"CHECK-DAG: {name}: descriptor at file offset "
                      f"{{{{.*}}}}, scratch {scratch}")
        checks.append(f"CHECK-DAG: {name}: registers {field('.vgpr_count')} "
                      f"VGPRs ({vgprs} allocated), "
                      f"{field('.sgpr_count')} SGPRs, "
                      f"wave{field('.wavefront_size')}, shared memory "
                      f"{field('.group_segment_fixed_size')} bytes, stack "
                      f"{field('.private_segment_fixed_size')} bytes")
        checks.append(f"CHECK-DAG: {name}: arguments "
                      f"{field('.kernarg_segment_size')} bytes (kernarg "
                      f"segment, align {field('.kernarg_segment_align')})")
        block = re.search(r"\.reqd_workgroup_size:\s*\n\s*- (\d+)\n\s*- (\d+)"
                          r"\n\s*- (\d+)", kernel)
        if block:
            checks.append(f"CHECK-DAG: {name}: required block "
                          f"{'x'.join(block.groups())}")
    return checks, len(kernels)


def main():
    mode = sys.argv[1]
    texts = [open(path).read() for path in sys.argv[2:]]
    checks, kernels = (cuobjdump if mode == "cuobjdump" else readelf)(*texts)
    if kernels == 0:
        sys.exit(f"reference-launch-checks: {mode} described no kernel")
    print("\n".join(checks))


if __name__ == "__main__":
    main()

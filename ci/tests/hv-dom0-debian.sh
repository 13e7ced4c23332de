#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Debian's stock kernel (bzImage + xz, as shipped) is unpacked, loaded and
# entered as dom0, and its first hypercalls show in the hypercall trace.
# Until the PV MMU exists (issue 4) it stops at its first MMU call, and
# must then be crashed alone, with a register dump, while Ward goes on.
. "$(dirname "$0")/../lib.sh"

log=$TEST_DIR/serial.log
rc=0
boot_kernel "$log" 180 "test_exit loglvl=all dom0_mem=512M hypercall_trace" \
	"build/debian/vmlinuz console=hvc0 earlyprintk=xen,build/dom0-initrd.cpio.gz" || rc=$?
expect_status "$rc" "$QEMU_EXIT_OK" "run ends through Ward's test exit"
expect "$log" '^dom0: kernel: bzImage, xz payload, [0-9]+ KiB -> [0-9]+ KiB ELF' "xz payload decompressed"
expect "$log" '^dom0: guest OS linux, entry 0xffffffff8[0-9a-f]+, virt base 0xffffffff80000000' "Xen ELF notes read"
expect "$log" '^dom0: 512 MiB, region 0xffffffff80000000-' "bootstrap region laid out"
expect "$log" 'initrd by pfn' "initrd passed by PFN (MOD_START_PFN)"
expect "$log" '^d0v0: hypercall 17\(6, ' "first hypercall: xen_version(get_features)"
expect "$log" '^d0v0: hypercall 12\(c, ' "memory_op(machphys_mapping) reached"
expect "$log" '^ward: dom0 is gone' "dom0's end reported"
reject "$log" 'FATAL TRAP|PANIC' "the hypervisor did not fault"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The GRUB ISO boots the hypervisor with multiboot2 and both dom0 modules,
# every CPU comes up with a ticking timer, and nothing faults.
. "$(dirname "$0")/../lib.sh"

iso=$TEST_DIR/ward-test.iso
log=$TEST_DIR/serial.log
# dom0 boots to its shell; ward.test=poweroff makes its init power off.
WARD_TIMEOUT=0 WARD_HV_ARGS="console=com1 loglvl=all dom0_mem=512M test_exit" \
	WARD_DOM0_ARGS="console=hvc0 earlyprintk=xen ward.test=poweroff" \
	scripts/mkiso.sh "$iso" build/ward.elf build/kernel/bzImage build/dom0-initrd.cpio.gz \
	build/debian/vmlinuz ||
	{ bad "mkiso"; finish; }
rc=0
boot_iso "$log" 120 "$iso" || rc=$?
expect_status "$rc" "$QEMU_EXIT_OK" "QEMU powered off by Ward's test exit"
expect "$log" '^Ward [0-9.]+ \(x86-64 PV hypervisor\)' "banner"
expect "$log" '^Boot loader: GRUB.*\(multiboot2\)' "booted by GRUB with multiboot2"
expect "$log" '^Command line: console=com1 loglvl=all dom0_mem=512M test_exit$' "command line"
expect "$log" '^Modules: 2$' "two modules"
expect "$log" 'module 0: .*console=hvc0 earlyprintk=xen ward.test=poweroff$' "module 0 is the dom0 kernel with its command line"
expect "$log" '^  [0-9a-f]{16} - [0-9a-f]{16} RAM$' "memory map printed"
expect "$log" '^Paging: .*NX on, SMEP on, SMAP on' "NX, SMEP and SMAP on"
expect "$log" '^dom0_mem: 512 MiB requested' "dom0_mem parsed"
expect "$log" '^TSC: [0-9]+\.[0-9]{3} MHz' "TSC calibrated"
expect "$log" '^CPU 1: online' "second CPU online"
expect "$log" '^CPU 0: timer ticking' "CPU 0 timer ticks"
expect "$log" '^CPU 1: timer ticking' "CPU 1 timer ticks"
expect "$log" '^ward: 2 CPU\(s\) online' "both CPUs counted"
expect "$log" '^dom0: kernel: bzImage, gzip payload' "default entry: our kernel (gzip payload) unpacked"
expect "$log" 'Linux version 6\.1\.[0-9]+-ward' "our kernel boots as dom0"
expect "$log" '^ward: starting dom0' "dom0 started"
expect "$log" '^ward-dom0: init reached' "dom0 reached its init"
expect "$log" '^ward: dom0 is gone \(poweroff\)' "dom0 powered off and was reported"
reject "$log" 'FATAL|PANIC|NOT ticking|did not start' "no fault, no stuck CPU"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Our own kernel (make kernel: bzImage with a gzip payload) boots as dom0
# on Ward to the BusyBox init and powers off cleanly.
. "$(dirname "$0")/../lib.sh"

scripts/build-kernel.sh >/dev/null || { bad "kernel build"; finish; }
log=$TEST_DIR/serial.log
rc=0
boot_kernel "$log" 180 "test_exit loglvl=all dom0_mem=512M" \
	"build/kernel/bzImage console=hvc0 earlyprintk=xen ward.test=poweroff,build/dom0-initrd.cpio.gz" || rc=$?
expect_status "$rc" "$QEMU_EXIT_OK" "run ends through Ward's test exit"
expect "$log" '^dom0: kernel: bzImage, gzip payload' "gzip payload decompressed"
expect "$log" '\] Linux version 6\.1\.[0-9]+-ward' "our kernel's banner"
expect "$log" '^ward-dom0: init reached' "BusyBox init ran"
expect "$log" '^ward-dom0: xen capabilities .control_d.' "/proc/xen (xenfs) mounted and says control_d"
expect "$log" '^d0: shut down: poweroff' "dom0 powered itself off"
# Issue 6: hypervisor-caused errors Linux printed as dom0 on Ward but not
# on Xen 4.17 (docs/hypervisor.md "dom0 dmesg vs Xen 4.17").
expect "$log" '\] ACPI: RSDP 0x' "ACPI tables found (host e820, I/O memory)"
expect "$log" '\] PCI: Using configuration type 1' "PCI config ports reach the hardware"
reject "$log" 'A valid RSDP was not found|ACPI: Interpreter disabled' "no ACPI errors from missing tables"
reject "$log" 'xen_cpu: Failed to sync pcpu info' "platform_op answers the pcpu queries"
reject "$log" 'PCI: Fatal: No config space access|PCI: System does not support PCI' "PCI config space reachable"
reject "$log" 'Failed to add - passthrough or MSI' "PHYSDEVOP_pci_device_add accepted"
reject "$log" 'xen_mcelog: Failed to get CPU' "mca answers XEN_MC_physcpuinfo"
reject "$log" 'xen map irq failed|Failed to setup GSI|SCI \(ACPI GSI [0-9]+\) not registered|probe of .* failed with error -38' "GSIs map to PIRQs"
expect "$log" '\] serio: i8042 KBD port at 0x60,0x64 irq 1' "the keyboard controller's interrupt works (PIRQ)"
reject "$log" 'swiotlb_memblock_alloc: Failed to remap|software IO TLB: No low mem' "XENMEM_exchange gives swiotlb contiguous memory"
expect "$log" '\] software IO TLB: mapped \[mem ' "swiotlb set up"
reject "$log" 'FATAL TRAP|PANIC|crashed' "no fault anywhere"
finish

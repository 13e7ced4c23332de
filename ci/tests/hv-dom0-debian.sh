#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Debian's stock kernel (bzImage + xz, as shipped) is unpacked, loaded and
# entered as dom0; its first hypercalls show in the hypercall trace, and
# it boots through its page-table setup, events and timers to the BusyBox
# init in the initramfs, which (ward.test=poweroff) powers dom0 off; Ward
# reports the shutdown and ends the run.
. "$(dirname "$0")/../lib.sh"

# Boot 1, with the hypercall trace (its lines split the guest's console
# lines, so boot milestones are checked on boot 2).
log=$TEST_DIR/traced.log
rc=0
boot_kernel "$log" 180 "test_exit loglvl=all dom0_mem=512M hypercall_trace" \
	"build/debian/vmlinuz console=hvc0 earlyprintk=xen ward.test=poweroff,build/dom0-initrd.cpio.gz" || rc=$?
expect_status "$rc" "$QEMU_EXIT_OK" "traced run ends through Ward's test exit"
expect "$log" '^dom0: kernel: bzImage, xz payload, [0-9]+ KiB -> [0-9]+ KiB ELF' "xz payload decompressed"
expect "$log" '^dom0: guest OS linux, entry 0xffffffff8[0-9a-f]+, virt base 0xffffffff80000000' "Xen ELF notes read"
expect "$log" '^dom0: 512 MiB, region 0xffffffff80000000-' "bootstrap region laid out"
expect "$log" 'initrd by pfn' "initrd passed by PFN (MOD_START_PFN)"
expect "$log" '^d0v0: hypercall 17\(6, ' "first hypercall: xen_version(get_features)"
expect "$log" '^d0v0: hypercall 12\(c, .*\) = 0$' "memory_op(machphys_mapping) answered"
expect "$log" '^d0v0: hypercall 26\(.*\) = 0$' "mmuext_op (pin/unpin/new base) succeeds"
expect "$log" '^d0v0: hypercall 14\(.*\) = 0$' "update_va_mapping succeeds"
expect "$log" '^d0v0: hypercall 32\(1, .*\) = 0$' "event_channel_op(bind_virq) succeeds"
reject "$log" 'FATAL TRAP|PANIC' "traced run: the hypervisor did not fault"

# Boot 2, plain: the boot milestones up to the init in the initramfs.
log=$TEST_DIR/serial.log
rc=0
boot_kernel "$log" 180 "test_exit loglvl=all dom0_mem=512M" \
	"build/debian/vmlinuz console=hvc0 earlyprintk=xen ward.test=poweroff,build/dom0-initrd.cpio.gz" || rc=$?
expect_status "$rc" "$QEMU_EXIT_OK" "run ends through Ward's test exit"
expect "$log" '^mapping kernel into physical memory' "dom0's first console line (console_io)"
expect "$log" '^about to get started\.\.\.' "dom0 leaves xen_start_kernel"
expect "$log" '\] Linux version 6\.1\.' "dom0 prints its Linux version banner (earlyprintk=xen)"
expect "$log" '\] Hypervisor detected: Xen PV' "Linux detects Xen PV (CPUID leaves)"
expect "$log" '\] Xen: \[mem 0x0000000000100000-' "Linux reads its memory map (XENMEM_memory_map)"
expect "$log" '\] xen:events: Using 2-level ABI' "2-level event channels in use"
expect "$log" '\] printk: console \[hvc0\] enabled' "hvc0 console"
expect "$log" '\] clocksource: Switched to clocksource tsc' "time works: clocksource chosen (tsc, as on Xen 4.17 for dom0)"
expect "$log" '\] Run /init as init process' "kernel reached user space"
expect "$log" '^ward-dom0: init reached' "BusyBox init in the initramfs ran"
expect "$log" '^d0: shut down: poweroff' "dom0 powered itself off"
expect "$log" '^ward: dom0 is gone' "dom0's end reported"
# Issue 6: hypervisor-caused errors Linux printed as dom0 on Ward but not
# on Xen 4.17 (docs/hypervisor.md "dom0 dmesg vs Xen 4.17").
expect "$log" '\] ACPI: RSDP 0x' "ACPI tables found (host e820, I/O memory)"
expect "$log" '\] PCI: Using configuration type 1' "PCI config ports reach the hardware"
reject "$log" 'A valid RSDP was not found|ACPI: Interpreter disabled' "no ACPI errors from missing tables"
reject "$log" 'xen_cpu: Failed to sync pcpu info' "platform_op answers the pcpu queries"
reject "$log" 'PCI: Fatal: No config space access|PCI: System does not support PCI' "PCI config space reachable"
reject "$log" 'Failed to add - passthrough or MSI' "PHYSDEVOP_pci_device_add accepted"
reject "$log" 'xen_mcelog: Failed to get CPU' "mca answers XEN_MC_physcpuinfo"
reject "$log" 'mce: Unable to init MCE device' "MCE/MCA offered: Linux's MCE core comes up"
reject "$log" 'xen map irq failed|Failed to setup GSI|SCI \(ACPI GSI [0-9]+\) not registered|probe of .* failed with error -38' "GSIs map to PIRQs"
expect "$log" '\] serio: i8042 KBD port at 0x60,0x64 irq 1' "the keyboard controller's interrupt works (PIRQ)"
reject "$log" 'swiotlb_memblock_alloc: Failed to remap|software IO TLB: No low mem' "XENMEM_exchange gives swiotlb contiguous memory"
expect "$log" '\] software IO TLB: mapped \[mem ' "swiotlb set up"
reject "$log" 'FATAL TRAP|PANIC|crashed' "no fault anywhere"
finish

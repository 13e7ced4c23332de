#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# build/ward.elf boots straight from QEMU -kernel (multiboot1, as Xen's
# image does), with modules and their command lines from -initrd.
. "$(dirname "$0")/../lib.sh"

log=$TEST_DIR/serial.log
rc=0
boot_kernel "$log" 120 "loglvl=all test_exit" \
	"build/debian/vmlinuz console=hvc0 ward.test=poweroff,build/dom0-initrd.cpio.gz" || rc=$?
expect_status "$rc" "$QEMU_EXIT_OK" "QEMU powered off by Ward's test exit"
expect "$log" '^Ward [0-9.]+ \(x86-64 PV hypervisor\)' "banner"
expect "$log" '^Boot loader: qemu \(multiboot1\)' "booted by QEMU with multiboot1"
expect "$log" '^Command line: loglvl=all test_exit$' "image path stripped from the command line"
expect "$log" '^Modules: 2$' "two modules"
expect "$log" 'module 0: .*build/debian/vmlinuz console=hvc0 ward.test=poweroff' "module command line"
expect "$log" '^CPU 1: online' "second CPU online"
expect "$log" '^ward: 2 CPU\(s\) online' "both CPUs counted"
expect "$log" '^dom0: command line: console=hvc0 ward.test=poweroff$' "module path stripped from dom0's command line"
expect "$log" '^ward: starting dom0' "dom0 started"
reject "$log" 'FATAL|PANIC|NOT ticking' "no fault"

# Without test_exit, dom0's poweroff is the machine's: ACPI S5, after
# which QEMU exits with status 0. The write takes effect when QEMU gets to
# it, so nothing may claim it failed meanwhile.
log=$TEST_DIR/acpi-off.log
rc=0
boot_kernel "$log" 60 "loglvl=all" "build/guests/console-version.elf" || rc=$?
expect_status "$rc" 0 "ACPI power-off: QEMU exits"
expect "$log" '^ward: powering off$' "ACPI power-off: Ward says it powers off"
reject "$log" 'power off failed|still on|halting' "ACPI power-off: no claim that it failed"
finish

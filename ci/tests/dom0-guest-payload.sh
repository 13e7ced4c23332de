#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The ISO's dom0 initramfs (plain initramfs + guest payload appended) on
# Ward, with each dom0 kernel: both archives unpack, Debian's kernel loads
# every backend module of its load list, xenbr0 gets 10.0.0.1/24, the two
# example guests get their disks and configs, and ward.autostart= is
# handled in one line without stopping the boot. Last, the ISO that
# `make run-guests` builds boots its guests entry by default, whose dom0
# command line asks to autostart guest1 and guest2.
. "$(dirname "$0")/../lib.sh"

make --no-print-directory hypervisor kernel build/dom0-initrd-iso.cpio.gz >"$TEST_DIR/build.log" 2>&1 ||
	{ bad "building the ISO initramfs ($(tail -n1 "$TEST_DIR/build.log"))"; finish; }

# boot NAME KERNEL
boot() {
	local log=$TEST_DIR/$1.log rc=0
	boot_kernel "$log" 240 "test_exit loglvl=all dom0_mem=512M" \
		"$2 console=hvc0 earlyprintk=xen ward.autostart=nosuch ward.test=poweroff,build/dom0-initrd-iso.cpio.gz" || rc=$?
	expect_status "$rc" "$QEMU_EXIT_OK" "$1: run ends through Ward's test exit"
	expect "$log" '^ward-dom0: init reached' "$1: dom0 init ran"
	expect "$log" '^ward-dom0: bridge xenbr0 up, 10\.0\.0\.1/24' "$1: bridge with dom0's address"
	expect "$log" '^ward-dom0: guest disk /var/lib/ward/guest1\.img' "$1: guest1's disk made from the payload's image"
	expect "$log" '^ward-dom0: guest disk /var/lib/ward/guest2\.img' "$1: guest2's disk"
	expect "$log" '^ward-dom0: autostart: (wardctl is not installed|no /etc/ward/nosuch\.cfg, skipping nosuch)' \
		"$1: autostart of an unknown guest is one line, boot goes on"
	reject "$log" 'ward-dom0: warning' "$1: no warning from dom0's rcS"
	reject "$log" 'FATAL TRAP|PANIC|crashed|Kernel panic' "$1: no fault anywhere"
}

boot ours build/kernel/bzImage
boot debian build/debian/vmlinuz
n=$(wc -l <build/debian/modules/lib/modules/*/ward-dom0.load)
expect "$TEST_DIR/debian.log" "^ward-dom0: loaded $n modules for " "debian: all $n modules of ward-dom0.load loaded"

iso=$TEST_DIR/guests.iso
if WARD_DEFAULT=guests WARD_TIMEOUT=0 WARD_HV_ARGS="console=com1 loglvl=all dom0_mem=512M test_exit" \
	WARD_DOM0_ARGS="console=hvc0 earlyprintk=xen ward.test=poweroff" \
	scripts/mkiso.sh "$iso" build/ward.elf build/kernel/bzImage build/dom0-initrd-iso.cpio.gz \
	build/debian/vmlinuz >"$TEST_DIR/mkiso.log" 2>&1; then
	rc=0
	boot_iso "$TEST_DIR/iso.log" 300 "$iso" || rc=$?
	expect_status "$rc" "$QEMU_EXIT_OK" "guests ISO: run ends through Ward's test exit"
	expect "$TEST_DIR/iso.log" 'module 0: .*ward\.test=poweroff ward\.autostart=guest1,guest2$' \
		"guests ISO: default entry passes ward.autostart=guest1,guest2"
	expect "$TEST_DIR/iso.log" '^ward-dom0: guest disk /var/lib/ward/guest2\.img' \
		"guests ISO: the payload survives GRUB (disks made)"
	expect "$TEST_DIR/iso.log" '^ward-dom0: autostart: (wardctl is not installed|started guest1|wardctl create /etc/ward/guest1\.cfg failed)' \
		"guests ISO: dom0 acts on the autostart list"
else
	bad "mkiso with WARD_DEFAULT=guests ($(tail -n1 "$TEST_DIR/mkiso.log"))"
fi
if WARD_DEFAULT=7 scripts/mkiso.sh "$TEST_DIR/bad.iso" build/ward.elf build/kernel/bzImage \
	build/dom0-initrd.cpio.gz >"$TEST_DIR/bad.log" 2>&1; then
	bad "mkiso accepted WARD_DEFAULT=7 with three entries"
else
	expect "$TEST_DIR/bad.log" "^mkiso: error: WARD_DEFAULT must be" "mkiso refuses an entry that does not exist"
fi
finish

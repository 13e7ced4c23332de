#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Grant tables driven by Linux itself: each dom0 kernel (ours, Debian's)
# boots on Ward with an init that runs hypervisor/tests/dom0/gnt-selftest
# (gntalloc grants a page to dom0, gntdev maps and copies it). The
# initramfs is the usual dom0 one plus a small second archive with the
# test and its init, so the dom0 rootfs itself is not changed.
. "$(dirname "$0")/../lib.sh"

CC=${CC:-gcc}
make --no-print-directory hypervisor build/dom0-initrd.cpio.gz >"$TEST_DIR/build.log" 2>&1 &&
	scripts/build-kernel.sh >>"$TEST_DIR/build.log" 2>&1 &&
	$CC -static -O2 -Wall -Wextra -Werror -o "$TEST_DIR/gnt-selftest" \
		hypervisor/tests/dom0/gnt-selftest.c >>"$TEST_DIR/build.log" 2>&1 ||
	{ bad "build (see $TEST_DIR/build.log)"; finish; }
ok "build"

# The init: devices, Debian's Xen modules when the kernel is modular, the test.
root=$TEST_DIR/root
rm -rf "$root"
mkdir -p "$root/bin"
cp "$TEST_DIR/gnt-selftest" "$root/bin/gnt-selftest"
cat >"$root/bin/gnt-init" <<'INIT'
#!/bin/sh
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mods=/lib/modules/$(uname -r)/kernel/drivers/xen
for m in xen-gntdev xen-gntalloc; do
	[ -f "$mods/$m.ko" ] && insmod "$mods/$m.ko"
done
/bin/gnt-selftest
echo "gnt-init: exit status $?"
poweroff -f
INIT
chmod 755 "$root/bin/gnt-init"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip) >"$TEST_DIR/extra.cpio.gz"
cat build/dom0-initrd.cpio.gz "$TEST_DIR/extra.cpio.gz" >"$TEST_DIR/initrd.cpio.gz"

for k in ours:build/kernel/bzImage debian:build/debian/vmlinuz; do
	name=${k%%:*}
	kernel=${k#*:}
	[ -f "$kernel" ] || { bad "$name: no kernel at $kernel"; continue; }
	log=$TEST_DIR/$name.log
	rc=0
	boot_kernel "$log" 240 "test_exit loglvl=all dom0_mem=512M" \
		"$kernel console=hvc0 earlyprintk=xen rdinit=/bin/gnt-init,$TEST_DIR/initrd.cpio.gz" || rc=$?
	expect "$log" 'Grant tables using version 1 layout' "$name: Linux's grant table initialised"
	expect "$log" '^gnt-selftest: mapped, read and written' "$name: gntdev mapping of a gntalloc grant"
	expect "$log" '^gnt-selftest: copied' "$name: IOCTL_GNTDEV_GRANT_COPY"
	expect "$log" '^gnt-selftest: OK' "$name: unmapped and freed"
	expect "$log" '^gnt-init: exit status 0' "$name: self-test exit status 0"
	reject "$log" 'gnt-selftest: FAIL|FATAL TRAP|PANIC|crashed|BUG:|WARNING:' "$name: no failure or fault"
	expect "$log" '^d0: shut down: poweroff' "$name: dom0 powered off"
	expect_status "$rc" "$QEMU_EXIT_OK" "$name: run ends through Ward's test exit"
done
finish

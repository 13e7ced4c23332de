#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot the Ward kernel and dom0 initramfs as dom0 of Debian's real Xen in
# QEMU TCG. This checks our kernel config and initramfs against the
# reference hypervisor, so a failure of Ward's own hypervisor can be told
# apart from a broken kernel. Skips (exit 0) when Debian's Xen is absent.
set -euo pipefail

T=kernel-xen-dom0-boot-test
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
W=build/tests/kernel-xen-dom0-boot
XEN_GZ=${XEN_GZ:-/boot/xen-4.17-amd64.gz}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-180}
LOG=$W/serial.log

fail() { echo "$T: FAIL: $*"; exit 1; }

if [ ! -f "$XEN_GZ" ]; then
	echo "$T: SKIP: $XEN_GZ not found (apt-get install xen-hypervisor-4.17-amd64)"
	exit 0
fi
rm -rf "$W"
mkdir -p "$W"

scripts/build-kernel.sh || fail "scripts/build-kernel.sh failed"
dom0-rootfs/build.sh "$W/initramfs.cpio.gz" >"$W/initramfs.log" 2>&1 ||
	fail "dom0-rootfs/build.sh failed: $(tail -n1 "$W/initramfs.log")"
# QEMU's multiboot loader takes Xen's 32-bit ELF, not the gzip'd file.
gzip -dc "$XEN_GZ" >"$W/xen.elf" || fail "cannot unpack $XEN_GZ"

# Xen needs SMAP/SMEP off under TCG and owns com1, so dom0 uses hvc0.
# QEMU's -initrd takes "file args,file" for multiboot modules.
rc=0
timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max,-smap,-smep \
	-m 2048 -nographic -no-reboot -kernel "$W/xen.elf" \
	-append "console=com1 dom0_mem=512M dom0_max_vcpus=1" \
	-initrd "build/kernel/bzImage console=hvc0 ward.test=poweroff,$W/initramfs.cpio.gz" \
	</dev/null >"$LOG" 2>&1 || rc=$?

grep -aq 'Linux version [^ ]*-ward ' "$LOG" ||
	fail "no '-ward' Linux version line in $LOG (qemu exit $rc)"
grep -aq 'Hypervisor detected: Xen PV' "$LOG" || fail "kernel did not run as a Xen PV guest ($LOG)"
grep -aq 'ward-dom0: init reached' "$LOG" ||
	fail "marker 'ward-dom0: init reached' not seen in $LOG (qemu exit $rc)"
grep -aq "ward-dom0: xen capabilities 'control_d'" "$LOG" ||
	fail "dom0 did not report xen capabilities 'control_d' ($LOG)"
[ "$rc" -eq 0 ] || fail "qemu exit $rc (124 = timeout: poweroff did not stop it) in $LOG"

echo "$T: ok"

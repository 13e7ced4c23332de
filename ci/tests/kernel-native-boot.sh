#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build (or fetch from cache) the Ward kernel and the dom0 initramfs, boot
# them natively in QEMU TCG, and check that the -ward kernel reached init.
set -euo pipefail

T=kernel-native-boot-test
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
W=build/tests/kernel-native-boot
rm -rf "$W"
mkdir -p "$W"
LOG=$W/serial.log
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}

fail() { echo "$T: FAIL: $*"; exit 1; }

scripts/build-kernel.sh || fail "scripts/build-kernel.sh failed"
dom0-rootfs/build.sh "$W/initramfs.cpio.gz" >"$W/initramfs.log" 2>&1 ||
	fail "dom0-rootfs/build.sh failed: $(tail -n1 "$W/initramfs.log")"

rc=0
timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m 512M \
	-nographic -no-reboot -kernel build/kernel/bzImage \
	-initrd "$W/initramfs.cpio.gz" \
	-append "console=ttyS0 ward.test=poweroff" </dev/null >"$LOG" 2>&1 || rc=$?

grep -aq 'Linux version [^ ]*-ward ' "$LOG" ||
	fail "no '-ward' Linux version line in $LOG (qemu exit $rc)"
grep -aq 'ward-dom0: init reached' "$LOG" ||
	fail "marker 'ward-dom0: init reached' not seen in $LOG (qemu exit $rc)"
[ "$rc" -eq 0 ] || fail "qemu exit $rc (124 = timeout: poweroff did not stop it) in $LOG"

echo "$T: ok ($(grep -ao 'Linux version [^ ]*' "$LOG" | head -n1))"

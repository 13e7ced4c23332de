#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot our kernel natively in QEMU with the domU root image as a virtio
# disk (root=/dev/vda): the image's init must set the hostname from
# ward.name=, find eth0 configured by the kernel's ip= (IP_PNP), print its
# "NAME up" line and run the self-test, whose file check must pass. Then
# boot again with the disk read-only: the file check must say FAILED.
# A third boot gives eth0 its address through ward.ip= instead of ip=.
# (Pings are not checked here: natively there is no peer guest.)
set -euo pipefail

T=domu-native-boot-test
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
W=build/tests/domu-native-boot
rm -rf "$W"
mkdir -p "$W"
BOOT_TIMEOUT=${BOOT_TIMEOUT:-180}

fail() { echo "$T: FAIL: $*"; exit 1; }

scripts/build-kernel.sh >"$W/kernel.log" 2>&1 ||
	fail "scripts/build-kernel.sh failed: $(tail -n1 "$W/kernel.log")"
domU-images/build-image.sh "$W/rootfs.img" 32 >"$W/image.log" 2>&1 ||
	fail "build-image.sh failed: $(tail -n1 "$W/image.log")"

IP_PNP="ip=10.0.2.15::10.0.2.2:255.255.255.0:x:eth0:off"
# boot LOG READONLY [NET_ARGS]: one native boot; the image powers off
# after its self-test. NET_ARGS (default: the kernel's ip=) sets eth0 up.
boot() {
	local log=$1 ro=$2 net=${3:-$IP_PNP} rc=0
	timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m 256M \
		-nographic -no-reboot -kernel build/kernel/bzImage \
		-drive "file=$W/rootfs.img,if=virtio,format=raw,readonly=$ro" \
		-nic user,model=virtio-net-pci \
		-append "console=ttyS0 root=/dev/vda $net ward.name=native1 ward.selftest=10.0.2.2,10.0.2.2 ward.test=poweroff" \
		</dev/null >"$log" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || fail "qemu exit $rc (124 = timeout: the image did not power off) in $log"
}
# has LOG REGEX WHAT
has() { tr -d '\r' <"$1" | grep -aqE -- "$2" || fail "$3: no line matching /$2/ in $1"; }

boot "$W/rw.log" off
has "$W/rw.log" '^ward-domU: init reached' "init ran"
has "$W/rw.log" '^ward-domU: native1 up, root on /dev/vda, eth0 10\.0\.2\.15$' "hostname, root and IP_PNP address"
has "$W/rw.log" '^ward-selftest: native1 file ok$' "file written, synced, read back after dropping caches"
has "$W/rw.log" '^ward-selftest: native1 done' "self-test finished"
tr -d '\r' <"$W/rw.log" | grep -aq 'root stays read-only' && fail "root was not remounted rw in $W/rw.log"
e2fsck -fn "$W/rootfs.img" >"$W/fsck.log" 2>&1 || fail "image has fs errors after the run: $(tail -n1 "$W/fsck.log")"

boot "$W/ro.log" on
has "$W/ro.log" '^ward-selftest: native1 file FAILED' "a read-only disk fails the file check"
has "$W/ro.log" '^ward-selftest: native1 done, [1-9][0-9]* failed' "the summary counts the failure"

# Without ip= (Debian's kernel has no IP_PNP) the init itself sets eth0 up.
boot "$W/wardip.log" off ward.ip=10.0.2.16/24
has "$W/wardip.log" '^ward-domU: native1 up, root on /dev/vda, eth0 10\.0\.2\.16$' "ward.ip= configures eth0"
has "$W/wardip.log" '^ward-selftest: native1 file ok$' "file check again, on the same image"

echo "$T: ok"

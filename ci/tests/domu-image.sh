#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Test domU-images/build-image.sh: a clean ext4 image with BusyBox, init
# and the hostname, all owned by root; too-small and bad sizes refused.
set -euo pipefail

T=domu-image-test
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
W=build/tests/domu-image
rm -rf "$W"
mkdir -p "$W"
IMG=$W/rootfs.img

fail() { echo "$T: FAIL: $*"; exit 1; }

domU-images/build-image.sh "$IMG" 32 >"$W/build.log" 2>&1 ||
	fail "build-image.sh failed: $(tail -n1 "$W/build.log")"
[ "$(stat -c %s "$IMG")" -eq $((32 * 1024 * 1024)) ] || fail "image is not 32 MiB"
e2fsck -fn "$IMG" >"$W/fsck.log" 2>&1 || fail "e2fsck -fn reports errors: $(tail -n1 "$W/fsck.log")"

debugfs -R 'ls -l /bin' "$IMG" >"$W/bin.ls" 2>/dev/null || fail "debugfs cannot list /bin"
for f in busybox sh mount; do
	grep -qE " $f\$" "$W/bin.ls" || fail "/bin/$f missing from the image"
done
# busybox is a regular file of mode 755 owned by 0:0.
grep -qE '^ *[0-9]+ +100755 \([0-9]+\) +0 +0 .* busybox$' "$W/bin.ls" ||
	fail "/bin/busybox is not a root-owned 0755 file: $(grep busybox "$W/bin.ls")"
if [ -n "$(awk '$NF != "." && $NF != ".." && ($4 != 0 || $5 != 0)' "$W/bin.ls")" ]; then
	fail "files in /bin are not owned by root"
fi

# dbg CMD: debugfs output in a file, so that an early `grep -q` exit cannot
# SIGPIPE debugfs and fail the pipeline under pipefail.
dbg() { debugfs -R "$1" "$IMG" >"$W/dbg.out" 2>/dev/null || fail "debugfs '$1' failed"; }
dbg 'stat /sbin/init'
grep -q 'Type: symlink' "$W/dbg.out" || fail "/sbin/init missing"
dbg 'cat /etc/hostname'
grep -qx 'ward-domU' "$W/dbg.out" || fail "/etc/hostname does not say ward-domU"
dbg 'cat /etc/init.d/rcS'
grep -q 'echo "ward-domU: init reached"' "$W/dbg.out" || fail "rcS does not print the marker"
dbg 'cat /etc/inittab'
grep -q '^::sysinit:/etc/init.d/rcS' "$W/dbg.out" || fail "inittab does not run rcS"

# refuse SIZE REASON: the script must exit non-zero, say why, and leave no image.
refuse() {
	rm -f "$W/bad.img"
	if domU-images/build-image.sh "$W/bad.img" "$1" >"$W/bad.log" 2>&1; then
		fail "size '$1' was accepted"
	fi
	grep -q "$2" "$W/bad.log" || fail "size '$1' refused without '$2': $(head -n1 "$W/bad.log")"
	[ ! -e "$W/bad.img" ] || fail "size '$1' left an image behind"
}
refuse 1 'too small'
refuse 0 'too small'
refuse abc 'whole number'
refuse -5 'whole number'

echo "$T: ok"

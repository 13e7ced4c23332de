#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Test domU-images/: build-image.sh gives a clean ext4 image with BusyBox,
# init, the hostname, rcS and the self-test (all owned by root, the scripts
# valid sh); too-small and bad sizes are refused. build-debian-initrd.sh
# packs every module Debian's kernel needs as a domU, with the modules they
# depend on; the example configs name what the dom0 payload carries.
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

dbg 'cat /etc/init.d/rcS'
grep -q 'ward-domU: $name up, root on' "$W/dbg.out" || fail "rcS does not print the 'NAME up' line"
grep -q 'ward-selftest "$name"' "$W/dbg.out" || fail "rcS does not run ward-selftest"
busybox sh -n "$W/dbg.out" 2>"$W/sh.err" || fail "rcS in the image is not valid sh: $(head -n1 "$W/sh.err")"
dbg 'stat /usr/sbin/ward-selftest'
grep -qE 'Mode: +0755' "$W/dbg.out" || fail "/usr/sbin/ward-selftest is not mode 0755"
dbg 'cat /usr/sbin/ward-selftest'
busybox sh -n "$W/dbg.out" 2>"$W/sh.err" ||
	fail "ward-selftest in the image is not valid sh: $(head -n1 "$W/sh.err")"
for line in 'ward-selftest: $name $1 ok' 'ward-selftest: $name $1 FAILED' \
	'ward-selftest: $name done, $failed failed'; do
	grep -qF "$line" "$W/dbg.out" || fail "ward-selftest does not print '$line'"
done

# The self-test's usage error: wrong argument count is refused with 2.
rc=0
busybox sh domU-images/overlay/usr/sbin/ward-selftest a b >"$W/st.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "ward-selftest with 2 arguments exited $rc, want 2"
grep -q usage "$W/st.out" || fail "ward-selftest with 2 arguments printed no usage line"

# Debian domU initramfs: needs the modules fetch-debian-kernel.sh extracts.
MODS=build/debian/domU-modules
if [ -f build/debian/vmlinuz ] || scripts/fetch-debian-kernel.sh build/debian/vmlinuz >"$W/fetch.log" 2>&1; then
	[ -d "$MODS" ] || scripts/fetch-debian-kernel.sh build/debian/vmlinuz >"$W/fetch.log" 2>&1 ||
		fail "fetch-debian-kernel.sh failed: $(tail -n1 "$W/fetch.log")"
	domU-images/build-debian-initrd.sh "$W/initrd.gz" "$MODS" >"$W/initrd.log" 2>&1 ||
		fail "build-debian-initrd.sh failed: $(tail -n1 "$W/initrd.log")"
	zcat "$W/initrd.gz" | cpio -it --quiet >"$W/initrd.ls" 2>/dev/null ||
		fail "the Debian domU initramfs is not a gzip'd cpio"
	for f in init bin/busybox bin/sh bin/insmod bin/switch_root bin/setsid bin/cttyhack dev/console; do
		grep -qx "$f" "$W/initrd.ls" || fail "the Debian domU initramfs lacks /$f"
	done
	load=$(grep -E '^lib/modules/[^/]+/ward-domU.load$' "$W/initrd.ls") ||
		fail "the Debian domU initramfs has no ward-domU.load"
	rel=$(echo "$load" | cut -d/ -f3)
	zcat "$W/initrd.gz" | (cd "$W" && rm -rf x && mkdir x && cd x && cpio -id --quiet 2>/dev/null)
	busybox sh -n "$W/x/init" || fail "the initramfs /init is not valid sh"
	order=$W/x/$load
	for m in xen-blkfront xen-netfront ext4 jbd2 mbcache crc16 crc32c_generic; do
		grep -qE "(^|/)$m\.ko\$" "$order" || fail "ward-domU.load does not load $m"
	done
	# Every dependency named in the module's own .modinfo is in the image
	# and loaded before it: modinfo reads the "depends" the kernel checks.
	n=0
	while read -r m; do
		n=$((n + 1))
		[ -f "$W/x/lib/modules/$rel/$m" ] || fail "ward-domU.load names $m but the initramfs lacks it"
		for d in $(modinfo -F depends "$W/x/lib/modules/$rel/$m" | tr ',' ' '); do
			pos=$(grep -nE "(^|/)$d\.ko\$" "$order" | cut -d: -f1)
			[ -n "$pos" ] || fail "$m depends on $d, which the initramfs does not load"
			[ "$pos" -lt "$n" ] || fail "$m is loaded before its dependency $d"
		done
	done <"$order"
	# The dom0 side: backends, loop and the bridge, with theirs.
	dload=$(ls build/debian/modules/lib/modules/*/ward-dom0.load 2>/dev/null | head -n1)
	[ -n "$dload" ] || fail "no ward-dom0.load in build/debian/modules"
	for m in xen-blkback xen-netback loop bridge stp llc xenfs xen-privcmd xen-evtchn xen-gntdev xen-gntalloc; do
		grep -qE "(^|/)$m\.ko\$" "$dload" || fail "ward-dom0.load does not load $m"
	done
else
	fail "cannot fetch Debian's kernel: $(tail -n1 "$W/fetch.log")"
fi

# The example configs: each names a kernel and initrd the payload carries,
# an image ward-guest-disk makes, and a self-test peer that is the other guest.
for c in domU-images/configs/*.cfg; do
	k=$(sed -n 's/^kernel = "\(.*\)"$/\1/p' "$c")
	case "$k" in
	/usr/share/ward/kernels/ward-bzImage | /usr/share/ward/kernels/debian-vmlinuz) ;;
	*) fail "$c: kernel '$k' is not one the dom0 payload carries" ;;
	esac
	name=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$c")
	grep -qF "file:/var/lib/ward/$name.img,xvda,w" "$c" || fail "$c: disk is not /var/lib/ward/$name.img"
	grep -qF "ward.name=$name " "$c" || fail "$c: no ward.name=$name"
	case "$k" in
	*debian*) grep -qF 'ramdisk = "/usr/share/ward/kernels/debian-domU-initrd.gz"' "$c" ||
		fail "$c: Debian's kernel without its domU initramfs" ;;
	esac
done

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

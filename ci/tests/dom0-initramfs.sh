#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Test dom0-rootfs/build.sh: the archive builds without errors and holds
# the entries boot depends on, with the right types and owners.
set -euo pipefail

T=dom0-initramfs-test
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
W=build/tests/dom0-initramfs
rm -rf "$W"
mkdir -p "$W"

fail() { echo "$T: FAIL: $*"; exit 1; }

dom0-rootfs/build.sh "$W/initramfs.cpio.gz" >"$W/build.log" 2>&1 ||
	fail "dom0-rootfs/build.sh failed: $(tail -n1 "$W/build.log")"
gzip -t "$W/initramfs.cpio.gz" || fail "output is not valid gzip"
gzip -dc "$W/initramfs.cpio.gz" | cpio -itv --quiet >"$W/list" 2>"$W/cpio.err" ||
	fail "cpio cannot list the archive: $(head -n1 "$W/cpio.err")"

# entry NAME REGEX: the `cpio -tv` line for NAME must match REGEX.
entry() {
	local line
	line=$(awk -v n="$1" '$NF == n || ($(NF-2) == n && $(NF-1) == "->")' "$W/list")
	[ -n "$line" ] || fail "archive has no '$1'"
	[[ $line =~ $2 ]] || fail "'$1' is wrong: $line"
}
entry init '^l.* root +root .* init -> /bin/busybox$'
entry bin/busybox '^-rwxr-xr-x +1 root +root '
entry bin/sh '^l'
entry sbin/init '^l'
entry dev/console '^c.* 5, +1 '
entry dev/null '^c.* 1, +3 '
entry etc/inittab '^-'
entry etc/init.d/rcS '^-rwx'
entry proc '^d'
entry sys '^d'

# The boot marker and the poweroff switch are part of the contract.
gzip -dc "$W/initramfs.cpio.gz" | (cd "$W" && cpio -id --quiet etc/init.d/rcS etc/inittab)
grep -q 'echo "ward-dom0: init reached"' "$W/etc/init.d/rcS" || fail "rcS does not print the marker"
grep -q 'ward.test=poweroff' "$W/etc/init.d/rcS" || fail "rcS lacks ward.test=poweroff"
grep -q '^::sysinit:/etc/init.d/rcS' "$W/etc/inittab" || fail "inittab does not run rcS"

# Bad usage is refused.
if dom0-rootfs/build.sh >/dev/null 2>&1; then fail "build.sh without arguments succeeded"; fi

echo "$T: ok ($(wc -l <"$W/list") entries)"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The benchmark initramfs of scripts/bench.sh and scripts/count-cr3.sh:
# dom0's (dom0-rootfs/build.sh) with EXTRA's tree copied over it and
# bench/rootfs/etc/init.d/SCRIPT run by init right after rcS. The inittab
# is dom0's own plus that one line, so the initramfs is dom0's in every
# other respect.
#
# Usage: scripts/bench-initramfs.sh EXTRA SCRIPT OUT.cpio.gz LOG
# On failure, one line saying why on stderr and exit status 1.
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: scripts/bench-initramfs.sh EXTRA SCRIPT OUT.cpio.gz LOG" >&2; exit 1; }
extra=$1 script=$2 out=$3 log=$4
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mkdir -p "$extra/etc/init.d"
install -m 755 "bench/rootfs/etc/init.d/$script" "$extra/etc/init.d/$script"
awk -v line="::sysinit:/etc/init.d/$script" '{ print } /^::sysinit:\/etc\/init.d\/rcS$/ { print line; n++ }
	END { exit n != 1 }' dom0-rootfs/overlay/etc/inittab >"$extra/etc/inittab" || {
	echo "dom0-rootfs/overlay/etc/inittab has no single '::sysinit:/etc/init.d/rcS' line" >&2
	exit 1
}
DOM0_EXTRA_DIRS=$extra dom0-rootfs/build.sh "$out" >"$log" 2>&1 || {
	echo "dom0-rootfs/build.sh failed: $(tail -n 1 "$log")" >&2
	exit 1
}

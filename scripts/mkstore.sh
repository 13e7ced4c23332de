#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Make an empty guest store: a sparse raw disk image holding one ext4 file
# system labelled "ward-data", which dom0 mounts as /var/lib/ward and fills
# from the ISO's example guests on its first boot (dom0-rootfs/overlay/
# etc/init.d/rcS; docs/guests.md, "The guest store"). An existing file is
# never touched: the store keeps guests' disks, configs and logs.
#
# Usage: scripts/mkstore.sh OUT.img [SIZE]     SIZE as for truncate (default 4G)
set -euo pipefail

die() { echo "mkstore: error: $*" >&2; exit 1; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: scripts/mkstore.sh OUT.img [SIZE]"
out=$1 size=${2:-4G}
[ ! -e "$out" ] || die "$out exists; remove it yourself to start an empty store"
command -v mkfs.ext4 >/dev/null || die "mkfs.ext4 not found (apt-get install e2fsprogs)"

mkdir -p "$(dirname "$out")"
truncate -s "$size" "$out.tmp" || die "cannot make a $size file $out.tmp"
# Inode tables and journal written now, so that dom0's first mount does
# not start ext4's lazy-init thread on the machine's few CPUs.
if ! mkfs.ext4 -q -F -L ward-data -E lazy_itable_init=0,lazy_journal_init=0 \
	"$out.tmp" >"$out.log" 2>&1; then
	cat "$out.log" >&2
	rm -f "$out.tmp" "$out.log"
	die "mkfs.ext4 failed"
fi
rm -f "$out.log"
mv "$out.tmp" "$out"
echo "mkstore: made $out (${size}, sparse: $(du -h "$out" | cut -f1) used), an empty guest store"

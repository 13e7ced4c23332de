#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the guest payload of the ISO's dom0: a gzip'd cpio appended to the
# dom0 initramfs (the kernel unpacks concatenated archives in order), so
# that dom0 can start the example guests from what it carries:
#   /usr/share/ward/domU-rootfs.img.gz     BusyBox ext4 root, compressed;
#                                          ward-guest-disk unpacks a copy
#                                          per guest into /var/lib/ward
#   /usr/share/ward/kernels/ward-bzImage   our kernel (dom0 and domU)
#   /usr/share/ward/kernels/debian-vmlinuz Debian's stock kernel
#   /usr/share/ward/kernels/debian-domU-initrd.gz  its module initramfs
#   /etc/ward/*.cfg                        domU-images/configs/
# Kept out of the plain dom0 initramfs: it is about 13 MB, which every
# other dom0 boot would otherwise unpack into RAM for nothing.
#
# Usage: domU-images/build-dom0-payload.sh OUT.cpio.gz ROOTFS.img OUR_KERNEL DEBIAN_KERNEL DEBIAN_DOMU_INITRD
set -euo pipefail

PROG=dom0-payload
die() { echo "$PROG: error: $*" >&2; exit 1; }

[ $# -eq 5 ] ||
	die "usage: domU-images/build-dom0-payload.sh OUT.cpio.gz ROOTFS.img OUR_KERNEL DEBIAN_KERNEL DEBIAN_DOMU_INITRD"
OUT=$1 IMG=$2 OURS=$3 DEB=$4 DEBRD=$5
for f in "$IMG" "$OURS" "$DEB" "$DEBRD"; do
	[ -f "$f" ] || die "$f: no such file"
done
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MKCPIO=$HERE/../dom0-rootfs/mkcpio.py

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/ward-payload.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
ROOT=$STAGE/root
mkdir -p "$ROOT/usr/share/ward/kernels" "$ROOT/etc/ward" "$ROOT/var/lib/ward"
gzip -9 -n -c "$IMG" >"$ROOT/usr/share/ward/domU-rootfs.img.gz"
cp "$OURS" "$ROOT/usr/share/ward/kernels/ward-bzImage"
cp "$DEB" "$ROOT/usr/share/ward/kernels/debian-vmlinuz"
cp "$DEBRD" "$ROOT/usr/share/ward/kernels/debian-domU-initrd.gz"
cp "$HERE"/configs/*.cfg "$ROOT/etc/ward/"
chmod 644 "$ROOT"/usr/share/ward/kernels/* "$ROOT"/etc/ward/*.cfg "$ROOT/usr/share/ward/domU-rootfs.img.gz"

(
	cd "$ROOT"
	find . -mindepth 1 | LC_ALL=C sort | while read -r p; do
		name=${p#./}
		mode=$(stat -c %a "$p")
		if [ -d "$p" ]; then
			echo "dir $name $mode 0 0"
		else
			echo "file $name $ROOT/$name $mode 0 0"
		fi
	done
) >"$STAGE/list"

mkdir -p "$(dirname "$OUT")"
# The kernels and the .gz image do not compress further; -1 is enough.
python3 "$MKCPIO" "$STAGE/list" | gzip -1 -n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$PROG: wrote $OUT ($(stat -c %s "$OUT") bytes)"

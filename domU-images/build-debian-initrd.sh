#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the initramfs that lets Debian's stock kernel boot as a Ward domU:
# BusyBox, the modules it needs for its root disk and network
# (blkfront, netfront, ext4 and their dependencies) and an /init that
# loads them, waits for root= and switch_root's into it (initrd-init).
#
# Usage: domU-images/build-debian-initrd.sh OUT.cpio.gz MODULES_DIR
#   MODULES_DIR  tree with lib/modules/RELEASE/ward-domU.load and the
#                modules it lists (build/debian/domU-modules, written by
#                scripts/fetch-debian-kernel.sh)
# Environment:
#   BUSYBOX  static busybox to install (default /bin/busybox)
set -euo pipefail

PROG=debian-domU-initrd
die() { echo "$PROG: error: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: domU-images/build-debian-initrd.sh OUT.cpio.gz MODULES_DIR"
OUT=$1 MODS=$2
[ -n "$OUT" ] || die "output path is empty"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MKCPIO=$HERE/../dom0-rootfs/mkcpio.py
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || die "busybox not found at '$BUSYBOX' (apt-get install busybox-static)"
command -v python3 >/dev/null || die "python3 not found"

shopt -s nullglob
lists=("$MODS"/lib/modules/*/ward-domU.load)
shopt -u nullglob
[ ${#lists[@]} -eq 1 ] ||
	die "'$MODS' must hold exactly one lib/modules/RELEASE/ward-domU.load (found ${#lists[@]}); run scripts/fetch-debian-kernel.sh"
reldir=$(dirname "${lists[0]}")
while read -r m; do
	[ -f "$reldir/$m" ] || die "ward-domU.load names $m but $reldir/$m is missing"
done <"${lists[0]}"

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/ward-domU-initrd.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
ROOT=$STAGE/root
mkdir -p "$ROOT"/{bin,sbin,proc,sys,dev,newroot,lib/modules}
cp "$BUSYBOX" "$ROOT/bin/busybox"
chmod 755 "$ROOT/bin/busybox"
# Only the applets initrd-init and a rescue shell use.
for a in sh cat echo mount umount mkdir sleep insmod switch_root ls dmesg setsid cttyhack; do
	ln -s busybox "$ROOT/bin/$a"
done
cp "$HERE/initrd-init" "$ROOT/init"
chmod 755 "$ROOT/init"
cp -R "$reldir" "$ROOT/lib/modules/"

(
	cd "$ROOT"
	find . -mindepth 1 | LC_ALL=C sort | while read -r p; do
		name=${p#./}
		mode=$(stat -c %a "$p")
		if [ -L "$p" ]; then
			echo "slink $name $(readlink "$p") 777 0 0"
		elif [ -d "$p" ]; then
			echo "dir $name $mode 0 0"
		else
			echo "file $name $ROOT/$name $mode 0 0"
		fi
	done
	echo "nod dev/console 600 0 0 c 5 1"
	echo "nod dev/null 666 0 0 c 1 3"
) >"$STAGE/list"

mkdir -p "$(dirname "$OUT")"
python3 "$MKCPIO" "$STAGE/list" | gzip -9 -n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$PROG: wrote $OUT ($(stat -c %s "$OUT") bytes, $(wc -l <"${lists[0]}") modules for $(basename "$reldir"))"

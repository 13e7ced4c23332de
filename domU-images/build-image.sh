#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the Ward BusyBox domU root filesystem as an ext4 image file.
#
# Usage: domU-images/build-image.sh OUT.img SIZE_MB
#
# Needs no root and no loop mount: the tree is staged in a temp dir and
# written into the image by `mkfs.ext4 -d`; debugfs then makes every inode
# owned by 0:0, since -d copies the (possibly unprivileged) builder's ids.
# The image is a plain ext4 filesystem without a partition table, ready to
# be a domU's xvda (root=/dev/xvda) or a native virtio disk (root=/dev/vda).
# Environment:
#   BUSYBOX  static busybox to install (default /bin/busybox)
set -euo pipefail

PROG=domU-image
die() { echo "$PROG: error: $*" >&2; exit 1; }

# Filesystem metadata, the 4 MiB journal mke2fs picks for small images and
# some free room, on top of the files themselves.
OVERHEAD_MB=8
MAX_MB=65536

[ $# -eq 2 ] || die "usage: domU-images/build-image.sh OUT.img SIZE_MB"
OUT=$1
SIZE_MB=$2
[ -n "$OUT" ] || die "output path is empty"
[[ $SIZE_MB =~ ^[0-9]+$ ]] || die "SIZE_MB must be a whole number of MiB, got '$SIZE_MB'"
SIZE_MB=$((10#$SIZE_MB))
[ "$SIZE_MB" -le "$MAX_MB" ] || die "SIZE_MB $SIZE_MB is larger than the $MAX_MB MiB this script allows"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || die "busybox not found at '$BUSYBOX' (apt-get install busybox-static)"
for t in mkfs.ext4 debugfs truncate; do
	command -v "$t" >/dev/null || die "$t not found (apt-get install e2fsprogs coreutils)"
done
if command -v readelf >/dev/null; then
	case $(readelf -l "$BUSYBOX" 2>/dev/null || true) in
	*"program interpreter"*) die "'$BUSYBOX' is dynamically linked; a static busybox is needed (busybox-static)" ;;
	esac
fi

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/ward-domU.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
ROOT=$STAGE/root

mkdir -p "$ROOT"
for d in bin sbin usr/bin usr/sbin etc proc sys dev run tmp root mnt \
	var/log var/lib; do
	mkdir -p "$ROOT/$d"
done
chmod 1777 "$ROOT/tmp"
chmod 700 "$ROOT/root"
cp "$BUSYBOX" "$ROOT/bin/busybox"
chmod 755 "$ROOT/bin/busybox"
# One symlink per applet at the path busybox reports; sbin/init is among
# them, and the kernel runs it after mounting this image as root.
"$BUSYBOX" --list-full | while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	mkdir -p "$ROOT/$(dirname "$applet")"
	ln -sf /bin/busybox "$ROOT/$applet"
done
[ -L "$ROOT/sbin/init" ] || die "busybox has no init applet"
cp -R "$HERE/overlay/." "$ROOT/"
chmod 755 "$ROOT/etc/init.d/rcS" "$ROOT/usr/sbin/ward-selftest"

need_mb=$(( ($(du -s --block-size=1M "$ROOT" | cut -f1)) + OVERHEAD_MB ))
[ "$SIZE_MB" -ge "$need_mb" ] ||
	die "SIZE_MB $SIZE_MB is too small: the files need at least $need_mb MiB"

mkdir -p "$(dirname "$OUT")"
TMP_IMG=$OUT.tmp
rm -f "$TMP_IMG"
truncate -s "${SIZE_MB}M" "$TMP_IMG"
if ! mkfs.ext4 -q -F -L ward-domU -E root_owner=0:0 -d "$ROOT" "$TMP_IMG" \
	>"$STAGE/mkfs.log" 2>&1; then
	cat "$STAGE/mkfs.log" >&2
	rm -f "$TMP_IMG"
	die "mkfs.ext4 failed"
fi

# Hand every inode to root. debugfs does not follow the final symlink of a
# path, so links themselves are changed, not busybox over and over.
(
	cd "$ROOT"
	find . -mindepth 1 | while read -r p; do
		echo "set_inode_field /${p#./} uid 0"
		echo "set_inode_field /${p#./} gid 0"
	done
) >"$STAGE/owners.cmd"
if ! debugfs -w -f "$STAGE/owners.cmd" "$TMP_IMG" >"$STAGE/debugfs.log" 2>&1 ||
	grep -qiE 'not found|error|invalid' "$STAGE/debugfs.log"; then
	tail -n 20 "$STAGE/debugfs.log" >&2
	rm -f "$TMP_IMG"
	die "debugfs could not set file owners"
fi

mv "$TMP_IMG" "$OUT"
echo "$PROG: wrote $OUT ($SIZE_MB MiB ext4, $(find "$ROOT" -mindepth 1 | wc -l) files)"

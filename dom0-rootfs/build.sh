#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the Ward dom0 initramfs (BusyBox + overlay/) as a gzip'd newc cpio.
#
# Usage: dom0-rootfs/build.sh OUT.cpio.gz
#
# Needs no root: the tree is staged in a temp dir, then mkcpio.py writes the
# archive from a list, adding /dev/console and /dev/null as device nodes and
# making every entry owned by 0:0.
# Environment:
#   BUSYBOX          static busybox to install (default /bin/busybox)
#   DOM0_EXTRA_DIRS  colon-separated directories whose contents are copied
#                    over the tree after overlay/ (e.g. the toolstack's
#                    install dir); absent directories are an error
set -euo pipefail

PROG=dom0-rootfs
die() { echo "$PROG: error: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: dom0-rootfs/build.sh OUT.cpio.gz"
OUT=$1
[ -n "$OUT" ] || die "output path is empty"
case "$OUT" in
*/) die "output path '$OUT' is a directory" ;;
esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}

[ -x "$BUSYBOX" ] || die "busybox not found at '$BUSYBOX' (apt-get install busybox-static)"
command -v python3 >/dev/null || die "python3 not found"
command -v gzip >/dev/null || die "gzip not found"
# A dynamically linked busybox would find no libc in the initramfs and the
# boot would die with a bare "Kernel panic - not syncing: No working init".
if command -v readelf >/dev/null; then
	case $(readelf -l "$BUSYBOX" 2>/dev/null || true) in
	*"program interpreter"*) die "'$BUSYBOX' is dynamically linked; a static busybox is needed (busybox-static)" ;;
	esac
fi

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/ward-dom0.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
ROOT=$STAGE/root
LIST=$STAGE/list

mkdir -p "$ROOT"
for d in bin sbin usr/bin usr/sbin etc proc sys dev run tmp root \
	var/log var/lock var/lib mnt; do
	mkdir -p "$ROOT/$d"
done
chmod 1777 "$ROOT/tmp"
chmod 700 "$ROOT/root"

cp "$BUSYBOX" "$ROOT/bin/busybox"
chmod 755 "$ROOT/bin/busybox"
# One symlink per applet at the path busybox itself reports for it.
"$BUSYBOX" --list-full | while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	mkdir -p "$ROOT/$(dirname "$applet")"
	ln -sf /bin/busybox "$ROOT/$applet"
done
# The kernel runs /init from an initramfs; busybox picks its applet from
# the basename, so this is BusyBox init reading /etc/inittab.
ln -sf /bin/busybox "$ROOT/init"

cp -R "$HERE/overlay/." "$ROOT/"
if [ -n "${DOM0_EXTRA_DIRS:-}" ]; then
	IFS=: read -r -a extra <<<"$DOM0_EXTRA_DIRS"
	for d in "${extra[@]}"; do
		[ -d "$d" ] || die "DOM0_EXTRA_DIRS entry '$d' is not a directory"
		cp -R "$d/." "$ROOT/"
	done
fi
# Git keeps only the executable bit; make sure the boot scripts have it.
chmod 755 "$ROOT/etc/init.d/rcS" "$ROOT/usr/sbin/ward-guest-disk" \
	"$ROOT/usr/share/udhcpc/default.script"

# Build the mkcpio list. Names with blanks or '#' cannot be expressed in it.
(
	cd "$ROOT"
	find . -mindepth 1 | LC_ALL=C sort | while read -r p; do
		name=${p#./}
		case "$name" in
		*[[:space:]#]*) die "file name '$name' has a blank or '#'" ;;
		esac
		mode=$(stat -c %a "$p")
		if [ -L "$p" ]; then
			echo "slink $name $(readlink "$p") 777 0 0"
		elif [ -d "$p" ]; then
			echo "dir $name $mode 0 0"
		elif [ -f "$p" ]; then
			echo "file $name $ROOT/$name $mode 0 0"
		else
			die "'$name' is neither file, directory nor symlink"
		fi
	done
	echo "nod dev/console 600 0 0 c 5 1"
	echo "nod dev/null 666 0 0 c 1 3"
) >"$LIST"

mkdir -p "$(dirname "$OUT")"
python3 "$HERE/mkcpio.py" "$LIST" | gzip -9 -n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$PROG: wrote $OUT ($(stat -c %s "$OUT") bytes, $(grep -c . "$LIST") entries)"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch Debian's stock kernel (linux-image-6.1.0-*-amd64, as shipped) with
# apt-get download into a cache outside the repo, and copy its vmlinuz to OUT.
# Its Xen drivers that are modules (xenfs, privcmd, evtchn, gntdev,
# gntalloc) go to $(dirname OUT)/modules/lib/modules/RELEASE/..., for the
# dom0 initramfs to carry.
# The cache is keyed by the package name and version, so an unchanged
# archive means no download.
#
# Usage: scripts/fetch-debian-kernel.sh OUT
# Environment: WARD_CACHE (default ~/.cache/ward)
set -euo pipefail

die() { echo "fetch-debian-kernel: error: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: scripts/fetch-debian-kernel.sh OUT"
out=$1
cache=${WARD_CACHE:-$HOME/.cache/ward}/debian-kernel

# Which concrete image package does the metapackage point at?
resolve() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n 1
}
pkg=$(resolve)
if [ -z "$pkg" ]; then
	# No package lists yet on a fresh machine.
	apt-get update -q >/dev/null 2>&1 || true
	pkg=$(resolve)
fi
[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 to a 6.1 kernel package (apt-get update?)"
ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no candidate version for $pkg"

dir=$cache/${pkg}_$ver
if [ ! -f "$dir/vmlinuz" ]; then
	echo "fetch-debian-kernel: downloading $pkg $ver"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	# apt warns that root's download is unsandboxed; keep its output for failures only.
	if ! (cd "$dir.tmp" && apt-get download -q "$pkg=$ver") >"$dir.tmp.log" 2>&1; then
		cat "$dir.tmp.log" >&2
		die "apt-get download $pkg=$ver failed (offline?)"
	fi
	rm -f "$dir.tmp.log"
	dpkg-deb -x "$dir.tmp"/*.deb "$dir.tmp/root"
	vmlinuz=$(ls "$dir.tmp"/root/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$vmlinuz" ] || die "$pkg has no /boot/vmlinuz-*"
	cp "$vmlinuz" "$dir.tmp/vmlinuz"
	basename "$vmlinuz" | sed 's/^vmlinuz-//' > "$dir.tmp/release"
	rel=$(cat "$dir.tmp/release")
	xen=lib/modules/$rel/kernel/drivers/xen
	mkdir -p "$dir.tmp/modules/$xen/xenfs"
	for m in xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs/xenfs; do
		[ -f "$dir.tmp/root/$xen/$m.ko" ] && cp "$dir.tmp/root/$xen/$m.ko" "$dir.tmp/modules/$xen/$m.ko"
	done
	rm -rf "$dir.tmp/root" "$dir.tmp"/*.deb
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
fi
mkdir -p "$(dirname "$out")"
if [ -d "$dir/modules" ]; then
	rm -rf "$(dirname "$out")/modules"
	cp -r "$dir/modules" "$(dirname "$out")/modules"
fi
cp "$dir/vmlinuz" "$out.tmp"
mv "$out.tmp" "$out"
echo "fetch-debian-kernel: $out is $pkg $ver ($(cat "$dir/release"))"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch Debian's stock kernel (linux-image-6.1.0-*-amd64, as shipped) with
# apt-get download into a cache outside the repo, and copy its vmlinuz to OUT.
# Two sets of its modules are kept, each with everything it depends on
# (resolved by running depmod on the package's own tree, not guessed) and a
# load-order list, dependencies first:
#   $(dirname OUT)/modules/lib/modules/RELEASE/...        dom0: xenfs,
#       privcmd, evtchn, gntdev, gntalloc, blkback, netback, loop, bridge,
#       the virtio PCI disk and NIC, ext4 (for the guest store);
#       order in .../RELEASE/ward-dom0.load (the dom0 initramfs carries it)
#   $(dirname OUT)/domU-modules/lib/modules/RELEASE/...   domU: blkfront,
#       netfront, ext4 (+ crc32c for its checksums); order in
#       .../RELEASE/ward-domU.load (domU-images/build-debian-initrd.sh packs it)
# The cache is keyed by the package name and version (and LAYOUT, bumped
# when what is extracted changes), so an unchanged archive means no download.
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

# Bump when the extracted set changes, so an old cache entry is redone.
LAYOUT=3
# Module names as depmod knows them (basename of the .ko without suffix).
# dom0 drives the machine's PCI devices itself, as under Xen: the virtio
# disk and NIC QEMU gives it (scripts/run-qemu.sh), and ext4 for the guest
# store on that disk (dom0-rootfs/overlay/etc/init.d/rcS).
DOM0_MODS="xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs xen-blkback xen-netback loop bridge
	virtio_pci virtio_blk virtio_net crc32c_generic ext4"
# ext4 asks for the crypto "crc32c" algorithm at mount time (a softdep,
# not in modules.dep); the generic C implementation always works.
DOMU_MODS="xen-blkfront xen-netfront crc32c_generic ext4"

dir=$cache/${pkg}_$ver.l$LAYOUT

# extract_set ROOT RELEASE DEST LOADLIST MODULE...: copy each module and,
# per ROOT's modules.dep, everything it needs into DEST/lib/modules/RELEASE/,
# and write LOADLIST there: one path (relative to that dir) a line, each
# module after the ones it depends on, each once. A missing module is fatal.
extract_set() {
	local root=$1 rel=$2 dest=$3 list=$4
	shift 4
	local mdir=$root/lib/modules/$rel
	local -A seen=()
	local order=()
	# visit PATH: depth-first, dependencies before the module itself.
	visit() {
		local path=$1 deps d
		[ -z "${seen[$path]:-}" ] || return 0
		seen[$path]=1
		deps=$(sed -n "s|^$path:||p" "$mdir/modules.dep")
		for d in $deps; do
			visit "$d"
		done
		order+=("$path")
	}
	local m path
	for m in "$@"; do
		path=$(grep -E "(^|/)$m\.ko:" "$mdir/modules.dep" | head -n1 | cut -d: -f1)
		[ -n "$path" ] || die "module $m is not in $pkg's modules.dep"
		visit "$path"
	done
	mkdir -p "$dest/lib/modules/$rel"
	for path in "${order[@]}"; do
		mkdir -p "$dest/lib/modules/$rel/$(dirname "$path")"
		cp "$mdir/$path" "$dest/lib/modules/$rel/$path"
	done
	printf '%s\n' "${order[@]}" >"$dest/lib/modules/$rel/$list"
}
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
	cp "$dir.tmp"/root/boot/config-"$rel" "$dir.tmp/config" 2>/dev/null || true
	# The package ships no modules.dep (the postinst makes it); make it here.
	command -v depmod >/dev/null || die "depmod not found (apt-get install kmod)"
	depmod -b "$dir.tmp/root" "$rel" || die "depmod failed on $pkg"
	extract_set "$dir.tmp/root" "$rel" "$dir.tmp/modules" ward-dom0.load $DOM0_MODS
	extract_set "$dir.tmp/root" "$rel" "$dir.tmp/domU-modules" ward-domU.load $DOMU_MODS
	rm -rf "$dir.tmp/root" "$dir.tmp"/*.deb
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
fi
mkdir -p "$(dirname "$out")"
for d in modules domU-modules; do
	rm -rf "$(dirname "$out")/$d"
	cp -r "$dir/$d" "$(dirname "$out")/$d"
done
cp "$dir/vmlinuz" "$out.tmp"
mv "$out.tmp" "$out"
echo "fetch-debian-kernel: $out is $pkg $ver ($(cat "$dir/release"))"

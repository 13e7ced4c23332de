#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install, only when missing, every Debian package Ward's build, run and tests need.
# Idempotent: a machine that has everything prints one line and touches nothing.
# Without root or without the archive it names what is missing and exits non-zero.
set -eu

# One package a line; keep in sync with README.md's "Requirements".
PACKAGES="
build-essential
binutils
make
gcc
python3
grub-pc-bin
grub-common
xorriso
mtools
qemu-system-x86
qemu-utils
busybox-static
cpio
gzip
xz-utils
e2fsprogs
libxen-dev
libcmocka-dev
linux-source-6.1
bc
bison
flex
libssl-dev
libelf-dev
dwarves
kmod
rsync
quilt
gnuplot-nox
xen-hypervisor-4.17-amd64
"

missing=""
for p in $PACKAGES; do
	# dpkg-query prints "install ok installed" only for a fully installed package.
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

echo "install-deps: missing:$missing"
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		SUDO=sudo
	else
		echo "install-deps: error: not root; install as root: apt-get install$missing" >&2
		exit 1
	fi
else
	SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -q >/dev/null; then
	echo "install-deps: error: apt-get update failed (offline?); missing:$missing" >&2
	exit 1
fi
# --no-install-recommends keeps the Xen hypervisor package from pulling a
# GRUB reconfiguration of the host; Ward only reads its files.
if ! $SUDO apt-get install -y -q --no-install-recommends $missing; then
	echo "install-deps: error: apt-get install failed; missing:$missing" >&2
	exit 1
fi
echo "install-deps: installed:$missing"

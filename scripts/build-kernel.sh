#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build Ward's Linux kernel (dom0, domU and native in one image), cached.
#
# Usage: scripts/build-kernel.sh        (no arguments; run from anywhere)
#
# Result: build/kernel/{bzImage,vmlinux,.config} in the repository.
# Cache:  ${WARD_CACHE:-$HOME/.cache/ward}/kernel/<key>/, where <key> hashes
#         the linux-source package version, linux-patches/ (series, patches,
#         configs/*.config), this script and the compiler version. A hit
#         re-checks the cached config and copies files; a miss unpacks the
#         source into the cache's work/ dir, applies the series, configures,
#         checks and builds. Nothing is installed: missing tools are named and we stop.
# Environment:
#   WARD_CACHE          cache root (default $HOME/.cache/ward)
#   KERNEL_OUT          output dir (default <repo>/build/kernel)
#   KERNEL_TARBALL      source (default /usr/src/linux-source-6.1.tar.xz)
#   KERNEL_JOBS         make -j value (default: nproc)
#   KERNEL_KEEP_WORK=1  keep the built tree after success (for debugging;
#                       the next build that misses the cache removes it)
set -euo pipefail

PROG=kernel
die() { echo "$PROG: error: $*" >&2; exit 1; }
step() { echo "$PROG: [$1/6] $2"; }

[ $# -eq 0 ] || die "usage: scripts/build-kernel.sh (takes no arguments; see the header for environment variables)"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PATCHES=$REPO/linux-patches
SELF=$REPO/scripts/build-kernel.sh
CHECK=$REPO/scripts/kernel-config-check.sh
[ -n "${WARD_CACHE:-}" ] || [ -n "${HOME:-}" ] || die "neither WARD_CACHE nor HOME is set; cannot place the cache"
CACHE=${WARD_CACHE:-$HOME/.cache/ward}/kernel
OUT=${KERNEL_OUT:-$REPO/build/kernel}
TARBALL=${KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
SRCPKG=linux-source-6.1
JOBS=${KERNEL_JOBS:-$(nproc)}
KEEP_ENTRIES=4
# tinyconfig without ARCH=x86_64 gives a 32-bit base; every make call
# below therefore passes it, as does merge_config.sh through the env.
export ARCH=x86_64
# Fixed build identity, so that the version banner does not depend on
# who built the kernel or where.
export KBUILD_BUILD_USER=ward KBUILD_BUILD_HOST=ward

[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "KERNEL_JOBS must be a positive integer, got '$JOBS'"
[ -f "$TARBALL" ] || die "kernel source '$TARBALL' not found (apt-get install $SRCPKG)"
[ -f "$PATCHES/series" ] || die "no series file at $PATCHES/series"

missing=
for t in make gcc ld bc bison flex tar xz perl sha256sum flock; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
# objtool (always built on x86_64) links against libelf.
[ -f /usr/include/gelf.h ] || missing="$missing libelf-dev"
[ -z "$missing" ] || die "missing build tools:$missing (see docs/kernel.md for the package list)"

# The series as a list of patch paths, in order; comments and blanks skipped.
patches=()
while IFS= read -r line || [ -n "$line" ]; do
	line=${line%%#*}
	line=${line//[[:space:]]/}
	[ -n "$line" ] || continue
	[ -f "$PATCHES/$line" ] || die "series names '$line' but $PATCHES/$line does not exist"
	patches+=("$PATCHES/$line")
done <"$PATCHES/series"

shopt -s nullglob
fragments=("$PATCHES"/configs/*.config)
shopt -u nullglob
[ ${#fragments[@]} -gt 0 ] || die "no config fragments in $PATCHES/configs/"

step 1 "computing cache key"
# The installed package version names the source exactly; fall back to the
# tarball's own hash when it did not come from the package.
srcver=$(dpkg-query -W -f='${Version}' "$SRCPKG" 2>/dev/null || true)
if [ -z "$srcver" ] || [ "$TARBALL" != /usr/src/linux-source-6.1.tar.xz ]; then
	srcver=sha256:$(sha256sum <"$TARBALL" | cut -d' ' -f1)
fi
key=$(
	{
		echo "source $SRCPKG $srcver"
		echo "compiler $(gcc --version | head -n1)"
		for f in "$PATCHES/series" "${patches[@]}" "${fragments[@]}" "$SELF"; do
			echo "file ${f#"$REPO"/} $(sha256sum <"$f" | cut -d' ' -f1)"
		done
	} | sha256sum | cut -c1-16
)
echo "$PROG: key $key ($SRCPKG $srcver, ${#patches[@]} patches, ${#fragments[@]} fragments)"

mkdir -p "$CACHE" || die "cannot create cache dir $CACHE"
ENTRY=$CACHE/$key

install_out() {
	mkdir -p "$OUT"
	for f in bzImage vmlinux; do
		cp "$ENTRY/$f" "$OUT/$f.tmp"
		mv "$OUT/$f.tmp" "$OUT/$f"
	done
	cp "$ENTRY/config" "$OUT/.config"
	echo "$key" >"$OUT/key"
	echo "$PROG: $OUT/bzImage ($(stat -c %s "$OUT/bzImage") bytes), vmlinux, .config ready"
}

# check_config DOTCONFIG LOG: run the fragment check, stop on a mismatch.
check_config() {
	if ! "$CHECK" "$1" "${fragments[@]}" >"$2" 2>&1; then
		grep "^kernel-config-check: error:" "$2" >&2 || tail -n 20 "$2" >&2
		die "config check failed on $1"
	fi
	tail -n1 "$2"
}

if [ -f "$ENTRY/complete" ]; then
	echo "$PROG: cache hit in $ENTRY, copying"
	# The check does not change what is built, so it is not in the key;
	# re-running it on a hit keeps a stricter check from passing an old
	# config. It takes well under a second.
	hitlog=$(mktemp)
	check_config "$ENTRY/config" "$hitlog"
	rm -f "$hitlog"
	touch "$ENTRY" 2>/dev/null || true
	install_out
	exit 0
fi

# One builder at a time per cache: a second caller waits here, then finds
# the entry the first one completed.
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
	echo "$PROG: another build holds $CACHE/.lock, waiting"
	flock 9
fi
if [ -f "$ENTRY/complete" ]; then
	echo "$PROG: cache filled by the other build, copying"
	install_out
	exit 0
fi

WORK=$CACHE/work/$key
TREE=$WORK/$SRCPKG
LOG=$WORK/build.log
# Trees left by failed or KERNEL_KEEP_WORK builds are 2 GB each; we hold
# the lock, so none of them is in use.
rm -rf "$CACHE/work"
mkdir -p "$WORK"
start=$(date +%s)

# Run a logged command; on failure show where it broke and stop.
run() {
	echo "+ $*" >>"$LOG"
	if ! "$@" >>"$LOG" 2>&1; then
		echo "$PROG: error: '$*' failed; last lines of $LOG:" >&2
		tail -n 40 "$LOG" >&2
		exit 1
	fi
}

step 2 "unpacking $(basename "$TARBALL") into $WORK"
run tar -xJf "$TARBALL" -C "$WORK"
[ -d "$TREE" ] || die "tarball did not contain $SRCPKG/"

step 3 "applying ${#patches[@]} patches"
for p in "${patches[@]}"; do
	echo "$PROG:       $(basename "$p")"
	run patch -d "$TREE" -p1 --forward --batch --no-backup-if-mismatch -i "$p"
done

step 4 "configuring (tinyconfig + ${#fragments[@]} fragments)"
run make -C "$TREE" tinyconfig
# -m: only merge into .config here; olddefconfig then resolves it once.
run env -C "$TREE" scripts/kconfig/merge_config.sh -m .config "${fragments[@]}"
run make -C "$TREE" olddefconfig

step 5 "checking the config against the fragments"
check_config "$TREE/.config" "$WORK/check.log"
cat "$WORK/check.log" >>"$LOG"

step 6 "building bzImage with make -j$JOBS (about 5 min on 2 cores; log: $LOG)"
echo "+ make -j$JOBS bzImage" >>"$LOG"
make -C "$TREE" -j"$JOBS" bzImage >>"$LOG" 2>&1 &
mpid=$!
# A heartbeat every 30 s, so a CI log shows the build is alive and how far
# it got, without the full compiler output.
ticks=0
while kill -0 "$mpid" 2>/dev/null; do
	sleep 1
	ticks=$((ticks + 1))
	if [ $((ticks % 30)) -eq 0 ]; then
		n=$(grep -c '^  CC ' "$LOG" || true)
		echo "$PROG:       ${ticks}s, $n files compiled"
	fi
done
if ! wait "$mpid"; then
	echo "$PROG: error: make bzImage failed; last lines of $LOG:" >&2
	tail -n 40 "$LOG" >&2
	exit 1
fi

# Fill the cache entry under a temporary name and rename it into place, so
# an interrupted copy never looks like a complete entry.
rm -rf "$ENTRY.tmp"
mkdir -p "$ENTRY.tmp"
cp "$TREE/arch/x86/boot/bzImage" "$TREE/vmlinux" "$ENTRY.tmp/"
cp "$TREE/.config" "$ENTRY.tmp/config"
cp "$LOG" "$ENTRY.tmp/build.log"
touch "$ENTRY.tmp/complete"
rm -rf "$ENTRY"
mv "$ENTRY.tmp" "$ENTRY"
# Keep the newest few entries (about 21 MB each), enough to switch
# between branches without rebuilding.
find "$CACHE" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9a-f]\{16\}' \
	-printf '%T@ %p\n' | sort -rn | tail -n +$((KEEP_ENTRIES + 1)) |
	cut -d' ' -f2- | while read -r old; do
	echo "$PROG: pruning old cache entry $old"
	rm -rf "$old"
done
if [ "${KERNEL_KEEP_WORK:-0}" = 1 ]; then
	echo "$PROG: keeping the built tree in $TREE"
else
	rm -rf "$WORK"
fi

echo "$PROG: built in $(($(date +%s) - start))s, cached in $ENTRY"
install_out

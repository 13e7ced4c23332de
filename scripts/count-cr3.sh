#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Count the CR3 writes per operation of a Linux dom0, on Ward and on
# Debian's Xen 4.17, on the machine of `make bench` (docs/bench.md, "Where
# the time goes"). Under QEMU's TCG every CR3 write flushes the whole soft
# TLB, so these counts explain most of the gap between the two.
#
# One boot per system, with QEMU's -d mmu log ("CR3 update" per write) on
# the same pipe as the serial console, counted as it passes and never
# stored (scripts/count-cr3.py). The guest (bench/rootfs/etc/init.d/
# cr3-count) runs each operation of bench/suite/cr3-ops.c 0 times and N
# times between markers; per operation = (count over N - count over 0) / N.
# "boot" is every CR3 write up to dom0's "init reached" line.
#
# Usage: scripts/count-cr3.sh [-s "ward xen"] [-x SCALE] [-t TIMEOUT]
#   -s  systems, in order (default "ward xen")
#   -x  multiply every N by this whole number (default 1: about 3 min for both)
#   -t  seconds for one boot, start to power-off (default 600)
# Environment: XEN_GZ (/boot/xen-4.17-amd64.gz), WARD_ELF (build/ward.elf),
# CR3_OUT (build/cr3). The table goes to stdout and $CR3_OUT/cr3.md.
set -euo pipefail

PROG="count-cr3"
die() { echo "$PROG: error: $*" >&2; exit 1; }
say() { echo "$PROG: $*" >&2; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."

SYSTEMS="ward xen"
SCALE=1
TIMEOUT=600
while getopts "s:x:t:h" opt; do
	case $opt in
	s) SYSTEMS=$OPTARG ;;
	x) SCALE=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	*) die "usage: scripts/count-cr3.sh [-s \"ward xen\"] [-x SCALE] [-t TIMEOUT]" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || die "unexpected argument '$1' (usage: scripts/count-cr3.sh [-s \"ward xen\"] [-x SCALE] [-t TIMEOUT])"
case $SCALE in '' | *[!0-9]* | 0) die "-x must be a positive whole number, not '$SCALE'" ;; esac
case $TIMEOUT in '' | *[!0-9]* | 0) die "-t must be a positive number of seconds, not '$TIMEOUT'" ;; esac
[ -n "$SYSTEMS" ] || die "-s names no system (ward, xen)"
for s in $SYSTEMS; do
	case $s in ward | xen) ;; *) die "unknown system '$s' in -s (ward, xen)" ;; esac
done

OUT=${CR3_OUT:-build/cr3}
XEN_GZ=${XEN_GZ:-/boot/xen-4.17-amd64.gz}
WARD_ELF=${WARD_ELF:-build/ward.elf}
KERNEL=build/kernel/bzImage
QEMU=${QEMU:-qemu-system-x86_64}
# The operations, in the order init.d/cr3-count runs them, and their N.
OPS=(getppid page_fault fork_exit fork_exec mmap_1m_touch)
NS=(20000 20000 400 400 100)
n_list=
for i in "${!NS[@]}"; do
	NS[i]=$((NS[i] * SCALE))
	n_list=$n_list${n_list:+:}${NS[i]}
done

for tool in "$QEMU" gcc make python3 gzip; do
	command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it)"
done
for s in $SYSTEMS; do
	case $s in
	xen) [ -f "$XEN_GZ" ] || die "$XEN_GZ not found (apt-get install xen-hypervisor-4.17-amd64)" ;;
	ward) [ -f "$WARD_ELF" ] || die "$WARD_ELF not found (make hypervisor)" ;;
	esac
done

T_START=$(date +%s)
mkdir -p "$OUT"

# --- build: the kernel, cr3-ops and an initramfs like make bench's ----------
say "building the kernel (cached): scripts/build-kernel.sh"
scripts/build-kernel.sh >"$OUT/kernel.log" 2>&1 || die "scripts/build-kernel.sh failed; see $OUT/kernel.log"
[ -f "$KERNEL" ] || die "$KERNEL missing after the kernel build"
say "building cr3-ops: make -C bench"
make --no-print-directory -C bench O="$(cd "$OUT" && pwd)" WERROR=y >"$OUT/suite.log" 2>&1 ||
	die "building bench/ failed: $(tail -n 5 "$OUT/suite.log")"
say "making the initramfs"
extra=$OUT/rootfs-extra
rm -rf "$extra"
mkdir -p "$extra/usr/lib/ward-bench"
cp "$OUT/bin/cr3-ops" "$OUT/bin/exit-helper" "$extra/usr/lib/ward-bench/"
msg=$(scripts/bench-initramfs.sh "$extra" cr3-count "$OUT/initramfs.cpio.gz" "$OUT/initramfs.log" 2>&1) ||
	die "$msg"
INITRD=$OUT/initramfs.cpio.gz
# A blank disk where make bench has its ext4 image: the same devices to probe.
rm -f "$OUT/disk.img"
truncate -s 96M "$OUT/disk.img"

# bench.sh's machine, plus the log. dom0: one vCPU, 1 GiB, as in make bench.
# shellcheck disable=SC2054 # the commas belong to -cpu's value
MACHINE=(-accel tcg -cpu max,-smap,-smep -m 2G -smp 2 -no-reboot
	-display none -monitor none -serial stdio
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-drive "file=$OUT/disk.img,if=virtio,format=raw"
	-d mmu -D /dev/stdout)
DOM0_ARGS="console=hvc0 ward.cr3=$n_list"

# --- the boots ---------------------------------------------------------------
declare -A COUNT=()
i=0
nsys=$(echo "$SYSTEMS" | wc -w)
for s in $SYSTEMS; do
	i=$((i + 1))
	case $s in
	xen)
		gzip -dc "$XEN_GZ" >"$OUT/xen.elf" || die "cannot unpack $XEN_GZ"
		args=(-kernel "$OUT/xen.elf"
			-append "console=com1 dom0_mem=1024M dom0_max_vcpus=1 bootscrub=0"
			-initrd "$KERNEL $DOM0_ARGS,$INITRD")
		;;
	ward)
		cp "$WARD_ELF" "$OUT/ward.elf"
		args=(-kernel "$OUT/ward.elf" -append "console=com1 test_exit dom0_mem=1024M"
			-initrd "$KERNEL $DOM0_ARGS,$INITRD")
		;;
	esac
	say "[$i/$nsys] $s: booting (N = $n_list) ..."
	t0=$(date +%s)
	python3 scripts/count-cr3.py "$s" "$TIMEOUT" "$OUT/$s.console" -- "$QEMU" "${MACHINE[@]}" "${args[@]}" \
		2>"$OUT/$s.progress" >"$OUT/$s.marks" &
	pid=$!
	# Progress: each marker as it comes.
	shown=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		n=$(wc -l <"$OUT/$s.progress")
		[ "$n" -le "$shown" ] || { sed -n "$((shown + 1)),${n}p" "$OUT/$s.progress" | sed "s/^/$PROG: [$i\/$nsys] /" >&2; shown=$n; }
	done
	wait "$pid" || { sed -n "$((shown + 1)),\$p" "$OUT/$s.progress" >&2; die "$s: the boot did not finish (see $OUT/$s.console)"; }
	sed -n "$((shown + 1)),\$p" "$OUT/$s.progress" | sed "s/^/$PROG: [$i\/$nsys] /" >&2
	say "[$i/$nsys] $s: done in $(($(date +%s) - t0))s"
	# "MARK start COUNT", "MARK boot COUNT", "MARK OP N COUNT".
	while read -r tag name k count; do
		[ "$tag" = MARK ] || continue
		if [ -z "$count" ]; then COUNT[$s.$name]=$k; else COUNT[$s.$name.$k]=$count; fi
	done <"$OUT/$s.marks"
done

# --- the table ---------------------------------------------------------------
# per_op SYSTEM INDEX: (window with N - window with 0) / N, one decimal.
per_op() {
	local s=$1 k=$2 prev zero full
	if [ "$k" -eq 0 ]; then prev=${COUNT[$s.start]:-}; else prev=${COUNT[$s.${OPS[k - 1]}.${NS[k - 1]}]:-}; fi
	zero=${COUNT[$s.${OPS[k]}.0]:-}
	full=${COUNT[$s.${OPS[k]}.${NS[k]}]:-}
	if [ -z "$prev" ] || [ -z "$zero" ] || [ -z "$full" ]; then
		echo "?"
		return
	fi
	awk -v p="$prev" -v z="$zero" -v f="$full" -v n="${NS[k]}" \
		'BEGIN { printf "%.1f", ((f - z) - (z - p)) / n }'
}
{
	printf '| operation | N |'
	for s in $SYSTEMS; do printf ' %s |' "$s"; done
	printf '\n|---|---|'
	for s in $SYSTEMS; do printf -- '---|'; done
	printf '\n'
	for k in "${!OPS[@]}"; do
		printf '| %s | %s |' "${OPS[k]}" "${NS[k]}"
		for s in $SYSTEMS; do printf ' %s |' "$(per_op "$s" "$k")"; done
		printf '\n'
	done
	# exec alone: fork_exec's count less fork_exit's.
	printf '| exec (fork_exec - fork_exit) | |'
	for s in $SYSTEMS; do
		printf ' %s |' "$(awk -v a="$(per_op "$s" 3)" -v b="$(per_op "$s" 2)" \
			'BEGIN { if (a == "?" || b == "?") print "?"; else printf "%.1f", a - b }')"
	done
	printf '\n'
	printf '| boot to init (total) | 1 |'
	for s in $SYSTEMS; do printf ' %s |' "${COUNT[$s.boot]:-?}"; done
	printf '\n'
} | tee "$OUT/cr3.md"
rm -f "$OUT/disk.img"
say "done in $(($(date +%s) - T_START))s: $OUT/cr3.md"

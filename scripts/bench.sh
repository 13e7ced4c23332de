#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: boot the same kernel and benchmark initramfs natively, as
# dom0 of Debian's Xen 4.17 and as dom0 of Ward, alternating the three for
# BENCH_REPS repetitions, then write build/bench/report.{txt,csv,png}.
# See docs/bench.md.
#
# Environment:
#   BENCH_REPS           repetitions of each system (default 3)
#   BENCH_SYSTEMS        subset and order, e.g. "native xen" (default all three)
#   BENCH_BOOT_TIMEOUT   s from QEMU start to the suite's first line (150)
#   BENCH_RUN_TIMEOUT    s for one whole boot (420)
#   BENCH_STALL_TIMEOUT  s without a new result line once running (120)
#   BENCH_ARGS           extra ward-bench arguments, words joined by ':'
#                        (e.g. --scale:0.3 or --only:fork_exit+page_fault)
#   BENCH_OUT            output directory (build/bench)
#   XEN_GZ               Debian's Xen (/boot/xen-4.17-amd64.gz)
#   WARD_ELF             Ward's image (build/ward.elf; `make bench` builds it)
set -euo pipefail

PROG=bench
die() { echo "$PROG: error: $*" >&2; exit 1; }
say() { echo "$PROG: $*"; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."

REPS=${BENCH_REPS:-3}
SYSTEMS=${BENCH_SYSTEMS:-native xen ward}
BOOT_TIMEOUT=${BENCH_BOOT_TIMEOUT:-150}
RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-420}
STALL_TIMEOUT=${BENCH_STALL_TIMEOUT:-120}
OUT=${BENCH_OUT:-build/bench}
XEN_GZ=${XEN_GZ:-/boot/xen-4.17-amd64.gz}
WARD_ELF=${WARD_ELF:-build/ward.elf}
KERNEL=build/kernel/bzImage
QEMU=${QEMU:-qemu-system-x86_64}

case $REPS in
'' | *[!0-9]* | 0) die "BENCH_REPS must be a positive integer, not '$REPS'" ;;
esac
for s in $SYSTEMS; do
	case $s in
	native | xen | ward) ;;
	*) die "unknown system '$s' in BENCH_SYSTEMS (native, xen, ward)" ;;
	esac
done
case ${BENCH_ARGS:-} in
*[[:space:],]*) die "BENCH_ARGS may not contain blanks or commas; join words with ':'" ;;
esac
for tool in "$QEMU" gcc make python3 mkfs.ext4 gzip gnuplot; do
	command -v "$tool" >/dev/null ||
		die "$tool not found (scripts/install-deps.sh installs it)"
done

# The one machine all three run on: Xen 4.17 needs SMAP and SMEP off
# under TCG, so they are off for every system. The virtio disk is the
# same for all; a dom0 sees it only if its hypervisor passes PCI through.
# isa-debug-exit lets Ward's test_exit end the run; the others ignore it.
# shellcheck disable=SC2054 # the commas belong to -cpu's value
MACHINE=(-accel tcg -cpu max,-smap,-smep -m 2G -smp 2 -no-reboot
	-display none -monitor none -serial stdio
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)
# One CPU and 1 GiB for the guest kernel in every role: Ward gives its
# dom0 one vCPU, so the others are told to do the same.
GUEST_MEM=1024M
BENCH_CMDLINE="ward.bench=1${BENCH_ARGS:+ ward.bench.args=$BENCH_ARGS}"

T_START=$(date +%s)
mkdir -p "$OUT"
rm -rf "$OUT/runs" "$OUT/rootfs-extra"
mkdir -p "$OUT/runs"

# --- build -------------------------------------------------------------
say "building the kernel (cached): scripts/build-kernel.sh"
scripts/build-kernel.sh >"$OUT/kernel.log" 2>&1 ||
	die "scripts/build-kernel.sh failed; see $OUT/kernel.log"
[ -f "$KERNEL" ] || die "$KERNEL missing after the kernel build"

say "building the suite: make -C bench"
make --no-print-directory -C bench O="$(cd "$OUT" && pwd)" WERROR=y >"$OUT/suite.log" 2>&1 ||
	die "building bench/ failed: $(tail -n 5 "$OUT/suite.log")"
for b in ward-bench exit-helper; do
	case $(readelf -l "$OUT/bin/$b" 2>/dev/null) in
	*"program interpreter"*) die "$OUT/bin/$b is dynamically linked" ;;
	esac
done
# The rows of the report; with BENCH_ARGS=--only:..., only those.
# shellcheck disable=SC2046
"$OUT/bin/ward-bench" $(echo "${BENCH_ARGS:-}" | tr : ' ') --list >"$OUT/benchmarks.tsv" ||
	die "$OUT/bin/ward-bench --list failed"

# One ext4 image, made by mkfs.ext4 -d: the virtio disk (a fresh copy per
# boot) and, gzip'd into the initramfs, the loop device's backing file.
# Initialised in full now, so no ext4lazyinit thread runs during the suite.
say "making the ext4 image and the benchmark initramfs"
seed=$OUT/ext4-seed
rm -rf "$seed"
mkdir -p "$seed"
echo "ward-bench scratch file system; see docs/bench.md" >"$seed/README"
rm -f "$OUT/ext4.img"
mkfs.ext4 -q -F -L wardbench -E lazy_itable_init=0,lazy_journal_init=0 \
	-d "$seed" "$OUT/ext4.img" 96M >"$OUT/mkfs.log" 2>&1 ||
	die "mkfs.ext4 failed: $(tail -n 1 "$OUT/mkfs.log")"

extra=$OUT/rootfs-extra
lib=$extra/usr/lib/ward-bench
mkdir -p "$lib" "$extra/etc/init.d"
cp "$OUT/bin/ward-bench" "$OUT/bin/exit-helper" "$lib/"
gzip -9 -n -c "$OUT/ext4.img" >"$lib/ext4.img.gz"
# dom0's initramfs, with the suite run after rcS (init.d/bench).
msg=$(scripts/bench-initramfs.sh "$extra" bench "$OUT/initramfs.cpio.gz" "$OUT/initramfs.log" 2>&1) ||
	die "$msg"
INITRD=$OUT/initramfs.cpio.gz

# --- the systems ---------------------------------------------------------
# Snapshots, so every repetition boots the same hypervisor even if
# build/ward.elf is rebuilt while we run.
declare -A UNAVAILABLE=()
for s in $SYSTEMS; do
	case $s in
	xen)
		if [ -f "$XEN_GZ" ]; then
			gzip -dc "$XEN_GZ" >"$OUT/xen.elf" || die "cannot unpack $XEN_GZ"
		else
			UNAVAILABLE[xen]="$XEN_GZ not found (apt-get install xen-hypervisor-4.17-amd64)"
		fi
		;;
	ward)
		if [ -f "$WARD_ELF" ]; then
			cp "$WARD_ELF" "$OUT/ward.elf"
		else
			UNAVAILABLE[ward]="$WARD_ELF not found (make hypervisor)"
		fi
		;;
	esac
done

# qemu_args SYSTEM DISK: sets QARGS to the QEMU command line of one boot.
qemu_args() {
	QARGS=("$QEMU" "${MACHINE[@]}" -drive "file=$2,if=virtio,format=raw")
	case $1 in
	native)
		QARGS+=(-kernel "$KERNEL" -initrd "$INITRD"
			-append "console=ttyS0 nr_cpus=1 mem=$GUEST_MEM $BENCH_CMDLINE")
		;;
	xen)
		# QEMU's multiboot loader takes "FILE ARGS,FILE" modules.
		# bootscrub=0: Xen would otherwise zero all free RAM in the
		# background, on the host CPUs the benchmarks run on.
		QARGS+=(-kernel "$OUT/xen.elf"
			-append "console=com1 dom0_mem=$GUEST_MEM dom0_max_vcpus=1 bootscrub=0"
			-initrd "$KERNEL console=hvc0 $BENCH_CMDLINE,$INITRD")
		;;
	ward)
		QARGS+=(-kernel "$OUT/ward.elf"
			-append "console=com1 test_exit dom0_mem=$GUEST_MEM"
			-initrd "$KERNEL console=hvc0 $BENCH_CMDLINE,$INITRD")
		;;
	esac
}

# meta FILE KEY: one value of a bench-run.py META file.
meta() {
	sed -n "s/^$2=//p" "$1"
}

# --- the runs --------------------------------------------------------------
nsys=$(echo "$SYSTEMS" | wc -w)
total=$((REPS * nsys))
i=0
say "$total boots: $SYSTEMS, alternated, $REPS repetition(s); timeouts: boot ${BOOT_TIMEOUT}s, run ${RUN_TIMEOUT}s, stall ${STALL_TIMEOUT}s"
for rep in $(seq 1 "$REPS"); do
	for s in $SYSTEMS; do
		i=$((i + 1))
		run=$OUT/runs/$s-$rep
		if [ -n "${UNAVAILABLE[$s]:-}" ]; then
			printf 'status=not-run\nreason=%s\n' "${UNAVAILABLE[$s]}" >"$run.meta"
			say "[$i/$total] $s run $rep: not run: ${UNAVAILABLE[$s]}"
			continue
		fi
		say "[$i/$total] $s run $rep ..."
		cp --sparse=always "$OUT/ext4.img" "$OUT/runs/disk.img"
		qemu_args "$s" "$OUT/runs/disk.img"
		printf '%q ' "${QARGS[@]}" >"$run.cmd"
		python3 scripts/bench-run.py "$run.log" "$run.meta" \
			"$BOOT_TIMEOUT" "$RUN_TIMEOUT" "$STALL_TIMEOUT" -- "${QARGS[@]}" ||
			die "scripts/bench-run.py failed"
		msg="$(meta "$run.meta" status), $(meta "$run.meta" results) results"
		msg="$msg, $(meta "$run.meta" failures) failed"
		boot=$(meta "$run.meta" boot_s)
		reason=$(meta "$run.meta" reason)
		[ -n "$boot" ] && msg="$msg, init after ${boot}s"
		[ -n "$reason" ] && msg="$msg ($reason)"
		msg="$msg, took $(meta "$run.meta" wall_s)s"
		say "[$i/$total] $s run $rep: $msg, host load by others $(meta "$run.meta" host_other_cpus) CPUs"
	done
done
rm -f "$OUT/runs/disk.img"

# --- the report --------------------------------------------------------------
T_END=$(date +%s)
say "writing the report"
python3 scripts/bench-report.py --out "$OUT" --reps "$REPS" \
	--systems "$(echo "$SYSTEMS" | tr ' ' ,)" --elapsed "$((T_END - T_START))" ||
	die "scripts/bench-report.py failed"
say "done in $(((T_END - T_START) / 60))m $(((T_END - T_START) % 60))s:" \
	"$OUT/report.txt $OUT/report.csv $OUT/report.png"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# How long can one hypercall keep everyone else waiting? Boots the preempt
# test guest with "bench" on its command line (hypervisor/tests/guests/
# preempt/bench.c) as dom0 with two vCPUs, on a one-CPU and a two-CPU
# machine, and prints its table: for each family, vCPU 1 issues one huge
# call (three times) and vCPU 0 measures its longest wait (one CPU: off
# the CPU; two CPUs: one tiny mmu_update). "excess" is that wait minus the
# same wait with vCPU 1 spinning in guest code: about 0 when the call has
# preemption points every few ms, the whole call when it has none.
# Not a pass/fail test.
#
# Usage: scripts/hypercall-latency.sh [ward] [xen]   (default: ward)
#   XEN_GZ      Debian's Xen (/boot/xen-4.17-amd64.gz), for "xen"
#   LAT_TIMEOUT s per boot (300)
set -euo pipefail

PROG=hypercall-latency
die() { echo "$PROG: error: $*" >&2; exit 1; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."

SYSTEMS=${*:-ward}
XEN_GZ=${XEN_GZ:-/boot/xen-4.17-amd64.gz}
TIMEOUT=${LAT_TIMEOUT:-300}
OUT=build/hypercall-latency
GUEST=build/guests/preempt.elf
# The guest gives 64 MiB back and takes it again: dom0 needs 128 MiB.
DOM0_ARGS="dom0_mem=128M dom0_max_vcpus=2"

mkdir -p "$OUT"
make --no-print-directory -C hypervisor/tests/guests >"$OUT/build.log" 2>&1 ||
	die "building the guests failed (see $OUT/build.log)"

# boot_ward CPUS LOG
boot_ward() {
	make --no-print-directory hypervisor >>"$OUT/build.log" 2>&1 ||
		die "building Ward failed (see $OUT/build.log)"
	WARD_SMP=$1 WARD_LOG=$2 WARD_TIMEOUT=$TIMEOUT scripts/run-qemu.sh kernel build/ward.elf \
		"test_exit loglvl=all $DOM0_ARGS" "$GUEST bench" || true
}

# boot_xen CPUS LOG: Xen halts on dom0's poweroff, so stop QEMU ourselves.
boot_xen() {
	local pid i

	[ -f "$XEN_GZ" ] || die "$XEN_GZ not found (apt-get install xen-hypervisor-4.17-amd64)"
	gzip -dc "$XEN_GZ" >"$OUT/xen.elf"
	rm -f "$2"
	qemu-system-x86_64 -accel tcg -cpu max,-smap,-smep -m 1G -smp "$1" -display none \
		-no-reboot -serial "file:$2" -kernel "$OUT/xen.elf" \
		-append "console=com1 loglvl=all guest_loglvl=all $DOM0_ARGS" \
		-initrd "$GUEST bench ref=xen" </dev/null 2>"$2.stderr" &
	pid=$!
	for ((i = 0; i < TIMEOUT * 4; i++)); do
		sleep 0.25
		kill -0 "$pid" 2>/dev/null || break
		grep -aqE 'Hardware Dom0 (halted|shutdown|crashed)|Panic on CPU' "$2" 2>/dev/null && break
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

printf '%-6s %4s %-20s %8s %7s %10s %10s %10s\n' system cpus family ops rc call_ms wait_ms excess_ms
for sys in $SYSTEMS; do
	case $sys in ward | xen) ;; *) die "unknown system '$sys' (ward or xen)" ;; esac
	for cpus in 1 2; do
		log=$OUT/$sys-${cpus}cpu.log
		"boot_$sys" "$cpus" "$log"
		if ! tr -d '\r' <"$log" | grep -aq '^bench: done'; then
			echo "$PROG: $sys with $cpus CPU(s) did not finish (see $log)" >&2
		fi
		tr -d '\r' <"$log" | awk -v s="$sys" -v c="$cpus" \
			'$1 == "bench:" && NF == 7 && $2 != "family" {
				printf "%-6s %4s %-20s %8s %7s %10s %10s %10s\n", s, c, $2, $3, $4, $5, $6, $7
			}'
	done
done

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot Ward in QEMU (TCG) with the settings every Ward run shares.
#
# Usage:
#   scripts/run-qemu.sh iso ISO                          interactive, serial on the terminal
#   scripts/run-qemu.sh kernel ELF "HV ARGS" [MODULES]   interactive, multiboot1 (-kernel)
#   WARD_LOG=FILE WARD_TIMEOUT=SECS scripts/run-qemu.sh ...
#       batch: no display, serial to FILE, stops after SECS (tests)
#   WARD_SERIAL_PIPE=BASE WARD_TIMEOUT=SECS scripts/run-qemu.sh ...
#       batch with the serial line on the FIFOs BASE.in (typed into the
#       machine) and BASE.out (its output), which the caller creates
# MODULES is QEMU's -initrd syntax: "FILE ARGS,FILE ARGS".
# The iso mode gives the machine a virtio NIC on QEMU's user-mode network
# (dom0 gets 10.0.2.15 by DHCP and reaches the host as 10.0.2.2) and, with
# WARD_DISK=FILE, FILE as a virtio disk (raw; `make run` passes the guest
# store, build/ward-data.img, which scripts/mkstore.sh makes).
# WARD_QEMU_ARGS adds QEMU arguments (split at blanks), e.g. "-vga none".
# Exit status in batch mode: QEMU's (isa-debug-exit gives (code << 1) | 1),
# or 124 on timeout. In the WARD_LOG mode a QEMU that dies of SIGSEGV is
# run once more (its log kept as FILE.qemu-crash): QEMU 7.2's multi-threaded
# TCG has a use-after-free when one vCPU changes the memory map (a PCI BAR
# being sized, as dom0's PCI probe does) while another makes an MMIO
# access; later QEMU releases fixed it ("softmmu: Use
# async_run_on_cpu in tcg_commit"). It is QEMU's crash, not the guest's.
set -euo pipefail

die() { echo "run-qemu: error: $*" >&2; exit 2; }
[ $# -ge 2 ] || die "usage: scripts/run-qemu.sh iso ISO | kernel ELF \"ARGS\" [MODULES]"
mode=$1
shift

QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null || die "$QEMU not found (apt-get install qemu-system-x86)"
# SMEP and SMAP stay on (-cpu max has both): Ward must work with them.
args=(-accel tcg -cpu max -smp "${WARD_SMP:-2}" -m "${WARD_MEM:-2G}" -no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)
# shellcheck disable=SC2206
[ -z "${WARD_QEMU_ARGS:-}" ] || args+=(${WARD_QEMU_ARGS})

case $mode in
iso)
	[ -f "$1" ] || die "$1: no such file"
	args+=(-cdrom "$1" -boot d -nic user,model=virtio-net-pci)
	if [ -n "${WARD_DISK:-}" ]; then
		[ -f "$WARD_DISK" ] || die "WARD_DISK=$WARD_DISK: no such file"
		args+=(-drive "file=$WARD_DISK,if=virtio,format=raw")
	fi
	;;
kernel)
	[ -f "$1" ] || die "$1: no such file"
	args+=(-kernel "$1" -append "${2:-}")
	if [ -n "${3:-}" ]; then
		args+=(-initrd "$3")
	fi
	;;
*)
	die "unknown mode '$mode' (iso or kernel)"
	;;
esac

if [ -n "${WARD_SERIAL_PIPE:-}" ]; then
	[ -p "$WARD_SERIAL_PIPE.in" ] && [ -p "$WARD_SERIAL_PIPE.out" ] ||
		die "$WARD_SERIAL_PIPE.in and .out must be FIFOs"
	rc=0
	timeout --foreground -k 5 "${WARD_TIMEOUT:-120}" \
		"$QEMU" "${args[@]}" -display none -serial "pipe:$WARD_SERIAL_PIPE" </dev/null || rc=$?
	exit $rc
fi
if [ -n "${WARD_LOG:-}" ]; then
	mkdir -p "$(dirname "$WARD_LOG")"
	qemu_sigsegv=$((128 + 11))
	for attempt in 1 2; do
		rc=0
		timeout --foreground -k 5 "${WARD_TIMEOUT:-120}" \
			"$QEMU" "${args[@]}" -display none -serial "file:$WARD_LOG" </dev/null || rc=$?
		[ "$rc" -eq "$qemu_sigsegv" ] && [ "$attempt" -eq 1 ] || break
		mv -f "$WARD_LOG" "$WARD_LOG.qemu-crash"
		echo "run-qemu: QEMU itself crashed (SIGSEGV; see the comment in $0); running it once more" >&2
	done
	exit $rc
fi
echo "run-qemu: serial console follows; quit with Ctrl-A X" >&2
exec "$QEMU" "${args[@]}" -nographic

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The tier-2 PV test guests against the reference: Debian's Xen 4.17 in
# QEMU TCG, each guest as dom0. This checks the tests, not Ward: every
# expectation in them was taken from this run, except the few places where
# Ward deliberately differs, which the guests skip when their command line
# says "ref=xen" (listed in hypervisor/tests/guests/README.md). Skips (exit
# 0) when Debian's Xen is not installed.
. "$(dirname "$0")/../lib.sh"

XEN_GZ=${XEN_GZ:-/boot/xen-4.17-amd64.gz}
TIMEOUT=${GUEST_TIMEOUT:-120}
POWEROFF_GUESTS="console-version traps iret-user syscall-fast trap-fast callbacks-multicall cpuid-priv debug-regs umip espfix sched-shutdown ptwr mmu events gnttab platform-op memory-exchange pirq vcpu-up tlb-race tlb-rules preempt preempt-1cpu"
GUESTS=${GUESTS:-"$POWEROFF_GUESTS shutdown-reboot shutdown-crash no-trap-table bounce-fault bounce-fault-ro bounce-fault-hole bounce-fault-pf bounce-fault-kpf"}

if [ ! -f "$XEN_GZ" ]; then
	echo "SKIP: $XEN_GZ not found (apt-get install xen-hypervisor-4.17-amd64)"
	exit 0
fi
if ! make --no-print-directory -C hypervisor/tests/guests >"$TEST_DIR/build.log" 2>&1; then
	bad "build guests (see $TEST_DIR/build.log)"
	finish
fi
# QEMU's multiboot loader takes Xen's 32-bit ELF, not the gzip'd file.
gzip -dc "$XEN_GZ" >"$TEST_DIR/xen.elf" || { bad "cannot unpack $XEN_GZ"; finish; }

# guest_vcpus NAME: dom0's vCPUs for that guest.
guest_vcpus() {
	case $1 in
	vcpu-up | tlb-race | tlb-rules | preempt | preempt-1cpu) echo 2 ;;
	*) echo 1 ;;
	esac
}

# guest_mem NAME: dom0's memory; preempt gives 64 MiB back and takes it again.
guest_mem() {
	case $1 in
	preempt | preempt-1cpu) echo 128M ;;
	*) echo 64M ;;
	esac
}

# guest_module NAME: the guest's ELF and its own arguments.
guest_module() {
	case $1 in
	bounce-fault-*) echo "build/guests/bounce-fault.elf ${1#bounce-fault-}" ;;
	*) echo "build/guests/${1%-1cpu}.elf" ;;
	esac
}

# boot_xen NAME: Xen halts (not powers off) on a dom0 poweroff, so stop
# QEMU ourselves once Xen has said how dom0 ended.
boot_xen() {
	local i pid
	log=$TEST_DIR/$1.log
	rm -f "$log"
	# Xen needs SMAP/SMEP off under TCG; it owns com1, dom0 writes through it.
	# NAME-1cpu: guest NAME on a one-CPU machine.
	qemu-system-x86_64 -accel tcg -cpu max,-smap,-smep -m 1G \
		-smp "$(case $1 in *-1cpu) echo 1 ;; *) echo 2 ;; esac)" \
		-display none -no-reboot -serial "file:$log" \
		-kernel "$TEST_DIR/xen.elf" \
		-append "console=com1 loglvl=all guest_loglvl=all dom0_mem=$(guest_mem "$1") dom0_max_vcpus=$(guest_vcpus "$1")" \
		-initrd "$(guest_module "$1") ref=xen" </dev/null 2>"$TEST_DIR/$1.stderr" &
	pid=$!
	for ((i = 0; i < TIMEOUT * 4; i++)); do
		sleep 0.25
		kill -0 "$pid" 2>/dev/null || break
		if grep -aqE 'Hardware Dom0 (halted|shutdown|crashed)|Panic on CPU' "$log" 2>/dev/null; then
			sleep 1
			kill "$pid" 2>/dev/null
			break
		fi
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ -f "$log" ] || : >"$log"
	expect "$log" '--- Ward test guest: ' "$1: guest started"
	reject "$log" 'Panic on CPU' "$1: Xen did not panic"
}

for g in $GUESTS; do
	boot_xen "$g"
	case $g in
	shutdown-reboot)
		expect "$log" 'Test result: SUCCESS' "$g: SUCCESS line"
		expect "$log" 'Hardware Dom0 shutdown: rebooting' "$g: Xen reboots"
		;;
	shutdown-crash)
		expect "$log" 'Test result: SUCCESS' "$g: SUCCESS line"
		expect "$log" 'Hardware Dom0 crashed' "$g: Xen reports the crash"
		;;
	no-trap-table)
		reject "$log" 'Test result:' "$g: did not continue after the #UD"
		expect "$log" 'd0v0 Unhandled.*#UD' "$g: Xen names d0v0 and #UD"
		expect "$log" 'Domain 0 \(vcpu#0\) crashed' "$g: Xen crashes dom0"
		addr=$(tr -d '\r' <"$log" | grep -aoE 'executing ud2 at [0-9a-f]{16}' | head -n1 | awk '{print $4}')
		expect "$log" "RIP: .*${addr:-none}" "$g: the dump shows the ud2 RIP"
		;;
	bounce-fault*)
		expect "$log" '(user syscall|user #PF|kernel #PF) with the kernel stack at [0-9a-f]{16}' "$g: reached the fault"
		reject "$log" 'Test result:' "$g: did not continue after the fault"
		expect "$log" 'Hardware Dom0 crashed|Domain 0 \(vcpu#0\) crashed' "$g: Xen crashes dom0"
		;;
	*)
		expect "$log" 'Test result: SUCCESS' "$g: SUCCESS"
		reject "$log" 'FAIL:' "$g: no failed check"
		expect "$log" 'Hardware Dom0 halted' "$g: Xen saw the poweroff"
		;;
	esac
done
finish

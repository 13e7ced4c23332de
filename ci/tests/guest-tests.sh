#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Tier 2: boot each PV test guest of hypervisor/tests/guests as dom0 of Ward
# (QEMU -kernel build/ward.elf, the guest as the first module). A guest
# passes when it prints exactly one "Test result: SUCCESS" (at the start of
# a line: domU children's lines start "(dN) "), Ward reports
# dom0's shutdown with the guest's reason, and nothing faulted in Ward.
# shutdown-reboot/shutdown-crash/no-trap-table/bounce-fault* end dom0 on purpose; for
# them the verdict is Ward's own lines. See hypervisor/tests/guests/README.md.
# Run one guest with: GUESTS="traps" ci/tests/guest-tests.sh
. "$(dirname "$0")/../lib.sh"

HV_ARGS="test_exit loglvl=all dom0_mem=64M"
TIMEOUT=${GUEST_TIMEOUT:-120}
POWEROFF_GUESTS="console-version traps iret-user syscall-fast trap-fast callbacks-multicall cpuid-priv debug-regs umip espfix sched-shutdown ptwr mmu events domctl destroy-busy foreign-race gnttab gnttab-xdom platform-op memory-exchange pirq vcpu-up vcpu-up-1cpu tlb-race tlb-rules preempt preempt-1cpu"
GUESTS=${GUESTS:-"$POWEROFF_GUESTS shutdown-reboot shutdown-crash no-trap-table bounce-fault bounce-fault-ro bounce-fault-hole bounce-fault-pf bounce-fault-kpf"}

# expect_one LOG REGEX WHAT: exactly one line matches.
expect_one() {
	local n
	n=$(tr -d '\r' <"$1" | grep -acE -- "$2")
	if [ "$n" -eq 1 ]; then ok "$3"; else bad "$3 ($n lines match /$2/ in $1)"; fi
}

# guest_modules NAME: the multiboot modules. domctl builds domUs from a
# copy of itself, given as its initrd.
guest_modules() {
	case $1 in
	domctl | gnttab-xdom | destroy-busy | foreign-race) echo "build/guests/$1.elf,build/guests/$1.elf" ;;
	*-1cpu) echo "build/guests/${1%-1cpu}.elf" ;;
	bounce-fault-*) echo "build/guests/bounce-fault.elf ${1#bounce-fault-}" ;;
	*) echo "build/guests/$1.elf" ;;
	esac
}

# guest_hv_args NAME: Ward's command line. vcpu-up, tlb-race, tlb-rules and preempt
# need a second dom0 vCPU; preempt gives 64 MiB back and takes it again;
# debug-regs runs with Ward's own breakpoint on its SYSCALL entry (XSA-260).
guest_hv_args() {
	case $1 in
	vcpu-up | vcpu-up-1cpu | tlb-race | tlb-rules) echo "$HV_ARGS dom0_max_vcpus=2" ;;
	preempt | preempt-1cpu) echo "${HV_ARGS/dom0_mem=64M/dom0_mem=128M} dom0_max_vcpus=2" ;;
	debug-regs) echo "$HV_ARGS db_selftest" ;;
	*) echo "$HV_ARGS" ;;
	esac
}

# guest_timeout NAME: domctl runs some sixty children (fuzzers and attackers).
guest_timeout() {
	case $1 in
	domctl) echo "${GUEST_TIMEOUT:-300}" ;;
	*) echo "$TIMEOUT" ;;
	esac
}

# boot_guest NAME: boot it, run the checks every guest shares; sets $log, $rc.
boot_guest() {
	log=$TEST_DIR/$1.log
	rc=0
	# NAME-1cpu: guest NAME on a one-CPU machine, its two vCPUs taking turns.
	WARD_SMP=$(case $1 in *-1cpu) echo 1 ;; *) echo 2 ;; esac) \
		boot_kernel "$log" "$(guest_timeout "$1")" "$(guest_hv_args "$1")" "$(guest_modules "$1")" || rc=$?
	[ -f "$log" ] || : >"$log"
	if [ "$rc" -eq "$QEMU_TIMEOUT" ]; then bad "$1: timed out after $(guest_timeout "$1")s"; fi
	expect "$log" '--- Ward test guest: ' "$1: guest started"
	reject "$log" 'PANIC|FATAL TRAP|ASSERT' "$1: no hypervisor fault"
	reject "$log" '^Test result: (FAILURE|ERROR|SKIP)' "$1: no failure reported"
}

if ! make --no-print-directory hypervisor >"$TEST_DIR/build.log" 2>&1 ||
	! make --no-print-directory -C hypervisor/tests/guests >>"$TEST_DIR/build.log" 2>&1; then
	bad "build (see $TEST_DIR/build.log)"
	tail -n 20 "$TEST_DIR/build.log"
	finish
fi
ok "build"

for g in $GUESTS; do
	boot_guest "$g"
	case $g in
	shutdown-reboot | shutdown-crash)
		reason=${g#shutdown-}
		expect_one "$log" '^Test result: SUCCESS' "$g: one SUCCESS line"
		expect "$log" "d0.*shut.*down.*$reason" "$g: Ward reports the $reason"
		[ "$rc" -ne "$QEMU_EXIT_FATAL" ] || bad "$g: fatal exit status"
		;;
	no-trap-table)
		# The guest never prints a result: it must not get past its ud2.
		expect "$log" 'executing ud2 at [0-9a-f]{16}' "$g: reached the ud2"
		reject "$log" '^Test result:' "$g: did not continue after the #UD"
		expect "$log" 'd0v0' "$g: the crash names d0v0"
		expect "$log" 'd0.*crash' "$g: Ward reports the crash"
		addr=$(tr -d '\r' <"$log" | grep -aoE 'executing ud2 at [0-9a-f]{16}' | head -n1 | awk '{print $4}')
		if [ -n "$addr" ] && tr -d '\r' <"$log" | grep -av 'executing ud2 at' | grep -aqi "$addr"; then
			ok "$g: the register dump shows RIP $addr"
		else
			bad "$g: no hypervisor line shows the ud2 address '${addr:-?}'"
		fi
		[ "$rc" -ne "$QEMU_EXIT_FATAL" ] || bad "$g: fatal exit status"
		;;
	bounce-fault*)
		# The syscall's or #PF's bounce frame cannot be written: dom0 crashes, as on Xen.
		expect "$log" '(user syscall|user #PF|kernel #PF) with the kernel stack at [0-9a-f]{16}' "$g: reached the fault"
		reject "$log" '^Test result:' "$g: did not continue after the fault"
		expect "$log" 'd0: crashed: cannot write a bounce frame to the guest kernel stack' "$g: Ward crashes dom0"
		[ "$rc" -ne "$QEMU_EXIT_FATAL" ] || bad "$g: fatal exit status"
		;;
	*)
		if [ "$g" = domctl ]; then
			expect "$log" '^\(d[0-9]+\) child: its second line$' \
				"$g: a domU's second line in one write has its own (dN)"
			expect "$log" '^\(d[0-9]+\) child: a line in two writes$' \
				"$g: a domU's line in two writes is one line"
		fi
		if [ "$g" = debug-regs ]; then
			expect "$log" '#DB in hypervisor context at [0-9a-f]+ \(syscall_entry\)' \
				"$g: #DBs on the SYSCALL entry (db_selftest) survived"
		fi
		expect_one "$log" '^Test result: SUCCESS' "$g: one SUCCESS line"
		expect_one "$log" '^Test result:' "$g: exactly one result line"
		expect "$log" 'd0.*shut.*down.*poweroff' "$g: Ward reports the poweroff"
		expect_status "$rc" "$QEMU_EXIT_OK" "$g: QEMU powered off"
		;;
	esac
done
finish

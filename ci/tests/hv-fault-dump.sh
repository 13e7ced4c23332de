#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# fault=KIND makes the hypervisor fault on purpose; the dump must name the
# exception and show every register, CR2 for a page fault, the error code
# and a stack trace, then stop the machine with the fatal exit code.
. "$(dirname "$0")/../lib.sh"

check_dump() {
	local kind=$1 name=$2 log=$TEST_DIR/$1.log rc=0

	boot_kernel "$log" 90 "test_exit fault=$kind" || rc=$?
	expect_status "$rc" "$QEMU_EXIT_FATAL" "$kind: fatal exit"
	expect "$log" "^\*\*\* FATAL TRAP on CPU 0: vector [0-9]+ \($name" "$kind: names the exception"
	for r in RIP RAX RBX RCX RDX RSI RDI RBP RSP R8 R9 R10 R11 R12 R13 R14 R15 CR0 CR2 CR3 CR4; do
		expect "$log" "(^| )$r: *[0-9a-f]{4}" "$kind: register $r printed"
	done
	expect "$log" '^Stack trace' "$kind: stack trace"
	expect "$log" '^  \[<ffff828[0-9a-f]{9}>\]' "$kind: trace has hypervisor addresses"
	expect "$log" '^ward: system halted' "$kind: machine stopped"
	reject "$log" '^ward: (starting dom0|no dom0 to run)' "$kind: boot did not continue"
}

check_dump pf '#PF page fault'
expect "$TEST_DIR/pf.log" '^Faulting address \(CR2\): ffff827ffffffff8 \[not-present write supervisor\]' \
	"pf: CR2 and decoded error code"
expect "$TEST_DIR/pf.log" 'error code 0x2 ' "pf: error code"
check_dump gp '#GP general protection'
check_dump ud '#UD invalid opcode'
check_dump de '#DE divide error'
finish

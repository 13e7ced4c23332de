#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The domain builder refuses bad kernels with a clear message and the
# hypervisor goes on: garbage, a truncated bzImage, an ELF without Xen
# notes, an unsupported codec, and dom0_mem too small.
. "$(dirname "$0")/../lib.sh"

refuse() {
	local name=$1 module=$2 pattern=$3 args=${4:-} log=$TEST_DIR/$1.log rc=0

	boot_kernel "$log" 90 "test_exit $args" "$module" || rc=$?
	expect_status "$rc" "$QEMU_EXIT_NO_DOM0" "$name: no dom0, clean exit"
	expect "$log" "$pattern" "$name: refused with a reason"
	reject "$log" 'FATAL TRAP|PANIC|ward: starting dom0' "$name: no fault, no start"
}

head -c 65536 /dev/urandom >"$TEST_DIR/garbage"
refuse garbage "$TEST_DIR/garbage" '^dom0: kernel refused: '
head -c 1000000 build/debian/vmlinuz >"$TEST_DIR/truncated"
refuse truncated "$TEST_DIR/truncated" '^dom0: kernel refused: .*(payload|truncated|outside)'
refuse no-notes build/ward.elf '^dom0: kernel refused: elf: .*(no Xen|notes)'
printf 'BZh91AY&SY' >"$TEST_DIR/bzip2"; head -c 4096 /dev/zero >>"$TEST_DIR/bzip2"
refuse bzip2 "$TEST_DIR/bzip2" '^dom0: kernel refused: '
refuse small-mem build/debian/vmlinuz '^dom0: (kernel refused: the memory size is too small|dom0_mem=.*does not fit)' "dom0_mem=20M"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Other machine shapes: 4 CPUs, 1 CPU, and RAM above 4 GiB (the allocator
# adds it after paging_init; the directmap must cover it).
. "$(dirname "$0")/../lib.sh"

log=$TEST_DIR/smp4.log
rc=0
WARD_SMP=4 boot_kernel "$log" 120 "test_exit" || rc=$?
expect_status "$rc" "$QEMU_EXIT_NO_DOM0" "smp 4: boots to the end"
expect "$log" '^ward: 4 CPU\(s\) online' "smp 4: four CPUs online"
expect "$log" '^CPU 3: timer ticking' "smp 4: CPU 3 timer ticks"

log=$TEST_DIR/smp1.log
rc=0
WARD_SMP=1 boot_kernel "$log" 90 "test_exit" || rc=$?
expect_status "$rc" "$QEMU_EXIT_NO_DOM0" "smp 1: boots to the end"
expect "$log" '^ward: 1 CPU\(s\) online' "smp 1: one CPU"

log=$TEST_DIR/mem6g.log
rc=0
WARD_MEM=6G boot_kernel "$log" 120 "test_exit loglvl=all" || rc=$?
expect_status "$rc" "$QEMU_EXIT_NO_DOM0" "6 GiB: boots to the end"
expect "$log" '^Paging: directmap up to 0x1[0-9a-f]{8}' "6 GiB: directmap reaches above 4 GiB"
expect "$log" '^Memory: (5[0-9]{3}|6[0-9]{3}) MiB free' "6 GiB: RAM above 4 GiB is managed"
reject "$log" 'FATAL|PANIC' "6 GiB: no fault"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Command-line options take effect: loglvl filters, bad options are
# reported and ignored, console=none silences the serial console.
. "$(dirname "$0")/../lib.sh"

log=$TEST_DIR/warn.log
rc=0
boot_kernel "$log" 90 "test_exit loglvl=warn bogus_option=1 dom0_mem=12Q guest_loglvl=loud" || rc=$?
expect_status "$rc" "$QEMU_EXIT_NO_DOM0" "loglvl=warn: boots to the end (no dom0 given)"
expect "$log" "unknown option 'bogus_option' ignored" "unknown option reported"
expect "$log" "bad value '12Q' for option 'dom0_mem'" "bad size reported"
expect "$log" "bad value 'loud' for option 'guest_loglvl'" "bad guest_loglvl reported"
reject "$log" '^Memory map:' "info messages hidden at loglvl=warn"

log=$TEST_DIR/none.log
rc=0
boot_kernel "$log" 90 "test_exit console=none" || rc=$?
expect_status "$rc" "$QEMU_EXIT_NO_DOM0" "console=none: boots to the end"
reject "$log" 'ward: no dom0 to run' "console=none: nothing printed after parsing"
finish

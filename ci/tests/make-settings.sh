#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 16: one documented place for the machine's settings. Every WARD_*
# setting the Makefile defines is listed, with its value, by `make help`
# and in README.md's "Machine settings" table; `make run` hands each to
# the script that uses it; and an ISO built and booted with non-default
# values gives the machine, the hypervisor and dom0 those values.
. "$(dirname "$0")/../lib.sh"

vars=$(sed -n 's/^\(WARD_[A-Z0-9_]*\) ?=.*/\1/p' Makefile)
[ -n "$vars" ] || bad "no WARD_* settings found in the Makefile"
make --no-print-directory help >"$TEST_DIR/help.txt" 2>&1 || bad "make help failed"
make --no-print-directory help WARD_MEM=5G >"$TEST_DIR/help-5g.txt" 2>&1
for v in $vars; do
	expect "$TEST_DIR/help.txt" "^  $v=" "make help lists $v"
	expect README.md "^\\| \`$v\` \\|" "README.md's settings table has $v"
done
expect "$TEST_DIR/help-5g.txt" '^  WARD_MEM=5G ' "make help shows the value given on the command line"

# make -n runs the sub-make with -n too: nothing is built or booted.
make -n --no-print-directory run WARD_MEM=3G WARD_SMP=1 WARD_DOM0_MEM=768M WARD_DOM0_VCPUS=2 \
	WARD_HV_EXTRA="loglvl=all x" WARD_DOM0_EXTRA="y z" WARD_DATA="$TEST_DIR/nosuch.img" \
	WARD_DATA_SIZE=1G >"$TEST_DIR/run-n.txt" 2>&1 || bad "make -n run failed"
expect "$TEST_DIR/run-n.txt" "^WARD_DOM0_MEM='768M' WARD_DOM0_VCPUS='2' WARD_HV_EXTRA='loglvl=all x' WARD_DOM0_EXTRA='y z' scripts/mkiso\\.sh build/ward\\.iso " \
	"make run builds the ISO with the command-line settings"
expect "$TEST_DIR/run-n.txt" "^scripts/mkstore\\.sh $TEST_DIR/nosuch\\.img 1G$" "make run makes a missing store of WARD_DATA_SIZE"
expect "$TEST_DIR/run-n.txt" "^WARD_MEM='3G' WARD_SMP='1' WARD_DISK='$TEST_DIR/nosuch\\.img' scripts/run-qemu\\.sh iso build/ward\\.iso$" \
	"make run boots QEMU with the machine settings and the store"

make --no-print-directory hypervisor kernel build/dom0-initrd.cpio.gz >"$TEST_DIR/build.log" 2>&1 ||
	{ bad "build ($(tail -n1 "$TEST_DIR/build.log"))"; finish; }
iso=$TEST_DIR/settings.iso log=$TEST_DIR/serial.log
# loglevel=7 after the ISO's loglevel=4: the later word wins, and the
# kernel's "Brought up" line reaches the console.
WARD_DOM0_MEM=768M WARD_DOM0_VCPUS=2 WARD_HV_EXTRA=test_exit WARD_DOM0_EXTRA="ward.test=poweroff loglevel=7" \
	WARD_TIMEOUT=0 scripts/mkiso.sh "$iso" build/ward.elf build/kernel/bzImage build/dom0-initrd.cpio.gz \
	>"$TEST_DIR/mkiso.log" 2>&1 || { bad "mkiso ($(tail -n1 "$TEST_DIR/mkiso.log"))"; finish; }
rc=0
WARD_MEM=3G WARD_SMP=2 boot_iso "$log" 240 "$iso" || rc=$?
expect_status "$rc" "$QEMU_EXIT_OK" "dom0 powered the machine off"
expect "$log" '^Command line: console=com1 loglvl=info guest_loglvl=warn dom0_mem=768M dom0_max_vcpus=2 test_exit$' "hypervisor command line has the dom0 settings and the extra"
expect "$log" 'module 0: .* console=hvc0 earlyprintk=xen loglevel=4 ward\.test=poweroff loglevel=7$' "dom0's command line has the extra"
expect "$log" '^Memory: [0-9]+ MiB free of (29|30)[0-9]{2} MiB managed' "the machine has WARD_MEM=3G"
expect "$log" '^dom0_mem: 768 MiB requested' "dom0 gets WARD_DOM0_MEM"
expect "$log" 'smp: Brought up 1 node, 2 CPUs' "dom0 brings up WARD_DOM0_VCPUS=2 vCPUs"
reject "$log" 'FATAL|PANIC|Kernel panic' "no fault"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 6: a dom0 shell on Ward, used through the serial console. Each
# kernel (ours and Debian's stock one) boots as dom0; commands are typed
# into its hvc0 console (serial input -> VIRQ_CONSOLE -> CONSOLEIO_read),
# their output is checked, a fork-heavy and a page-fault-heavy workload
# finish, and "poweroff" in dom0 powers the machine off.
. "$(dirname "$0")/../lib.sh"

# type_into FIFO LOG: wait for the shell, then type each command once the
# previous one has given its prompt back (typing ahead would interleave the
# echo of the next command with the output of this one).
type_into() {
	dom0_type "$1" "$2" <<'CMDS'
echo MARK-$((6*7))
uname -a
cat /proc/xen/capabilities 2>/dev/null || echo no-xenfs
echo SYSHV-$(cat /sys/hypervisor/type 2>/dev/null)-$(cat /sys/hypervisor/version/major 2>/dev/null).$(cat /sys/hypervisor/version/minor 2>/dev/null)
free
i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done; echo FORKS-DONE-$i
seq 1 200000 | sort -rn | head -1
dd if=/dev/zero of=/dev/null bs=4M count=32 2>&1 | tail -1
echo PF-$(cat /proc/meminfo | grep -c Mem)
poweroff
CMDS
	sleep 30
	exec 3>&-
}

run_shell() {
	local name=$1 kernel=$2 base=$TEST_DIR/$1 log=$TEST_DIR/$1.log rc=0

	typed_session "$base" 240 kernel build/ward.elf \
		"test_exit loglvl=all dom0_mem=512M" \
		"$kernel console=hvc0 earlyprintk=xen,build/dom0-initrd.cpio.gz"

	expect_status "$rc" "$QEMU_EXIT_OK" "$name: poweroff in dom0 ended the run"
	expect "$log" '^MARK-42' "$name: typed input reaches the shell and it answers"
	expect "$log" '^Linux ward-dom0 6\.1\.[^ ]+ .* x86_64' "$name: uname -a"
	expect "$log" '^Mem: +[0-9]+' "$name: free shows memory"
	expect "$log" '^FORKS-DONE-300' "$name: 300 fork+exec finished"
	expect "$log" '^200000' "$name: seq|sort over 200000 lines (page faults, pipes)"
	expect "$log" '^32\+0 records out' "$name: dd of 128 MiB"
	expect "$log" '^PF-[1-9]' "$name: /proc/meminfo read"
	expect "$log" '^d0: shut down: poweroff' "$name: dom0 powered off"
	reject "$log" 'FATAL TRAP|PANIC|crashed|BUG:|Oops' "$name: no fault anywhere"
}

scripts/build-kernel.sh >/dev/null || { bad "kernel build"; finish; }
run_shell ours build/kernel/bzImage
expect "$TEST_DIR/ours.log" '^control_d' "ours: /proc/xen/capabilities says control_d"
expect "$TEST_DIR/ours.log" '^SYSHV-xen-4\.17' "ours: /sys/hypervisor says xen 4.17"
run_shell debian build/debian/vmlinuz
expect "$TEST_DIR/debian.log" '^control_d' "debian: xenfs module loaded, /proc/xen/capabilities says control_d"
finish

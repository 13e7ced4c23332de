#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# xenstored in dom0 on Ward: rcS starts it, it serves dom0's kernel over
# the xsd_kva ring (xenbus probes the backend bus) and dom0's tools over
# the Unix socket. Commands are typed into the dom0 console as in
# dom0-shell.sh, with our kernel and with Debian's stock one (modules).
. "$(dirname "$0")/../lib.sh"

# type_into FIFO LOG: wait for the shell, then type each command once the
# previous one has given its prompt back.
type_into() {
	dom0_type "$1" "$2" <<'CMDS'
cat /var/log/xenstored.log
[ -d /sys/bus/xen-backend ] && echo XENBUS-BACKEND-BUS-$(ls /sys/bus | grep -c xen)
xenstore-ls /local/domain/0 >/dev/null && echo LS-DOM0-OK
xenstore-write /test/a hello-ward && echo WRITE-OK
echo READ-$(xenstore-read /test/a)
grep -c 'IN  dom0' /var/log/xenstored.trace | sed 's/^/KERNEL-REQUESTS-/'
grep 'IN  dom0 WATCH' /var/log/xenstored.trace | head -5
xenstore-rm /test && echo RM-OK
xenstore-read /test/a || echo READ-GONE
poweroff
CMDS
	sleep 30
	exec 3>&-
}

# run_dom0 NAME KERNEL: boot KERNEL as dom0, type the commands, check.
run_dom0() {
	local name=$1 kernel=$2 base=$TEST_DIR/$1 log=$TEST_DIR/$1.log rc=0

	typed_session "$base" 300 kernel build/ward.elf \
		"test_exit loglvl=all dom0_mem=512M" \
		"$kernel console=hvc0 earlyprintk=xen ward.xenstored.trace,build/dom0-initrd.cpio.gz"

	expect_status "$rc" "$QEMU_EXIT_OK" "$name: poweroff in dom0 ended the run"
	expect "$log" '^xenstored: ready' "$name: xenstored says it is ready"
	expect "$log" '^LS-DOM0-OK' "$name: xenstore-ls /local/domain/0 over the socket"
	expect "$log" '^WRITE-OK' "$name: xenstore-write"
	expect "$log" '^READ-hello-ward' "$name: xenstore-read returns the value"
	expect "$log" '^KERNEL-REQUESTS-[1-9]' "$name: dom0's kernel talks to xenstored over its ring"
	expect "$log" 'IN  dom0 WATCH .*"backend\\0' "$name: dom0's kernel watches backend (xenbus probe ran)"
	expect "$log" '^XENBUS-BACKEND-BUS' "$name: /sys/bus/xen-backend exists"
	expect "$log" '^RM-OK' "$name: xenstore-rm"
	expect "$log" '^READ-GONE' "$name: removed node reads as missing"
	reject "$log" 'FATAL TRAP|PANIC|crashed|BUG:|Oops' "$name: no fault anywhere"
}

make --no-print-directory hypervisor build/dom0-initrd.cpio.gz >/dev/null ||
	{ bad "build"; finish; }
scripts/build-kernel.sh >/dev/null || { bad "kernel build"; finish; }
run_dom0 ours build/kernel/bzImage
run_dom0 debian build/debian/vmlinuz
finish

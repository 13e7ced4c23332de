#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Our own kernel (make kernel: bzImage with a gzip payload) boots as dom0
# on Ward to the BusyBox init and powers off cleanly.
. "$(dirname "$0")/../lib.sh"

scripts/build-kernel.sh >/dev/null || { bad "kernel build"; finish; }
log=$TEST_DIR/serial.log
rc=0
boot_kernel "$log" 180 "test_exit loglvl=all dom0_mem=512M" \
	"build/kernel/bzImage console=hvc0 earlyprintk=xen ward.test=poweroff,build/dom0-initrd.cpio.gz" || rc=$?
expect_status "$rc" "$QEMU_EXIT_OK" "run ends through Ward's test exit"
expect "$log" '^dom0: kernel: bzImage, gzip payload' "gzip payload decompressed"
expect "$log" '\] Linux version 6\.1\.[0-9]+-ward' "our kernel's banner"
expect "$log" '^ward-dom0: init reached' "BusyBox init ran"
expect "$log" '^ward-dom0: xen capabilities .control_d.' "/proc/xen (xenfs) mounted and says control_d"
expect "$log" '^d0: shut down: poweroff' "dom0 powered itself off"
reject "$log" 'FATAL TRAP|PANIC|crashed' "no fault anywhere"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The toolstack in dom0 on Ward: wardctl's error paths
# and list, then the domctl test guest as a domU created with "create -n"
# (console only, no xenstore): it powers off and on_poweroff = "destroy"
# makes its console daemon destroy it, or it crashes and on_crash =
# "preserve" keeps it until wardctl destroy. A Linux domU with xenstored is
# in wardctl-domu-linux.sh.
. "$(dirname "$0")/../lib.sh"

# type_into FIFO LOG: one command per prompt (see dom0-shell.sh).
type_into() {
	dom0_type "$1" "$2" 480 <<'CMDS'
wardctl list
wardctl frobnicate; echo RC-UNKNOWN=$?
wardctl destroy 0; echo RC-DOM0=$?
wardctl pause nosuch; echo RC-NOSUCH=$?
wardctl create /etc/ward/bad.cfg; echo RC-BAD=$?
wardctl create -n /etc/ward/big.cfg; echo RC-BIG=$?
wardctl shutdown 0; echo RC-SHUTDOWN-NOXS=$?
wardctl create -n /etc/ward/child.cfg; echo RC-CHILD=$?
sleep 5
wardctl list | grep -c '^(domain' | sed 's/^/CHILD-LEFT-/'
pidof ward-consoled || echo NO-CONSOLED-AFTER-POWEROFF
ls /run/ward/ | wc -l | sed 's/^/RUN-FILES-/'
wardctl create -n /etc/ward/crash.cfg; echo RC-CRASH=$?
sleep 5
wardctl list
wardctl list | grep -q -- '----c' && echo CRASH-SHOWN
wardctl console $(wardctl list | awk '/----c/ { print $3 }'); echo RC-CONSOLE-GONE=$?
wardctl destroy $(wardctl list | awk '/----c/ { print $3 }'); echo RC-DESTROY-CRASHED=$?
wardctl list | grep -c '^(domain' | sed 's/^/FINAL-/'
poweroff
CMDS
	sleep 30
	exec 3>&-
}

make --no-print-directory tools >/dev/null || { bad "tools build"; finish; }
scripts/build-kernel.sh >/dev/null || { bad "kernel build"; finish; }
make --no-print-directory hypervisor >/dev/null || { bad "hypervisor build"; finish; }
make --no-print-directory -C hypervisor/tests/guests GUESTS=domctl >/dev/null ||
	{ bad "domctl guest build"; finish; }

# The dom0 initramfs plus the domctl guest and configs.
extra=$TEST_DIR/extra
rm -rf "$extra"
mkdir -p "$extra/boot" "$extra/etc/ward"
printf 'name = "t"\nmemory = x\n' >"$extra/etc/ward/bad.cfg"
# The domctl test guest as a domU powers off at once ("child"), or
# crashes ("child crash"): on_poweroff destroys it, on_crash keeps it.
cp build/guests/domctl.elf "$extra/boot/domctl.elf"
printf 'name = "c"\nmemory = 32\nkernel = "/boot/domctl.elf"\ncmdline = "child"\non_poweroff = "destroy"\n' \
	>"$extra/etc/ward/child.cfg"
printf 'name = "k"\nmemory = 32\nkernel = "/boot/domctl.elf"\ncmdline = "child crash"\non_crash = "preserve"\n' \
	>"$extra/etc/ward/crash.cfg"
printf 'name = "big"\nmemory = 100000\nkernel = "/boot/domctl.elf"\n' >"$extra/etc/ward/big.cfg"
initrd=$TEST_DIR/initrd.cpio.gz
DOM0_EXTRA_DIRS=$PWD/build/tools/stage:$extra dom0-rootfs/build.sh "$initrd" >/dev/null ||
	{ bad "initramfs"; finish; }

base=$TEST_DIR/run log=$TEST_DIR/run.log rc=0
typed_session "$base" 300 kernel build/ward.elf \
	"test_exit loglvl=all dom0_mem=512M" \
	"build/kernel/bzImage console=hvc0 earlyprintk=xen,$initrd"

expect_status "$rc" "$QEMU_EXIT_OK" "poweroff in dom0 ended the run"
expect "$log" '^Name +ID +Mem VCPUs' "list: xl's header"
expect "$log" '^Domain-0 +0 +[0-9]+ +1 +r-----' "list: dom0 running"
expect "$log" "^wardctl: unknown command 'frobnicate'" "unknown verb: one line"
expect "$log" '^RC-UNKNOWN=2' "unknown verb: status 2"
expect "$log" '^wardctl: destroy: refusing to act on dom0' "destroy 0 refused"
expect "$log" '^RC-DOM0=1' "destroy 0: status 1"
expect "$log" "^wardctl: no domain 'nosuch'" "unknown domain: one line"
expect "$log" '^RC-NOSUCH=1' "unknown domain: status 1"
expect "$log" '^wardctl: /etc/ward/bad.cfg:2: expected a number' "config syntax error with file:line"
expect "$log" '^RC-BAD=1' "bad config: status 1"
expect "$log" '^wardctl: /etc/ward/big.cfg:2: memory = 100000 MiB is more than the [0-9]+ MiB free' "memory checked against physinfo"
expect "$log" '^RC-BIG=1' "too much memory: status 1"
expect "$log" '^wardctl: shutdown: refusing to act on dom0' "shutdown 0 refused"
expect "$log" '^RC-SHUTDOWN-NOXS=1' "shutdown 0: status 1"
expect "$log" '^RC-CHILD=0' "create the powering-off child"
expect "$log" '\(d[0-9]+\) child: all checks passed' "the child ran as a domU"
expect "$log" '^CHILD-LEFT-0' "on_poweroff = destroy: the console daemon destroyed it"
expect "$log" '^NO-CONSOLED-AFTER-POWEROFF' "and exited"
expect "$log" '^RUN-FILES-0' "no console socket or pid file left"
expect "$log" '^RC-CRASH=0' "create the crashing child"
expect "$log" '^CRASH-SHOWN' "on_crash = preserve: list shows it crashed"
expect "$log" '^wardctl: console: /run/ward/console-[0-9]+\.sock: No such file' "console of a domain without a daemon: one line"
expect "$log" '^RC-CONSOLE-GONE=1' "console of a domain without a daemon: status 1"
expect "$log" '^RC-DESTROY-CRASHED=0' "destroy the crashed domain"
expect "$log" '^FINAL-0' "no domU left"
reject "$log" 'FATAL TRAP|PANIC|BUG:|Oops' "no fault anywhere"
finish

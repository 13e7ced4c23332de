#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The toolstack in dom0 on Ward, without xenstored: wardctl's error paths,
# list, and a domU created with "create -n" (console only, no xenstore):
# WARD_CTL_create, the console daemon mapping the ring and binding its port,
# the guest's early boot in the console log, pause/unpause, destroy and its
# cleanup. The domU is our kernel, which stalls in xenbus probing without
# xenstored (expected).
. "$(dirname "$0")/../lib.sh"

prompts() {
	grep -ao 'ward-dom0:/# ' "$1" 2>/dev/null | wc -l
}

# type_into FIFO LOG: one command per prompt (see dom0-shell.sh).
type_into() {
	local in=$1 log=$2 i n

	exec 3>"$in"
	for i in $(seq 1 240); do
		[ "$(prompts "$log")" -ge 1 ] && break
		sleep 0.5
	done
	while IFS= read -r line; do
		n=$(prompts "$log")
		printf '%s\r' "$line" >&3
		for i in $(seq 1 480); do
			[ "$(prompts "$log")" -gt "$n" ] && break
			sleep 0.25
		done
	done <<'CMDS'
wardctl list
wardctl frobnicate; echo RC-UNKNOWN=$?
wardctl destroy 0; echo RC-DOM0=$?
wardctl pause nosuch; echo RC-NOSUCH=$?
wardctl create /etc/ward/bad.cfg; echo RC-BAD=$?
wardctl create -n /etc/ward/big.cfg; echo RC-BIG=$?
wardctl create -n /etc/ward/t.cfg; echo RC-CREATE=$?
ls /run/ward/
wardctl list | grep -c '^(domain 1) ' | sed 's/^/LISTED-/'
wardctl pause 1; echo RC-PAUSE=$?
wardctl list | grep '^(domain 1) ' | grep -q -- '--p---' && echo PAUSED-SHOWN
wardctl unpause 1; echo RC-UNPAUSE=$?
wardctl shutdown 1; echo RC-SHUTDOWN-NOXS=$?
sleep 10
grep -c 'Linux version' /var/log/ward/console-t.log | sed 's/^/CONSOLE-LINES-/'
tail -n 3 /var/log/ward/console-t.log
(sleep 1; printf 'x\035') | wardctl console t; echo RC-CONSOLE-NAME=$?
(sleep 1; printf 'x\035') | wardctl console 1; echo RC-CONSOLE=$?
wardctl destroy 1; echo RC-DESTROY=$?
wardctl list | grep -c '^(domain 1) ' | sed 's/^/AFTER-/'
ls /run/ward/ | wc -l | sed 's/^/RUN-FILES-/'
pidof ward-consoled || echo NO-CONSOLED
wardctl create -n /etc/ward/child.cfg; echo RC-CHILD=$?
sleep 5
wardctl list | grep -c '^(domain' | sed 's/^/CHILD-LEFT-/'
pidof ward-consoled || echo NO-CONSOLED-AFTER-POWEROFF
wardctl create -n /etc/ward/crash.cfg; echo RC-CRASH=$?
sleep 5
wardctl list
wardctl list | grep -q -- '----c' && echo CRASH-SHOWN
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

# The dom0 initramfs plus a domU kernel and configs.
extra=$TEST_DIR/extra
rm -rf "$extra"
mkdir -p "$extra/boot" "$extra/etc/ward"
cp build/kernel/bzImage "$extra/boot/domU-vmlinuz"
cat >"$extra/etc/ward/t.cfg" <<'CFG'
# a console-only guest
name = "t"
memory = 64
kernel = "/boot/domU-vmlinuz"
extra = "console=hvc0"
CFG
printf 'name = "t"\nmemory = x\n' >"$extra/etc/ward/bad.cfg"
# The domctl test guest as a domU powers off at once ("child"), or
# crashes ("child crash"): on_poweroff destroys it, on_crash keeps it.
cp build/guests/domctl.elf "$extra/boot/domctl.elf"
printf 'name = "c"\nmemory = 32\nkernel = "/boot/domctl.elf"\ncmdline = "child"\non_poweroff = "destroy"\n' \
	>"$extra/etc/ward/child.cfg"
printf 'name = "k"\nmemory = 32\nkernel = "/boot/domctl.elf"\ncmdline = "child crash"\non_crash = "preserve"\n' \
	>"$extra/etc/ward/crash.cfg"
printf 'name = "big"\nmemory = 100000\nkernel = "/boot/domU-vmlinuz"\n' >"$extra/etc/ward/big.cfg"
initrd=$TEST_DIR/initrd.cpio.gz
DOM0_EXTRA_DIRS=$PWD/build/tools/stage:$extra dom0-rootfs/build.sh "$initrd" >/dev/null ||
	{ bad "initramfs"; finish; }

base=$TEST_DIR/run log=$TEST_DIR/run.log rc=0
rm -f "$base.in" "$base.out" "$log"
mkfifo "$base.in" "$base.out"
cat "$base.out" >"$log" &
reader=$!
type_into "$base.in" "$log" &
feeder=$!
WARD_SERIAL_PIPE=$base WARD_TIMEOUT=300 scripts/run-qemu.sh kernel build/ward.elf \
	"test_exit loglvl=all dom0_mem=512M" \
	"build/kernel/bzImage console=hvc0 earlyprintk=xen,$initrd" || rc=$?
kill "$feeder" 2>/dev/null
wait "$reader" 2>/dev/null
rm -f "$base.in" "$base.out"

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
expect "$log" '^Started domain t \(id=1\)' "create -n: started"
expect "$log" '^RC-CREATE=0' "create -n: status 0"
expect "$log" '^console-1\.(pid|sock)' "console daemon's socket and pid file"
expect "$log" '^LISTED-1' "list shows the domU"
expect "$log" '^RC-PAUSE=0' "pause"
expect "$log" '^PAUSED-SHOWN' "list shows it paused"
expect "$log" '^RC-UNPAUSE=0' "unpause"
expect "$log" '^CONSOLE-LINES-[1-9]' "the domU's boot log reached /var/log/ward/console-t.log"
expect "$log" "^wardctl: no domain 't'" "without xenstore the domU has no name"
expect "$log" '^RC-CONSOLE=0' "console attaches and Ctrl-] detaches"
expect "$log" '^wardctl: cannot connect to xenstored' "shutdown without xenstored: one line"
expect "$log" '^RC-SHUTDOWN-NOXS=1' "shutdown without xenstored: status 1"
expect "$log" '^RC-DESTROY=0' "destroy"
expect "$log" '^AFTER-0' "the domU is gone from the list"
expect "$log" '^RUN-FILES-0' "no socket or pid file left"
expect "$log" '^NO-CONSOLED' "the console daemon exited"
expect "$log" '^RC-CHILD=0' "create the powering-off child"
expect "$log" '^\(d[0-9]+\) child: all checks passed' "the child ran as a domU"
expect "$log" '^CHILD-LEFT-0' "on_poweroff = destroy: the console daemon destroyed it"
expect "$log" '^NO-CONSOLED-AFTER-POWEROFF' "and exited"
expect "$log" '^RC-CRASH=0' "create the crashing child"
expect "$log" '^CRASH-SHOWN' "on_crash = preserve: list shows it crashed"
expect "$log" '^RC-DESTROY-CRASHED=0' "destroy the crashed domain"
expect "$log" '^FINAL-0' "no domU left"
reject "$log" 'FATAL TRAP|PANIC|BUG:|Oops' "no fault anywhere"
finish

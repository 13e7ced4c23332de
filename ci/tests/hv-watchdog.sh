#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The watchdog and NMIs. watchdog_selftest makes the boot CPU spin for 2 s
# with interrupts off at the end of boot: its watcher (CPU 1) must NMI it
# after a second, and it must print one report (registers, a stack trace
# of hypervisor addresses) and carry on, dom0 (the traps guest) to its
# SUCCESS. On one CPU nobody watches: no report, and it carries on. And an
# NMI that is not the panic path's stop request is not fatal: one from
# outside (QEMU's "nmi" monitor command; LINT1, the boot CPU) while a guest
# runs is reported and the machine carries on.
. "$(dirname "$0")/../lib.sh"

HV_ARGS="test_exit loglvl=all dom0_mem=64M"

# expect_one LOG REGEX WHAT: exactly one line matches.
expect_one() {
	local n
	n=$(tr -d '\r' <"$1" | grep -acE -- "$2")
	if [ "$n" -eq 1 ]; then ok "$3"; else bad "$3 ($n lines match /$2/ in $1)"; fi
}

# send_when LOG REGEX SOCKET CMD: once LOG has a line matching REGEX, send
# CMD to the QEMU monitor at SOCKET (in the background; gives up after 60 s).
send_when() {
	python3 - "$@" <<'PY' &
import re, socket, sys, time
log, regex, path, cmd = sys.argv[1:5]
deadline = time.time() + 60
while time.time() < deadline:
    try:
        with open(log, "rb") as f:
            if re.search(regex.encode(), f.read()):
                break
    except FileNotFoundError:
        pass
    time.sleep(0.05)
else:
    sys.exit(1)
s = socket.socket(socket.AF_UNIX)
s.connect(path)
s.sendall(cmd.encode() + b"\n")
time.sleep(0.5)
s.close()
PY
}

log=$TEST_DIR/selftest.log
rc=0
boot_kernel "$log" 90 "$HV_ARGS watchdog_selftest" "build/guests/traps.elf" || rc=$?
expect "$log" '^watchdog_selftest: CPU 0 spins for 2000 ms with interrupts off$' "selftest: CPU 0 spins"
expect_one "$log" '^\*\*\* Watchdog: CPU 0 stuck for [0-9]+ ms with interrupts off \*\*\*$' \
	"selftest: one watchdog report for CPU 0"
expect "$log" '^RIP: e008:ffff828[0-9a-f]{9} ' "selftest: the report has the hypervisor RIP"
expect "$log" '^Stack trace' "selftest: the report has a stack trace"
expect "$log" '^  \[<ffff828[0-9a-f]{9}>\]$' "selftest: the trace has hypervisor addresses"
expect "$log" '^Watchdog: CPU 0 goes on$' "selftest: CPU 0 goes on"
expect "$log" '^watchdog_selftest: done, going on$' "selftest: the spin ended"
reject "$log" 'FATAL TRAP|PANIC' "selftest: no fatal error"
expect "$log" '^Test result: SUCCESS' "selftest: dom0 ran to its SUCCESS"
expect_status "$rc" "$QEMU_EXIT_OK" "selftest: QEMU powered off"

log=$TEST_DIR/selftest-1cpu.log
rc=0
WARD_SMP=1 boot_kernel "$log" 90 "$HV_ARGS watchdog_selftest" "build/guests/traps.elf" || rc=$?
expect "$log" '^watchdog_selftest: .*\(one CPU: nobody watches it\)$' "1 CPU: says nobody watches"
reject "$log" 'Watchdog:' "1 CPU: no report"
expect "$log" '^watchdog_selftest: done, going on$' "1 CPU: the spin ended"
expect "$log" '^Test result: SUCCESS' "1 CPU: dom0 ran to its SUCCESS"
expect_status "$rc" "$QEMU_EXIT_OK" "1 CPU: QEMU powered off"

log=$TEST_DIR/nmi.log
mon=$TEST_DIR/nmi.monitor
rm -f "$mon"
send_when "$log" 'ward: starting dom0' "$mon" nmi
sender=$!
rc=0
WARD_QEMU_ARGS="-monitor unix:$mon,server=on,wait=off" \
	boot_kernel "$log" 90 "$HV_ARGS" "build/guests/events.elf" || rc=$?
wait "$sender" || bad "nmi: could not send the NMI"
expect "$log" '^CPU 0: NMI at [0-9a-f]{4}:[0-9a-f]+ \(.*\), ignored' "nmi: the NMI is reported"
reject "$log" 'FATAL TRAP|PANIC' "nmi: not fatal"
expect "$log" '^Test result: SUCCESS' "nmi: the guest carried on to its SUCCESS"
expect_status "$rc" "$QEMU_EXIT_OK" "nmi: QEMU powered off"
finish

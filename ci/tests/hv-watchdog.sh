#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# NMIs that are not the panic path's stop request are not fatal: one from
# outside (QEMU's "nmi" monitor command, to every CPU) while a guest runs
# is reported and the machine carries on, the guest to its SUCCESS.
. "$(dirname "$0")/../lib.sh"

HV_ARGS="test_exit loglvl=all dom0_mem=64M"

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

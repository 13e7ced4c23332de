#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""One boot of scripts/count-cr3.sh: run QEMU with its serial console and
its `-d mmu` log on the same stdout pipe, count the "CR3 update" lines as
they pass (nothing is stored), and note the running count at each marker
line of the guest: "ward-dom0: init reached" (the boot) and the
"ward-cr3: mark NAME" lines of bench/rootfs/etc/init.d/cr3-count.

Usage: count-cr3.py LABEL TIMEOUT CONSOLE -- QEMU ARGS...

Prints "MARK <name> <count>" per marker on stdout, progress on stderr,
and the console, without the log, to the file CONSOLE.
The QEMU arguments must send both streams to stdout (-serial stdio
-D /dev/stdout). A log line is one write, the console's bytes come one by
one, so a log line can sit in the middle of a console line: log lines
are cut out wherever they are and what is left is the console.
Exit status 0 when the guest said "ward-cr3: done", 1 otherwise.
"""
import os
import re
import select
import subprocess
import sys
import time

# QEMU 7.2, target/i386/helper.c: one line per CR0/CR3/CR4 write under -d mmu.
LOG_LINE = re.compile(rb"CR[034] update: CR[034]=(?:0x)?[0-9a-fA-F]+\n")
CR3_LINE = rb"CR3 update: "
INIT_MARKER = "ward-dom0: init reached"
MARK_RE = re.compile(r"ward-cr3: mark (.+)$")
DONE_MARKER = "ward-cr3: done"
ERROR_RE = re.compile(r"ward-cr3: error: .*|Kernel panic.*|Panic on CPU.*|PANIC.*")
# The longest tail that may still turn out to be the start of a log line.
MAX_LOG_LINE = 64


def main():
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        print("usage: count-cr3.py LABEL TIMEOUT CONSOLE -- QEMU ARGS...", file=sys.stderr)
        return 2
    label, timeout, qemu = sys.argv[1], float(sys.argv[2]), sys.argv[5:]
    out = open(sys.argv[3], "wb")
    proc = subprocess.Popen(qemu, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    fd = proc.stdout.fileno()
    t0 = time.monotonic()
    cr3 = 0
    pending = b""  # bytes not yet sorted into log lines and console
    console = b""  # console bytes of the current, unfinished line
    done = False
    while not done:
        left = timeout - (time.monotonic() - t0)
        if left <= 0:
            print(f"count-cr3: {label}: timed out after {timeout:.0f}s", file=sys.stderr)
            break
        ready, _, _ = select.select([fd], [], [], min(left, 5))
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            print(f"count-cr3: {label}: QEMU exited before the guest was done",
                  file=sys.stderr)
            break
        pending += chunk
        text = []
        pos = 0
        for m in LOG_LINE.finditer(pending):
            text.append(pending[pos:m.start()])
            if m.group(0).startswith(CR3_LINE):
                cr3 += 1
            pos = m.end()
        rest = pending[pos:]
        # Keep a tail that may be the beginning of a log line still being read.
        cut = rest.rfind(b"CR")
        if cut >= 0 and len(rest) - cut < MAX_LOG_LINE and b"\n" not in rest[cut:]:
            text.append(rest[:cut])
            pending = rest[cut:]
        else:
            text.append(rest)
            pending = b""
        console += b"".join(text)
        out.write(b"".join(text))
        *lines, console = console.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            m = MARK_RE.search(line)
            if INIT_MARKER in line:
                print(f"MARK boot {cr3}", flush=True)
                print(f"count-cr3: {label}: init reached after {time.monotonic() - t0:.0f}s, "
                      f"{cr3} CR3 writes", file=sys.stderr)
            elif m:
                print(f"MARK {m.group(1).strip()} {cr3}", flush=True)
                print(f"count-cr3: {label}: {m.group(1).strip()}: {cr3}", file=sys.stderr)
            elif DONE_MARKER in line:
                done = True
            elif ERROR_RE.search(line):
                print(f"count-cr3: {label}: guest: {line}", file=sys.stderr)
    proc.kill()
    proc.wait()
    out.close()
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())

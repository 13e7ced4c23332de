#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run one benchmark boot of `make bench`: start QEMU, watch its serial
console (QEMU's stdout), stamp it with the host clock, stop it on a
timeout, and write what happened.

Usage: bench-run.py LOG META BOOT_TIMEOUT RUN_TIMEOUT STALL_TIMEOUT -- QEMU ARGS...

LOG   the serial console, byte for byte
META  key=value lines: status (ok, partial, did-not-boot), reason,
      boot_s (QEMU start to the dom0 init marker, host clock; empty if
      never seen), wall_s, qemu_rc, results (BENCH lines), failures
Timeouts, in seconds:
  BOOT_TIMEOUT   no "ward-bench: start" by then: did not boot
  RUN_TIMEOUT    the whole boot, start to power-off
  STALL_TIMEOUT  no new result line for this long once the suite runs
Exit status 0 whatever the guest did (META says); 2 on bad usage.
"""
import os
import select
import signal
import subprocess
import sys
import time

PROG = "bench-run"
INIT_MARKER = b"ward-dom0: init reached"
START_MARKER = b"ward-bench: start"
DONE_MARKER = b"ward-bench: done"
# After the suite is done the guest powers off; give it this long.
POWEROFF_GRACE_S = 30


def die(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(2)


def stop(proc):
    """Terminate our QEMU (only it, by pid), then kill it if it lingers."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Watch:
    """What the serial console has shown so far."""

    def __init__(self, t0):
        self.t0 = t0
        self.boot_s = None
        self.started = False
        self.done = False
        self.results = 0
        self.failures = 0
        self.last_progress = t0
        self.partial = b""

    def feed(self, data, now):
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        for line in lines:
            self.line(line, now)

    def line(self, line, now):
        # Markers are searched anywhere: a hypervisor line may share it.
        if self.boot_s is None and INIT_MARKER in line:
            self.boot_s = now - self.t0
        if START_MARKER in line:
            self.started = True
            self.last_progress = now
        if b"BENCH " in line:
            self.results += 1
            self.last_progress = now
        if b"BENCH-FAIL " in line:
            self.failures += 1
            self.last_progress = now
        if DONE_MARKER in line:
            self.done = True


def run(log_path, args, boot_to, run_to, stall_to):
    t0 = time.monotonic()
    w = Watch(t0)
    reason = ""
    done_at = None
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        fd = proc.stdout.fileno()
        while True:
            ready, _, _ = select.select([fd], [], [], 0.05)
            now = time.monotonic()
            if ready:
                data = os.read(fd, 65536)
                if not data:
                    break  # QEMU closed its stdout: it has exited
                log.write(data)
                w.feed(data, now)
            if w.done and done_at is None:
                done_at = now
            if done_at is not None and now - done_at > POWEROFF_GRACE_S:
                reason = f"guest did not power off within {POWEROFF_GRACE_S} s"
                break
            if not w.started and now - t0 > boot_to:
                reason = f"no benchmark output within {boot_to} s"
                break
            if w.started and not w.done and now - w.last_progress > stall_to:
                reason = f"no new result for {stall_to} s"
                break
            if now - t0 > run_to:
                reason = f"run timeout ({run_to} s)"
                break
        stop(proc)
        rest = proc.stdout.read()
        if rest:
            log.write(rest)
            w.feed(rest, time.monotonic())
        w.feed(b"\n", time.monotonic())
    wall = time.monotonic() - t0
    rc = proc.returncode

    if w.done:
        status = "ok"
    elif w.started:
        status = "partial"
        reason = reason or f"qemu exited (status {rc}) during the suite"
    else:
        status = "did-not-boot"
        if not reason:
            where = "after" if w.boot_s is not None else "before"
            reason = f"qemu exited (status {rc}) {where} the init marker"
    return {
        "status": status,
        "reason": reason,
        "boot_s": "" if w.boot_s is None else f"{w.boot_s:.3f}",
        "wall_s": f"{wall:.1f}",
        "qemu_rc": str(rc),
        "results": str(w.results),
        "failures": str(w.failures),
    }


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        die(__doc__.split("\n\n")[1])
    sep = argv.index("--")
    head, qemu = argv[:sep], argv[sep + 1:]
    if len(head) != 5 or not qemu:
        die("usage: bench-run.py LOG META BOOT_TIMEOUT RUN_TIMEOUT STALL_TIMEOUT -- QEMU ARGS...")
    log_path, meta_path = head[0], head[1]
    try:
        boot_to, run_to, stall_to = (float(x) for x in head[2:5])
    except ValueError:
        die("timeouts must be numbers of seconds")
    meta = run(log_path, qemu, boot_to, run_to, stall_to)
    with open(meta_path + ".tmp", "w") as f:
        for k, v in meta.items():
            f.write(f"{k}={v}\n")
    os.replace(meta_path + ".tmp", meta_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

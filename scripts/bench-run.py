#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run one benchmark boot of `make bench`: start QEMU, watch its serial
console (QEMU's stdout), stamp it with the host clock, stop it on a
timeout, and write what happened.

Usage: bench-run.py LOG META BOOT_TIMEOUT RUN_TIMEOUT STALL_TIMEOUT -- QEMU ARGS...

LOG   the serial console, byte for byte; LOG.times has every line
      again, prefixed with host seconds since QEMU started
META  key=value lines: status (ok, partial, did-not-boot), reason,
      boot_s (QEMU start to the dom0 init marker, host clock; empty if
      never seen), wall_s, qemu_rc, results (benchmarks with a BENCH or
      BENCH-ROUND line), failures (BENCH-FAIL lines),
      host_other_cpus (CPUs' worth of host time used by everything but
      this QEMU during the run: the interference it suffered)
Timeouts, in seconds:
  BOOT_TIMEOUT   no "ward-bench: start" by then: did not boot
  RUN_TIMEOUT    the whole boot, start to power-off
  STALL_TIMEOUT  no new result line (BENCH, BENCH-ROUND, BENCH-FAIL) for
                 this long once the suite runs
Exit status 0 whatever the guest did (META says); 2 on bad usage.
"""
import os
import re
import select
import signal
import subprocess
import sys
import time

PROG = "bench-run"
INIT_MARKER = b"ward-dom0: init reached"
START_MARKER = b"ward-bench: start"
DONE_MARKER = b"ward-bench: done"
# A final result or one round's: either shows the suite is making progress.
RESULT_RE = re.compile(rb"BENCH(?:-ROUND)? ([a-z0-9_]+) ")
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


def host_busy_s():
    """Non-idle CPU seconds of the whole host since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid):
    """CPU seconds used so far by process pid, all threads (0 if gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Watch:
    """What the serial console has shown so far."""

    def __init__(self, t0, times):
        self.t0 = t0
        self.times = times
        self.boot_s = None
        self.started = False
        self.done = False
        self.results = set()
        self.failures = 0
        self.last_progress = t0
        self.partial = b""
        self.last = b""

    def feed(self, data, now):
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        for line in lines:
            self.line(line, now)

    def line(self, line, now):
        self.times.write(b"%.3f " % (now - self.t0) + line + b"\n")
        if line.strip():
            self.last = line.strip()
        # Markers are searched anywhere: a hypervisor line may share it.
        if self.boot_s is None and INIT_MARKER in line:
            self.boot_s = now - self.t0
        if START_MARKER in line:
            self.started = True
            self.last_progress = now
        m = RESULT_RE.search(line)
        if m:
            self.results.add(m.group(1))
            self.last_progress = now
        if b"BENCH-FAIL " in line:
            self.failures += 1
            self.last_progress = now
        if DONE_MARKER in line:
            self.done = True


def run(log_path, args, boot_to, run_to, stall_to):
    reason = ""
    done_at = None
    with open(log_path, "wb") as log, open(log_path + ".times", "wb") as times:
        busy0, self0 = host_busy_s(), proc_cpu_s(os.getpid())
        t0 = time.monotonic()
        w = Watch(t0, times)
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        qemu_cpu, sampled = 0.0, 0.0
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
            if now - sampled > 0.5:
                qemu_cpu = max(qemu_cpu, proc_cpu_s(proc.pid))
                sampled = now
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
        qemu_cpu = max(qemu_cpu, proc_cpu_s(proc.pid))
        stop(proc)
        rest = proc.stdout.read()
        if rest:
            log.write(rest)
            w.feed(rest, time.monotonic())
        w.feed(b"\n", time.monotonic())
        wall = time.monotonic() - t0
        others = host_busy_s() - busy0 - qemu_cpu - (proc_cpu_s(os.getpid()) - self0)
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
        last = w.last.decode("utf-8", "replace")[:120]
        reason += f"; last console line: '{last}'" if last else "; console empty"
    return {
        "status": status,
        "reason": reason,
        "boot_s": "" if w.boot_s is None else f"{w.boot_s:.3f}",
        "wall_s": f"{wall:.1f}",
        "qemu_rc": str(rc),
        "results": str(len(w.results)),
        "failures": str(w.failures),
        "host_other_cpus": f"{max(0.0, others) / wall:.2f}",
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

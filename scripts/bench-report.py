#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the serial logs of `make bench` into report.txt, report.csv and
report.png (via gnuplot). See docs/bench.md.

Usage: bench-report.py --out DIR --reps N --systems native,xen,ward [--elapsed S]

Reads DIR/benchmarks.tsv (ward-bench --list: name, unit, description) and
DIR/runs/SYSTEM-REP.{meta,log} (scripts/bench-run.py). Every benchmark of
the list gets a row, and so does boot_to_init; a cell without a number
says why: "did not boot", "not run", "failed" or "missing".
"""
import argparse
import datetime
import math
import os
import re
import statistics
import subprocess
import sys

PROG = "bench-report"
LABELS = {"native": "native", "xen": "Xen 4.17 dom0", "ward": "Ward dom0"}
SHORT = {"native": "nat", "xen": "Xen", "ward": "Ward"}
COLORS = {"xen": "#3b75af", "ward": "#c8442f"}
BOOT_ROW = ("boot_to_init", "s",
            "QEMU start to 'ward-dom0: init reached' on the console (host clock)")
# Units where more is better: their ratio is native/system, so that a
# ratio above 1 always means "slower than native".
RATE_UNITS = {"MB/s"}
# Rows of the micro-benchmark group, for the geometric means.
MACRO_FIRST = "cpu_loop"

# A guest clock that runs faster or slower than the host's by more than
# this is reported, and that boot's values are rescaled to host time.
CLOCK_TOLERANCE = 0.01
# The clock check needs this much host time between first and last line.
CLOCK_MIN_SPAN_S = 5.0
CLOCK_RE = re.compile(rb"^([0-9.]+) .*BENCH-CLOCK ([0-9]+)")

BENCH_RE = re.compile(r"(?:^|\s)BENCH ([a-z0-9_]+) (\S+) (\S+)\s*$")
ROUND_RE = re.compile(r"(?:^|\s)BENCH-ROUND ([a-z0-9_]+) (\d+) (\S+) (\S+)")
FAIL_RE = re.compile(r"(?:^|\s)BENCH-FAIL ([a-z0-9_]+) (.*?)\s*$")


def die(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(1)


def read_meta(path):
    meta = {}
    if not os.path.exists(path):
        return {"status": "missing", "reason": f"{path} not written"}
    with open(path) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            meta[k] = v
    return meta


def clock_rate(times_path):
    """Guest seconds per host second over the suite, from the host-stamped
    BENCH-CLOCK lines of LOG.times; None if there are too few."""
    points = []
    try:
        with open(times_path, "rb") as f:
            for line in f:
                m = CLOCK_RE.search(line)
                if m:
                    points.append((float(m.group(1)), int(m.group(2)) / 1e9))
    except OSError:
        return None
    if len(points) < 2 or points[-1][0] - points[0][0] < CLOCK_MIN_SPAN_S:
        return None
    return (points[-1][1] - points[0][1]) / (points[-1][0] - points[0][0])


def rescale(values, units, rate):
    """Guest-clock values to host time: durations / rate, rates * rate."""
    for name, v in values.items():
        unit = units.get(name)
        if unit is None or name == BOOT_ROW[0]:
            continue
        values[name] = v * rate if unit in RATE_UNITS else v / rate


def best(unit, values):
    return max(values) if unit in RATE_UNITS else min(values)


def parse_log(path):
    """BENCH values and BENCH-FAIL reasons of one serial log, plus the
    names whose value is the best of fewer rounds than the suite ran
    (the run was cut short before the final BENCH lines)."""
    values, fails, info, rounds = {}, {}, {}, {}
    if not os.path.exists(path):
        return values, fails, info, set()
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace").replace("\r", "")
    for line in text.split("\n"):
        m = ROUND_RE.search(line)
        if m:
            try:
                rounds.setdefault(m.group(1), (m.group(4), []))[1].append(
                    float(m.group(3)))
            except ValueError:
                pass
            continue
        m = BENCH_RE.search(line)
        if m:
            try:
                values[m.group(1)] = float(m.group(2))
            except ValueError:
                fails[m.group(1)] = f"unparsable value '{m.group(2)}'"
            continue
        m = FAIL_RE.search(line)
        if m:
            fails[m.group(1)] = m.group(2)
            continue
        for key, pat in (("linux", r"Linux version (\S+)"),
                         ("xen", r"Xen version (\S+)"),
                         ("ward", r"^(Ward \S+)")):
            m = re.search(pat, line)
            if m and key not in info:
                info[key] = m.group(1)
    partial = set()
    for name, (unit, vals) in rounds.items():
        if name not in values and name not in fails:
            values[name] = best(unit, vals)
            partial.add(name)
    return values, fails, info, partial


def fmt(v):
    """Four significant digits, never an exponent."""
    if v == 0 or not math.isfinite(v):
        return str(v)
    digits = max(0, 3 - int(math.floor(math.log10(abs(v)))))
    return f"{v:.{digits}f}"


def fmt_ratio(r):
    return f"{r:.2f}" if r < 100 else f"{r:.0f}"


class System:
    def __init__(self, name, out, reps, units):
        self.name = name
        self.runs = []  # (rep, meta, values, fails)
        self.info = {}
        self.partial = {}  # bench -> reps whose value lacks some rounds
        self.clock_notes = []  # reps whose values were rescaled
        for rep in range(1, reps + 1):
            base = os.path.join(out, "runs", f"{name}-{rep}")
            meta = read_meta(base + ".meta")
            values, fails, info, partial = parse_log(base + ".log")
            rate = clock_rate(base + ".log.times")
            if rate is not None:
                meta["clock_rate"] = rate
                if abs(rate - 1) > CLOCK_TOLERANCE:
                    rescale(values, units, rate)
                    self.clock_notes.append(rep)
            for bench in partial:
                self.partial.setdefault(bench, []).append(rep)
            if meta.get("boot_s"):
                values[BOOT_ROW[0]] = float(meta["boot_s"])
            for k, v in info.items():
                self.info.setdefault(k, v)
            self.runs.append((rep, meta, values, fails))
        statuses = [m.get("status") for _, m, _, _ in self.runs]
        self.ran = [r for r in self.runs if r[1].get("status") in ("ok", "partial")]
        if all(s == "not-run" for s in statuses):
            self.state = "not run"
        elif not self.ran:
            self.state = "did not boot"
        else:
            self.state = "ran"

    def values(self, bench):
        return [v[bench] for _, _, v, _ in self.runs if bench in v]

    def cell(self, bench):
        """(median or None, text for the table, note or None)."""
        vals = self.values(bench)
        if vals:
            med = statistics.median(vals)
            notes = []
            if len(vals) < max(1, len(self.ran)):
                notes.append(f"median of {len(vals)} of {len(self.ran)} booted runs")
            if bench in self.partial:
                reps = ", ".join(str(r) for r in self.partial[bench])
                notes.append(f"run {reps} cut short: best of the rounds it finished")
            return med, fmt(med) + ("*" if notes else ""), "; ".join(notes) or None
        if self.state != "ran":
            return None, self.state, None
        reasons = sorted({f[bench] for _, _, _, f in self.ran if bench in f})
        if reasons:
            return None, "failed", "; ".join(reasons)
        return None, "missing", "no result line (run cut short?)"

    def spread(self, bench):
        vals = self.values(bench)
        if len(vals) < 2:
            return None
        med = statistics.median(vals)
        return (max(vals) - min(vals)) / med * 100 if med else None

    def legend(self):
        if self.state == "ran":
            return LABELS[self.name]
        return f"{LABELS[self.name]} ({self.state})"


def ratio(unit, native, other):
    if native is None or other is None or native <= 0 or other <= 0:
        return None
    return native / other if unit in RATE_UNITS else other / native


def host_info():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        qemu = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True,
                              text=True).stdout.split("\n")[0]
    except OSError:
        qemu = "?"
    try:
        rev = subprocess.run(["git", "describe", "--always", "--dirty"],
                             capture_output=True, text=True).stdout.strip() or "?"
    except OSError:
        rev = "?"
    return cpu, qemu, rev


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def write_txt(path, args, rows, systems, others, ratios, elapsed):
    cpu, qemu, rev = host_info()
    info = {}
    for s in systems.values():
        info.update({k: v for k, v in s.info.items() if k not in info})
    out = []
    w = out.append
    w("Ward benchmark report (make bench; docs/bench.md)")
    w(f"date:     {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}, "
      f"ward git {rev}, total time {elapsed // 60}m {elapsed % 60}s")
    w(f"host:     {cpu}, {os.cpu_count()} CPUs; {qemu}")
    # Keep in step with MACHINE and GUEST_MEM in scripts/bench.sh.
    w("machine:  -accel tcg -cpu max,-smap,-smep -m 2G -smp 2 (all systems);"
      " guest kernel 1 vCPU, 1024 MiB")
    w(f"kernel:   Linux {info.get('linux', '?')} (build/kernel/bzImage), one "
      "benchmark initramfs for all")
    w("systems:  " + "; ".join(
        f"{LABELS[n]}" + (f" ({info[n]})" if n in info and n != "native" else "")
        + ("" if s.state == "ran" else f": {s.state.upper()}")
        for n, s in systems.items()))
    w(f"values:   median of {args.reps} repetition(s), systems alternated")
    w("")
    # Ward against Xen directly, row by row, when both ran.
    versus = "xen" in others and "ward" in others
    head = ["benchmark", "unit"] + [LABELS[n] for n in systems] + \
        [f"{SHORT[n]}/nat" for n in others] + (["Ward/Xen"] if versus else [])
    table = []
    notes = {}  # (system, cell text w/o '*', note) -> [bench]
    for name, unit, _ in rows:
        line = [name, unit]
        for n, s in systems.items():
            _, text, note = s.cell(name)
            line.append(text)
            if note:
                key = (n, "value" if text.endswith("*") else text, note)
                notes.setdefault(key, []).append(name)
        for n in others:
            r = ratios[n].get(name)
            line.append(fmt_ratio(r) if r is not None else "-")
        if versus:
            rw, rx = ratios["ward"].get(name), ratios["xen"].get(name)
            line.append(fmt_ratio(rw / rx) if rw is not None and rx else "-")
        table.append(line)
    widths = [max(len(str(x[i])) for x in [head] + table) for i in range(len(head))]
    w("  ".join(h.ljust(widths[i]) for i, h in enumerate(head)).rstrip())
    w("  ".join("-" * x for x in widths))
    for line in table:
        w("  ".join(str(c).ljust(widths[i]) if i < 2 else str(c).rjust(widths[i])
                    for i, c in enumerate(line)).rstrip())
    w("")
    w("us = microseconds per operation, ms = milliseconds per run, s = seconds.")
    w("X/nat = time relative to native (> 1: slower); for MB/s rows it is")
    w("native MB/s / system MB/s, so > 1 still means slower.")
    if versus:
        w("Ward/Xen = Ward's ratio over Xen's (< 1: Ward is faster on that row).")
    w("* = from fewer repetitions or rounds than the others (see notes).")
    if others:
        w("")
        w("geometric mean of the ratios:")
        for n in others:
            micro, macro = [], []
            seen_macro = False
            for name, _, _ in rows:
                seen_macro = seen_macro or name == MACRO_FIRST
                r = ratios[n].get(name)
                if r is not None and name != BOOT_ROW[0]:
                    (macro if seen_macro else micro).append(r)
            parts = []
            for label, xs in (("micro", micro), ("macro", macro)):
                g = geomean(xs)
                parts.append(f"{label} {fmt_ratio(g)} over {len(xs)} rows" if g
                             else f"{label} -")
            w(f"  {LABELS[n]}: " + ", ".join(parts))
    w("")
    w("run-to-run spread, (max - min) / median over the repetitions:")
    for n, s in systems.items():
        sp = [(s.spread(name), name) for name, _, _ in rows]
        sp = [x for x in sp if x[0] is not None]
        if not sp:
            w(f"  {LABELS[n]}: - (fewer than 2 repetitions with results)")
            continue
        vals = sorted(x for x, _ in sp)
        worst = max(sp)
        w(f"  {LABELS[n]}: median {statistics.median(vals):.1f}%, "
          f"worst {worst[0]:.1f}% ({worst[1]}), {len(sp)} rows")
    w("")
    w("runs:")
    for n, s in systems.items():
        for rep, meta, values, fails in s.runs:
            line = f"  {n} run {rep}: {meta.get('status', '?')}"
            if meta.get("status") not in ("not-run", "missing"):
                line += f", {len(values) - (BOOT_ROW[0] in values)} results, " \
                        f"{len(fails)} failed"
                if meta.get("boot_s"):
                    line += f", init after {float(meta['boot_s']):.1f} s"
                line += f", {meta.get('wall_s', '?')} s"
                if meta.get("host_other_cpus"):
                    line += f", others used {meta['host_other_cpus']} host CPUs"
                if "clock_rate" in meta:
                    line += f", guest clock {meta['clock_rate']:.3f}x host"
                    if abs(meta["clock_rate"] - 1) > CLOCK_TOLERANCE:
                        line += " (WRONG: values rescaled to host time)"
            if meta.get("reason"):
                line += f" ({meta['reason']})"
            w(line)
    for n, sy in systems.items():
        if sy.clock_notes:
            reps = ", ".join(str(r) for r in sy.clock_notes)
            notes[(n, "all values", f"run {reps}: the guest's clock disagreed with the "
                   f"host's by more than {CLOCK_TOLERANCE:.0%} (wrong TSC frequency?); "
                   "rescaled to host time")] = ["all rows"]
    if notes:
        w("")
        w("notes:")
        for (n, kind, note), names in notes.items():
            what = ", ".join(names) if len(names) <= 6 else f"{len(names)} rows"
            w(f"  {LABELS[n]}, {what}: {kind}: {note}")
    w("")
    w("benchmarks:")
    width = max(len(r[0]) for r in rows)
    for name, unit, what in rows:
        w(f"  {name.ljust(width)}  {what}")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def write_csv(path, rows, systems, others, ratios):
    def q(x):
        x = str(x)
        return '"' + x.replace('"', '""') + '"' if any(c in x for c in ',"\n') else x

    head = ["benchmark", "unit"] + list(systems) + \
        [f"{n}_vs_native" for n in others] + \
        [f"{n}_reps" for n in systems] + [f"{n}_spread_pct" for n in systems] + \
        ["description"]
    lines = [",".join(head)]
    for name, unit, what in rows:
        line = [name, unit]
        for s in systems.values():
            med, text, _ = s.cell(name)
            line.append(f"{med:.6g}" if med is not None else text)
        for n in others:
            r = ratios[n].get(name)
            if r is not None:
                line.append(f"{r:.4f}")
            else:
                _, text, _ = systems[n].cell(name)
                line.append(text if systems[n].state != "ran" or
                            text in ("failed", "missing") else "no native value")
        for s in systems.values():
            line.append(str(len(s.values(name))))
        for s in systems.values():
            sp = s.spread(name)
            line.append(f"{sp:.1f}" if sp is not None else "")
        line.append(what)
        lines.append(",".join(q(x) for x in line))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_png(out, rows, systems, others, ratios, reps):
    """Grouped bars of the ratio to native per benchmark, log scale."""
    dat = os.path.join(out, "report.dat")
    with open(dat, "w") as f:
        # Per system: the ratio ('?' if none), then what to write in its
        # place ("-" if there is a ratio or the whole system is absent).
        f.write("# index name " + " ".join(f"{n} {n}_why" for n in others) + "\n")
        for i, (name, _, _) in enumerate(rows):
            cols = []
            for n in others:
                r = ratios[n].get(name)
                why = "-"
                if r is None and systems[n].state == "ran":
                    why = systems[n].cell(name)[1].rstrip("*")
                    if why[0].isdigit():
                        why = "no native value"
                cols.append(f"{r:.4f}" if r is not None else "?")
                cols.append(f'"{why}"')
            f.write(f"{i} {name} " + " ".join(cols) + "\n")
    found = [r for n in others for r in ratios[n].values() if r is not None]
    lo = min([1.0] + found) / 1.6
    hi = max([2.0] + found) * 2.2
    plots = []
    k = len(others)
    width = 0.8 / max(k, 1)
    for j, n in enumerate(others):
        col = 2 * j + 3
        off = (j - (k - 1) / 2) * width
        title = systems[n].legend()
        color = COLORS.get(n, "#888888")
        if systems[n].state != "ran":
            # No bars at all: a key entry only, so the legend says why.
            plots.append(f"NaN with boxes title \"{title}\" lc rgb \"{color}\"")
            continue
        # Each bar spans from 1 (native) to the ratio: up when slower.
        x = f"($1+{off:.3f})"
        plots.append(f"'{dat}' using {x}:(1):({x}-{width / 2:.3f}):({x}+{width / 2:.3f})"
                     f":(1):{col} with boxxyerror title \"{title}\" lc rgb \"{color}\"")
        plots.append(f"'{dat}' using {x}:{col}:(sprintf(\"%.1f\", ${col})) "
                     f"with labels rotate by 90 left offset 0,0.3 font \",7\" "
                     f"notitle")
        # No bar for this benchmark: say why, where the bar would start.
        plots.append(f"'{dat}' using {x}:(1):(stringcolumn({col + 1}) eq \"-\" ? \"\" : "
                     f"stringcolumn({col + 1})) with labels rotate by 90 left "
                     f"offset 0,0.3 font \",8\" tc rgb \"{color}\" notitle")
    nrows = len(rows)
    split = next((i for i, r in enumerate(rows) if r[0] == MACRO_FIRST), None)
    groups = ""
    if split is not None:
        groups = (f"set arrow 2 from {split - 0.5}, graph 0 to {split - 0.5}, graph 1 "
                  "nohead lc rgb \"#777777\" dt 3\n"
                  f"set label 2 \"micro-benchmarks\" at {(split - 1) / 2:.1f}, graph 0.97 "
                  "center font \",10\"\n"
                  f"set label 3 \"macro workloads\" at {(split + nrows - 1) / 2:.1f}, "
                  "graph 0.97 center font \",10\"\n")
    if not found:
        groups += ("set label 4 \"no results from any hypervisor: nothing to compare\" "
                   "at graph 0.5, graph 0.6 center font \",14\"\n")
    script = f"""
set terminal pngcairo size 1600,850 font "DejaVu Sans,10" noenhanced
set output '{os.path.join(out, "report.png")}'
set title "make bench under QEMU TCG: time relative to native Linux, same kernel and initramfs (median of {reps} boot(s))"
set datafile missing '?'
set logscale y
set yrange [{lo:.3f}:{hi:.3f}]
set xrange [-0.7:{nrows - 0.3}]
set ylabel "time relative to native (log scale, > 1 = slower)"
set xtics rotate by 40 right scale 0 font ",9"
set xtics ({", ".join(f'"{name}" {i}' for i, (name, _, _) in enumerate(rows))})
set grid ytics mytics
set mytics 10
set key top right box opaque
set style fill solid 0.85 border rgb "#333333"
set bmargin 9
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "black" dt 2 lw 1.5 front
set label 1 "native = 1" at graph 0.005, first 1 left offset 0,-0.7 font ",8" front
{groups}plot {", ".join(plots) if plots else "NaN notitle"}
"""
    gp = os.path.join(out, "report.gp")
    with open(gp, "w") as f:
        f.write(script)
    res = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if res.returncode != 0:
        die(f"gnuplot failed: {res.stderr.strip()}")


def main():
    ap = argparse.ArgumentParser(prog=PROG)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reps", type=int, required=True)
    ap.add_argument("--systems", required=True)
    ap.add_argument("--elapsed", type=int, default=0)
    args = ap.parse_args()

    tsv = os.path.join(args.out, "benchmarks.tsv")
    if not os.path.exists(tsv):
        die(f"{tsv} not found (scripts/bench.sh writes it)")
    rows = []
    with open(tsv) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                rows.append(tuple(parts))
    if not rows:
        die(f"{tsv} lists no benchmarks")
    rows.append(BOOT_ROW)

    names = [s for s in args.systems.split(",") if s]
    for n in names:
        if n not in LABELS:
            die(f"unknown system '{n}'")
    units = {name: unit for name, unit, _ in rows}
    systems = {n: System(n, args.out, args.reps, units) for n in names}
    others = [n for n in names if n != "native"]
    ratios = {n: {} for n in others}
    if "native" in systems:
        for name, unit, _ in rows:
            nat = systems["native"].cell(name)[0]
            for n in others:
                r = ratio(unit, nat, systems[n].cell(name)[0])
                if r is not None:
                    ratios[n][name] = r

    write_txt(os.path.join(args.out, "report.txt"), args, rows, systems,
              others, ratios, args.elapsed)
    write_csv(os.path.join(args.out, "report.csv"), rows, systems, others, ratios)
    write_png(args.out, rows, systems, others, ratios, args.reps)
    return 0


if __name__ == "__main__":
    sys.exit(main())

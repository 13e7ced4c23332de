#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Compare two `make bench` reports row by row: how far each system's
median moved from the first report to the second. Use it to tell a real
change from TCG noise (docs/bench.md: "Noise").

Usage: bench-compare.py OLD/report.csv NEW/report.csv [--limit PCT]

Prints, per benchmark, the change in percent of every system present in
both files, marks changes beyond --limit (default 15) with '!', and ends
with one summary line per system. Exit status 0, or 1 if any change is
beyond the limit, 2 on bad input.
"""
import argparse
import csv
import statistics
import sys

PROG = "bench-compare"
SYSTEMS = ("native", "xen", "ward")


def die(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        die(f"{path}: {e.strerror}")
    if not rows or "benchmark" not in rows[0]:
        die(f"{path}: not a report.csv of scripts/bench.sh")
    return {r["benchmark"]: r for r in rows}


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser(prog=PROG)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--limit", type=float, default=15.0)
    args = ap.parse_args()
    old, new = load(args.old), load(args.new)
    systems = [s for s in SYSTEMS
               if s in next(iter(old.values())) and s in next(iter(new.values()))]
    diffs = {s: [] for s in systems}
    beyond = 0

    print(f"{'benchmark':<22}" + "".join(f"{s:>12}" for s in systems))
    for name, o in old.items():
        n = new.get(name)
        if n is None:
            continue
        cells = []
        for s in systems:
            a, b = number(o[s]), number(n[s])
            if a is None or b is None or a == 0:
                cells.append(f"{'-':>12}")
                continue
            d = (b - a) / a * 100
            diffs[s].append((abs(d), name))
            mark = "!" if abs(d) > args.limit else " "
            beyond += abs(d) > args.limit
            cells.append(f"{d:+10.1f}%{mark}")
        print(f"{name:<22}" + "".join(cells))
    print()
    for s in systems:
        if not diffs[s]:
            print(f"{s}: no rows with values in both reports")
            continue
        worst = max(diffs[s])
        over = sum(1 for d, _ in diffs[s] if d > args.limit)
        print(f"{s}: median |change| {statistics.median(d for d, _ in diffs[s]):.1f}%, "
              f"worst {worst[0]:.1f}% ({worst[1]}), {over} of {len(diffs[s])} rows "
              f"beyond {args.limit:g}%")
    return 1 if beyond else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The docs name only what exists: every repository path in backquotes in
# README.md, docs/*.md and the READMEs under the tree (not build/ output,
# not placeholders such as NNNN or SYSTEM-N), and every `make TARGET`.
. "$(dirname "$0")/../lib.sh"

out=$TEST_DIR/report.txt
if python3 - >"$out" <<'PY'; then ok "every path and make target the docs name exists"; else bad "the docs name what does not exist:"; sed 's/^/    /' "$out"; fi
import glob, os, re, subprocess, sys

TOP = ("hypervisor/", "scripts/", "ci/", "dom0-rootfs/", "domU-images/", "bench/",
       "docs/", "linux-patches/", ".ci/")
# Paths inside the Linux source tree, which the kernel docs name.
KERNEL_TREE = ("scripts/kconfig/",)
PLACEHOLDER = re.compile(r"NNNN|SYSTEM|NAME|[*?<>{}$]|\bN\b|-N\.|\.\.\.|XXX")
docs = ["README.md"] + sorted(glob.glob("docs/*.md")) + sorted(
    p for p in glob.glob("**/README.md", recursive=True)
    if not p.startswith(("build/", "README.md")))

# make's targets: what `make -pn` knows, from the top Makefile.
db = subprocess.run(["make", "-pnq", "-f", "Makefile"], capture_output=True, text=True).stdout
targets = set(re.findall(r"^([A-Za-z0-9_./-]+):", db, re.M))

bad = []
for doc in docs:
    text = open(doc, encoding="utf-8").read()
    for lineno, line in enumerate(text.splitlines(), 1):
        for code in re.findall(r"`([^`]+)`", line):
            for word in code.split():
                word = word.strip("\"',;:()[]")
                if (not word.startswith(TOP) or word.startswith(KERNEL_TREE) or
                        PLACEHOLDER.search(word)):
                    continue
                path = word.split("#")[0].rstrip(".")
                if not os.path.exists(path):
                    bad.append(f"{doc}:{lineno}: no such file: {path}")
            m = re.match(r"(?:[A-Z_]+=\S+\s+)*make\s+(.*)", code.strip())
            if m:
                for t in m.group(1).split():
                    if t.startswith("-") or "=" in t or PLACEHOLDER.search(t):
                        break
                    if t not in targets and not os.path.exists(t):
                        bad.append(f"{doc}:{lineno}: no make target: {t}")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
finish

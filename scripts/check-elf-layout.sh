#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Check that ward.elf can be loaded linearly by a multiboot1 loader (QEMU
# -kernel): every PT_LOAD's file offset minus its physical address must be
# the same, i.e. the file holds the image exactly as it sits in memory.
set -eu
elf=${1:?usage: check-elf-layout.sh ELF}
[ -f "$elf" ] || { echo "check-elf-layout: error: $elf: no such file" >&2; exit 1; }
n=0 delta=
while read -r type off va pa fsz rest; do
	[ "$type" = LOAD ] || continue
	[ $((fsz)) -ne 0 ] || continue
	d=$((off - pa))
	if [ $n -gt 0 ] && [ "$d" != "$delta" ]; then
		echo "check-elf-layout: error: $elf: segments are not laid out linearly in the file" >&2
		exit 1
	fi
	delta=$d
	n=$((n + 1))
done < <(readelf -lW "$elf")
if [ $n -eq 0 ]; then
	echo "check-elf-layout: error: $elf: no PT_LOAD segment" >&2
	exit 1
fi

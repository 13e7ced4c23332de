#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The image's boot headers are where loaders look: a multiboot1 header with
# a valid checksum in the first 8 KiB, a multiboot2 header 8-byte aligned
# in the first 32 KiB, and a file laid out for linear (a.out kludge) loading.
. "$(dirname "$0")/../lib.sh"

elf=build/ward.elf
if scripts/check-elf-layout.sh "$elf"; then ok "linear file layout"; else bad "linear file layout"; fi
out=$(python3 - "$elf" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
def find(magic, limit, align):
    for off in range(0, min(limit, len(data)) - 12, align):
        m, = struct.unpack_from('<I', data, off)
        if m == magic:
            return off
    return -1
o1 = find(0x1badb002, 8192, 4)
ok1 = o1 >= 0 and sum(struct.unpack_from('<3I', data, o1)) & 0xffffffff == 0
o2 = find(0xe85250d6, 32768, 8)
ok2 = o2 >= 0 and sum(struct.unpack_from('<4I', data, o2)) & 0xffffffff == 0
print("mb1=%s mb2=%s" % ("ok" if ok1 else "bad", "ok" if ok2 else "bad"))
PY
)
case $out in *mb1=ok*) ok "multiboot1 header";; *) bad "multiboot1 header ($out)";; esac
case $out in *mb2=ok*) ok "multiboot2 header";; *) bad "multiboot2 header ($out)";; esac
# The checker itself must be able to fail: a file with two mismatched segments.
bad_elf=$TEST_DIR/bad.elf
printf '.section .a,"ax"\n.fill 16,1,0x90\n.section .b,"aw"\n.fill 16,1,0\n' >"$TEST_DIR/bad.s"
as -o "$TEST_DIR/bad.o" "$TEST_DIR/bad.s" &&
	ld -o "$bad_elf" -Ttext=0x400000 --section-start=.b=0x800000 -e 0x400000 "$TEST_DIR/bad.o" 2>/dev/null
if [ -f "$bad_elf" ] && ! scripts/check-elf-layout.sh "$bad_elf" 2>/dev/null; then
	ok "layout checker rejects a non-linear file"
else
	bad "layout checker rejects a non-linear file"
fi
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 6: a dom0 shell on Ward, used through the serial console. Each
# kernel (ours and Debian's stock one) boots as dom0; commands are typed
# into its hvc0 console (serial input -> VIRQ_CONSOLE -> CONSOLEIO_read),
# their output is checked, a fork-heavy and a page-fault-heavy workload
# finish, a 32-bit SYSCALL from user space stays in its process, and
# "poweroff" in dom0 powers the machine off.
. "$(dirname "$0")/../lib.sh"

# compat_elf: a 146-byte static x86-64 program, as printf octal escapes,
# that far-jumps into Linux's 32-bit user code segment (0x23) and runs
# "syscall" there (exit(42) in the i386 numbering). A 32-bit SYSCALL enters
# the hypervisor through MSR_CSTAR; before Ward set it, this took the
# whole machine down from any guest's user space. Now the guest kernel
# gets it, and the process ends: Linux only takes a 32-bit SYSCALL from
# its 32-bit vDSO, so a 64-bit process doing it dies of SIGSEGV (139), or
# SIGILL (132) from the ud2 when the kernel has no syscall32 entry. (A far
# jump, not a far return: TCG pops an lret frame with supervisor accesses,
# which SMAP refuses, as with iretq.)
compat_elf() {
	python3 - <<'PY'
import struct
base, ehdr, phdr = 0x400000, 64, 56
entry = base + ehdr + phdr
code = (bytes([0xff, 0x2d, 0, 0, 0, 0]) +          # ljmp *0(%rip): the pointer below
        struct.pack("<IH", entry + 12, 0x23) +      # -> 0x23:entry+12
        bytes([0xb8, 1, 0, 0, 0,                    # (32-bit) mov $1, %eax
               0xbb, 42, 0, 0, 0,                   # mov $42, %ebx
               0x0f, 0x05, 0x0f, 0x0b]))            # syscall; ud2
size = ehdr + phdr + len(code)
elf = (b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8) +
       struct.pack("<HHIQQQIHHHHHH", 2, 0x3e, 1, entry, ehdr, 0, 0,
                   ehdr, phdr, 1, 0, 0, 0) +
       struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, size, size, 0x1000) + code)
print("".join("\\%o" % b for b in elf), end="")
PY
}

# type_into FIFO LOG: wait for the shell, then type each command once the
# previous one has given its prompt back (typing ahead would interleave the
# echo of the next command with the output of this one).
type_into() {
	{
		cat <<'CMDS'
echo MARK-$((6*7))
uname -a
cat /proc/xen/capabilities 2>/dev/null || echo no-xenfs
echo SYSHV-$(cat /sys/hypervisor/type 2>/dev/null)-$(cat /sys/hypervisor/version/major 2>/dev/null).$(cat /sys/hypervisor/version/minor 2>/dev/null)
free
i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done; echo FORKS-DONE-$i
seq 1 200000 | sort -rn | head -1
dd if=/dev/zero of=/dev/null bs=4M count=32 2>&1 | tail -1
echo PF-$(cat /proc/meminfo | grep -c Mem)
CMDS
		echo "printf '$(compat_elf)' >/tmp/c32; chmod +x /tmp/c32; /tmp/c32; echo COMPAT-RC-\$?"
		echo poweroff
	} | dom0_type "$1" "$2"
	sleep 30
	exec 3>&-
}

run_shell() {
	local name=$1 kernel=$2 base=$TEST_DIR/$1 log=$TEST_DIR/$1.log rc=0

	typed_session "$base" 240 kernel build/ward.elf \
		"test_exit loglvl=all dom0_mem=512M" \
		"$kernel console=hvc0 earlyprintk=xen,build/dom0-initrd.cpio.gz"

	expect_status "$rc" "$QEMU_EXIT_OK" "$name: poweroff in dom0 ended the run"
	expect "$log" '^MARK-42' "$name: typed input reaches the shell and it answers"
	expect "$log" '^Linux ward-dom0 6\.1\.[^ ]+ .* x86_64' "$name: uname -a"
	expect "$log" '^Mem: +[0-9]+' "$name: free shows memory"
	expect "$log" '^FORKS-DONE-300' "$name: 300 fork+exec finished"
	expect "$log" '^200000' "$name: seq|sort over 200000 lines (page faults, pipes)"
	expect "$log" '^32\+0 records out' "$name: dd of 128 MiB"
	expect "$log" '^PF-[1-9]' "$name: /proc/meminfo read"
	expect "$log" '^COMPAT-RC-(42|132|139)' "$name: a 32-bit SYSCALL from user space ends in its process"
	expect "$log" '^d0: shut down: poweroff' "$name: dom0 powered off"
	reject "$log" 'FATAL TRAP|PANIC|crashed|BUG:|Oops' "$name: no fault anywhere"
}

scripts/build-kernel.sh >/dev/null || { bad "kernel build"; finish; }
run_shell ours build/kernel/bzImage
expect "$TEST_DIR/ours.log" '^control_d' "ours: /proc/xen/capabilities says control_d"
expect "$TEST_DIR/ours.log" '^SYSHV-xen-4\.17' "ours: /sys/hypervisor says xen 4.17"
run_shell debian build/debian/vmlinuz
expect "$TEST_DIR/debian.log" '^control_d' "debian: xenfs module loaded, /proc/xen/capabilities says control_d"
finish

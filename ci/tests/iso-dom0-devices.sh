#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 16: the ISO's GRUB entries give dom0 ACPI and PCI, as on Xen. With
# the default dom0 command line of scripts/mkiso.sh (no acpi=off, pci=off
# or other workaround), each dom0 kernel on the ISO (ours, Debian's)
# finds the virtio disk and NIC that scripts/run-qemu.sh's iso mode
# attaches: the PCI devices are listed, /dev/vda reads back what was
# written to it (DMA through swiotlb-xen, interrupts as PIRQs), and eth0
# gets an address by DHCP and reaches QEMU's host side. The safe-mode
# entry still boots. (dom0's kernel
# logs at loglevel=4 on the ISO's console: its boot lines come from dmesg.)
. "$(dirname "$0")/../lib.sh"

type_into() {
	dom0_type "$1" "$2" <<'CMDS'
for d in /sys/bus/pci/devices/*; do echo "PCIDEV $(basename $d) $(cat $d/vendor):$(cat $d/device) $(cat $d/class)"; done
echo VDA-SECTORS-$(cat /sys/block/vda/size)
dd if=/dev/urandom of=/tmp/r bs=64k count=32 2>/dev/null; dd if=/tmp/r of=/dev/vda bs=64k 2>/dev/null; sync; echo 3 >/proc/sys/vm/drop_caches; a=$(md5sum </tmp/r); b=$(dd if=/dev/vda bs=64k count=32 2>/dev/null | md5sum); [ "$a" = "$b" ] && echo VDA-READBACK-SAME || echo VDA-READBACK-DIFFERS
echo ETH0-ON-$(readlink -f /sys/class/net/eth0/device/.. | sed 's|.*/||')-$(basename $(readlink /sys/class/net/eth0/device/driver))
echo ETH0-ADDR-$(ip -4 -o addr show dev eth0 | sed -n 's/.* inet \([0-9.]*\).*/\1/p')
ping -c 1 -W 5 10.0.2.2 >/dev/null && echo PING-HOST-OK || echo PING-HOST-FAILED
grep -E 'virtio|pirq' /proc/interrupts
dmesg | grep -E 'ACPI: Interpreter|PCI host bridge|PCI: F[a]tal|not supp[o]rt PCI' | sed 's/^/DMESG /'
poweroff
CMDS
	sleep 30
	exec 3>&-
}

make --no-print-directory hypervisor kernel build/debian/vmlinuz build/dom0-initrd-iso.cpio.gz \
	>"$TEST_DIR/build.log" 2>&1 || { bad "build ($(tail -n1 "$TEST_DIR/build.log"))"; finish; }

# run NAME ENTRY: boot menu entry ENTRY with the default dom0 arguments.
run() {
	local name=$1 iso=$TEST_DIR/$1.iso base=$TEST_DIR/$1 log=$TEST_DIR/$1.log

	if ! WARD_DEFAULT=$2 WARD_TIMEOUT=0 WARD_HV_EXTRA=test_exit \
		scripts/mkiso.sh "$iso" build/ward.elf build/kernel/bzImage \
		build/dom0-initrd-iso.cpio.gz build/debian/vmlinuz >"$TEST_DIR/$name-mkiso.log" 2>&1; then
		bad "$name: mkiso ($(tail -n1 "$TEST_DIR/$name-mkiso.log"))"
		return
	fi
	rm -f "$TEST_DIR/disk.img"
	truncate -s 32M "$TEST_DIR/disk.img"
	WARD_DISK=$TEST_DIR/disk.img typed_session "$base" 400 iso "$iso"

	expect_status "$rc" "$QEMU_EXIT_OK" "$name: poweroff in dom0 ended the run"
	reject "$log" 'module 0: .*(acpi=off|pci=off)' "$name: dom0 booted without acpi=off or pci=off"
	expect "$log" '^DMESG .*ACPI: Interpreter enabled' "$name: dom0's ACPI interpreter runs"
	expect "$log" '^DMESG .*PCI host bridge to bus 0000:00' "$name: dom0 scans PCI"
	reject "$log" '^DMESG .*(PCI: Fatal|System does not support PCI)' "$name: no PCI failure"
	expect "$log" '^PCIDEV 0000:00:[0-9a-f.]+ 0x1af4:0x1001 0x010000' "$name: the virtio disk is on dom0's PCI bus"
	expect "$log" '^PCIDEV 0000:00:[0-9a-f.]+ 0x1af4:0x1000 0x020000' "$name: the virtio NIC is on dom0's PCI bus"
	expect "$log" '^VDA-SECTORS-65536$' "$name: /dev/vda is the 32 MiB disk"
	expect "$log" '^VDA-READBACK-SAME' "$name: 2 MiB written to /dev/vda read back the same"
	expect "$log" '^ *[0-9]+: +[1-9][0-9]* +xen-pirq +-ioapic-level +virtio[01]$' "$name: the virtio devices' interrupts arrive as PIRQs"
	expect "$log" '^ETH0-ON-0000:00:[0-9a-f.]+-virtio_net' "$name: eth0 is the virtio NIC"
	expect "$log" '^ward-dom0: eth0 10\.0\.2\.15/24' "$name: rcS got eth0 an address by DHCP"
	expect "$log" '^PING-HOST-OK' "$name: dom0 pings the host side (10.0.2.2)"
	reject "$log" 'FATAL TRAP|PANIC|crashed|BUG:|Oops|Kernel panic' "$name: no fault anywhere"
}

run ours 0
run debian 1

# The safe-mode entry, dom0 with the old workarounds: it still boots to
# its init, without PCI (no eth0) and without the guest store.
iso=$TEST_DIR/safe.iso log=$TEST_DIR/safe.log
if WARD_DEFAULT=safe WARD_TIMEOUT=0 WARD_HV_EXTRA=test_exit WARD_DOM0_EXTRA=ward.test=poweroff \
	scripts/mkiso.sh "$iso" build/ward.elf build/kernel/bzImage build/dom0-initrd-iso.cpio.gz \
	build/debian/vmlinuz >"$TEST_DIR/safe-mkiso.log" 2>&1; then
	rc=0
	WARD_DISK=$TEST_DIR/disk.img boot_iso "$log" 240 "$iso" || rc=$?
	expect_status "$rc" "$QEMU_EXIT_OK" "safe mode: dom0 powered off"
	expect "$log" 'module 0: .* acpi=off pci=off swiotlb=noforce ' "safe mode: dom0 has the old workarounds"
	expect "$log" '^ward-dom0: init reached' "safe mode: dom0 reached its init"
	reject "$log" '^ward-dom0: (eth0|guest store)' "safe mode: no NIC, no store"
	expect "$log" '^ward-dom0: guest disk /var/lib/ward/guest1\.img' "safe mode: guest disks in RAM"
else
	bad "safe mode: mkiso ($(tail -n1 "$TEST_DIR/safe-mkiso.log"))"
fi
finish

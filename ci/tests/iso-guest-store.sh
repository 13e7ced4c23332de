#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 16: the guest store survives a full reboot of the machine. Two
# QEMU boots of the ISO on the same store image (scripts/mkstore.sh, as
# `make run` makes build/ward-data.img). First boot: dom0 finds the store
# by its label, mounts it on /var/lib/ward and fills it with the example
# guests; guest1 (started by ward.autostart) counts "boot 1" on its own
# disk; a config written to /etc/ward lands on the store; guest1 is shut
# down and the machine powered off. Second boot: the store is not filled
# again, the config is still there, guest1's console log still holds the
# first boot, and guest1 boots from the same disk and counts "boot 2".
# Boot 1 also checks the console stays quiet while guest1 comes and goes.
. "$(dirname "$0")/../lib.sh"

# The commands of each boot, typed once dom0's shell is up.
boot1_cmds() {
	cat <<'CMDS'
w() { i=0; while ! grep -q "$2" /var/log/ward/console-$1.log 2>/dev/null && [ $i -lt 300 ]; do sleep 1; i=$((i+1)); done; grep -a "ward-domU: $1 boot" /var/log/ward/console-$1.log | sed "s/^/$1| /"; }
echo MOUNT-$(awk '$2 == "/var/lib/ward" { print $1 "-" $3 }' /proc/mounts)
echo ETC-WARD-$(readlink /etc/ward) LOG-WARD-$(readlink /var/log/ward)
ls /var/lib/ward /etc/ward
w guest1 'boot [0-9]* of this disk'
sed 's/guest1/mine/g' /etc/ward/guest1.cfg >/etc/ward/mine.cfg && echo MINE-WRITTEN
wardctl shutdown guest1 -w && echo SHUTDOWN-OK
echo DMESG-VIF-LINES-$(dmesg | grep -c 'xenbr0: port')
poweroff
CMDS
}
boot2_cmds() {
	cat <<'CMDS'
w() { i=0; while [ "$(grep -c "$2" /var/log/ward/console-$1.log 2>/dev/null)" -lt 2 ] && [ $i -lt 300 ]; do sleep 1; i=$((i+1)); done; grep -a "ward-domU: $1 boot" /var/log/ward/console-$1.log | sed "s/^/$1| /"; }
echo MOUNT-$(awk '$2 == "/var/lib/ward" { print $1 "-" $3 }' /proc/mounts)
grep -c 'name = "mine"' /etc/ward/mine.cfg | sed 's/^/MINE-KEPT-/'
w guest1 'boot [0-9]* of this disk'
wardctl destroy guest1 && echo DESTROY-OK
poweroff
CMDS
}
type_into() {
	"${BOOT}_cmds" | dom0_type "$1" "$2" 1600
	sleep 30
	exec 3>&-
}

make --no-print-directory hypervisor kernel build/debian/vmlinuz build/dom0-initrd-iso.cpio.gz \
	>"$TEST_DIR/build.log" 2>&1 || { bad "build ($(tail -n1 "$TEST_DIR/build.log"))"; finish; }
iso=$TEST_DIR/store.iso
WARD_DEFAULT=guests WARD_GUESTS_ARGS=ward.autostart=guest1 WARD_TIMEOUT=0 WARD_HV_EXTRA=test_exit \
	scripts/mkiso.sh "$iso" build/ward.elf build/kernel/bzImage build/dom0-initrd-iso.cpio.gz \
	build/debian/vmlinuz >"$TEST_DIR/mkiso.log" 2>&1 || { bad "mkiso ($(tail -n1 "$TEST_DIR/mkiso.log"))"; finish; }
store=$TEST_DIR/ward-data.img
rm -f "$store"
scripts/mkstore.sh "$store" 1G >"$TEST_DIR/mkstore.log" 2>&1 || { bad "mkstore ($(tail -n1 "$TEST_DIR/mkstore.log"))"; finish; }
if scripts/mkstore.sh "$store" 1G >"$TEST_DIR/mkstore-again.log" 2>&1; then
	bad "mkstore overwrote an existing store"
else
	expect "$TEST_DIR/mkstore-again.log" '^mkstore: error: .* exists' "mkstore leaves an existing store alone"
fi

# boot N: boot the ISO on the store, typing bootN_cmds; log is its serial log.
boot() {
	BOOT=boot$1
	log=$TEST_DIR/boot$1.log
	WARD_DISK=$store typed_session "$TEST_DIR/boot$1" 900 iso "$iso"
	expect_status "$rc" "$QEMU_EXIT_OK" "boot $1: poweroff in dom0 ended the run"
	expect "$log" '^ward-dom0: guest store /dev/vda on /var/lib/ward' "boot $1: store found by its label and mounted"
	expect "$log" '^MOUNT-/dev/vda-ext4' "boot $1: /var/lib/ward is the ext4 store"
	expect "$log" "^guest1\\| ward-domU: guest1 boot $1 of this disk" "boot $1: guest1 counted boot $1 on its disk"
	reject "$log" 'ward-dom0: warning|FATAL TRAP|PANIC|crashed|BUG:|Oops|Kernel panic' "boot $1: no warning or fault"
}

boot 1
expect "$log" '^ward-dom0: guest store: first boot, filled with the ISO' "boot 1: dom0 filled the new store"
expect "$log" '^ward-dom0: guest disk /var/lib/ward/guest1\.img' "boot 1: guest1's disk made on the store"
expect "$log" '^ETC-WARD-/var/lib/ward/config LOG-WARD-/var/lib/ward/log' "boot 1: /etc/ward and /var/log/ward are on the store"
expect "$log" '^ward-dom0: autostart: started guest1' "boot 1: guest1 started from the store's config"
expect "$log" '^MINE-WRITTEN' "boot 1: a config written to /etc/ward"
expect "$log" '^SHUTDOWN-OK' "boot 1: guest1 shut down"
# The quiet console of the ISO's default command lines: neither Ward's
# lines about guest1 (guest_loglvl=warn) nor dom0's kernel's info lines
# about its vif (loglevel=4) are on it; dmesg has the latter.
reject "$log" '^(ctl: d1 created|d1: |\(d1\) )' "boot 1: no hypervisor line about guest1 on the console"
reject "$log" '^\[ *[0-9.]+\] .*xenbr0: port' "boot 1: no kernel info line about the vif on the console"
expect "$log" '^DMESG-VIF-LINES-[1-9]' "boot 1: dom0's dmesg has them"

boot 2
reject "$log" '^ward-dom0: guest store: first boot' "boot 2: the store is not filled again"
expect "$log" '^MINE-KEPT-1' "boot 2: the config written in boot 1 is still in /etc/ward"
expect "$log" '^guest1\| ward-domU: guest1 boot 1 of this disk' "boot 2: guest1's console log from boot 1 is kept"
expect "$log" '^DESTROY-OK' "boot 2: guest1 destroyed"
finish

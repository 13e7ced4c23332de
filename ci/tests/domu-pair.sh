#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 9, "Guests side by side". Boots the ISO `make run-guests` builds: dom0
# starts guest1 and guest2 (our kernel) from /etc/ward at boot; each
# guest's self-test writes and reads back a file on its ext4 root
# (blkfront -> blkback -> loop -> image file) and pings the other guest
# and dom0 (netfront -> netback -> xenbr0). Commands typed into dom0's
# console then: list both; destroy guest2 and check guest1 still answers;
# create guest2 again under the same name; crash guest2 on purpose and
# check guest1 is unaffected; a copy of guest1's config under another name
# is refused (guest1 has the disk read-write); shut guest1 down and start
# it with Debian's kernel (module initramfs, config found in /etc/ward)
# next to guest2 with ours; tear everything down and check no
# loop device and no vif is left in dom0. guest2 and the Debian guest1
# have two vCPUs each (SMP domUs).
# Guest consoles reach the serial log through dom0: ward-consoled writes
# /var/log/ward/console-NAME.log and the test prints its ward- lines
# prefixed "NAME| " ("deb-guest1| ", "mix-guest2| " in the last round).
. "$(dirname "$0")/../lib.sh"

# Per-command wait for the prompt to come back, in 0.25 s steps (guests
# boot slowly under TCG; the wait loops typed below have their own limit).
CMD_STEPS=1600

type_into() {
	dom0_type "$1" "$2" "$CMD_STEPS" <<'CMDS'
cd /
w() { i=0; while [ "$(cat /var/log/ward/console-$1.log 2>/dev/null | grep -c "$2")" -lt 1 ] && [ $i -lt 300 ]; do sleep 1; i=$((i+1)); done; sed "s/^/${3:-$1}| /" /var/log/ward/console-$1.log | grep -a "| ward-"; }
gone() { i=0; while wardctl list | grep -q " *$1 " && [ $i -lt 60 ]; do sleep 1; i=$((i+1)); done; wardctl list | grep -q " *$1 " && echo "GONE-$1-NO" || echo "GONE-$1-YES"; }
p() { ping -c 3 -W 2 $1 >/dev/null && echo "PING-$2-OK" || echo "PING-$2-FAILED"; }
w guest1 'ward-selftest: guest1 done'
w guest2 'ward-selftest: guest2 done'
wardctl list
echo BRIF-$(ls /sys/class/net/xenbr0/brif | sort | tr '\n' ' ')
sed 's/^name = "guest1"/name = "guest1-copy"/' /etc/ward/guest1.cfg >/tmp/guest1-copy.cfg; wardctl create /tmp/guest1-copy.cfg; echo RC-COPY=$?
wardctl destroy guest2 && echo DESTROY-OK
gone guest2
p 10.0.0.2 G1-AFTER-DESTROY
mv /var/log/ward/console-guest2.log /var/log/ward/console-guest2.1
wardctl create /etc/ward/guest2.cfg && echo RECREATE-OK
w guest2 'ward-selftest: guest2 done'
sed 's/ward.name=guest2/ward.name=guest2 ward.test=crash/' /etc/ward/guest2.cfg >/tmp/crash2.cfg
wardctl destroy guest2 && mv /var/log/ward/console-guest2.log /var/log/ward/console-guest2.2
wardctl create /tmp/crash2.cfg && echo CRASHCFG-CREATED
w guest2 'ward-domU: ward.test=crash'
gone guest2
p 10.0.0.2 G1-AFTER-CRASH
wardctl shutdown -w guest1 && echo SHUTDOWN1-OK
gone guest1
mv /var/log/ward/console-guest1.log /var/log/ward/console-guest1.1
mv /var/log/ward/console-guest2.log /var/log/ward/console-guest2.3
wardctl create guest1-debian.cfg && echo DEBIAN-CREATED
wardctl create /etc/ward/guest2.cfg && echo OURS-CREATED
w guest1 'ward-selftest: guest1 done' deb-guest1
w guest2 'ward-selftest: guest2 done' mix-guest2
wardctl destroy guest1; wardctl destroy guest2; gone guest1; gone guest2
echo "LOOPS-[$(losetup -a)]"
echo "VIFS-$(ls /sys/class/net | grep -c '^vif')"
poweroff
CMDS
	sleep 30
	exec 3>&-
}

make --no-print-directory hypervisor kernel build/dom0-initrd-iso.cpio.gz >"$TEST_DIR/build.log" 2>&1 ||
	{ bad "build ($(tail -n1 "$TEST_DIR/build.log"))"; finish; }
iso=$TEST_DIR/guests.iso
WARD_DEFAULT=guests WARD_TIMEOUT=0 WARD_HV_ARGS="console=com1 loglvl=info dom0_mem=512M test_exit" \
	scripts/mkiso.sh "$iso" build/ward.elf build/kernel/bzImage build/dom0-initrd-iso.cpio.gz \
	build/debian/vmlinuz >"$TEST_DIR/mkiso.log" 2>&1 || { bad "mkiso"; finish; }

base=$TEST_DIR/serial log=$TEST_DIR/serial.log rc=0
typed_session "$base" 2400 iso "$iso"

expect_status "$rc" "$QEMU_EXIT_OK" "poweroff in dom0 ended the run"
expect "$log" '^ward-dom0: autostart: started guest1' "dom0 started guest1 at boot"
expect "$log" '^ward-dom0: autostart: started guest2' "dom0 started guest2 at boot"
for g in guest1:10.0.0.2:10.0.0.3 guest2:10.0.0.3:10.0.0.2; do
	IFS=: read -r n me peer <<<"$g"
	expect "$log" "^$n\\| ward-domU: $n up, root on /dev/xvda, eth0 ${me//./\\.}" "$n: up with root on xvda and its address"
	expect "$log" "^$n\\| ward-selftest: $n file ok" "$n: file read back from its ext4 disk"
	expect "$log" "^$n\\| ward-selftest: $n ping ${peer//./\\.} ok" "$n: pings the other guest"
	expect "$log" "^$n\\| ward-selftest: $n ping 10\\.0\\.0\\.1 ok" "$n: pings dom0"
	expect "$log" "^$n\\| ward-selftest: $n done, 0 failed" "$n: self-test done without failures"
done
expect "$log" '^guest1 +[0-9]+ ' "wardctl list shows guest1"
expect "$log" '^guest2 +[0-9]+ ' "wardctl list shows guest2"
expect "$log" '^BRIF-vif[0-9]+\.0 vif[0-9]+\.0 ?$' "both vifs are in xenbr0"
expect "$log" "^wardctl: /tmp/guest1-copy.cfg:[0-9]+: disk /var/lib/ward/guest1.img: domain guest1 \\(id [0-9]+\\) has it read-write as xvda; shut that domain down first" "a copy of guest1's config under another name is refused while guest1 runs (issue 17)"
expect "$log" '^RC-COPY=1' "refused: status 1"
expect "$log" '^DESTROY-OK' "guest2 destroyed"
expect "$log" '^PING-G1-AFTER-DESTROY-OK' "guest1 still answers dom0 after guest2 is destroyed"
expect "$log" '^RECREATE-OK' "guest2 created again under the same name"
expect "$log" '^CRASHCFG-CREATED' "guest2 created with ward.test=crash"
expect "$log" '^guest2\| ward-domU: ward.test=crash' "guest2 crashed itself"
expect "$log" 'shut down: crash' "the hypervisor saw guest2 crash"
expect "$log" '^PING-G1-AFTER-CRASH-OK' "guest1 still answers dom0 after guest2 crashed"
expect "$log" '^SHUTDOWN1-OK' "guest1 shut down cleanly (shutdown -w), as the README does"
expect "$log" "^Parsing config from /etc/ward/guest1-debian.cfg" "create guest1-debian.cfg found it in /etc/ward"
expect "$log" '^DEBIAN-CREATED' "guest1 created with Debian's kernel"
expect "$log" '^deb-guest1\| ward-domU: guest1 up, root on /dev/xvda, eth0 10\.0\.0\.2' "Debian's kernel: guest1 up via its module initramfs"
expect "$log" '^deb-guest1\| ward-selftest: guest1 done, 0 failed' "Debian's kernel: file and both pings ok"
# guest2.cfg and guest1-debian.cfg ask for 2 vCPUs; guest1.cfg for 1.
expect "$log" '^guest1\| ward-selftest: guest1 cpus 1' "guest1 (vcpus = 1) has one CPU"
expect "$log" '^guest2\| ward-selftest: guest2 cpus 2' "guest2 (ours, vcpus = 2) has two CPUs"
expect "$log" '^guest2\| ward-selftest: guest2 cpus ok' "guest2: work ran on both CPUs"
expect "$log" '^deb-guest1\| ward-selftest: guest1 cpus 2' "Debian's kernel with vcpus = 2 has two CPUs"
expect "$log" '^mix-guest2\| ward-selftest: guest2 ping 10\.0\.0\.2 ok' "ours pings the Debian guest"
reject "$log" '^GONE-.*-NO' "every destroyed or crashed guest left wardctl list"
expect "$log" '^LOOPS-\[\]$' "no loop device left in dom0"
expect "$log" '^VIFS-0$' "no vif left in dom0"
reject "$log" 'FATAL TRAP|PANIC|BUG:|Oops' "no fault in the hypervisor or dom0"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The toolstack with xenstored on Ward: a Linux domU (our kernel, with the
# dom0 initramfs as its ramdisk) created by name, booted to its shell
# through xenstore, used through "wardctl console", shut down gracefully
# with "shutdown -w" after a "reboot" that restarts it (on_reboot); then
# a domU with a vif and a file-backed disk
# (the domctl test guest, which powers off at once and is preserved) whose
# backends, loop device and bridge port create sets up and destroy removes.
# Needs xenstored (dom0-rootfs/tools/xenstored, another branch); skipped
# without it.
. "$(dirname "$0")/../lib.sh"

if [ ! -d dom0-rootfs/tools/xenstored ]; then
	echo "SKIP: no xenstored in this tree"
	exit 0
fi

# The commands run from a script in dom0's initramfs, typed as one line,
# so that nothing depends on typing while guests run.
type_into() {
	local in=$1 log=$2 i

	exec 3>"$in"
	for i in $(seq 1 240); do
		[ "$(dom0_prompts "$log")" -ge 1 ] && break
		sleep 0.5
	done
	printf 'sh /etc/ward/run-test.sh\r' >&3
	sleep 600
	exec 3>&-
}

make --no-print-directory tools >/dev/null || { bad "tools build"; finish; }
scripts/build-kernel.sh >/dev/null || { bad "kernel build"; finish; }
make --no-print-directory hypervisor >/dev/null || { bad "hypervisor build"; finish; }
make --no-print-directory -C hypervisor/tests/guests GUESTS=domctl >/dev/null ||
	{ bad "domctl guest build"; finish; }
# Debian's stock kernel as a second balloon guest: its domU initramfs
# (modules) and the BusyBox root image.
make --no-print-directory build/domU/rootfs.img build/debian/domU-initrd.cpio.gz >/dev/null ||
	{ bad "Debian domU kernel, initramfs and image"; finish; }

# The domU's ramdisk is the dom0 initramfs itself (BusyBox, no xenstored
# in a domU); dom0's gets the domU kernel, that ramdisk and the configs.
domu_initrd=$TEST_DIR/domU-initrd.cpio.gz
DOM0_EXTRA_DIRS=$PWD/build/tools/stage dom0-rootfs/build.sh "$domu_initrd" >/dev/null ||
	{ bad "domU initramfs"; finish; }
extra=$TEST_DIR/extra
rm -rf "$extra"
mkdir -p "$extra/boot" "$extra/etc/ward"
cp build/kernel/bzImage "$extra/boot/domU-vmlinuz"
cp "$domu_initrd" "$extra/boot/domU-initrd.gz"
cp build/guests/domctl.elf "$extra/boot/domctl.elf"
cp build/debian/vmlinuz "$extra/boot/debian-vmlinuz"
cp build/debian/domU-initrd.cpio.gz "$extra/boot/debian-domU-initrd.gz"
cp build/domU/rootfs.img "$extra/boot/domU-rootfs.img"
cat >"$extra/etc/ward/gd.cfg" <<'CFG'
name = "gd"
memory = 128
maxmem = 160
kernel = "/boot/debian-vmlinuz"
ramdisk = "/boot/debian-domU-initrd.gz"
extra = "root=/dev/xvda console=hvc0 ward.name=gd"
disk = [ 'file:/tmp/gd.img,xvda,w' ]
CFG
cat >"$extra/etc/ward/g.cfg" <<'CFG'
name = "g"
memory = 128
maxmem = 160
kernel = "/boot/domU-vmlinuz"
ramdisk = "/boot/domU-initrd.gz"
extra = "console=hvc0"
CFG
cat >"$extra/etc/ward/h.cfg" <<'CFG'
name = "h"
memory = 32
kernel = "/boot/domctl.elf"
cmdline = "child"
disk = [ 'file:/tmp/d.img,xvda,w' ]
vif = [ 'mac=00:16:3e:00:00:42,bridge=xenbr0' ]
on_poweroff = "preserve"
CFG
# Disk-in-use rules: r1 and r2 share /tmp/r.img read-only; rw wants it
# read-write beside them. Like h, they power off at once and are kept.
for n in r1 r2 rw; do
	access=r
	[ $n = rw ] && access=w
	printf 'name = "%s"\nmemory = 32\nkernel = "/boot/domctl.elf"\ncmdline = "child"\ndisk = [ "file:/tmp/r.img,xvda,%s" ]\non_poweroff = "preserve"\n' \
		$n $access >"$extra/etc/ward/$n.cfg"
done
cat >"$extra/etc/ward/run-test.sh" <<'CMDS'
wardctl create /etc/ward/g.cfg; echo RC-CREATE=$?
i=0; while [ $i -lt 120 ] && ! grep -q 'init reached' /var/log/ward/console-g.log; do sleep 1; i=$((i+1)); done; echo WAITED-$i
grep -c 'ward-dom0: init reached' /var/log/ward/console-g.log | sed 's/^/DOMU-INIT-/'
wardctl list
wardctl list | awk '$1 == "g" { print "LISTED-" $5 }'
xenstore-read /local/domain/1/name | sed 's/^/XS-NAME-/'
xenstore-read /local/domain/1/control/feature-poweroff | sed 's/^/DOMU-FEATURE-/'
wardctl create /etc/ward/g.cfg; echo RC-TWICE=$?
wardctl list g nosuch; echo RC-LIST-NOSUCH=$?
wardctl list g | sed 's/^/LIST-G-/'
wardctl list -l g | tr -d ' ' | grep -E '^"(name|max_memkb|domid)"' | sed 's/^/JSON-/'
wardctl list -l | grep -c '"domid"' | sed 's/^/JSON-DOMAINS-/'
echo "DOMID-$(wardctl domid g)"
echo "DOMNAME-$(wardctl domname 1)"
wardctl domid nosuch; echo RC-DOMID-NOSUCH=$?
wardctl uptime | sed 's/^/UPTIME-/'
wardctl uptime -h; echo RC-HELP=$?
wardctl unpause g; echo RC-UNPAUSE-RUNNING=$?
wardctl pause g && wardctl list g | awk '$1 == "g" { print "PAUSED-" $5 }' && wardctl unpause g; echo RC-PAUSE-UNPAUSE=$?
wardctl rename g g-renamed; echo RC-RENAME=$?
wardctl list | awk '$2 == 1 { print "RENAMED-" $1 }'
wardctl rename g-renamed Domain-0; echo RC-RENAME-TAKEN=$?
wardctl rename g-renamed 42; echo RC-RENAME-DIGITS=$?
wardctl rename g-renamed g; echo RC-RENAME-BACK=$?
wardctl sysrq g hh; echo RC-SYSRQ-BAD=$?
wardctl sysrq g h; echo RC-SYSRQ=$?
i=0; while [ $i -lt 20 ] && ! grep -q 'sysrq: HELP' /var/log/ward/console-g.log; do sleep 1; i=$((i+1)); done; grep -c 'sysrq: HELP' /var/log/ward/console-g.log | sed 's/^/SYSRQ-HELP-/'
xenstore-read /local/domain/1/control/sysrq | wc -c | sed 's/^/SYSRQ-NODE-BYTES-/'
wardctl dmesg | grep -c 'ctl: d1 created' | sed 's/^/DMESG-CREATED-/'
wardctl dmesg | grep -c 'ward-dom0: init reached' | sed 's/^/DMESG-DOM0-TEXT-/'
wardctl dmesg -c >/dev/null; wardctl dmesg | grep -c 'ctl: d1 created' | sed 's/^/DMESG-AFTER-CLEAR-/'
wardctl dmesg -x; echo RC-DMESG-BAD=$?
(sleep 2; printf 'echo HELLO-FROM-$((6*7))\r'; sleep 4; printf '\035') | wardctl console g | tr -d '\r' | grep -a '^HELLO-FROM-'
wardctl info | grep -E '^(nr_cpus|total_memory|free_memory|xen_version) ' | tr -d ' ' | sed 's/^/INFO-/'
freemb() { wardctl info | tr -d ' ' | awk -F: '$1 == "free_memory" { print $2 }'; }
memtotal() { (sleep 2; printf 'grep MemTotal /proc/meminfo\r'; sleep 3; printf '\035') | wardctl console g | tr -d '\r' | grep -a '^MemTotal:' | awk '{ print $2 }' | tail -n 1; }
free0=$(freemb); mt0=$(memtotal); echo "MEM-BEFORE memtotal=$mt0 free=$free0"
wardctl mem-set g 64m; echo RC-MEMSET-DOWN=$?
free1=$(freemb); mt1=$(memtotal); echo "MEM-DOWN memtotal=$mt1 free=$free1"
echo "BALLOON-DOWN memtotal-drop-mb=$(( (mt0 - mt1) / 1024 )) free-gain-mb=$((free1 - free0))"
wardctl list g | awk '$1 == "g" { print "BALLOON-LIST-MEM-" $3 }'
xenstore-read /local/domain/1/memory/target | sed 's/^/BALLOON-TARGET-/'
wardctl mem-set g 160; echo RC-MEMSET-UP=$?
free2=$(freemb); mt2=$(memtotal); echo "MEM-UP memtotal=$mt2 free=$free2"
echo "BALLOON-UP memtotal-gain-mb=$(( (mt2 - mt1) / 1024 )) free-loss-mb=$((free1 - free2))"
wardctl mem-set g 256m; echo RC-MEMSET-ABOVE-MAX=$?
wardctl mem-max g 144; echo RC-MEMMAX-BELOW-TARGET=$?
wardctl mem-set g 128; echo RC-MEMSET-BACK=$?
wardctl mem-max g 128; echo RC-MEMMAX=$?
wardctl list g | awk '$1 == "g" { print "BALLOON-BACK-MEM-" $3 }'
wardctl mem-set g 144; echo RC-MEMSET-ABOVE-NEW-MAX=$?
wardctl mem-max g 512; echo RC-MEMMAX-ABOVE-ROOM=$?
wardctl mem-set g 12x; echo RC-MEMSET-BAD-UNIT=$?
wardctl mem-set Domain-0 100; echo RC-MEMSET-DOM0=$?
wardctl pause g; wardctl mem-set g 96; echo RC-MEMSET-PAUSED=$?; wardctl unpause g
i=0; while [ $i -lt 20 ] && [ "$(wardctl list g | awk '$1 == "g" { print $3 }')" != 96 ]; do sleep 1; i=$((i+1)); done
wardctl list g | awk '$1 == "g" { print "BALLOON-AFTER-UNPAUSE-MEM-" $3 }'
wardctl mem-set g 128; echo RC-MEMSET-RESTORE=$?
inguest() { (sleep 2; printf '%s\r' "$1"; sleep 3; printf '\035') | wardctl console g | tr -d '\r' | grep -a "^$2"; }
dd if=/dev/zero of=/tmp/b.img bs=1M count=4 2>/dev/null
wardctl block-list g | sed 's/^/BLOCK-LIST-EMPTY-/'
wardctl block-attach g 'file:/tmp/b.img,xvdb,w'; echo RC-BLOCK-ATTACH=$?
inguest 'echo GUEST-XVDB-$(ls /sys/block | grep -c xvdb)-SIZE-$(cat /sys/block/xvdb/size)' 'GUEST-XVDB-[0-9]'
wardctl block-list g | sed 's/^/BLOCK-LIST-/'
losetup -a | grep -c b.img | sed 's/^/BLOCK-LOOPS-/'
wardctl block-attach g 'file:/tmp/b.img,xvdc,w'; echo RC-BLOCK-ATTACH-IN-USE=$?
wardctl block-attach g 'file:/tmp/b.img,xvdb,r'; echo RC-BLOCK-ATTACH-SAME-VDEV=$?
wardctl block-attach g 'file:/tmp/nosuch.img,xvdc,w'; echo RC-BLOCK-ATTACH-MISSING=$?
wardctl block-attach g 'file:/tmp/b.img'; echo RC-BLOCK-ATTACH-BAD-SPEC=$?
losetup -a | grep -c b.img | sed 's/^/BLOCK-LOOPS-AFTER-REFUSALS-/'
wardctl block-detach g xvdb; echo RC-BLOCK-DETACH=$?
inguest 'echo GUEST-AFTER-DETACH-XVDB-$(ls /sys/block | grep -c xvdb)' 'GUEST-AFTER-DETACH-XVDB-[0-9]'
losetup -a | grep -c b.img | sed 's/^/BLOCK-LOOPS-AFTER-DETACH-/'
{ xenstore-list /local/domain/0/backend/vbd/1 2>/dev/null; xenstore-list /local/domain/1/device/vbd 2>/dev/null; } | grep -c . | sed 's/^/BLOCK-NODES-AFTER-DETACH-/'
wardctl block-detach g xvdb; echo RC-BLOCK-DETACH-AGAIN=$?
wardctl network-list g | sed 's/^/NET-LIST-EMPTY-/'
wardctl network-attach g mac=00:16:3e:00:00:51 bridge=xenbr1; echo RC-NET-ATTACH=$?
inguest 'echo GUEST-ETH-$(ls /sys/class/net | grep -c ^eth)-MAC-$(cat /sys/class/net/eth0/address)' 'GUEST-ETH-[0-9]'
wardctl network-list g | sed 's/^/NET-LIST-/'
ls /sys/class/net/xenbr1/brif | sed 's/^/NET-BRIF-/'
wardctl network-attach g mac=zz; echo RC-NET-ATTACH-BAD=$?
wardctl network-detach g 00:16:3e:00:00:51; echo RC-NET-DETACH=$?
inguest 'echo GUEST-ETH-AFTER-$(ls /sys/class/net | grep -c ^eth)' 'GUEST-ETH-AFTER-[0-9]'
ls /sys/class/net | grep -c '^vif1\.' | sed 's/^/NET-VIFS-AFTER-/'
{ xenstore-list /local/domain/0/backend/vif/1; xenstore-list /local/domain/1/device/vif; } 2>/dev/null | grep -c . | sed 's/^/NET-NODES-AFTER-/'
wardctl network-detach g 0; echo RC-NET-DETACH-AGAIN=$?
wardctl reboot g; echo RC-REBOOT=$?
i=0; while [ $i -lt 180 ] && [ "$(grep -c 'ward-dom0: init reached' /var/log/ward/console-g.log)" -lt 2 ]; do sleep 1; i=$((i+1)); done; echo REBOOT-WAITED-$i
grep -c 'ward-dom0: init reached' /var/log/ward/console-g.log | sed 's/^/DOMU-INITS-/'
wardctl list | awk '$1 == "g" { print "REBOOTED-ID-" $2 }'
wardctl reboot nosuch; echo RC-REBOOT-NOSUCH=$?
wardctl shutdown g -w; echo RC-SHUTDOWN=$?
wardctl list | grep -c '^g ' | sed 's/^/G-LEFT-/'
xenstore-read /local/domain/1/name || echo HOME-GONE
dd if=/dev/zero of=/tmp/d.img bs=1M count=8 2>/dev/null; echo IMG-MADE
(cd /tmp && wardctl create h.cfg); echo RC-H=$?
wardctl list
ls /sys/class/net/xenbr0/brif/ | sed 's/^/BRIF-/'
id=$(wardctl list | awk '$1 == "h" { print $2 }'); xenstore-read /local/domain/0/backend/vif/$id/0/hotplug-status | sed 's/^/HOTPLUG-/'
id=$(wardctl list | awk '$1 == "h" { print $2 }'); xenstore-read /local/domain/0/backend/vbd/$id/51712/physical-device | sed 's/^/PHYSDEV-/'
id=$(wardctl list | awk '$1 == "h" { print $2 }'); xenstore-read /local/domain/0/backend/vbd/$id/51712/state | sed 's/^/VBD-STATE-/'
losetup -a | grep -c d.img | sed 's/^/LOOPS-/'
sed 's/name = "h"/name = "h2"/' /etc/ward/h.cfg >/tmp/h2.cfg; wardctl create /tmp/h2.cfg; echo RC-H2-SAME-DISK=$?
losetup -a | grep -c d.img | sed 's/^/LOOPS-AFTER-REFUSAL-/'
wardctl list | grep -c '^h2 ' | sed 's/^/H2-LISTED-/'
sed -e 's/name = "h"/name = "h3"/' -e 's/xvda,w/xvda,w!/' -e '/^vif/d' /etc/ward/h.cfg >/tmp/h3.cfg; wardctl create /tmp/h3.cfg; echo RC-H3-FORCED=$?
wardctl destroy h3; echo RC-DESTROY-H3=$?
dd if=/dev/zero of=/tmp/r.img bs=1M count=1 2>/dev/null
wardctl create /etc/ward/r1.cfg; echo RC-R1=$?
wardctl create /etc/ward/r2.cfg; echo RC-R2-SHARED-RO=$?
wardctl create /etc/ward/rw.cfg; echo RC-RW-BESIDE-RO=$?
wardctl destroy r1 && wardctl destroy r2; echo RC-DESTROY-R=$?
wardctl destroy h; echo RC-DESTROY-H=$?
losetup -a | grep -c d.img | sed 's/^/LOOPS-AFTER-/'
ls /sys/class/net/ | grep -c '^vif' | sed 's/^/VIFS-AFTER-/'
for t in vbd vif; do xenstore-list /local/domain/0/backend/$t 2>/dev/null; done | grep -c . | sed 's/^/BACKEND-DEVS-/'
ls /run/ward | wc -l | sed 's/^/RUN-FILES-/'
left() { echo "LEFT-$1 home=$(xenstore-list /local/domain | grep -vc '^0$') be=$(for t in vbd vif; do xenstore-list /local/domain/0/backend/$t 2>/dev/null; done | grep -c .) loops=$(losetup -a | grep -c d.img) run=$(ls /run/ward | wc -l) doms=$(wardctl list | grep -vc -e '^Name' -e '^Domain-0') vifs=$(ls /sys/class/net | grep -c '^vif') daemons=$(for p in $(pidof ward-consoled); do grep -q '^State:.*Z' /proc/$p/status 2>/dev/null || echo $p; done | wc -l)"; }
for s in checked disk built stored console vif unpaused; do WARDCTL_TEST_STOP=$s wardctl create /etc/ward/h.cfg; echo "RC-INT-CREATE-$s=$?"; left create-$s; done
for s in teardown-console teardown-destroyed teardown-xenstore; do wardctl create /etc/ward/h.cfg >/dev/null; WARDCTL_TEST_STOP=$s wardctl destroy h; echo "RC-INT-DESTROY-$s=$?"; left destroy-$s; done
WARDCTL_TEST_KILL=console wardctl create /etc/ward/h.cfg; echo RC-KILLED-CREATE=$?
wardctl list | grep -c '^h ' | sed 's/^/KILLED-CREATE-LISTED-/'
wardctl cleanup; echo RC-CLEANUP=$?
left cleanup-create
WARDCTL_TEST_KILL=disk wardctl create /etc/ward/h.cfg; echo RC-KILLED-DISK=$?
wardctl cleanup; echo RC-CLEANUP-DISK=$?
left cleanup-disk
wardctl create /etc/ward/h.cfg >/dev/null; WARDCTL_TEST_KILL=teardown-destroyed wardctl destroy h; echo RC-KILLED-DESTROY=$?
wardctl destroy h; echo RC-DESTROY-GONE=$?
left destroy-gone
wardctl cleanup
wardctl destroy h; echo RC-DESTROY-NOTHING=$?
cp /boot/domU-rootfs.img /tmp/gd.img
wardctl create /etc/ward/gd.cfg; echo RC-DEB-CREATE=$?
i=0; while [ $i -lt 180 ] && ! grep -q 'ward-domU: gd up' /var/log/ward/console-gd.log; do sleep 1; i=$((i+1)); done; echo DEB-WAITED-$i
sleep 5
debmt() { (sleep 2; printf 'grep MemTotal /proc/meminfo\r'; sleep 3; printf '\035') | wardctl console gd | tr -d '\r' | grep -a '^MemTotal:' | awk '{ print $2 }' | tail -n 1; }
f0=$(freemb); m0=$(debmt)
wardctl mem-set gd 96; echo RC-DEB-MEMSET-DOWN=$?
f1=$(freemb); m1=$(debmt)
echo "DEB-BALLOON-DOWN memtotal-drop-mb=$(( (m0 - m1) / 1024 )) free-gain-mb=$((f1 - f0))"
wardctl mem-set gd 160; echo RC-DEB-MEMSET-UP=$?
f2=$(freemb); m2=$(debmt)
echo "DEB-BALLOON-UP memtotal-gain-mb=$(( (m2 - m1) / 1024 )) free-loss-mb=$((f1 - f2))"
wardctl mem-set gd 200; echo RC-DEB-MEMSET-ABOVE-MAX=$?
wardctl destroy gd; echo RC-DEB-DESTROY=$?
poweroff
CMDS
initrd=$TEST_DIR/initrd.cpio.gz
DOM0_EXTRA_DIRS=$PWD/build/tools/stage:$extra dom0-rootfs/build.sh "$initrd" >/dev/null ||
	{ bad "initramfs"; finish; }

base=$TEST_DIR/run log=$TEST_DIR/run.log rc=0
typed_session "$base" 720 kernel build/ward.elf \
	"test_exit loglvl=all dom0_mem=512M" \
	"build/kernel/bzImage console=hvc0 earlyprintk=xen,$initrd"

expect_status "$rc" "$QEMU_EXIT_OK" "poweroff in dom0 ended the run"
expect "$log" 'Started domain g \(id=1\)' "create: started"
expect "$log" 'RC-CREATE=0' "create: status 0"
expect "$log" 'DOMU-INIT-1' "the domU booted to its init (console log)"
expect "$log" '^INFO-nr_cpus:2' "info: nr_cpus"
expect "$log" '^INFO-total_memory:[1-9][0-9]*' "info: total_memory in MiB"
expect "$log" '^INFO-free_memory:[1-9][0-9]*' "info: free_memory in MiB"
expect "$log" '^INFO-xen_version:4\.17' "info: xen_version"
expect "$log" '^RC-MEMSET-DOWN=0' "mem-set: shrink g from 128 to 64 MiB"
expect "$log" '^BALLOON-DOWN memtotal-drop-mb=6[2-4] free-gain-mb=6[2-6]$' "mem-set: the guest's MemTotal fell by 64 MiB and the hypervisor's free memory grew by as much"
expect "$log" '^BALLOON-LIST-MEM-64$' "list shows 64 MiB"
expect "$log" '^BALLOON-TARGET-65536$' "memory/target is in KiB"
expect "$log" '^RC-MEMSET-UP=0' "mem-set: grow g to 160 MiB, past its memory, within maxmem"
expect "$log" '^BALLOON-UP memtotal-gain-mb=9[4-6] free-loss-mb=9[4-8]$' "mem-set: MemTotal grew by 96 MiB, taken from the hypervisor's free memory"
expect "$log" "^wardctl: mem-set: 256 MiB is above the 160 MiB domain g may have; raise that with 'wardctl mem-max g MEM' first \\(at most its maxmem, 160 MiB\\)" "mem-set above the maximum: refused, saying what to do"
expect "$log" '^RC-MEMSET-ABOVE-MAX=1' "refused: status 1"
expect "$log" "^wardctl: mem-max: 144 MiB is below domain g's target of 160 MiB" "mem-max below the target: refused"
expect "$log" '^RC-MEMMAX-BELOW-TARGET=1' "refused: status 1"
expect "$log" '^RC-MEMSET-BACK=0' "mem-set back to 128 MiB"
expect "$log" '^RC-MEMMAX=0' "mem-max 128"
expect "$log" '^BALLOON-BACK-MEM-128$' "list shows 128 MiB again"
expect "$log" "^wardctl: mem-set: 144 MiB is above the 128 MiB domain g may have" "mem-set above the new mem-max: refused"
expect "$log" '^RC-MEMSET-ABOVE-NEW-MAX=1' "refused: status 1"
expect "$log" "^wardctl: mem-max: 512 MiB is above the 160 MiB domain g was created with room for" "mem-max beyond maxmem: refused"
expect "$log" '^RC-MEMMAX-ABOVE-ROOM=1' "refused: status 1"
expect "$log" "^wardctl: mem-set: '12x' is not an amount of memory" "mem-set with a bad unit: one line"
expect "$log" '^RC-MEMSET-BAD-UNIT=2' "status 2"
expect "$log" '^RC-MEMSET-DOM0=1' "mem-set on dom0: refused"
expect "$log" '^wardctl: mem-set: domain g still has 128 MiB after 4[0-9] s \(40 s without coming closer\), not the 96 MiB asked' "a guest that does not follow the target (paused) is reported"
expect "$log" '^RC-MEMSET-PAUSED=1' "reported: status 1"
expect "$log" '^BALLOON-AFTER-UNPAUSE-MEM-96$' "not forced: the guest follows the target once it runs"
expect "$log" '^RC-MEMSET-RESTORE=0' "mem-set back to 128 MiB"
expect "$log" '^BLOCK-LIST-EMPTY-Vdev +BE +handle +state +evt-ch +ring-ref +BE-path' "block-list: xl's header"
expect "$log" '^RC-BLOCK-ATTACH=0' "block-attach a file as xvdb to the running g"
expect "$log" '^GUEST-XVDB-1-SIZE-8192' "the guest sees /sys/block/xvdb, 4 MiB"
expect "$log" '^BLOCK-LIST-51728 +0 +1 +4 +[0-9]+ +[0-9]+ +/local/domain/0/backend/vbd/1/51728' "block-list: xvdb connected (state 4), with its event channel and ring"
expect "$log" '^BLOCK-LOOPS-1' "one loop device for the image"
expect "$log" "^wardctl: block-attach: disk /tmp/b.img: domain g \\(id 1\\) has it read-write as xvdb" "block-attach of a disk in use read-write: refused by create's rules"
expect "$log" '^RC-BLOCK-ATTACH-IN-USE=1' "refused: status 1"
expect "$log" '^wardctl: block-attach: domain g already has a disk as xvdb' "block-attach to a vdev in use: refused"
expect "$log" '^RC-BLOCK-ATTACH-SAME-VDEV=1' "refused: status 1"
expect "$log" '^RC-BLOCK-ATTACH-MISSING=1' "block-attach of a missing file: status 1"
expect "$log" '^RC-BLOCK-ATTACH-BAD-SPEC=2' "block-attach with a bad spec: status 2"
expect "$log" '^BLOCK-LOOPS-AFTER-REFUSALS-1' "the refusals attached no loop device"
expect "$log" '^RC-BLOCK-DETACH=0' "block-detach xvdb"
expect "$log" '^GUEST-AFTER-DETACH-XVDB-0' "xvdb is gone from the guest"
expect "$log" '^BLOCK-LOOPS-AFTER-DETACH-0' "its loop device is detached"
expect "$log" '^BLOCK-NODES-AFTER-DETACH-0' "its frontend and backend dirs are gone"
expect "$log" '^wardctl: block-detach: domain g has no disk xvdb' "block-detach of a disk it does not have: one line"
expect "$log" '^RC-BLOCK-DETACH-AGAIN=1' "status 1"
expect "$log" '^NET-LIST-EMPTY-Idx BE Mac Addr\. +handle state evt-ch +tx-/rx-ring-ref BE-path' "network-list: xl's header"
expect "$log" '^RC-NET-ATTACH=0' "network-attach a vif to the running g (bridge xenbr1)"
expect "$log" '^GUEST-ETH-1-MAC-00:16:3e:00:00:51' "the guest has eth0 with that MAC"
expect "$log" '^NET-LIST-0 +0 +00:16:3e:00:00:51 1 +4 +[0-9]+ +[0-9]+/[0-9]+ +/local/domain/0/backend/vif/1/0' "network-list: vif 0 connected (state 4)"
expect "$log" '^NET-BRIF-vif1\.0' "vif1.0 is in xenbr1"
expect "$log" '^RC-NET-ATTACH-BAD=2' "network-attach with a bad MAC: status 2"
expect "$log" '^RC-NET-DETACH=0' "network-detach by MAC"
expect "$log" '^GUEST-ETH-AFTER-0' "eth0 is gone from the guest"
expect "$log" '^NET-VIFS-AFTER-0' "vif1.0 is gone from dom0"
expect "$log" '^NET-NODES-AFTER-0' "its frontend and backend dirs are gone"
expect "$log" '^wardctl: network-detach: domain g has no vif 0' "network-detach of a vif it does not have: one line"
expect "$log" '^RC-NET-DETACH-AGAIN=1' "status 1"
expect "$log" 'RC-REBOOT=0' "reboot: status 0"
expect "$log" '^DOMU-INITS-2' "reboot: the guest came back (on_reboot = restart, second boot in its console log)"
expect "$log" '^REBOOTED-ID-[2-9]' "reboot: the restarted guest is a new domain under the same name"
expect "$log" 'RC-REBOOT-NOSUCH=1' "reboot of an unknown domain: status 1"
expect "$log" 'LISTED-[rb-]' "list shows g by name"
expect "$log" 'XS-NAME-g' "its xenstore home"
expect "$log" 'DOMU-FEATURE-1' "the domU's Linux wrote control/feature-poweroff"
expect "$log" 'wardctl: /etc/ward/g.cfg:1: a domain called "g" already exists' "a name in use is refused"
expect "$log" 'RC-TWICE=1' "second create: status 1"
expect "$log" "^wardctl: list: no domain 'nosuch'" "list NAME of an unknown domain: one line"
expect "$log" '^RC-LIST-NOSUCH=1' "and status 1"
expect "$log" '^LIST-G-Name +ID +Mem VCPUs' "list NAME: xl's header"
expect "$log" '^LIST-G-g +1 +128 +1 ' "list NAME: its line"
reject "$log" '^LIST-G-Domain-0' "list NAME: only that domain"
expect "$log" '^JSON-"domid":1,' "list -l: domid"
expect "$log" '^JSON-"name":"g"' "list -l: c_info name"
expect "$log" '^JSON-"max_memkb":163840' "list -l: b_info max_memkb (maxmem)"
expect "$log" '^JSON-DOMAINS-2' "list -l: dom0 and g"
expect "$log" '^DOMID-1' "domid NAME"
expect "$log" '^DOMNAME-g' "domname ID"
expect "$log" '^RC-DOMID-NOSUCH=1' "domid of an unknown name: status 1"
expect "$log" '^UPTIME-Name +ID Uptime' "uptime: xl's header"
expect "$log" '^UPTIME-Domain-0 +0 +[0-9]+:[0-5][0-9]:[0-5][0-9]' "uptime: dom0"
expect "$log" '^UPTIME-g +1 +0:0[0-9]:[0-5][0-9]' "uptime: g, minutes old"
expect "$log" '^usage: wardctl uptime \[NAME\|ID\.\.\.\]' "VERB -h: its usage"
expect "$log" '^RC-HELP=0' "VERB -h: status 0"
expect "$log" "^wardctl: unpause: domain g \(id 1\) is not paused" "unpause of a running domain says so"
expect "$log" '^RC-UNPAUSE-RUNNING=1' "and fails"
expect "$log" '^PAUSED-..p' "pause shows p in list"
expect "$log" '^RC-PAUSE-UNPAUSE=0' "pause then unpause"
expect "$log" '^RC-RENAME=0' "rename"
expect "$log" '^RENAMED-g-renamed' "list shows the new name"
expect "$log" '^wardctl: rename: a domain called "Domain-0" already exists' "rename to a name in use is refused"
expect "$log" '^RC-RENAME-TAKEN=1' "status 1"
expect "$log" '^RC-RENAME-DIGITS=2' "rename to an all-digit name: status 2"
expect "$log" '^RC-RENAME-BACK=0' "rename back"
expect "$log" "^wardctl: sysrq: KEY is one letter or digit" "sysrq with a bad key: one line"
expect "$log" '^RC-SYSRQ=0' "sysrq"
expect "$log" '^SYSRQ-HELP-[1-9]' "the guest's kernel handled SysRq h (its help in the console log)"
expect "$log" '^SYSRQ-NODE-BYTES-1$' "and cleared control/sysrq"
expect "$log" '^DMESG-CREATED-1' "dmesg: the hypervisor's line about creating d1"
expect "$log" '^DMESG-DOM0-TEXT-0' "dmesg: not dom0's own console output"
expect "$log" '^DMESG-AFTER-CLEAR-0' "dmesg -c clears the ring"
expect "$log" '^RC-DMESG-BAD=2' "dmesg with a bad option: status 2"
expect "$log" '^Parsing config from /etc/ward/h.cfg' "create NAME.cfg looks in /etc/ward"
expect "$log" 'HELLO-FROM-42' "console: typed input ran in the domU, its output came back"
expect "$log" 'RC-SHUTDOWN=0' "shutdown -w"
expect "$log" 'G-LEFT-0' "the domU is gone"
expect "$log" 'HOME-GONE' "its xenstore home is removed"
expect "$log" 'RC-H=0' "create with a vif and a disk"
expect "$log" 'BRIF-vif[0-9]+\.0' "vifD.0 is in xenbr0"
expect "$log" 'HOTPLUG-connected' "hotplug-status = connected"
expect "$log" 'PHYSDEV-7:[0-9a-f]+' "physical-device is the loop device in hex"
expect "$log" 'VBD-STATE-2' "blkback probed the vbd (InitWait)"
expect "$log" 'LOOPS-1' "one loop device for the image"
expect "$log" "wardctl: /tmp/h2.cfg:5: disk /tmp/d.img: domain h \\(id [0-9]+\\) has it read-write as xvda; shut that domain down first, or give access 'w!' to share it anyway" "a copy of h's config under another name is refused while h has its disk"
expect "$log" 'RC-H2-SAME-DISK=1' "refused: status 1"
expect "$log" 'LOOPS-AFTER-REFUSAL-1' "the refusal attached no loop device"
expect "$log" 'H2-LISTED-0' "and made no domain"
expect "$log" 'RC-H3-FORCED=0' "access 'w!' shares it anyway"
expect "$log" 'RC-DESTROY-H3=0' "destroy the forced sharer"
expect "$log" 'RC-R1=0' "a read-only disk"
expect "$log" 'RC-R2-SHARED-RO=0' "shared read-only with another domain"
expect "$log" "wardctl: /etc/ward/rw.cfg:5: disk /tmp/r.img: domain r1 \\(id [0-9]+\\) has it read-only as xvda; make this one read-only too" "read-write beside read-only users is refused"
expect "$log" 'RC-RW-BESIDE-RO=1' "refused: status 1"
expect "$log" 'RC-DESTROY-R=0' "destroy the read-only sharers"
expect "$log" 'RC-DESTROY-H=0' "destroy"
expect "$log" 'LOOPS-AFTER-0' "the loop device is detached"
expect "$log" 'VIFS-AFTER-0' "the vif is gone"
expect "$log" 'BACKEND-DEVS-0' "no backend dirs left"
expect "$log" 'RUN-FILES-0' "no console socket or pid file left"
clean='home=0 be=0 loops=0 run=0 doms=0 vifs=0 daemons=0'
for st in checked disk built stored console vif unpaused; do
	expect "$log" "^wardctl: test: SIGINT at step $st " "create: SIGINT at step $st"
	expect "$log" "^RC-INT-CREATE-$st=130" "create: SIGINT at $st ends it with status 130"
	expect "$log" "^LEFT-create-$st $clean" "create: SIGINT at $st leaves nothing (xenstore, backends, loop, /run/ward, domain, vif, daemon)"
done
expect "$log" '^wardctl: create h: undone' "create says it undid itself"
for st in teardown-console teardown-destroyed teardown-xenstore; do
	expect "$log" "^RC-INT-DESTROY-$st=130" "destroy: SIGINT at $st is held until the end (status 130)"
	expect "$log" "^LEFT-destroy-$st $clean" "destroy: SIGINT at $st leaves nothing"
done
expect "$log" '^RC-KILLED-CREATE=137' "create killed (SIGKILL) after its console step"
expect "$log" '^KILLED-CREATE-LISTED-1' "it left a domain behind"
expect "$log" '^cleanup: destroying its half-made domain [0-9]+' "cleanup: the killed create's domain"
expect "$log" '^RC-CLEANUP=0' "cleanup: status 0"
expect "$log" "^LEFT-cleanup-create $clean" "cleanup after a killed create leaves nothing"
expect "$log" '^cleanup: detaching /dev/loop[0-9]+' "cleanup: a loop device a killed create attached"
expect "$log" "^LEFT-cleanup-disk $clean" "cleanup after a create killed at its disk step leaves nothing"
expect "$log" '^RC-KILLED-DESTROY=137' "destroy killed (SIGKILL) after the hypercall"
expect "$log" '^wardctl: domain h \(id [0-9]+\) no longer exists; removing what it left behind' "destroy NAME of a gone domain"
expect "$log" '^RC-DESTROY-GONE=0' "which succeeds"
expect "$log" "^LEFT-destroy-gone $clean" "and leaves nothing"
expect "$log" '^cleanup: nothing left over' "cleanup with nothing to do says so"
expect "$log" "^RC-DESTROY-NOTHING=1" "destroy of a name nothing is left of: status 1"
# The teardown releases a domain from xenstored before destroying it, so
# no frame of these guests (none has a connected backend) outlives it.
# (Guests with connected disk or network backends still leave the
# backends' grant mappings for a moment: those are not this check's.)
reject "$log" ': 1 frames stay until other domains unmap them' \
	"every destroyed domain's xenstore ring comes back at once (xenstored let go first)"
expect "$log" '^RC-DEB-CREATE=0' "Debian's kernel as a domU (gd, maxmem 160)"
expect "$log" '^RC-DEB-MEMSET-DOWN=0' "Debian kernel: mem-set 96"
expect "$log" '^DEB-BALLOON-DOWN memtotal-drop-mb=3[0-2] free-gain-mb=3[0-4]$' "Debian kernel: MemTotal fell by 32 MiB, free memory grew by as much"
expect "$log" '^RC-DEB-MEMSET-UP=0' "Debian kernel: mem-set 160 (past memory, within maxmem)"
expect "$log" '^DEB-BALLOON-UP memtotal-gain-mb=6[2-4] free-loss-mb=6[2-6]$' "Debian kernel: MemTotal grew by 64 MiB, taken from free memory"
expect "$log" '^RC-DEB-MEMSET-ABOVE-MAX=1' "Debian kernel: above maxmem refused"
expect "$log" '^RC-DEB-DESTROY=0' "Debian guest destroyed"
reject "$log" 'FATAL TRAP|PANIC|BUG:|Oops' "no fault anywhere"
finish

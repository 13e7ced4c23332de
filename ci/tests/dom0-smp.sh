#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# SMP guests: dom0 booted with dom0_max_vcpus=2 on a two-CPU machine. Linux
# brings vCPU 1 up itself (VCPUOP_initialise/up), schedules work on both,
# sends IPIs and TLB shootdowns between them (event channels, mmuext
# flushes), and takes CPU 1 offline and online again (VCPUOP_down/up).
# Each kernel (ours and Debian's stock one) is checked through its console.
# No VGA card: QEMU 7.2 itself crashed (SIGSEGV, twice in a dozen runs)
# while a 2-vCPU dom0 sized the VGA framebuffer BAR under TCG.
. "$(dirname "$0")/../lib.sh"

type_into() {
	dom0_type "$1" "$2" <<'CMDS'
echo CPUS-$(nproc)-$(grep -c ^processor /proc/cpuinfo)
(i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i+1)); done; echo JOB-A-$i) & (seq 1 150000 | sort -rn | head -1 | sed 's/^/JOB-B-/') & (dd if=/dev/zero of=/dev/null bs=1M count=64 2>&1 | grep -c records | sed 's/^/JOB-C-/') & wait; echo JOBS-DONE
awk '/^cpu1 /{ print "CPU1-BUSY-" ($2 + $4 > 0) }' /proc/stat
echo 0 >/sys/devices/system/cpu/cpu1/online; echo OFFLINE-$(cat /sys/devices/system/cpu/cpu1/online)-$(nproc)
i=0; while [ $i -lt 50 ]; do /bin/true; i=$((i+1)); done; echo ALONE-$i
echo 1 >/sys/devices/system/cpu/cpu1/online; echo ONLINE-$(cat /sys/devices/system/cpu/cpu1/online)-$(nproc)
(seq 1 50000 | sort -n | tail -1 | sed 's/^/AGAIN-/') & (i=0; while [ $i -lt 100 ]; do /bin/true; i=$((i+1)); done; echo AGAIN-FORKS-$i) & wait
poweroff
CMDS
	sleep 30
	exec 3>&-
}

run_smp() {
	local name=$1 kernel=$2 base=$TEST_DIR/$1 log=$TEST_DIR/$1.log rc=0

	WARD_QEMU_ARGS="-vga none" typed_session "$base" 300 kernel build/ward.elf \
		"test_exit loglvl=all dom0_mem=512M dom0_max_vcpus=2" \
		"$kernel console=hvc0 earlyprintk=xen,build/dom0-initrd.cpio.gz"

	expect_status "$rc" "$QEMU_EXIT_OK" "$name: poweroff in dom0 ended the run"
	expect "$log" 'smp: Brought up 1 node, 2 CPUs' "$name: Linux brought vCPU 1 up"
	expect "$log" '^CPUS-2-2' "$name: nproc and /proc/cpuinfo show 2 CPUs"
	expect "$log" '^JOB-A-200' "$name: parallel fork+exec loop finished"
	expect "$log" '^JOB-B-150000' "$name: parallel seq|sort finished"
	expect "$log" '^JOB-C-2' "$name: parallel dd finished"
	expect "$log" '^JOBS-DONE' "$name: all parallel jobs done"
	expect "$log" '^CPU1-BUSY-1' "$name: CPU 1 ran work (/proc/stat)"
	expect "$log" '^OFFLINE-0-1' "$name: CPU 1 taken offline (VCPUOP_down)"
	expect "$log" '^ALONE-50' "$name: work goes on with one CPU"
	expect "$log" '^ONLINE-1-2' "$name: CPU 1 back online (VCPUOP_up)"
	expect "$log" '^AGAIN-50000' "$name: parallel work after the CPU came back"
	expect "$log" '^AGAIN-FORKS-100' "$name: forks after the CPU came back"
	expect "$log" '^d0: shut down: poweroff' "$name: dom0 powered off"
	reject "$log" 'FATAL TRAP|PANIC|crashed|BUG:|Oops|does not answer|soft lockup|rcu_sched self-detected|hung_task' \
		"$name: no fault, lockup or stuck CPU anywhere"
}

# KERNELS="ours" (or "debian") runs one of them.
for k in ${KERNELS:-ours debian}; do
	case $k in
	ours)
		scripts/build-kernel.sh >/dev/null || { bad "kernel build"; continue; }
		run_smp ours build/kernel/bzImage
		;;
	debian)
		if [ -f build/debian/vmlinuz ] || scripts/fetch-debian-kernel.sh >/dev/null 2>&1; then
			run_smp debian build/debian/vmlinuz
		else
			bad "Debian's kernel could not be fetched"
		fi
		;;
	esac
done
finish

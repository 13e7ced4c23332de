/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ward's toolstack control interface: how dom0's tools (wardctl,
 * xenstored) create, start, stop and list domains. It is Ward's own, not
 * Xen's domctl/sysctl (those stay -ENOSYS, so Xen's xl fails cleanly), and
 * deliberately small; docs/control.md describes every command.
 *
 * One hypercall, WARD_HYPERCALL_ctl, with one argument: a pointer to a
 * struct ward_ctl in the caller's memory. From dom0 userspace it is issued
 * with IOCTL_PRIVCMD_HYPERCALL { op = WARD_HYPERCALL_ctl, arg[0] = &ctl }.
 * It returns 0 or a negative errno (Xen's values, public/errno.h). Any
 * domain but dom0 gets -EPERM; a version other than WARD_CTL_VERSION gets
 * -EACCES (the tools and the hypervisor were built apart).
 *
 * Buffers the hypercall reads (kernel, ramdisk, command line, list array)
 * must be mapped when it runs: touch or mlock() them first. An unmapped
 * page gives -EFAULT, never a fault in dom0.
 *
 * The includer provides uint32_t/uint64_t (stdint.h, or hv/types.h).
 */
#ifndef WARD_CTL_H
#define WARD_CTL_H

/* Outside Xen's table (its last is __HYPERVISOR_arch_7 = 55). */
#define WARD_HYPERCALL_ctl	56
#define WARD_CTL_VERSION	1

/* ward_ctl.cmd */
#define WARD_CTL_create		1	/* build a new domain, left paused */
#define WARD_CTL_destroy	2	/* tear a domain down */
#define WARD_CTL_pause		3	/* stop its vCPUs (counted) */
#define WARD_CTL_unpause	4	/* undo one pause */
#define WARD_CTL_shutdown	5	/* as if it called SCHEDOP_shutdown(reason) */
#define WARD_CTL_list		6	/* describe domains from domid upward */
#define WARD_CTL_physinfo	7	/* the machine: CPUs, memory */
#define WARD_CTL_console_read	8	/* the hypervisor's message ring */
#define WARD_CTL_set_max_mem	9	/* how far a domain may balloon up */

/* Limits the hypervisor enforces on create. */
#define WARD_CTL_CMDLINE_MAX	1024	/* bytes including the NUL */
#define WARD_CTL_MIN_MEM_KB	(16u * 1024)
#define WARD_CTL_MAX_VCPUS	8

/*
 * WARD_CTL_create. The hypervisor copies the kernel (ELF, gzip'd ELF, or
 * bzImage with a gzip/xz payload), the ramdisk and the command line out of
 * the caller's memory and builds the domain with the same PV builder as
 * dom0 (start_info flags 0). It allocates the xenstore and console ring
 * pages inside the domain's memory, and for each an event channel port in
 * the new domain, unbound and waiting for dom0 (remote domid 0). It also
 * writes grant entries 0 (console) and 1 (xenstore) of the new domain,
 * granting those pages to dom0. The domain is left paused; the toolstack
 * introduces it to xenstored, sets up its devices and unpauses it.
 */
struct ward_ctl_create {
	/* IN */
	uint64_t mem_kb;		/* memory (also its maximum), KiB */
	uint64_t kernel;		/* caller VA of the kernel image */
	uint64_t kernel_len;
	uint64_t ramdisk;		/* caller VA, or 0: none */
	uint64_t ramdisk_len;
	uint64_t cmdline;		/* caller VA of a NUL-terminated string, or 0 */
	uint32_t vcpus;			/* 1..WARD_CTL_MAX_VCPUS */
	uint32_t flags;			/* must be 0 */
	/* OUT (and ward_ctl.domid) */
	uint64_t store_mfn;
	uint64_t console_mfn;
	uint32_t store_port;		/* in the new domain, unbound to dom0 */
	uint32_t console_port;
	/*
	 * IN: the most it may balloon up to, KiB (xl's maxmem); 0 or below
	 * mem_kb: mem_kb. Its pseudo-physical space spans this much, and
	 * the part past mem_kb starts unpopulated, for its balloon driver.
	 */
	uint64_t max_kb;
};

/* WARD_CTL_shutdown: reason is SHUTDOWN_* of public/sched.h. */
struct ward_ctl_shutdown {
	uint32_t reason;
	uint32_t pad;
};

/*
 * WARD_CTL_set_max_mem: the most memory the domain may own from now on
 * (its max_pages; ward_dominfo.max_pages reports it). Below what it owns
 * now it takes nothing away: it only stops increase_reservation and
 * populate_physmap. At most the pseudo-physical space create gave it.
 */
struct ward_ctl_max_mem {
	uint64_t max_kb;
};

/* One domain, as WARD_CTL_list reports it. */
struct ward_dominfo {
	uint32_t domid;
	uint32_t flags;			/* WARD_DOMINF_* */
	uint32_t shutdown_reason;	/* SHUTDOWN_* when WARD_DOMINF_shutdown */
	uint32_t nr_vcpus;
	uint64_t tot_pages;		/* frames it owns now */
	uint64_t max_pages;
	uint64_t cpu_time_ns;		/* summed over its vCPUs */
	uint64_t store_mfn;		/* 0 for dom0 */
	uint64_t console_mfn;
	uint32_t store_port;
	uint32_t console_port;
};

#define WARD_DOMINF_dying	(1u << 0)	/* destroyed or crashed; memory going */
#define WARD_DOMINF_shutdown	(1u << 1)	/* shut down, shutdown_reason says why */
#define WARD_DOMINF_paused	(1u << 2)	/* paused by the toolstack */
#define WARD_DOMINF_blocked	(1u << 3)	/* every up vCPU waits for an event */
#define WARD_DOMINF_running	(1u << 4)	/* a vCPU is on a CPU now */
#define WARD_DOMINF_privileged	(1u << 5)	/* dom0 */

/*
 * WARD_CTL_list: fill buf[0..max) with the domains whose domid is >=
 * ward_ctl.domid, in domid order; nr says how many were written.
 */
struct ward_ctl_list {
	uint64_t buf;			/* IN: caller VA of struct ward_dominfo[max] */
	uint32_t max;			/* IN */
	uint32_t nr;			/* OUT */
};

/* WARD_CTL_physinfo */
struct ward_ctl_physinfo {
	uint32_t nr_cpus;
	uint32_t pad;
	uint64_t total_pages;		/* RAM the allocator manages */
	uint64_t free_pages;
	uint64_t cpu_khz;
};

/*
 * WARD_CTL_console_read: the newest bytes the hypervisor printed (its own
 * messages and other domains' "(dN) " lines; not dom0's own console
 * output), oldest first, up to WARD_CTL_CONSOLE_RING of them, as Xen's
 * console ring keeps them for xl dmesg.
 */
#define WARD_CTL_CONSOLE_RING	16384	/* bytes the ring keeps */
#define WARD_CTL_CONSOLE_clear	(1u << 0)	/* then forget what was read */

struct ward_ctl_console_read {
	uint64_t buf;			/* IN: caller VA of len bytes */
	uint32_t len;			/* IN: room at buf; OUT: bytes written */
	uint32_t flags;			/* IN: WARD_CTL_CONSOLE_* */
};

struct ward_ctl {
	uint32_t cmd;			/* WARD_CTL_* */
	uint32_t version;		/* WARD_CTL_VERSION */
	uint32_t domid;			/* target; OUT for create */
	uint32_t pad;
	union {
		struct ward_ctl_create create;
		struct ward_ctl_shutdown shutdown;
		struct ward_ctl_list list;
		struct ward_ctl_physinfo physinfo;
		struct ward_ctl_console_read console_read;
		struct ward_ctl_max_mem max_mem;
		uint8_t raw[128];	/* fixes the size of the structure */
	} u;
};

#endif /* WARD_CTL_H */

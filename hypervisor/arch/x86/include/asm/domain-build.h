/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV domain builder: from a kernel image, an optional initrd and a
 * command line, a domain in the start-of-day state of <public/xen.h>.
 * dom0 is built from the boot modules; domUs from what the toolstack
 * hands over (WARD_CTL_create, common/control.c).
 */
#pragma once
#include <hv/types.h>
#include <public/event_channel.h>

struct boot_info;
struct domain;

/* pv_build.flags */
#define PV_BUILD_DOM0		(1u << 0)	/* privileged, the initial domain */

struct pv_build {
	/* IN: all buffers are hypervisor memory. */
	const void *kernel;
	size_t kernel_len;
	const void *initrd;		/* NULL: none */
	size_t initrd_len;
	const char *cmdline;
	uint64_t mem;			/* bytes */
	/*
	 * Bytes the domain may grow to by ballooning (populate_physmap);
	 * below @mem: @mem. Its pseudo-physical space (e820, p2m) spans
	 * this much; the frames past @mem start unpopulated.
	 */
	uint64_t max_mem;
	unsigned int vcpus;
	unsigned int flags;		/* PV_BUILD_* */
	domid_t domid;			/* DOMID_INVALID: the next free one */
	/* OUT */
	struct domain *d;
	mfn_t store_mfn, console_mfn;	/* domUs only */
	evtchn_port_t store_port, console_port;
};

/*
 * Build a domain as @b describes, its vCPU 0 ready but not woken (the
 * caller starts it). 0, or -errno with *@why set to the reason.
 */
int pv_build_domain(struct pv_build *b, const char **why);

/*
 * Build dom0 from the boot modules (0: kernel, 1: initrd) with @dom0_mem
 * bytes (0: a default) and make its vCPU 0 runnable. 0 or -errno, with
 * the reason printed.
 */
int dom0_build(const struct boot_info *bi, uint64_t dom0_mem);

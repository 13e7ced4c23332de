/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86 PV part of struct vcpu and struct domain. */
#pragma once
#include <hv/types.h>
#include <public/xen.h>
#include <asm/desc.h>
#include <asm/regs.h>

#define PV_NR_TRAPS	256

/* The callbacks a 64-bit PV guest can register (public/callback.h types). */
enum pv_callback {
	PV_CB_EVENT,
	PV_CB_FAILSAFE,
	PV_CB_SYSCALL,
	PV_CB_SYSCALL32,
	PV_CB_SYSENTER,
	PV_CB_NMI,
	PV_NR_CALLBACKS,
};

struct pv_callback_entry {
	unsigned long address;	/* 0: not registered */
	bool mask_events;	/* CALLBACKF_mask_events */
};

/* 512-byte FXSAVE image; the hypervisor itself never uses the FPU. */
struct fpu_state {
	uint8_t fxsave[512];
} __aligned(16);

/*
 * Validating a fresh page-table tree can be long (every frame of the
 * guest, 512 entries each): it yields like a batch does. Tables it
 * finished validating keep their type across the continuation through a
 * "hold" (one type use) recorded here, so the next attempt finds them done
 * and moves on. The walk is depth-first, so the holds form a stack whose
 * top block is the children of the table being validated: when it
 * completes, its entries take over from those holds, which go (pv/mm.c).
 * That keeps at most 511 per level.
 */
#define PV_VAL_HOLDS_MAX	1600

struct pv_val_holds {
	bool active;				/* in mmu_update/mmuext_op: may yield */
	unsigned int fresh;			/* tables validated in this attempt */
	unsigned int nr;
	uint32_t mfn[PV_VAL_HOLDS_MAX];
	uint8_t level[PV_VAL_HOLDS_MAX];	/* of the table held: 1-3 */
};

/*
 * Dead page tables waiting to be buried (hv/page-type.h PGT_DEAD): tearing
 * down a tree is as long as building it, so the last use of a table only
 * queues it, on the vCPU whose request killed it, and that vCPU's
 * mmu_update/mmuext_op bury its queue preemptibly, a table at a time,
 * before and after their requests (another vCPU's requests are not made
 * to wait for it). LIFO: a table's subtables, queued as it is buried, go
 * next, so it never holds more than about 511 per level; when full, a
 * table is released at once as before.
 */
#define PV_DEAD_MAX		1600

struct pv_dead_queue {
	unsigned int nr;			/* under the domain's mm_lock */
	uint32_t mfn[PV_DEAD_MAX];		/* each holds a page reference */
};

struct pv_vcpu {
	/*
	 * Hot: what entry.S's fast paths (guest system call, iret) read and
	 * write, first and together, so that with the head of struct vcpu
	 * (domain, pause_flags, vcpu_info) they sit in one page. Their
	 * offsets reach entry.S through asm-offsets.c.
	 */
	bool in_kernel;				/* guest kernel (vs user) mode */
	mfn_t kernel_cr3;			/* guest L4 frames; user 0 = none */
	mfn_t user_cr3;
	unsigned long kernel_ss, kernel_sp;	/* stack_switch */
	unsigned long gs_base_kernel;
	unsigned long gs_base_user;
	struct pv_callback_entry callbacks[PV_NR_CALLBACKS];
	/* Guest registers while the vCPU is not on a CPU. */
	struct cpu_regs regs;
	struct trap_info traps[PV_NR_TRAPS];	/* address 0: no handler */
	/* Data selectors the guest left in DS/ES/FS/GS (restored before the bases). */
	uint16_t sel_ds, sel_es, sel_fs, sel_gs;
	unsigned long fs_base;
	bool vcr0_ts;				/* fpu_taskswitch */
	unsigned long vcr4;			/* what "mov %cr4" reads */
	unsigned long debugreg[8];
	unsigned int iopl;			/* virtual IOPL (physdev set_iopl) */
	/*
	 * GDT: guest frames and hypervisor-owned validated shadow copies.
	 * Changed under the domain's mm_lock (pv/descriptor.c), which every
	 * writer of another vCPU's shadows holds.
	 */
	mfn_t gdt_frames[GDT_GUEST_PAGES];
	void *gdt_shadow[GDT_GUEST_PAGES];
	unsigned int gdt_ents;
	struct fpu_state fpu;
	bool fpu_initialised;
	bool ctx_busy;				/* VCPUOP_initialise under way */
	bool initialised;			/* has a context: may be brought up */
	struct pv_val_holds val;		/* under the domain's mm_lock */
	struct pv_dead_queue dead;
};

struct pv_domain {
	unsigned long vm_assist;		/* VMASST_TYPE_* bits enabled */
	unsigned long nr_pfns;			/* pseudo-physical size */
	mfn_t *p2m;				/* hypervisor's copy, for reclaim */
};

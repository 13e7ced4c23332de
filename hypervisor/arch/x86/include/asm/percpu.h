/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU data lives at the top of each CPU's stack block (asm/layout.h),
 * found by masking RSP. This works in every context, including IST
 * handlers, and never depends on the GS base, which guests will own.
 */
#pragma once
#include <hv/types.h>
#include <asm/layout.h>
#include <asm/cpu-defs.h>
#include <asm/regs.h>

struct vcpu;

/* Offsets used by assembly are pinned in cpu-defs.h and checked in traps.c. */
struct cpu_info {
	struct cpu_info *self;		/* CPUINFO_SELF: also the guest frame's end */
	unsigned long scratch_rsp;	/* CPUINFO_SCRATCH_RSP: guest RSP at syscall */
	struct vcpu *curr;		/* vCPU whose state is live here, or NULL */
	uint64_t timer_ticks;		/* local APIC timer interrupts taken */
	unsigned int cpu;		/* logical CPU number, 0 = boot CPU */
	uint32_t apic_id;
	volatile bool need_resched;	/* switch at the next exit to a guest */
	volatile bool in_nmi;		/* in the NMI handler (arch_in_nmi) */
	uint32_t slice_ticks;		/* ticks the current vCPU has run */
	uint64_t next_tick;		/* ns: when the scheduler tick is due */
	uint64_t hc_deadline;		/* ns: the running hypercall yields after it */
	unsigned long *hc_args;		/* its arguments, rewritten to continue it */
	/*
	 * The TLB-flush clock's per-CPU half (tlb-clock.c), written only by
	 * this CPU (tlb_load_cr3 and entry.S's fast paths), read by any:
	 * here, on the stack page the fast paths touch anyway.
	 */
	uint64_t tlb_flushed_at;	/* clock value of the last CR3 load */
	uint64_t tlb_cr3_loads;		/* CR3 loads since boot */
	bool tlb_on_guest_tables;	/* CR3 is a guest's page tables */
	/*
	 * The vCPU this idle CPU still has the page tables of (lazy idle
	 * switching, sched.c), or NULL. Written by this CPU only, under the
	 * run-queue lock; the vCPU's own view is v->lazy.
	 */
	struct vcpu *lazy;
	uint8_t pad[CPU_INFO_SIZE - 104];
};
_Static_assert(sizeof(struct cpu_info) == CPU_INFO_SIZE, "cpu_info layout");

static inline struct cpu_info *get_cpu_info(void)
{
	unsigned long sp;

	__asm__ ("mov %%rsp, %0" : "=r"(sp));
	return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 - CPU_INFO_SIZE);
}

static inline unsigned int smp_processor_id(void)
{
	return get_cpu_info()->cpu;
}

static inline struct cpu_info *stack_block_cpu_info(void *block)
{
	return (struct cpu_info *)((char *)block + STACK_SIZE - CPU_INFO_SIZE);
}

/*
 * The frame a guest's registers are saved in on every entry from ring 3:
 * directly below struct cpu_info (TSS.rsp0 points at its end).
 */
struct cpu_regs;
static inline struct cpu_regs *guest_regs(void)
{
	return (struct cpu_regs *)((char *)get_cpu_info() - REGS_SIZE);
}

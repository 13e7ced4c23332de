/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall handlers: do_<name>(args...) returns 0/positive or -errno. */
#pragma once
#include <hv/types.h>

struct cpu_regs;

/*
 * Preemption (hypercall.c). A hypercall that works through a batch checks
 * hypercall_preempt_check() after each item past its first; when it says
 * so, the handler returns hypercall_continue(new arguments): the guest's
 * registers (or, inside a multicall, its entry) are rewritten and the
 * guest is sent back to its SYSCALL, which re-enters the hypercall where
 * it stopped. Meanwhile interrupts are taken, other vCPUs run, locks are
 * free. Each call makes progress (one item at least), so the batch ends.
 */
bool hypercall_preempt_check(void);
/*
 * The slice is extended by the time since @since (now_ns()): a wait for a
 * lock, which another vCPU's slice may have filled (under TCG, its host
 * thread preempted), so that a continued call does a slice's work rather
 * than one item per re-entry. Extended, not restarted: inside a multicall
 * each entry's wait counts, not the entries' work.
 */
void hypercall_slice_extend(uint64_t since);
long hypercall_continue(unsigned long a0, unsigned long a1, unsigned long a2,
			unsigned long a3);

/*
 * How mmu_update and mmuext_op carry progress across a continuation, as
 * on Xen: the count re-entered is what remains with HC_CONT_FLAG set, and
 * *pdone (when the guest gave one) holds what was done before; a
 * continued call starts counting from there. A guest that forges either
 * can only misreport its own *pdone.
 */
#define HC_CONT_FLAG		(1UL << 31)

/*
 * Decode @count (the remaining count is left in it); the requests done in
 * earlier calls are read back from @pdone. A pdone that cannot be read
 * counts from 0: it can only be the guest's own doing.
 */
long hc_cont_begin(unsigned long *count, unsigned long pdone);

/* Write @done to @pdone (if any) and continue with @remaining | the flag. */
unsigned long hc_cont_save(unsigned long remaining, unsigned long pdone, unsigned int done);

long do_set_trap_table(unsigned long traps);
long do_mmu_update(unsigned long reqs, unsigned long count, unsigned long pdone,
		   unsigned long foreigndom);
long do_mmuext_op(unsigned long ops, unsigned long count, unsigned long pdone,
		  unsigned long foreigndom);
long do_update_va_mapping(unsigned long va, unsigned long val, unsigned long flags);
long do_update_va_mapping_otherdomain(unsigned long va, unsigned long val,
				      unsigned long flags, unsigned long domid);
long do_memory_op(unsigned long cmd, unsigned long arg);
long do_set_callbacks(unsigned long event, unsigned long failsafe, unsigned long syscall);
long do_callback_op(unsigned long cmd, unsigned long arg);
long do_stack_switch(unsigned long ss, unsigned long sp);
long do_fpu_taskswitch(unsigned long set);
long do_set_debugreg(unsigned long reg, unsigned long value);
long do_get_debugreg(unsigned long reg);
/*
 * The debug register @reg names for @v (DR4/DR5 are DR6/DR7 while its
 * CR4.DE is clear, as on the CPU), or NR_DEBUGREGS if none.
 */
#define NR_DEBUGREGS	8
struct vcpu;
unsigned int pv_debugreg_index(const struct vcpu *v, unsigned long reg);
long do_set_segment_base(unsigned long which, unsigned long base);
long do_set_gdt(unsigned long frames, unsigned long entries);
long do_update_descriptor(unsigned long maddr, unsigned long desc);
long do_vm_assist(unsigned long cmd, unsigned long type);
long do_physdev_op(unsigned long cmd, unsigned long arg);
long do_platform_op(unsigned long arg);	/* platform-op.c */
long do_mca(unsigned long arg);		/* mca.c */
struct domain;
long memory_exchange(struct domain *d, unsigned long arg);	/* memory-exchange.c */
long physdev_pci_op(unsigned long cmd, unsigned long arg);	/* physdev-pci.c */
void do_iret(struct cpu_regs *regs);
long do_multicall(unsigned long calls, unsigned long nr_calls, struct cpu_regs *regs);

long do_console_io(unsigned long cmd, unsigned long count, unsigned long buffer);
long do_xen_version(unsigned long cmd, unsigned long arg);
long do_sched_op(unsigned long cmd, unsigned long arg);
long do_event_channel_op(unsigned long cmd, unsigned long arg);
long do_grant_table_op(unsigned long cmd, unsigned long uop, unsigned long count);
long do_ward_ctl(unsigned long arg);
long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg);

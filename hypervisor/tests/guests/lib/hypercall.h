/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall wrappers for a 64-bit PV guest kernel (pv-abi-core.md 3.2):
 * `syscall` with RAX = hypercall number and arguments in RDI, RSI, RDX,
 * R10, R8; the result comes back in RAX. RCX and R11 are clobbered by the
 * instruction itself; the argument registers are treated as clobbered too
 * (a debug Xen poisons them). Every other register must survive, which
 * console-version checks separately.
 */
#pragma once

#include "types.h"

static inline long hypercall5(unsigned int nr, unsigned long a1,
			      unsigned long a2, unsigned long a3,
			      unsigned long a4, unsigned long a5)
{
	register unsigned long r10 asm("r10") = a4;
	register unsigned long r8 asm("r8") = a5;
	long rax = nr;

	asm volatile("syscall"
		     : "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
		       "+r"(r8)
		     :
		     : "rcx", "r11", "memory");
	return rax;
}

#define hypercall0(nr)			hypercall5(nr, 0, 0, 0, 0, 0)
#define hypercall1(nr, a)		hypercall5(nr, (unsigned long)(a), 0, 0, 0, 0)
#define hypercall2(nr, a, b)		hypercall5(nr, (unsigned long)(a), \
						   (unsigned long)(b), 0, 0, 0)
#define hypercall3(nr, a, b, c)		hypercall5(nr, (unsigned long)(a), \
						   (unsigned long)(b), \
						   (unsigned long)(c), 0, 0)
#define hypercall4(nr, a, b, c, d)	hypercall5(nr, (unsigned long)(a), \
						   (unsigned long)(b), \
						   (unsigned long)(c), \
						   (unsigned long)(d), 0)

static inline long HYPERVISOR_set_trap_table(const trap_info_t *table)
{
	return hypercall1(__HYPERVISOR_set_trap_table, table);
}

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
{
	return hypercall2(__HYPERVISOR_stack_switch, ss, sp);
}

static inline long HYPERVISOR_set_callbacks(unsigned long event,
					    unsigned long failsafe,
					    unsigned long syscall)
{
	return hypercall3(__HYPERVISOR_set_callbacks, event, failsafe, syscall);
}

static inline long HYPERVISOR_fpu_taskswitch(int set)
{
	return hypercall1(__HYPERVISOR_fpu_taskswitch, set);
}

static inline long HYPERVISOR_set_debugreg(int reg, unsigned long value)
{
	return hypercall2(__HYPERVISOR_set_debugreg, reg, value);
}

static inline long HYPERVISOR_get_debugreg(int reg)
{
	return hypercall1(__HYPERVISOR_get_debugreg, reg);
}

static inline long HYPERVISOR_multicall(multicall_entry_t *calls,
					unsigned int nr)
{
	return hypercall2(__HYPERVISOR_multicall, calls, nr);
}

static inline long HYPERVISOR_update_va_mapping(unsigned long va,
						uint64_t pte,
						unsigned long flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long HYPERVISOR_update_va_mapping_otherdomain(unsigned long va,
							   uint64_t pte,
							   unsigned long flags,
							   domid_t domid)
{
	return hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, va, pte, flags, domid);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_xen_version, cmd, arg);
}

static inline long HYPERVISOR_console_io(int cmd, int count, const char *buf)
{
	return hypercall3(__HYPERVISOR_console_io, cmd, count, buf);
}

static inline long HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
{
	return hypercall2(__HYPERVISOR_vm_assist, cmd, type);
}

static inline long HYPERVISOR_set_segment_base(int which, unsigned long base)
{
	return hypercall2(__HYPERVISOR_set_segment_base, which, base);
}

static inline long HYPERVISOR_mmuext_op(struct mmuext_op *ops,
					unsigned int count,
					unsigned int *done, domid_t dom)
{
	return hypercall4(__HYPERVISOR_mmuext_op, ops, count, done, dom);
}

static inline long HYPERVISOR_mmu_update(const mmu_update_t *reqs,
					 unsigned int count,
					 unsigned int *done,
					 unsigned int foreigndom)
{
	return hypercall4(__HYPERVISOR_mmu_update, reqs, count, done,
			  foreigndom);
}

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}

static inline long HYPERVISOR_callback_op(int cmd, const void *arg)
{
	return hypercall2(__HYPERVISOR_callback_op, cmd, arg);
}

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_physdev_op, cmd, arg);
}

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

/* set_gdt (2): @entries descriptors in the frames of @frames (MFNs). */
static inline long HYPERVISOR_set_gdt(const unsigned long *frames,
				      unsigned int entries)
{
	return hypercall2(__HYPERVISOR_set_gdt, frames, entries);
}

/* update_descriptor (10): the 8 bytes at machine address @maddr. */
static inline long HYPERVISOR_update_descriptor(uint64_t maddr, uint64_t desc)
{
	return hypercall2(__HYPERVISOR_update_descriptor, maddr, desc);
}

static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop,
					     unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

/* HYPERVISOR_iret takes its frame on the stack: see do_iret() in lib.h. */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * VCPUOP_initialise: a guest gives one of its vCPUs that has never run
 * its first register state, page-table root, GDT, trap table, callbacks
 * and kernel stack (struct vcpu_guest_context), as SMP Linux does for
 * every CPU after the first. Everything is checked before anything is
 * taken; the page-table root and the GDT frames are taken with the same
 * rules as MMUEXT_NEW_BASEPTR and set_gdt. VCPUOP_up then lets it run.
 *
 * What we do not take from the context, on purpose:
 *  - segment selectors: the guest kernel runs on our flat ring-3
 *    selectors, as vCPU 0 does from the builder (Linux's own __KERNEL_CS
 *    would mean the same);
 *  - debug registers: they start at their reset values (set_debugreg);
 *  - vm_assist: it is the domain's, set with HYPERVISOR_vm_assist.
 * A context that asks for user mode or a non-empty LDT is refused.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/sched.h>
#include <public/callback.h>
#include <public/vcpu.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>

/* FXSAVE image: MXCSR and the mask of its bits this CPU implements. */
#define FXSAVE_MXCSR_OFF	24
#define FXSAVE_MXCSR_MASK_OFF	28
/* What the SDM says to assume when FXSAVE reports a zero MXCSR_MASK. */
#define MXCSR_MASK_DEFAULT	0xffbf
/* The control registers slot holding the kernel and the user root (x86-64 PV). */
#define CTXT_CR_KERNEL_ROOT	3
#define CTXT_CR_USER_ROOT	1

bool pv_vcpu_initialised(const struct vcpu *v)
{
	return __atomic_load_n(&v->arch.initialised, __ATOMIC_ACQUIRE);
}

/* Bits of the MXCSR this CPU accepts: FXRSTOR faults on any other. */
static uint32_t mxcsr_mask(void)
{
	static struct fpu_state probe;
	uint32_t mask;

	memset(&probe, 0, sizeof(probe));
	__asm__ __volatile__("fxsave64 %0" : "=m"(probe));
	memcpy(&mask, probe.fxsave + FXSAVE_MXCSR_MASK_OFF, sizeof(mask));
	return mask ? mask : MXCSR_MASK_DEFAULT;
}

/* Everything that can be refused without taking anything. */
static long check_context(const struct vcpu_guest_context *c)
{
	const struct cpu_user_regs *r = &c->user_regs;

	if (!(c->flags & VGCF_in_kernel))
		return -EINVAL;	/* a vCPU starts in its kernel */
	if (!is_canonical(r->rip) || !is_canonical(r->rsp) || !is_canonical(c->kernel_sp))
		return -EINVAL;
	if (!is_canonical(c->fs_base) || !is_canonical(c->gs_base_kernel) ||
	    !is_canonical(c->gs_base_user))
		return -EINVAL;
	if (!is_canonical(c->event_callback_eip) || !is_canonical(c->failsafe_callback_eip) ||
	    !is_canonical(c->syscall_callback_eip))
		return -EINVAL;
	if (c->ldt_ents)
		return -EINVAL;	/* no LDTs (MMUEXT_SET_LDT refuses them too) */
	if (c->gdt_ents > FIRST_RESERVED_GDT_ENTRY)
		return -EINVAL;
	if (!(c->ctrlreg[CTXT_CR_KERNEL_ROOT] >> PAGE_SHIFT))
		return -EINVAL;
	for (unsigned int i = 0; i < ARRAY_SIZE(c->trap_ctxt); i++)
		if (c->trap_ctxt[i].address && !is_canonical(c->trap_ctxt[i].address))
			return -EINVAL;
	return 0;
}

/* Take the roots and the GDT; on failure nothing stays taken. */
static long take_resources(struct vcpu *v, const struct vcpu_guest_context *c)
{
	mfn_t kernel_root = c->ctrlreg[CTXT_CR_KERNEL_ROOT] >> PAGE_SHIFT;
	mfn_t user_root = c->ctrlreg[CTXT_CR_USER_ROOT] >> PAGE_SHIFT;
	long rc;

	rc = pv_mm_set_root(v, kernel_root, false);
	if (!rc && user_root)
		rc = pv_mm_set_root(v, user_root, true);
	if (!rc)
		rc = pv_set_gdt(v, c->gdt_frames, c->gdt_ents);
	if (rc)
		pv_mm_clear_roots(v);
	return rc;
}

static void load_registers(struct vcpu *v, const struct vcpu_guest_context *c)
{
	const struct cpu_user_regs *r = &c->user_regs;
	struct cpu_regs *g = &v->arch.regs;

	g->rax = r->rax;
	g->rbx = r->rbx;
	g->rcx = r->rcx;
	g->rdx = r->rdx;
	g->rsi = r->rsi;
	g->rdi = r->rdi;
	g->rbp = r->rbp;
	g->r8 = r->r8;
	g->r9 = r->r9;
	g->r10 = r->r10;
	g->r11 = r->r11;
	g->r12 = r->r12;
	g->r13 = r->r13;
	g->r14 = r->r14;
	g->r15 = r->r15;
	g->rip = r->rip;
	g->rsp = r->rsp;
	g->cs = FLAT_KERNEL_CS;
	g->ss = FLAT_KERNEL_SS;
	/* IOPL is virtual (emul-priv.c), as on an iret; events are the upcall mask. */
	v->arch.iopl = (unsigned int)((r->rflags & X86_EFLAGS_IOPL) >> X86_EFLAGS_IOPL_SHIFT);
	g->rflags = (r->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM | X86_EFLAGS_NT |
				   X86_EFLAGS_RF | X86_EFLAGS_TF)) | X86_EFLAGS_IF | (1UL << 1);
}

static void load_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
	load_registers(v, c);
	for (unsigned int i = 0; i < ARRAY_SIZE(c->trap_ctxt); i++) {
		v->arch.traps[i] = c->trap_ctxt[i];
		v->arch.traps[i].vector = (uint8_t)i;
	}
	(void)pv_stack_switch(v, c->kernel_ss, c->kernel_sp);
	/* The event callback always masks events; the others as the flags say. */
	(void)pv_set_callback(v, CALLBACKTYPE_event, c->event_callback_eip,
			      CALLBACKF_mask_events);
	(void)pv_set_callback(v, CALLBACKTYPE_failsafe, c->failsafe_callback_eip,
			      c->flags & VGCF_failsafe_disables_events ? CALLBACKF_mask_events : 0);
	(void)pv_set_callback(v, CALLBACKTYPE_syscall, c->syscall_callback_eip,
			      c->flags & VGCF_syscall_disables_events ? CALLBACKF_mask_events : 0);
	v->arch.fs_base = c->fs_base;
	v->arch.gs_base_kernel = c->gs_base_kernel;
	v->arch.gs_base_user = c->gs_base_user;
	v->arch.in_kernel = true;
	if (c->flags & VGCF_i387_valid) {
		uint32_t mxcsr;

		memcpy(v->arch.fpu.fxsave, c->fpu_ctxt.x, sizeof(v->arch.fpu.fxsave));
		memcpy(&mxcsr, v->arch.fpu.fxsave + FXSAVE_MXCSR_OFF, sizeof(mxcsr));
		mxcsr &= mxcsr_mask();
		memcpy(v->arch.fpu.fxsave + FXSAVE_MXCSR_OFF, &mxcsr, sizeof(mxcsr));
	}
}

long pv_vcpu_initialise(struct vcpu *v, unsigned long arg)
{
	struct vcpu_guest_context *c;
	long rc;

	/* One initialiser at a time, and only once per vCPU. */
	if (__atomic_exchange_n(&v->arch.ctx_busy, true, __ATOMIC_ACQUIRE))
		return -EBUSY;
	rc = -EEXIST;
	if (pv_vcpu_initialised(v))
		goto out;
	rc = -ENOMEM;
	c = xmalloc(sizeof(*c));
	if (!c)
		goto out;
	rc = copy_from_guest_raw(c, arg, sizeof(*c)) ? -EFAULT : check_context(c);
	if (!rc)
		rc = take_resources(v, c);
	if (!rc) {
		load_context(v, c);
		/* Only now may VCPUOP_up (from another vCPU) let it run. */
		__atomic_store_n(&v->arch.initialised, true, __ATOMIC_RELEASE);
	}
	xfree(c);
out:
	__atomic_store_n(&v->arch.ctx_busy, false, __ATOMIC_RELEASE);
	return rc;
}

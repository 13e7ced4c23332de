// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_iret: the guest's return from an exception, event or system
 * call. Its frame (struct iret_context) is on the guest stack at RSP. Every
 * field is the guest's word: selectors get RPL 3, RFLAGS loses IOPL and VM
 * and keeps IF (the guest's "interrupts" are the upcall mask, which the
 * frame's IF sets). A frame we cannot read crashes the domain: the guest
 * has no way left to return.
 */
#include <hv/domain.h>
#include <hv/guest-access.h>
#include <hv/sched.h>
#include <asm/hypercall.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/regs.h>

#define SEL_RPL3		3

void do_iret(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	struct iret_context f;

	if (copy_from_guest_raw(&f, regs->rsp, sizeof(f))) {
		domain_crash(v->domain, "iret: cannot read the iret frame on the guest stack");
		return;
	}
	/*
	 * A non-canonical RSP is the guest's own business, as with a real
	 * iretq (its next stack access faults, in the guest); Xen does not
	 * refuse it either. A non-canonical RIP cannot be returned to.
	 */
	if (!is_canonical(f.rip)) {
		domain_crash(v->domain, "iret: non-canonical RIP in the iret frame");
		return;
	}
	if ((f.cs & SEL_RPL3) == SEL_RPL3) {
		/* Back to guest user mode: needs a user page-table root. */
		if (v->arch.in_kernel) {
			if (!v->arch.user_cr3) {
				domain_crash(v->domain, "iret to user mode with no user page tables");
				return;
			}
			pv_toggle_guest_mode(v);
		}
	} else if (!v->arch.in_kernel) {
		domain_crash(v->domain, "iret to kernel mode from user mode");
		return;
	}

	regs->rax = f.rax;
	regs->rip = f.rip;
	regs->cs = f.cs | SEL_RPL3;
	regs->rflags = (f.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
	if (f.flags & VGCF_in_syscall) {
		/*
		 * The guest's "return as sysret would": RCX and R11 are
		 * RIP and RFLAGS, as Xen's SYSRET exit and the CPU leave
		 * them. Left alone they would be the guest kernel's own,
		 * from its iret hypercall: an address in its image, shown
		 * to its user space (a KASLR leak; Xen shows it only when an
		 * upcall interrupts the return).
		 */
		regs->rcx = regs->rip;
		regs->r11 = regs->rflags;
	} else {
		regs->r11 = f.r11;
		regs->rcx = f.rcx;
	}
	regs->rsp = f.rsp;
	regs->ss = f.ss | SEL_RPL3;
	v->vcpu_info->evtchn_upcall_mask = !(f.rflags & X86_EFLAGS_IF);
}

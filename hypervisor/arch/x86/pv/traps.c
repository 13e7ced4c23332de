// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest exceptions and the bounce frame. Exceptions raised by guest code
 * (ring 3) are either emulated here (privileged instructions, forced
 * CPUID) or reflected into the guest through its trap table: we build the
 * frame the ABI describes on the guest kernel stack and resume the guest
 * at its handler. SYSCALL from guest kernel mode is a hypercall; from
 * guest user mode it is bounced to the guest's syscall callback.
 */
#include <hv/bug.h>
#include <hv/cmdline.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/pv.h>

#define TRAP_INFO_DPL_MASK	3	/* public/arch-x86/xen.h: TI_GET_DPL */
#define GP_EC_INDEX_SHIFT	3
/* Selector mask without the RPL. */
#define SEL_RPL_MASK		3

static bool vector_has_error_code(unsigned int v)
{
	return v == X86_EXC_DF || (v >= X86_EXC_TS && v <= X86_EXC_PF) ||
	       v == X86_EXC_AC || v == X86_EXC_CP || v == 29 || v == 30;
}

/* The end of a bounce whose frame cannot be written: the stack is unusable. */
static void bounce_frame_unwritable(struct vcpu *v)
{
	domain_crash(v->domain, "cannot write a bounce frame to the guest kernel stack");
}

/* Most words between R11 and RIP in a bounce frame: the failsafe's DS-GS. */
#define BOUNCE_MAX_EXTRA	4

/*
 * Build a bounce frame on the guest kernel stack and point the guest at
 * @handler. The frame is RCX, R11, then the @nr_extra words of @extra (an
 * error code, or the failsafe callback's selectors), then RIP, CS,
 * RFLAGS, RSP, SS. Returns false (and crashes the domain) when the frame
 * cannot be written: the guest's kernel stack is unusable.
 */
static bool bounce(struct cpu_regs *regs, unsigned long handler, const unsigned long *extra,
		   unsigned int nr_extra, bool mask_events)
{
	struct vcpu *v = current_vcpu();
	struct pv_vcpu *pv = &v->arch;
	uint8_t saved_mask = v->vcpu_info->evtchn_upcall_mask;
	bool was_kernel = pv->in_kernel;
	unsigned long frame[7 + BOUNCE_MAX_EXTRA], sp;
	unsigned int n = 0;

	BUG_ON(nr_extra > BOUNCE_MAX_EXTRA);

	if (!was_kernel) {
		if (!pv->kernel_sp) {
			domain_crash(v->domain, "event or trap from user mode with no kernel stack");
			return false;
		}
		pv_toggle_guest_mode(v);
		sp = pv->kernel_sp;
	} else {
		sp = regs->rsp;
	}
	sp &= ~15UL;

	frame[n++] = regs->rcx;
	frame[n++] = regs->r11;
	for (unsigned int i = 0; i < nr_extra; i++)
		frame[n++] = extra[i];
	frame[n++] = regs->rip;
	/* Kernel frames carry RPL 0 (Linux's user_mode() tests CS & 3). */
	frame[n++] = (was_kernel ? regs->cs & ~(unsigned long)SEL_RPL_MASK : regs->cs) |
		     ((unsigned long)saved_mask << 32);
	frame[n++] = (regs->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL)) |
		     (saved_mask ? 0 : X86_EFLAGS_IF);
	frame[n++] = regs->rsp;
	frame[n++] = regs->ss;
	sp -= n * sizeof(frame[0]);
	if (copy_to_guest_raw(sp, frame, n * sizeof(frame[0]))) {
		bounce_frame_unwritable(v);
		return false;
	}
	regs->rsp = sp;
	regs->rip = handler;
	regs->cs = FLAT_KERNEL_CS;
	regs->ss = FLAT_KERNEL_SS;
	regs->rflags = (regs->rflags & ~BOUNCE_CLEAR_FLAGS) | X86_EFLAGS_IF;
	if (mask_events)
		v->vcpu_info->evtchn_upcall_mask = 1;
	return true;
}

void pv_inject_trap(struct cpu_regs *regs, unsigned int vector, bool has_ec, uint32_t ec)
{
	struct vcpu *v = current_vcpu();
	const struct trap_info *ti = &v->arch.traps[vector];
	char why[96];

	if (!ti->address) {
		snprintf(why, sizeof(why), "unhandled exception %u at %#lx (no trap handler)",
			 vector, (unsigned long)regs->rip);
		domain_crash(v->domain, why);
		return;
	}
	unsigned long ec_word = ec;

	bounce(regs, ti->address, &ec_word, has_ec ? 1 : 0, ti->flags & TRAP_INFO_IF);
}

void pv_inject_page_fault(struct cpu_regs *regs, unsigned long cr2, uint32_t ec)
{
	struct vcpu *v = current_vcpu();

	/* The U/S bit follows the guest's mode, not the CPL (always 3). */
	if (v->arch.in_kernel)
		ec &= ~PFEC_USER;
	else
		ec |= PFEC_USER;
	v->vcpu_info->arch.cr2 = cr2;
	pv_inject_trap(regs, X86_EXC_PF, true, ec);
}

#define INT_N_LEN	2	/* "int n" is CD ib */
#define OPC_INT_N	0xcd

/* The vector of the "int n" at RIP, or -1 if RIP holds something else. */
static int decode_int_n(const struct cpu_regs *regs)
{
	uint8_t insn[INT_N_LEN];

	if (copy_from_guest_raw(insn, regs->rip, sizeof(insn)) || insn[0] != OPC_INT_N)
		return -1;
	return insn[1];	/* a uint8_t: always a valid index into traps[] */
}

/*
 * A guest "int n": deliver vector n when the guest's trap entry admits
 * the current mode (kernel counts as ring 1), else #GP naming the vector,
 * as the CPU would. @after_insn: RIP already points past the instruction
 * (it came through one of our DPL-3 gates) rather than at it (it raised
 * #GP at a DPL-0 gate).
 */
static void soft_interrupt(struct cpu_regs *regs, unsigned int n, bool after_insn)
{
	struct vcpu *v = current_vcpu();
	const struct trap_info *ti;

	BUG_ON(n >= PV_NR_TRAPS);	/* callers pass a decoded 8-bit vector */
	ti = &v->arch.traps[n];
	unsigned int dpl = ti->flags & TRAP_INFO_DPL_MASK;
	unsigned int cpl = v->arch.in_kernel ? 1 : 3;

	if (!ti->address || dpl < cpl) {
		if (after_insn)
			regs->rip -= INT_N_LEN;
		pv_inject_trap(regs, X86_EXC_GP, true, (n << GP_EC_INDEX_SHIFT) | GP_EC_IDT);
		return;
	}
	if (!after_insn)
		regs->rip += INT_N_LEN;
	pv_inject_trap(regs, n, false, 0);
}

#define OPC_REX_W	0x48
#define OPC_IRET	0xcf

/*
 * A guest's own iretq (Linux's sync_core() "iret to self"): ring 3 to
 * ring 3. Real CPUs pop the frame with user accesses, but QEMU's TCG pops
 * it as a supervisor access, which SMAP refuses with a #PF lacking the
 * U bit. That #PF is our doing, not the guest's: perform the iretq for
 * it. The new CS and SS keep RPL 3; a selector the CPU refuses faults at
 * our own iretq and is handled there like any other bad guest state.
 */
static bool emulate_smap_iret(struct cpu_regs *regs, uint32_t ec)
{
	uint8_t insn[2];
	unsigned long frame[5];	/* RIP, CS, RFLAGS, RSP, SS */

	if ((ec & (PFEC_USER | PFEC_INSN)) || !(ec & PFEC_PRESENT))
		return false;
	if (copy_from_guest_raw(insn, regs->rip, sizeof(insn)) ||
	    insn[0] != OPC_REX_W || insn[1] != OPC_IRET)
		return false;
	if (copy_from_guest_raw(frame, regs->rsp, sizeof(frame)))
		return false;	/* really unreadable: the #PF is the guest's */
	regs->rip = frame[0];
	regs->cs = frame[1] | SEL_RPL_MASK;
	/* At CPL 3 iretq cannot change IOPL or IF; VM cannot be set in long mode. */
	regs->rflags = (frame[2] & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
	regs->rsp = frame[3];
	regs->ss = frame[4] | SEL_RPL_MASK;
	return true;
}

/* guest_trap_trace: log every exception a guest takes (debugging). */
bool opt_guest_trap_trace __hot_data __aligned(64);	/* not in tlb_clock's line */
boolean_param("guest_trap_trace", opt_guest_trap_trace);

/* With guest_trap_trace, show where the guest runs every second. */
void pv_sample_guest(const struct cpu_regs *regs)
{
	unsigned long st[12] = { 0 };

	if (!opt_guest_trap_trace || (get_cpu_info()->timer_ticks % 100))
		return;
	printk("d%uv%u: sample RIP %#lx RSP %#lx RAX %#lx\n", current_vcpu()->domain->domain_id,
	       current_vcpu()->vcpu_id, (unsigned long)regs->rip, (unsigned long)regs->rsp,
	       (unsigned long)regs->rax);
	copy_from_guest_raw(st, regs->rsp, sizeof(st));
	for (unsigned int i = 0; i < ARRAY_SIZE(st); i++)
		printk("  %lx\n", st[i]);
}

void pv_exception(struct cpu_regs *regs)
{
	unsigned int vec = (unsigned int)regs->vector;
	uint32_t ec = (uint32_t)regs->error_code;
	struct vcpu *v = current_vcpu();

	BUG_ON(!v);
	if (opt_guest_trap_trace)
		printk("d%uv%u: trap %u at %#lx error %#x cr2 %#lx\n", v->domain->domain_id,
		       v->vcpu_id, vec, (unsigned long)regs->rip, ec,
		       vec == X86_EXC_PF ? read_cr2() : 0UL);
	if (opt_guest_trap_trace) {
		unsigned long st[8] = { 0 };

		copy_from_guest_raw(st, regs->rsp, sizeof(st));
		printk("  stack: %lx %lx %lx %lx %lx %lx %lx %lx\n", st[0], st[1], st[2], st[3],
		       st[4], st[5], st[6], st[7]);
	}
	switch (vec) {
	case X86_EXC_PF:
		if (emulate_smap_iret(regs, ec) || pv_emulate_ptwr(regs, read_cr2(), ec))
			break;
		pv_inject_page_fault(regs, read_cr2(), ec);
		break;
	case X86_EXC_GP:
		if (ec & GP_EC_IDT) {
			int n = decode_int_n(regs);

			/*
			 * The vector comes from the instruction, not the error
			 * code: QEMU's TCG encodes it differently from hardware,
			 * and either way it indexes our trap table.
			 */
			if (n >= 0) {
				soft_interrupt(regs, (unsigned int)n, false);
				break;
			}
		}
		if (!ec && pv_emulate_umip(regs))
			break;
		if (!ec && v->arch.in_kernel && pv_emulate_privileged(regs))
			break;
		pv_inject_trap(regs, X86_EXC_GP, true, ec);
		break;
	case X86_EXC_UD:
		if (pv_emulate_forced_cpuid(regs))
			break;
		pv_inject_trap(regs, X86_EXC_UD, false, 0);
		break;
	case X86_EXC_NM:
		/*
		 * The real TS mirrors the guest's virtual TS, so #NM means the
		 * guest asked for it: clear the hardware bit (the guest clears
		 * its own with fpu_taskswitch) and let the guest handle it.
		 */
		write_cr0(read_cr0() & ~X86_CR0_TS);
		v->arch.vcr0_ts = false;
		pv_inject_trap(regs, X86_EXC_NM, false, 0);
		break;
	case X86_EXC_DB:
		/* DR6 is the guest's (get_debugreg(6)); clear ours for the next one. */
		v->arch.debugreg[6] |= read_dr6() & ~DR6_DEFAULT;
		write_dr6(DR6_DEFAULT);
		pv_inject_trap(regs, X86_EXC_DB, false, 0);
		break;
	case X86_EXC_BP:
	case X86_EXC_OF:
		/* int3 / into through DPL-3 gates: RIP already points past them. */
		pv_inject_trap(regs, vec, false, 0);
		break;
	case LEGACY_SYSCALL_VECTOR:
		soft_interrupt(regs, vec, true);
		break;
	default:
		pv_inject_trap(regs, vec, vector_has_error_code(vec), ec);
		break;
	}
	pv_exit_to_guest(regs);
}

/*
 * A #DB in hypervisor context. It is never ours to act on: guests may not
 * point DR0-3 at hypervisor addresses nor set DR7.GD (set_debugreg), and
 * every entry clears TF. So it is a guest data breakpoint on guest memory
 * we touched for the guest (a copy in or out, instruction bytes we
 * decoded), or a #DB the CPU held back over a guest's mov-SS/pop-SS until
 * the first instruction of our entry (XSA-260). Data breakpoints are
 * traps: the access has been done, and resuming finishes the work (a rep
 * movs goes on with its count). That is also why this must come before
 * the exception table: a #DB in the middle of a copy is no fault.
 *
 * The hits of the guest's own breakpoints go into its DR6, where
 * get_debugreg(6) shows them; Xen 4.17 drops them instead. An instruction
 * breakpoint cannot be a guest's (we never run guest code): it is
 * db_selftest's (context.c), a fault that would hit again on resuming, so
 * RF lets the instruction run once.
 *
 * This runs on the #DB IST stack, possibly on syscall_entry's first
 * instruction with the guest's RSP and GS base: it must touch nothing
 * but hypervisor memory (desc.c).
 */
static const char *entry_name(unsigned long rip)
{
	if (rip == (unsigned long)syscall_entry)
		return " (syscall_entry)";
	if (rip == (unsigned long)cstar_entry)
		return " (cstar_entry)";
	return "";
}

void pv_hypervisor_debug(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	unsigned long dr6 = read_dr6(), dr7 = read_dr7(), hits = 0;

	write_dr6(DR6_DEFAULT);
	for (unsigned int i = 0; i < NR_BREAKPOINTS; i++) {
		if (!(dr6 & DR6_HIT(i)) || !DR7_ENABLED(dr7, i))
			continue;
		if (DR7_RW(dr7, i) == DR7_RW_EXEC)
			regs->rflags |= X86_EFLAGS_RF;
		if (v && DR7_ENABLED(v->arch.debugreg[7], i))
			hits |= DR6_HIT(i);
	}
	if (!v) {
		printk_ratelimited(LOG_WARN "CPU %u: #DB in hypervisor context at %p%s (DR6 %lx), resuming\n",
				   smp_processor_id(), (void *)regs->rip, entry_name(regs->rip), dr6);
		return;
	}
	v->arch.debugreg[6] |= hits;
	printk_ratelimited(LOG_WARN "d%uv%u: #DB in hypervisor context at %p%s (DR6 %lx), resuming\n",
			   v->domain->domain_id, v->vcpu_id, (void *)regs->rip,
			   entry_name(regs->rip), dr6);
}

/*
 * SYSCALL from 32-bit code. In user mode it goes, as on Xen, to the
 * syscall32 callback, or failing that the 64-bit one, in kernel mode;
 * with neither (or from kernel mode, where hypercalls are 64-bit only)
 * it is the #UD a CPU without SYSCALL in that mode raises.
 */
static void compat_syscall(struct vcpu *v, struct cpu_regs *regs)
{
	const struct pv_callback_entry *cb = &v->arch.callbacks[PV_CB_SYSCALL32];

	if (!cb->address)
		cb = &v->arch.callbacks[PV_CB_SYSCALL];
	if (v->arch.in_kernel || !cb->address) {
		regs->rip -= 2;		/* #UD points at the syscall itself */
		pv_inject_trap(regs, X86_EXC_UD, false, 0);
		return;
	}
	bounce(regs, cb->address, NULL, 0, cb->mask_events);
}

/* SYSCALL from the guest: a hypercall in kernel mode, a system call in user mode. */
void do_guest_syscall(struct cpu_regs *regs);
void do_guest_syscall(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	const struct pv_callback_entry *cb;

	BUG_ON(!v);
	ASSERT(!cpu_has_smap || !(read_rflags() & X86_EFLAGS_AC));	/* SFMASK, CLEAR_AC */
	if (regs->cs == FLAT_USER_CS32) {
		compat_syscall(v, regs);
	} else if (v->arch.in_kernel) {
		pv_hypercall(regs);
	} else {
		cb = &v->arch.callbacks[PV_CB_SYSCALL];
		if (!cb->address) {
			/* No syscall callback: what the CPU does without SCE. */
			regs->rip -= 2;
			pv_inject_trap(regs, X86_EXC_UD, false, 0);
		} else {
			/* The frame carries the user RCX/R11 that SYSCALL produced. */
			bounce(regs, cb->address, NULL, 0, cb->mask_events);
		}
	}
	pv_exit_to_guest(regs);
}

/*
 * One of entry.S's fast paths (user SYSCALL, #GP/#PF bounce) faulted
 * writing the bounce frame: end as bounce() ends on that fault (the mode
 * already toggled to kernel, CR2 already in vcpu_info, the registers as
 * the guest left them: the domain crashes), then the usual exit, which
 * switches away.
 */
void pv_bounce_frame_fault(struct cpu_regs *regs);
void pv_bounce_frame_fault(struct cpu_regs *regs)
{
	bounce_frame_unwritable(current_vcpu());
	pv_exit_to_guest(regs);
}

/* Our iretq to the guest faulted: the guest gave us state the CPU refuses. */
void do_guest_iret_fault(struct cpu_regs *regs);
void do_guest_iret_fault(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	const struct pv_callback_entry *cb = &v->arch.callbacks[PV_CB_FAILSAFE];

	/*
	 * A return to a non-canonical RIP (a syscall that ended on the last
	 * byte of the lower half returns to 0x800000000000): the fetch there
	 * is the guest's #GP(0), as on hardware and on Xen, not a reason to
	 * crash it. Our iretq faulted on our own stack, so nothing was lost.
	 */
	if (!is_canonical(regs->rip)) {
		pv_inject_trap(regs, X86_EXC_GP, true, 0);
		pv_exit_to_guest(regs);
		return;
	}
	if (cb->address && v->arch.in_kernel) {
		/*
		 * The ABI's failsafe frame also holds DS/ES/FS/GS; we never
		 * load guest data selectors, so they are all null here.
		 */
		const unsigned long segs[4] = { 0, 0, 0, 0 };

		if (bounce(regs, cb->address, segs, ARRAY_SIZE(segs), cb->mask_events)) {
			pv_exit_to_guest(regs);
			return;
		}
	}
	domain_crash(v->domain, "return to guest refused by the CPU (bad RIP, CS or SS)");
	pv_exit_to_guest(regs);
}

/*
 * The last step before any return to a guest: switch vCPUs if needed (the
 * frame then holds the next vCPU's registers), and deliver a pending event
 * upcall when the guest has events unmasked.
 */
void pv_exit_to_guest(struct cpu_regs *regs)
{
	local_irq_disable();
	schedule();
	pv_deliver_events(regs);
}

void pv_deliver_events(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();

	if (v && READ_ONCE(v->vcpu_info->evtchn_upcall_pending) &&
	    !READ_ONCE(v->vcpu_info->evtchn_upcall_mask) &&
	    v->arch.callbacks[PV_CB_EVENT].address)
		bounce(regs, v->arch.callbacks[PV_CB_EVENT].address, NULL, 0, true);
	/* bounce() may have crashed the domain: let the scheduler move on. */
	if (v && (v->domain->is_dying || v->domain->is_shut_down))
		schedule();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypercall dispatch: one switch, one line per hypercall (STYLE.md). The
 * guest kernel enters with SYSCALL: RAX = number, arguments in RDI, RSI,
 * RDX, R10, R8, R9; the result goes back in RAX. Everything else the
 * guest's registers held is preserved (the frame is restored as saved).
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <ward/ctl.h>
#include <asm/hypercall.h>
#include <asm/pv.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <asm/time.h>

/*
 * How long a hypercall may run before it yields at its next preemption
 * point: short enough that a guest's huge batch never holds a CPU (with
 * interrupts off) or its domain's mm_lock for long, long enough that the
 * re-entry (a SYSCALL, under TCG a few microseconds) costs little.
 */
#define HYPERCALL_SLICE_NS	(500ULL * 1000)
/* SYSCALL's length: a continued hypercall returns to it. */
#define SYSCALL_INSN_LEN	2

/* hypercall_trace: log every hypercall with its arguments and result. */
#include <hv/cmdline.h>
static bool opt_hypercall_trace;
boolean_param("hypercall_trace", opt_hypercall_trace);

bool hypercall_preempt_check(void)
{
	return now_ns() >= get_cpu_info()->hc_deadline;
}

/* A new slice: at hypercall entry. */
static void hypercall_slice_restart(void)
{
	get_cpu_info()->hc_deadline = now_ns() + HYPERCALL_SLICE_NS;
}

void hypercall_slice_extend(uint64_t since)
{
	get_cpu_info()->hc_deadline += now_ns() - since;
}

long hypercall_continue(unsigned long a0, unsigned long a1, unsigned long a2,
			unsigned long a3)
{
	unsigned long *a = get_cpu_info()->hc_args;

	a[0] = a0;
	a[1] = a1;
	a[2] = a2;
	a[3] = a3;
	return -ERESTART;
}

long hc_cont_begin(unsigned long *count, unsigned long pdone)
{
	unsigned int done = 0;

	if (!(*count & HC_CONT_FLAG))
		return 0;
	*count &= ~HC_CONT_FLAG;
	if (pdone && copy_from_guest_raw(&done, pdone, sizeof(done)))
		done = 0;
	return done;
}

unsigned long hc_cont_save(unsigned long remaining, unsigned long pdone, unsigned int done)
{
	/* As Xen: an unwritable count is ignored; the guest asked for it. */
	if (pdone)
		(void)copy_to_guest_raw(pdone, &done, sizeof(done));
	return remaining | HC_CONT_FLAG;
}

static long dispatch(unsigned long nr, const unsigned long a[6], struct cpu_regs *regs);

long pv_do_hypercall(unsigned long nr, unsigned long a[6], struct cpu_regs *regs)
{
	struct cpu_info *ci = get_cpu_info();
	unsigned long *outer = ci->hc_args;	/* a multicall's, when nested */
	long rc;

	ci->hc_args = a;
	rc = dispatch(nr, a, regs);
	ci->hc_args = outer;
	return rc;
}

static long dispatch(unsigned long nr, const unsigned long a[6], struct cpu_regs *regs)
{
	switch (nr) {
	case __HYPERVISOR_set_trap_table:	return do_set_trap_table(a[0]);
	case __HYPERVISOR_mmu_update:		return do_mmu_update(a[0], a[1], a[2], a[3]);
	case __HYPERVISOR_update_va_mapping:	return do_update_va_mapping(a[0], a[1], a[2]);
	case __HYPERVISOR_update_va_mapping_otherdomain:
		return do_update_va_mapping_otherdomain(a[0], a[1], a[2], a[3]);
	case __HYPERVISOR_memory_op:		return do_memory_op(a[0], a[1]);
	case __HYPERVISOR_mmuext_op:		return do_mmuext_op(a[0], a[1], a[2], a[3]);
	case __HYPERVISOR_set_gdt:		return do_set_gdt(a[0], a[1]);
	case __HYPERVISOR_stack_switch:		return do_stack_switch(a[0], a[1]);
	case __HYPERVISOR_set_callbacks:	return do_set_callbacks(a[0], a[1], a[2]);
	case __HYPERVISOR_fpu_taskswitch:	return do_fpu_taskswitch(a[0]);
	case __HYPERVISOR_set_debugreg:		return do_set_debugreg(a[0], a[1]);
	case __HYPERVISOR_get_debugreg:		return do_get_debugreg(a[0]);
	case __HYPERVISOR_update_descriptor:	return do_update_descriptor(a[0], a[1]);
	case __HYPERVISOR_multicall:		return do_multicall(a[0], a[1], regs);
	case __HYPERVISOR_console_io:		return do_console_io(a[0], a[1], a[2]);
	case __HYPERVISOR_xen_version:		return do_xen_version(a[0], a[1]);
	case __HYPERVISOR_vm_assist:		return do_vm_assist(a[0], a[1]);
	case __HYPERVISOR_set_segment_base:	return do_set_segment_base(a[0], a[1]);
	case __HYPERVISOR_sched_op:		return do_sched_op(a[0], a[1]);
	case __HYPERVISOR_callback_op:		return do_callback_op(a[0], a[1]);
	case __HYPERVISOR_physdev_op:		return do_physdev_op(a[0], a[1]);
	case __HYPERVISOR_platform_op:		return do_platform_op(a[0]);
	case __HYPERVISOR_arch_0:		return do_mca(a[0]);	/* __HYPERVISOR_mca */
	case __HYPERVISOR_vcpu_op:		return do_vcpu_op(a[0], a[1], a[2]);
	case __HYPERVISOR_event_channel_op:	return do_event_channel_op(a[0], a[1]);
	case __HYPERVISOR_grant_table_op:	return do_grant_table_op(a[0], a[1], a[2]);
	case WARD_HYPERCALL_ctl:		return do_ward_ctl(a[0]);
	default:				return -ENOSYS;
	}
}

void pv_hypercall(struct cpu_regs *regs)
{
	unsigned long nr = regs->rax;
	unsigned long args[6] = { regs->rdi, regs->rsi, regs->rdx,
				  regs->r10, regs->r8, regs->r9 };
	struct vcpu *v = current_vcpu();
	long rc;

	/* iret replaces the whole frame, so it has no return value. */
	if (nr == __HYPERVISOR_iret) {
		do_iret(regs);
		return;
	}
	hypercall_slice_restart();
	rc = pv_do_hypercall(nr, args, regs);
	if (rc == -ERESTART) {
		/* Continue: back to the SYSCALL, RAX still the number. */
		regs->rdi = args[0];
		regs->rsi = args[1];
		regs->rdx = args[2];
		regs->r10 = args[3];
		regs->rip -= SYSCALL_INSN_LEN;
		return;
	}
	if (opt_hypercall_trace)
		printk("d%uv%u: hypercall %lu(%lx, %lx, %lx, %lx, %lx) = %ld\n",
		       v->domain->domain_id, v->vcpu_id, nr, args[0], args[1], args[2],
		       args[3], args[4], rc);
	regs->rax = (unsigned long)rc;
}

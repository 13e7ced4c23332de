// SPDX-License-Identifier: GPL-2.0-only
/*
 * multicall: run a batch of hypercalls in order, storing each result in
 * its entry. The call itself returns 0 once the batch is done; a bad
 * batch pointer is -EFAULT. Entries that would change the frame (iret)
 * or recurse (multicall) are refused with -EINVAL in their result. Long
 * batches, and long entries, continue (asm/hypercall.h): the multicall
 * is re-entered at the entry it stopped in.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/sched.h>
#include <asm/hypercall.h>
#include <asm/pv.h>

/* Bound one call's work; Linux batches at most 32 entries. */
#define MULTICALL_MAX	(1u << 16)

long do_multicall(unsigned long calls, unsigned long nr_calls, struct cpu_regs *regs)
{
	XEN_GUEST_HANDLE(multicall_entry_t) h = guest_handle_from_ulong(multicall_entry_t, calls);
	struct vcpu *v = current_vcpu();

	if (nr_calls > MULTICALL_MAX)
		return -EINVAL;
	for (unsigned long i = 0; i < nr_calls; i++) {
		unsigned long entry = guest_handle_addr(h) + i * sizeof(multicall_entry_t);
		multicall_entry_t e;

		/* Continue at entry i: the entries before it are done. */
		if (i && hypercall_preempt_check())
			return hypercall_continue(entry, nr_calls - i, 0, 0);
		if (copy_from_guest_offset(&e, h, i, 1))
			return -EFAULT;
		if (e.op == __HYPERVISOR_iret || e.op == __HYPERVISOR_multicall) {
			e.result = -EINVAL;
		} else {
			e.result = pv_do_hypercall(e.op, (unsigned long *)e.args, regs);
			if (e.result == (xen_ulong_t)-ERESTART) {
				/*
				 * The entry continues itself: its new arguments go back
				 * into the guest's entry, and the multicall resumes there.
				 */
				if (copy_to_guest_raw(entry + __builtin_offsetof(multicall_entry_t,
										 args),
						      e.args, sizeof(e.args)))
					return -EFAULT;
				return hypercall_continue(entry, nr_calls - i, 0, 0);
			}
		}
		if (copy_to_guest_raw(entry + __builtin_offsetof(multicall_entry_t, result),
				      &e.result, sizeof(e.result)))
			return -EFAULT;
		/* An entry may have shut the domain down or crashed it: stop. */
		if (v->domain->is_shut_down || v->domain->is_dying)
			break;
	}
	return 0;
}

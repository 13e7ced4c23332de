// SPDX-License-Identifier: GPL-2.0-only
/*
 * multicall: run a batch of hypercalls in order, storing each result in
 * its entry. The call itself returns 0 once the batch is done; a bad
 * batch pointer is -EFAULT. Entries that would change the frame (iret)
 * or recurse (multicall) are refused with -EINVAL in their result.
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
		multicall_entry_t e;

		if (copy_from_guest_offset(&e, h, i, 1))
			return -EFAULT;
		if (e.op == __HYPERVISOR_iret || e.op == __HYPERVISOR_multicall)
			e.result = -EINVAL;
		else
			e.result = pv_do_hypercall(e.op, (const unsigned long *)e.args, regs);
		if (copy_to_guest_raw(guest_handle_addr(h) + i * sizeof(e) +
				      __builtin_offsetof(multicall_entry_t, result),
				      &e.result, sizeof(e.result)))
			return -EFAULT;
		/* An entry may have shut the domain down or crashed it: stop. */
		if (v->domain->is_shut_down || v->domain->is_dying)
			break;
	}
	return 0;
}

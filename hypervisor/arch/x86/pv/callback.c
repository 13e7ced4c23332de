// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where the guest wants control back: its trap table, its callbacks
 * (events, failsafe, system calls) and its kernel stack for entries from
 * user mode. Addresses are only recorded here; a bad one faults in the
 * guest when used, which is the guest's own business.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <public/callback.h>
#include <asm/desc.h>
#include <asm/hypercall.h>
#include <asm/pv.h>

/* Bound on trap-table entries read per call: a table has 256 vectors. */
#define TRAP_TABLE_MAX	256

long do_set_trap_table(unsigned long traps)
{
	XEN_GUEST_HANDLE(trap_info_t) h = guest_handle_from_ulong(trap_info_t, traps);
	struct vcpu *v = current_vcpu();

	/* NULL clears the whole table. */
	if (guest_handle_is_null(h)) {
		memset(v->arch.traps, 0, sizeof(v->arch.traps));
		return 0;
	}
	/*
	 * Entries up to the terminator (address 0) replace their vectors; a
	 * fault half-way leaves the earlier ones in place, as in Xen.
	 */
	for (unsigned int i = 0; i < TRAP_TABLE_MAX; i++) {
		trap_info_t ti;

		if (copy_from_guest_offset(&ti, h, i, 1))
			return -EFAULT;
		if (!ti.address)
			return 0;
		if (!is_canonical(ti.address))
			return -EINVAL;
		v->arch.traps[ti.vector] = ti;
	}
	return 0;
}

static bool callback_type_known(unsigned int type)
{
	switch (type) {
	case CALLBACKTYPE_event: case CALLBACKTYPE_failsafe: case CALLBACKTYPE_syscall:
	case CALLBACKTYPE_syscall32: case CALLBACKTYPE_sysenter: case CALLBACKTYPE_nmi:
		return true;
	default:
		return false;
	}
}

long pv_set_callback(struct vcpu *v, unsigned int type, unsigned long address,
		     unsigned int flags)
{
	enum pv_callback cb;

	if (!is_canonical(address) || (flags & ~CALLBACKF_mask_events))
		return -EINVAL;
	switch (type) {
	case CALLBACKTYPE_event:	cb = PV_CB_EVENT; break;
	case CALLBACKTYPE_failsafe:	cb = PV_CB_FAILSAFE; break;
	case CALLBACKTYPE_syscall:	cb = PV_CB_SYSCALL; break;
	case CALLBACKTYPE_syscall32:	cb = PV_CB_SYSCALL32; break;
	case CALLBACKTYPE_sysenter:	cb = PV_CB_SYSENTER; break;
	case CALLBACKTYPE_nmi:		cb = PV_CB_NMI; break;
	default:			return -ENOSYS;
	}
	v->arch.callbacks[cb].address = address;
	v->arch.callbacks[cb].mask_events = flags & CALLBACKF_mask_events;
	return 0;
}

long do_set_callbacks(unsigned long event, unsigned long failsafe, unsigned long syscall)
{
	struct vcpu *v = current_vcpu();

	if (!is_canonical(event) || !is_canonical(failsafe) || !is_canonical(syscall))
		return -EINVAL;
	/* The old interface: events masked on event and failsafe entry, not on syscall. */
	pv_set_callback(v, CALLBACKTYPE_event, event, CALLBACKF_mask_events);
	pv_set_callback(v, CALLBACKTYPE_failsafe, failsafe, CALLBACKF_mask_events);
	pv_set_callback(v, CALLBACKTYPE_syscall, syscall, 0);
	return 0;
}

long do_callback_op(unsigned long cmd, unsigned long arg)
{
	struct vcpu *v = current_vcpu();

	switch (cmd) {
	case CALLBACKOP_register: {
		struct callback_register r;

		if (copy_from_guest_raw(&r, arg, sizeof(r)))
			return -EFAULT;
		return pv_set_callback(v, r.type, r.address, r.flags);
	}
	case CALLBACKOP_unregister: {
		struct callback_unregister u;

		if (copy_from_guest_raw(&u, arg, sizeof(u)))
			return -EFAULT;
		/* Only the NMI callback can be taken away (public/callback.h). */
		if (!callback_type_known(u.type))
			return -ENOSYS;
		if (u.type != CALLBACKTYPE_nmi)
			return -EINVAL;
		return pv_set_callback(v, u.type, 0, 0);
	}
	default:
		return -ENOSYS;
	}
}

long pv_stack_switch(struct vcpu *v, unsigned long ss, unsigned long sp)
{
	if (!is_canonical(sp))
		return -EINVAL;
	/* The guest kernel runs in ring 3: its stack selector gets RPL 3. */
	v->arch.kernel_ss = ss | 3;
	v->arch.kernel_sp = sp;
	return 0;
}

long do_stack_switch(unsigned long ss, unsigned long sp)
{
	return pv_stack_switch(current_vcpu(), ss, sp);
}

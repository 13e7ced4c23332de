// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raising VIRQs. Until event channels are wired in (issue 5, in
 * progress) a VIRQ only wakes the vCPU; the event glue replaces this.
 */
#include <hv/domain.h>
#include <hv/sched.h>
#include <hv/virq.h>

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
	(void)virq;
	if (__atomic_and_fetch(&v->pause_flags, ~VPF_BLOCKED, __ATOMIC_SEQ_CST) == 0)
		vcpu_wake(v);
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
	send_guest_vcpu_virq(d->vcpu[0], virq);
}

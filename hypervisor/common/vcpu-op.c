// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_op: per-vCPU operations. For now a vCPU can take itself down and
 * ask whether a vCPU is up; bringing vCPUs up, timers and the runstate
 * and vcpu_info areas come with events and time (issue 5).
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <public/vcpu.h>
#include <asm/hypercall.h>

static bool all_vcpus_down(const struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (!(READ_ONCE(d->vcpu[i]->pause_flags) & VPF_DOWN))
			return false;
	return true;
}

long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg)
{
	struct vcpu *curr = current_vcpu();
	struct domain *d = curr->domain;
	struct vcpu *v;

	(void)arg;
	if (vcpuid >= d->max_vcpus)
		return -ENOENT;
	v = d->vcpu[vcpuid];
	switch (cmd) {
	case VCPUOP_is_up:
		return !(READ_ONCE(v->pause_flags) & VPF_DOWN);
	case VCPUOP_down:
		__atomic_or_fetch(&v->pause_flags, VPF_DOWN, __ATOMIC_SEQ_CST);
		vcpu_sleep(v);
		/*
		 * A domain with every vCPU down can never run again. Xen leaves
		 * it be; in test mode that would only hang the run, so say so.
		 */
		if (all_vcpus_down(d)) {
			pr_warn("d%u: every vCPU is down\n", d->domain_id);
			if (d->domain_id == 0 && opt_test_exit)
				dom0_gone(d);
		}
		return 0;
	default:
		return -ENOSYS;
	}
}

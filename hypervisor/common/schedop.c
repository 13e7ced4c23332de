// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched_op: a vCPU yields, blocks until an event, polls ports, or shuts
 * its domain down. Event channels and timers (issue 5) make block and
 * poll wake up; until then a blocked vCPU wakes only when an event is
 * already pending.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <asm/hypercall.h>

/* Ports a poll may name at once (Xen allows up to 128 as well). */
#define POLL_MAX_PORTS	128
#define NR_2L_PORTS	(sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) * 8)

static bool ports_pending(const struct vcpu *v, const evtchn_port_t *ports, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (READ_ONCE(v->domain->shared_info->evtchn_pending[ports[i] / 64]) &
		    (1UL << (ports[i] % 64)))
			return true;
	return false;
}

static bool event_pending(const struct vcpu *v)
{
	return READ_ONCE(v->vcpu_info->evtchn_upcall_pending);
}

long do_sched_op(unsigned long cmd, unsigned long arg)
{
	struct vcpu *v = current_vcpu();

	switch (cmd) {
	case SCHEDOP_yield:
		raise_reschedule();
		return 0;
	case SCHEDOP_block:
		/* Blocking re-enables event delivery, as the ABI says. */
		v->vcpu_info->evtchn_upcall_mask = 0;
		if (!event_pending(v)) {
			__atomic_or_fetch(&v->pause_flags, VPF_BLOCKED, __ATOMIC_SEQ_CST);
			/* An event may have arrived meanwhile: check again. */
			if (event_pending(v))
				__atomic_and_fetch(&v->pause_flags, ~VPF_BLOCKED, __ATOMIC_SEQ_CST);
			else
				vcpu_sleep(v);
		}
		return 0;
	case SCHEDOP_shutdown: {
		struct sched_shutdown s;

		if (copy_from_guest_raw(&s, arg, sizeof(s)))
			return -EFAULT;
		return domain_shutdown(v->domain, s.reason) ? 0 : -EINVAL;
	}
	case SCHEDOP_shutdown_code: {
		struct sched_shutdown s;

		if (copy_from_guest_raw(&s, arg, sizeof(s)))
			return -EFAULT;
		if (s.reason > SHUTDOWN_MAX)
			return -EINVAL;
		v->domain->shutdown_code = s.reason;
		return 0;
	}
	case SCHEDOP_poll: {
		struct sched_poll p;
		evtchn_port_t ports[POLL_MAX_PORTS];

		if (copy_from_guest_raw(&p, arg, sizeof(p)))
			return -EFAULT;
		if (p.nr_ports > POLL_MAX_PORTS)
			return -EINVAL;
		if (p.nr_ports && copy_from_guest(ports, p.ports, p.nr_ports))
			return -EFAULT;
		for (unsigned int i = 0; i < p.nr_ports; i++)
			if (ports[i] >= NR_2L_PORTS)
				return -EINVAL;
		if (ports_pending(v, ports, p.nr_ports))
			return 0;
		if (p.timeout && p.timeout <= now_ns())
			return 0;
		/* Block; any event on the domain's ports or the timeout wakes us. */
		v->polling = true;
		__atomic_or_fetch(&v->pause_flags, VPF_BLOCKED, __ATOMIC_SEQ_CST);
		if (ports_pending(v, ports, p.nr_ports)) {
			vcpu_unblock(v);	/* raced with an event */
			return 0;
		}
		if (p.timeout)
			set_timer(&v->poll_timer, p.timeout);
		vcpu_sleep(v);
		return 0;
	}
	default:
		return -ENOSYS;
	}
}

// SPDX-License-Identifier: GPL-2.0-only
/* dom0's side of Ward's control interface, shared by the guests that build domUs. */
#include "ward-ctl.h"

long ctl_call(struct ward_ctl *c)
{
	return hypercall1(WARD_HYPERCALL_ctl, c);
}

void ctl_init(struct ward_ctl *c, uint32_t cmd, uint32_t domid)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->version = WARD_CTL_VERSION;
	c->domid = domid;
}

unsigned long free_pages_now(void)
{
	struct ward_ctl c;

	ctl_init(&c, WARD_CTL_physinfo, 0);
	return ctl_call(&c) ? 0 : c.u.physinfo.free_pages;
}

void clear_port(evtchn_port_t p)
{
	__atomic_fetch_and(&shared_info->evtchn_pending[p / 64], ~(1UL << (p % 64)),
			   __ATOMIC_SEQ_CST);
}

bool poll_port(evtchn_port_t p)
{
	const volatile struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
	uint64_t deadline = pvclock_ns(t) + EVENT_WAIT_NS;

	for (;;) {
		struct sched_poll sp = { .nr_ports = 1 };
		uint64_t now = pvclock_ns(t);

		if (shared_info->evtchn_pending[p / 64] & (1UL << (p % 64))) {
			clear_port(p);
			return true;
		}
		if (now >= deadline)
			return false;
		set_xen_guest_handle(sp.ports, &p);
		sp.timeout = now + POLL_SLICE_NS;	/* absolute system time */
		HYPERVISOR_sched_op(SCHEDOP_poll, &sp);
	}
}

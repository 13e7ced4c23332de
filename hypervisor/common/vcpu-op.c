// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_op: per-vCPU operations: bringing a vCPU up (initialise, up) and
 * down, the timers (single-shot and periodic, both raising VIRQ_TIMER),
 * the runstate area and the vcpu_info placement.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-type.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/virq.h>
#include <public/vcpu.h>
#include <asm/hypercall.h>
#include <asm/page.h>
#include <asm/pv.h>

/* Shortest periodic timer we accept (Xen's limit too): 1 ms. */
#define PERIODIC_MIN_NS		1000000ULL

static bool all_vcpus_down(const struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (!(READ_ONCE(d->vcpu[i]->pause_flags) & VPF_DOWN))
			return false;
	return true;
}

void vcpu_unblock(struct vcpu *v)
{
	v->polling = false;
	if (__atomic_fetch_and(&v->pause_flags, ~VPF_BLOCKED, __ATOMIC_SEQ_CST) & VPF_BLOCKED)
		vcpu_wake(v);
}

static void poll_timeout_fn(void *data)
{
	vcpu_unblock(data);
}

static void singleshot_fn(void *data)
{
	send_guest_vcpu_virq(data, VIRQ_TIMER);
}

static void periodic_fn(void *data)
{
	struct vcpu *v = data;

	send_guest_vcpu_virq(v, VIRQ_TIMER);
	if (v->periodic_period)
		set_timer(&v->periodic_timer, v->periodic_timer.expires + v->periodic_period);
}

void vcpu_timers_init(struct vcpu *v)
{
	timer_init(&v->singleshot_timer, singleshot_fn, v);
	timer_init(&v->periodic_timer, periodic_fn, v);
	timer_init(&v->poll_timer, poll_timeout_fn, v);
	v->runstate.state = RUNSTATE_offline;
}

void vcpu_timers_stop(struct vcpu *v)
{
	stop_timer(&v->singleshot_timer);
	stop_timer(&v->periodic_timer);
	stop_timer(&v->poll_timer);
}

void vcpu_timers_kill(struct vcpu *v)
{
	kill_timer(&v->singleshot_timer);
	kill_timer(&v->periodic_timer);
	kill_timer(&v->poll_timer);
}

/* Copy the runstate to the guest's registered area, if any (best effort). */
void vcpu_runstate_publish(struct vcpu *v)
{
	if (v->runstate_guest)
		(void)copy_to_guest_raw(v->runstate_guest, &v->runstate, sizeof(v->runstate));
}

void vcpu_runstate_change(struct vcpu *v, int state, uint64_t now)
{
	if (v->runstate.state >= 0 && v->runstate.state <= RUNSTATE_offline &&
	    now > v->runstate.state_entry_time)
		v->runstate.time[v->runstate.state] += now - v->runstate.state_entry_time;
	v->runstate.state = state;
	v->runstate.state_entry_time = now;
}

long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg)
{
	struct vcpu *curr = current_vcpu();
	struct domain *d = curr->domain;
	struct vcpu *v;

	if (vcpuid >= d->max_vcpus)
		return -ENOENT;
	v = d->vcpu[vcpuid];
	switch (cmd) {
	case VCPUOP_initialise:
		return pv_vcpu_initialise(v, arg);
	case VCPUOP_up:
		/* As on Xen: a vCPU with no context cannot run; up twice is fine. */
		if (!pv_vcpu_initialised(v))
			return -EINVAL;
		if (__atomic_fetch_and(&v->pause_flags, ~VPF_DOWN, __ATOMIC_SEQ_CST) & VPF_DOWN)
			vcpu_wake(v);
		return 0;
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
	case VCPUOP_get_runstate_info: {
		struct vcpu_runstate_info r;

		vcpu_runstate_change(v, v->runstate.state, now_ns());
		r = v->runstate;
		return copy_to_guest_raw(arg, &r, sizeof(r)) ? -EFAULT : 0;
	}
	case VCPUOP_register_runstate_memory_area: {
		struct vcpu_register_runstate_memory_area a;

		if (copy_from_guest_raw(&a, arg, sizeof(a)))
			return -EFAULT;
		if (!guest_range_ok((unsigned long)a.addr.v, sizeof(v->runstate)))
			return -EFAULT;
		v->runstate_guest = (unsigned long)a.addr.v;
		if (v == curr) {
			vcpu_runstate_change(v, RUNSTATE_running, now_ns());
			vcpu_runstate_publish(v);
		}
		return 0;
	}
	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer t;

		if (v != curr)
			return -EINVAL;
		if (copy_from_guest_raw(&t, arg, sizeof(t)))
			return -EFAULT;
		/*
		 * Xen 4.17 ignores the flags (VCPU_SSHOTTMR_future no longer
		 * refuses a past deadline): a deadline already passed fires at
		 * the next timer interrupt.
		 */
		set_timer(&v->singleshot_timer, t.timeout_abs_ns);
		return 0;
	}
	case VCPUOP_stop_singleshot_timer:
		if (v != curr)
			return -EINVAL;
		stop_timer(&v->singleshot_timer);
		return 0;
	case VCPUOP_set_periodic_timer: {
		struct vcpu_set_periodic_timer t;

		if (copy_from_guest_raw(&t, arg, sizeof(t)))
			return -EFAULT;
		/* Xen's bounds: at least 1 ms, and a positive signed time. */
		if (t.period_ns < PERIODIC_MIN_NS || t.period_ns > (uint64_t)INT64_MAX)
			return -EINVAL;
		v->periodic_period = t.period_ns;
		set_timer(&v->periodic_timer, now_ns() + t.period_ns);
		return 0;
	}
	case VCPUOP_stop_periodic_timer:
		v->periodic_period = 0;
		stop_timer(&v->periodic_timer);
		return 0;
	case VCPUOP_register_vcpu_info:
		return vcpu_register_info(v, arg);
	default:
		return -ENOSYS;
	}
}

/*
 * VCPUOP_register_vcpu_info: move @v's vcpu_info from shared_info into a
 * frame of the guest's choosing (so vCPUs beyond the legacy 32 have one).
 * We write event bits, CR2 and the time there from then on, so the frame
 * keeps a reference and a writable type use for as long as it holds the
 * vcpu_info (until vcpu_release_info() at domain destruction): it can
 * never become a page table under our feet. Once per vCPU, as on Xen;
 * the check is made under mm_lock, so two vCPUs racing to move the same
 * one cannot both take the frame.
 */
long vcpu_register_info(struct vcpu *v, unsigned long arg)
{
	struct vcpu_register_vcpu_info r;
	struct domain *d = v->domain;
	struct page_info *pg;
	struct vcpu_info *new;
	long rc = 0;

	if (copy_from_guest_raw(&r, arg, sizeof(r)))
		return -EFAULT;
	/* Past the page: Xen 4.17's -ENXIO. */
	if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info))
		return -ENXIO;
	if ((r.offset & 7) || r.rsvd)
		return -EINVAL;
	if (r.mfn >= page_alloc_nr_frames())
		return -EINVAL;
	pg = mfn_to_page(r.mfn);
	spin_lock(&d->mm_lock);
	if (v->vcpu_info != &d->shared_info->vcpu_info[v->vcpu_id])
		rc = -EINVAL;	/* already moved */
	else if (!get_page_writable(pg, d->domain_id))
		rc = -EINVAL;	/* not ours, or a page table */
	if (rc) {
		spin_unlock(&d->mm_lock);
		return rc;
	}
	new = (struct vcpu_info *)((char *)mfn_to_virt(r.mfn) + r.offset);
	memcpy(new, v->vcpu_info, sizeof(*new));
	/* Anything pending stays visible to the guest in its new place. */
	new->evtchn_upcall_pending = 1;
	new->evtchn_pending_sel = ~0UL;
	barrier();
	v->vcpu_info = new;
	spin_unlock(&d->mm_lock);
	return 0;
}

void vcpu_release_info(struct vcpu *v)
{
	struct domain *d = v->domain;

	if (v->vcpu_info == &d->shared_info->vcpu_info[v->vcpu_id])
		return;
	put_page_writable(mfn_to_page(virt_to_mfn(v->vcpu_info)));
	v->vcpu_info = &d->shared_info->vcpu_info[v->vcpu_id];
}

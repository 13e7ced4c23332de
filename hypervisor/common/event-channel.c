// SPDX-License-Identifier: GPL-2.0-only
/*
 * event_channel_op and VIRQ delivery: the glue between the guest ABI and
 * the pure port state machine (common/event.c) and 2-level bitmaps
 * (common/event-2l.c). Each domain's table is guarded by its evtchn_lock;
 * an operation that links or unlinks two domains takes both locks, the
 * lower domid first, so two domains binding to each other cannot
 * deadlock (ABBA). Raising a port touches only the target's shared
 * bitmaps, which are atomic, so it happens after the locks are dropped.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/sched.h>
#include <hv/virq.h>
#include <public/event_channel.h>
#include <asm/hypercall.h>

static long op_close(struct domain *d, evtchn_port_t port);

static unsigned int table_order(void)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < sizeof(struct evtchn_table))
		order++;
	return order;
}

int domain_evtchn_init(struct domain *d)
{
	d->evtchn = alloc_pages(table_order());
	if (!d->evtchn)
		return -ENOMEM;
	spin_lock_init(&d->evtchn_lock);
	evtchn_table_init(d->evtchn, d->domain_id, d->max_vcpus, EVTCHN_NR_PORTS, d);
	return 0;
}

void domain_evtchn_close_all(struct domain *d)
{
	if (!d->evtchn)
		return;
	for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++)
		if (evtchn_port_valid(d->evtchn, p))
			(void)op_close(d, p);
}

/*
 * The caller makes sure no CPU still raises a port it found before the
 * close (domain_destroy waits for every CPU between the two).
 */
void domain_evtchn_destroy(struct domain *d)
{
	if (!d->evtchn)
		return;
	domain_evtchn_close_all(d);
	free_pages(d->evtchn, table_order());
	d->evtchn = NULL;
}

int evtchn_alloc_unbound_for(struct domain *d, domid_t remote, evtchn_port_t *port)
{
	unsigned long f = spin_lock_irqsave(&d->evtchn_lock);
	int rc = evtchn_alloc_unbound(d->evtchn, remote, port);

	spin_unlock_irqrestore(&d->evtchn_lock, f);
	return rc;
}

/* Lock two domains' tables in domid order (one lock when they are the same). */
static void lock_pair(struct domain *a, struct domain *b, unsigned long *fa, unsigned long *fb)
{
	if (a == b) {
		*fa = spin_lock_irqsave(&a->evtchn_lock);
		return;
	}
	if (a->domain_id < b->domain_id) {
		*fa = spin_lock_irqsave(&a->evtchn_lock);
		*fb = spin_lock_irqsave(&b->evtchn_lock);
	} else {
		*fb = spin_lock_irqsave(&b->evtchn_lock);
		*fa = spin_lock_irqsave(&a->evtchn_lock);
	}
}

static void unlock_pair(struct domain *a, struct domain *b, unsigned long fa, unsigned long fb)
{
	if (a == b) {
		spin_unlock_irqrestore(&a->evtchn_lock, fa);
		return;
	}
	if (a->domain_id < b->domain_id) {
		spin_unlock_irqrestore(&b->evtchn_lock, fb);
		spin_unlock_irqrestore(&a->evtchn_lock, fa);
	} else {
		spin_unlock_irqrestore(&a->evtchn_lock, fa);
		spin_unlock_irqrestore(&b->evtchn_lock, fb);
	}
}

/*
 * Let @v see a new event: a blocked vCPU wakes; one running on another CPU
 * is interrupted so it takes the upcall now rather than at its next tick.
 */
static void vcpu_kick(struct vcpu *v)
{
	if (v->polling)
		stop_timer(&v->poll_timer);
	vcpu_unblock(v);
	vcpu_notify(v);
}

static void raise(const struct evtchn_raise *r)
{
	struct domain *d;
	struct vcpu *v;

	if (!r->table)
		return;
	d = r->table->owner;
	if (r->vcpu >= d->max_vcpus)
		return;
	v = d->vcpu[r->vcpu];
	/* A vCPU in SCHEDOP_poll wakes on any event, masked or not (PV spinlocks). */
	if (evtchn_2l_set_pending(d->shared_info, v->vcpu_info, r->port) || v->polling)
		vcpu_kick(v);
}

/* DOMID_SELF or the caller itself, or (privileged callers) any domain. */
static struct domain *resolve(struct domain *self, domid_t id)
{
	if (id == DOMID_SELF || id == self->domain_id)
		return self;
	if (!self->is_privileged)
		return NULL;
	return domain_lookup(id);
}

static long op_close(struct domain *d, evtchn_port_t port)
{
	unsigned long f, fp = 0;
	struct evtchn_table *peer_t;
	struct domain *peer;
	int rc;

	/* Find the peer, lock both in order, and check it did not change meanwhile. */
	for (;;) {
		f = spin_lock_irqsave(&d->evtchn_lock);
		peer_t = evtchn_port_valid(d->evtchn, port) ? evtchn_peer(d->evtchn, port) : NULL;
		spin_unlock_irqrestore(&d->evtchn_lock, f);
		peer = peer_t ? peer_t->owner : d;
		lock_pair(d, peer, &f, &fp);
		if (!evtchn_port_valid(d->evtchn, port) ||
		    (evtchn_peer(d->evtchn, port) ? evtchn_peer(d->evtchn, port)->owner : d) == peer)
			break;
		unlock_pair(d, peer, f, fp);
	}
	/* A physical IRQ stops first (lock order: evtchn_lock, then the arch's). */
	if (evtchn_port_valid(d->evtchn, port) && d->evtchn->port[port].state == ECS_PIRQ)
		arch_pirq_unbind(d, d->evtchn->port[port].pirq);
	rc = evtchn_close(d->evtchn, port);
	unlock_pair(d, peer, f, fp);
	if (!rc)
		evtchn_2l_clear_pending(d->shared_info, port);
	return rc;
}

long do_event_channel_op(unsigned long cmd, unsigned long arg)
{
	struct vcpu *curr = current_vcpu();
	struct domain *d = curr->domain, *t, *rd;
	struct evtchn_raise r = { NULL, 0, 0 };
	unsigned long f, f2 = 0;
	long rc;

	switch (cmd) {
	case EVTCHNOP_alloc_unbound: {
		struct evtchn_alloc_unbound a;

		if (copy_from_guest_raw(&a, arg, sizeof(a)))
			return -EFAULT;
		t = resolve(d, a.dom);
		if (!t)
			return a.dom == DOMID_SELF || d->is_privileged ? -ESRCH : -EPERM;
		f = spin_lock_irqsave(&t->evtchn_lock);
		rc = evtchn_alloc_unbound(t->evtchn,
					  a.remote_dom == DOMID_SELF ? d->domain_id : a.remote_dom,
					  &a.port);
		spin_unlock_irqrestore(&t->evtchn_lock, f);
		if (!rc && copy_to_guest_raw(arg, &a, sizeof(a)))
			return -EFAULT;
		return rc;
	}
	case EVTCHNOP_bind_interdomain: {
		struct evtchn_bind_interdomain b;

		if (copy_from_guest_raw(&b, arg, sizeof(b)))
			return -EFAULT;
		rd = b.remote_dom == DOMID_SELF ? d : domain_lookup(b.remote_dom);
		if (!rd)
			return -ESRCH;
		lock_pair(d, rd, &f, &f2);
		rc = evtchn_bind_interdomain(d->evtchn, rd->evtchn, b.remote_port, &b.local_port, &r);
		unlock_pair(d, rd, f, f2);
		if (rc)
			return rc;
		raise(&r);
		return copy_to_guest_raw(arg, &b, sizeof(b)) ? -EFAULT : 0;
	}
	case EVTCHNOP_bind_virq: {
		struct evtchn_bind_virq b;

		if (copy_from_guest_raw(&b, arg, sizeof(b)))
			return -EFAULT;
		f = spin_lock_irqsave(&d->evtchn_lock);
		rc = evtchn_bind_virq(d->evtchn, b.virq, b.vcpu, &b.port);
		spin_unlock_irqrestore(&d->evtchn_lock, f);
		if (!rc && copy_to_guest_raw(arg, &b, sizeof(b)))
			return -EFAULT;
		return rc;
	}
	case EVTCHNOP_bind_pirq: {
		struct evtchn_bind_pirq b;

		if (copy_from_guest_raw(&b, arg, sizeof(b)))
			return -EFAULT;
		f = spin_lock_irqsave(&d->evtchn_lock);
		rc = arch_pirq_bind_check(d, b.pirq);
		if (!rc)
			rc = evtchn_bind_pirq(d->evtchn, b.pirq, &b.port);
		if (!rc)
			arch_pirq_bind(d, b.pirq, b.port);
		spin_unlock_irqrestore(&d->evtchn_lock, f);
		if (!rc && copy_to_guest_raw(arg, &b, sizeof(b)))
			return -EFAULT;	/* the port stays bound: the guest may close it */
		return rc;
	}
	case EVTCHNOP_bind_ipi: {
		struct evtchn_bind_ipi b;

		if (copy_from_guest_raw(&b, arg, sizeof(b)))
			return -EFAULT;
		f = spin_lock_irqsave(&d->evtchn_lock);
		rc = evtchn_bind_ipi(d->evtchn, b.vcpu, &b.port);
		spin_unlock_irqrestore(&d->evtchn_lock, f);
		if (!rc && copy_to_guest_raw(arg, &b, sizeof(b)))
			return -EFAULT;
		return rc;
	}
	case EVTCHNOP_close: {
		struct evtchn_close c;

		if (copy_from_guest_raw(&c, arg, sizeof(c)))
			return -EFAULT;
		return op_close(d, c.port);
	}
	case EVTCHNOP_send: {
		struct evtchn_send s;

		if (copy_from_guest_raw(&s, arg, sizeof(s)))
			return -EFAULT;
		f = spin_lock_irqsave(&d->evtchn_lock);
		rc = evtchn_send(d->evtchn, s.port, &r);
		spin_unlock_irqrestore(&d->evtchn_lock, f);
		if (!rc)
			raise(&r);
		return rc;
	}
	case EVTCHNOP_status: {
		struct evtchn_status s;

		if (copy_from_guest_raw(&s, arg, sizeof(s)))
			return -EFAULT;
		t = resolve(d, s.dom);
		if (!t)
			return s.dom == DOMID_SELF || d->is_privileged ? -ESRCH : -EPERM;
		f = spin_lock_irqsave(&t->evtchn_lock);
		rc = evtchn_status(t->evtchn, s.port, &s);
		spin_unlock_irqrestore(&t->evtchn_lock, f);
		if (!rc && copy_to_guest_raw(arg, &s, sizeof(s)))
			return -EFAULT;
		return rc;
	}
	case EVTCHNOP_bind_vcpu: {
		struct evtchn_bind_vcpu b;

		if (copy_from_guest_raw(&b, arg, sizeof(b)))
			return -EFAULT;
		f = spin_lock_irqsave(&d->evtchn_lock);
		rc = evtchn_bind_vcpu(d->evtchn, b.port, b.vcpu);
		spin_unlock_irqrestore(&d->evtchn_lock, f);
		return rc;
	}
	case EVTCHNOP_unmask: {
		struct evtchn_unmask u;

		if (copy_from_guest_raw(&u, arg, sizeof(u)))
			return -EFAULT;
		f = spin_lock_irqsave(&d->evtchn_lock);
		rc = evtchn_unmask(d->evtchn, u.port, &r);
		spin_unlock_irqrestore(&d->evtchn_lock, f);
		if (rc)
			return rc;
		if (r.vcpu < d->max_vcpus &&
		    evtchn_2l_unmask(d->shared_info, d->vcpu[r.vcpu]->vcpu_info, u.port))
			vcpu_kick(d->vcpu[r.vcpu]);
		return 0;
	}
	case EVTCHNOP_reset: {
		struct evtchn_reset x;

		if (copy_from_guest_raw(&x, arg, sizeof(x)))
			return -EFAULT;
		t = resolve(d, x.dom);
		if (!t)
			return x.dom == DOMID_SELF || d->is_privileged ? -ESRCH : -EPERM;
		/* Close one by one: each close locks the pair it unlinks. */
		for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++)
			(void)op_close(t, p);
		return 0;
	}
	default:
		/* FIFO events (init_control ...) are not offered: guests use 2-level. */
		return -ENOSYS;
	}
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
	struct domain *d = v->domain;
	struct evtchn_raise r = { NULL, 0, 0 };
	unsigned long f = spin_lock_irqsave(&d->evtchn_lock);
	bool bound = evtchn_virq_target(d->evtchn, virq, v->vcpu_id, &r);

	spin_unlock_irqrestore(&d->evtchn_lock, f);
	if (bound)
		raise(&r);
}

void send_guest_pirq(struct domain *d, unsigned int port, unsigned int pirq)
{
	struct evtchn_raise r = { NULL, 0, 0 };
	unsigned long f = spin_lock_irqsave(&d->evtchn_lock);
	bool bound = evtchn_pirq_target(d->evtchn, port, pirq, &r);

	spin_unlock_irqrestore(&d->evtchn_lock, f);
	if (bound)
		raise(&r);
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
	send_guest_vcpu_virq(d->vcpu[0], virq);
}

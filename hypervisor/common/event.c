// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event-channel ports: the EVTCHNOP_* state machine (hv/event.h). The
 * invariants every operation keeps, and the unit tests check:
 *  - port 0 is RESERVED; ports >= max_ports are never touched;
 *  - an INTERDOMAIN port and its peer name each other (table and port);
 *  - each bound VIRQ slot names a VIRQ port of that VIRQ, and each VIRQ
 *    port is named by exactly one slot (its vCPU's row, row 0 if global);
 *  - IPI and per-vCPU VIRQ ports keep the vCPU they were bound on;
 *  - no port below free_hint is FREE, so allocation is lowest-free-first.
 * Operations check everything before changing anything, so an error
 * leaves the tables as they were. Callers hold the locks hv/event.h lists.
 */
#include <hv/event.h>
#include <hv/bug.h>
#include <hv/errno.h>
#include <hv/lib.h>

BUILD_BUG_ON(sizeof(struct evtchn) != 16);
BUILD_BUG_ON(EVTCHN_NR_PORTS != 4096);
BUILD_BUG_ON(EVTCHN_NR_PORTS - 1 > UINT16_MAX);	/* virq_to_port is 16-bit */
BUILD_BUG_ON(EVTCHN_MAX_VCPUS - 1 > UINT8_MAX);	/* notify_vcpu is 8-bit */

void evtchn_table_init(struct evtchn_table *t, domid_t domid, unsigned int nr_vcpus,
		       unsigned int max_ports, void *owner)
{
	BUG_ON(nr_vcpus == 0 || nr_vcpus > EVTCHN_MAX_VCPUS);
	memset(t, 0, sizeof(*t));	/* every port ECS_FREE, every VIRQ unbound */
	t->domid = domid;
	t->nr_vcpus = nr_vcpus;
	t->max_ports = min(max(max_ports, 2u), (unsigned int)EVTCHN_NR_PORTS);
	t->owner = owner;
	t->port[0].state = ECS_RESERVED;
	t->free_hint = 1;
}

bool evtchn_port_valid(const struct evtchn_table *t, evtchn_port_t port)
{
	return port < t->max_ports;
}

bool evtchn_virq_is_per_vcpu(uint32_t virq)
{
	/* public/xen.h marks these "V."; everything else, arch ones included, is global. */
	switch (virq) {
	case VIRQ_TIMER:
	case VIRQ_DEBUG:
	case VIRQ_XENOPROF:
	case VIRQ_XENPMU:
		return true;
	default:
		return false;
	}
}

struct evtchn_table *evtchn_peer(const struct evtchn_table *t, evtchn_port_t port)
{
	if (!evtchn_port_valid(t, port) || t->port[port].state != ECS_INTERDOMAIN)
		return NULL;
	return t->port[port].remote;
}

/*
 * The lowest free port, or 0 when @t is full (0 is never free). Changes
 * nothing, so that a refused operation leaves no trace; at most
 * max_ports steps.
 */
static evtchn_port_t find_free_port(const struct evtchn_table *t)
{
	for (evtchn_port_t p = t->free_hint; p < t->max_ports; p++) {
		if (t->port[p].state == ECS_FREE)
			return p;
	}
	return 0;
}

/*
 * Turn free port @p, the lowest one (find_free_port()), into a @state port
 * notifying @vcpu, every other field cleared. No peer can be looking at a
 * free port, so plain stores do.
 */
static struct evtchn *claim(struct evtchn_table *t, evtchn_port_t p, enum evtchn_state state,
			    unsigned int vcpu)
{
	struct evtchn *chn = &t->port[p];

	ASSERT(chn->state == ECS_FREE && vcpu < t->nr_vcpus);
	*chn = (struct evtchn){ .state = state, .notify_vcpu = (uint8_t)vcpu };
	t->free_hint = p + 1;
	return chn;
}

static void release(struct evtchn_table *t, evtchn_port_t p)
{
	/* A freed port forgets its vCPU: reuse starts on vCPU 0 (the ABI says so). */
	t->port[p] = (struct evtchn){ .state = ECS_FREE };
	if (p < t->free_hint)
		t->free_hint = p;
}

int evtchn_alloc_unbound(struct evtchn_table *t, domid_t remote_domid, evtchn_port_t *port)
{
	evtchn_port_t p = find_free_port(t);

	if (!p)
		return -ENOSPC;
	claim(t, p, ECS_UNBOUND, 0)->remote_domid = remote_domid;
	*port = p;
	return 0;
}

int evtchn_bind_interdomain(struct evtchn_table *ld, struct evtchn_table *rd,
			    evtchn_port_t rport, evtchn_port_t *lport,
			    struct evtchn_raise *raise)
{
	struct evtchn *lchn, *rchn;
	evtchn_port_t p;

	/*
	 * Decode: the remote port must wait for us. Xen looks for a free
	 * local port first; we check the remote first so that a refusal
	 * changes nothing. Only the choice between -ENOSPC and -EINVAL when
	 * both apply differs.
	 */
	if (!evtchn_port_valid(rd, rport))
		return -EINVAL;
	rchn = &rd->port[rport];
	if (rchn->state != ECS_UNBOUND || rchn->remote_domid != ld->domid)
		return -EINVAL;
	p = find_free_port(ld);
	if (!p)
		return -ENOSPC;

	/* Invoke. In loopback (ld == rd) p != rport, since rport is not free. */
	lchn = claim(ld, p, ECS_INTERDOMAIN, 0);
	lchn->remote_domid = rd->domid;
	lchn->remote = rd;
	lchn->remote_port = rport;
	/* The remote end keeps its notify_vcpu: bind_vcpu may have set it while unbound. */
	rchn->state = ECS_INTERDOMAIN;
	rchn->remote_domid = ld->domid;
	rchn->remote = ld;
	rchn->remote_port = p;

	*lport = p;
	*raise = (struct evtchn_raise){ .table = ld, .port = p, .vcpu = lchn->notify_vcpu };
	return 0;
}

int evtchn_bind_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu,
		     evtchn_port_t *port)
{
	struct evtchn *chn;
	evtchn_port_t p;

	/* Xen's order of checks, so that a guest sees the same error first. */
	if (virq >= NR_VIRQS)
		return -EINVAL;
	if (!evtchn_virq_is_per_vcpu(virq) && vcpu != 0)
		return -EINVAL;
	if (vcpu >= t->nr_vcpus)
		return -ENOENT;
	if (t->virq_to_port[vcpu][virq])
		return -EEXIST;
	p = find_free_port(t);
	if (!p)
		return -ENOSPC;

	chn = claim(t, p, ECS_VIRQ, vcpu);
	chn->virq = virq;
	t->virq_to_port[vcpu][virq] = (uint16_t)p;
	*port = p;
	return 0;
}

int evtchn_bind_ipi(struct evtchn_table *t, uint32_t vcpu, evtchn_port_t *port)
{
	evtchn_port_t p;

	if (vcpu >= t->nr_vcpus)
		return -ENOENT;
	p = find_free_port(t);
	if (!p)
		return -ENOSPC;
	claim(t, p, ECS_IPI, vcpu);
	*port = p;
	return 0;
}

int evtchn_bind_pirq(struct evtchn_table *t, uint32_t pirq, evtchn_port_t *port)
{
	struct evtchn *chn;
	evtchn_port_t p = find_free_port(t);

	if (!p)
		return -ENOSPC;
	chn = claim(t, p, ECS_PIRQ, 0);
	chn->pirq = pirq;
	*port = p;
	return 0;
}

bool evtchn_pirq_target(struct evtchn_table *t, evtchn_port_t port, uint32_t pirq,
			struct evtchn_raise *raise)
{
	const struct evtchn *chn;

	if (!evtchn_port_valid(t, port))
		return false;
	chn = &t->port[port];
	if (chn->state != ECS_PIRQ || chn->pirq != pirq)
		return false;
	*raise = (struct evtchn_raise){
		.table = t, .port = port, .vcpu = READ_ONCE(chn->notify_vcpu),
	};
	return true;
}

/* The VIRQ slot that names VIRQ port @chn. */
static uint16_t *virq_slot(struct evtchn_table *t, const struct evtchn *chn)
{
	unsigned int row = evtchn_virq_is_per_vcpu(chn->virq) ? chn->notify_vcpu : 0;

	BUG_ON(chn->virq >= NR_VIRQS || row >= t->nr_vcpus);
	return &t->virq_to_port[row][chn->virq];
}

int evtchn_close(struct evtchn_table *t, evtchn_port_t port)
{
	struct evtchn *chn, *rchn;
	uint16_t *slot;

	if (!evtchn_port_valid(t, port))
		return -EINVAL;
	chn = &t->port[port];

	switch (chn->state) {
	case ECS_FREE:
	case ECS_RESERVED:
		return -EINVAL;
	case ECS_UNBOUND:
	case ECS_IPI:
	case ECS_PIRQ:		/* the glue unbinds the IRQ itself */
		break;
	case ECS_VIRQ:
		slot = virq_slot(t, chn);
		BUG_ON(*slot != port);
		*slot = 0;
		break;
	case ECS_INTERDOMAIN:
		/*
		 * The peer waits for us again, as the ABI says, so that it can
		 * be re-bound (a restarted backend, say). Its notify_vcpu stays.
		 */
		BUG_ON(!chn->remote || !evtchn_port_valid(chn->remote, chn->remote_port));
		rchn = &chn->remote->port[chn->remote_port];
		BUG_ON(rchn->state != ECS_INTERDOMAIN || rchn->remote != t ||
		       rchn->remote_port != port);
		rchn->state = ECS_UNBOUND;
		rchn->remote_domid = t->domid;
		rchn->remote = NULL;
		rchn->remote_port = 0;
		break;
	default:
		BUG();
	}
	release(t, port);
	return 0;
}

int evtchn_send(struct evtchn_table *t, evtchn_port_t port, struct evtchn_raise *raise)
{
	const struct evtchn *chn, *rchn;

	if (!evtchn_port_valid(t, port))
		return -EINVAL;
	chn = &t->port[port];

	switch (chn->state) {
	case ECS_INTERDOMAIN:
		rchn = &chn->remote->port[chn->remote_port];
		*raise = (struct evtchn_raise){
			.table = chn->remote,
			.port = chn->remote_port,
			.vcpu = READ_ONCE(rchn->notify_vcpu),	/* peer may rebind */
		};
		return 0;
	case ECS_IPI:
		*raise = (struct evtchn_raise){
			.table = t, .port = port, .vcpu = chn->notify_vcpu,
		};
		return 0;
	case ECS_UNBOUND:
		/* Nobody listens yet; Xen drops the event and reports success. */
		*raise = (struct evtchn_raise){ .table = NULL };
		return 0;
	default:
		/* FREE, RESERVED, VIRQ: only the hypervisor raises a VIRQ. */
		return -EINVAL;
	}
}

int evtchn_status(const struct evtchn_table *t, evtchn_port_t port,
		  struct evtchn_status *st)
{
	const struct evtchn *chn;

	if (!evtchn_port_valid(t, port))
		return -EINVAL;
	chn = &t->port[port];

	/* Zero the union so that the reply holds nothing a previous user left. */
	memset(&st->u, 0, sizeof(st->u));
	st->vcpu = chn->notify_vcpu;
	switch (chn->state) {
	case ECS_FREE:
	case ECS_RESERVED:
		st->status = EVTCHNSTAT_closed;
		break;
	case ECS_UNBOUND:
		st->status = EVTCHNSTAT_unbound;
		st->u.unbound.dom = chn->remote_domid;
		break;
	case ECS_INTERDOMAIN:
		st->status = EVTCHNSTAT_interdomain;
		st->u.interdomain.dom = chn->remote_domid;
		st->u.interdomain.port = chn->remote_port;
		break;
	case ECS_VIRQ:
		st->status = EVTCHNSTAT_virq;
		st->u.virq = chn->virq;
		break;
	case ECS_IPI:
		st->status = EVTCHNSTAT_ipi;
		break;
	case ECS_PIRQ:
		st->status = EVTCHNSTAT_pirq;
		st->u.pirq = chn->pirq;
		break;
	default:
		BUG();
	}
	return 0;
}

int evtchn_bind_vcpu(struct evtchn_table *t, evtchn_port_t port, uint32_t vcpu)
{
	struct evtchn *chn;

	if (vcpu >= t->nr_vcpus)
		return -ENOENT;
	if (!evtchn_port_valid(t, port))
		return -EINVAL;
	chn = &t->port[port];

	switch (chn->state) {
	case ECS_VIRQ:
		/* Only global VIRQs move; per-vCPU ones belong to their vCPU. */
		if (evtchn_virq_is_per_vcpu(chn->virq))
			return -EINVAL;
		break;
	case ECS_UNBOUND:
	case ECS_INTERDOMAIN:
	case ECS_PIRQ:		/* the event moves; the interrupt stays on CPU 0 */
		break;
	default:
		/* FREE, RESERVED, and IPI, whose vCPU is fixed at bind time. */
		return -EINVAL;
	}
	WRITE_ONCE(chn->notify_vcpu, (uint8_t)vcpu);
	return 0;
}

int evtchn_unmask(struct evtchn_table *t, evtchn_port_t port, struct evtchn_raise *raise)
{
	if (!evtchn_port_valid(t, port))
		return -EINVAL;
	*raise = (struct evtchn_raise){
		.table = t, .port = port, .vcpu = t->port[port].notify_vcpu,
	};
	return 0;
}

void evtchn_reset(struct evtchn_table *t)
{
	/* Bounded by max_ports; port 0 stays reserved. */
	for (evtchn_port_t p = 1; p < t->max_ports; p++) {
		if (t->port[p].state != ECS_FREE)
			BUG_ON(evtchn_close(t, p) != 0);
	}
}

bool evtchn_virq_target(struct evtchn_table *t, uint32_t virq, uint32_t vcpu,
			struct evtchn_raise *raise)
{
	evtchn_port_t p;

	if (virq >= NR_VIRQS)
		return false;
	if (!evtchn_virq_is_per_vcpu(virq))
		vcpu = 0;
	else if (vcpu >= t->nr_vcpus)
		return false;
	p = t->virq_to_port[vcpu][virq];
	if (!p)
		return false;
	*raise = (struct evtchn_raise){
		.table = t,
		.port = p,
		.vcpu = READ_ONCE(t->port[p].notify_vcpu),
	};
	return true;
}

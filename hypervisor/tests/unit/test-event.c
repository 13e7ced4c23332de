// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/event.c: the event-channel port state machine, with
 * common/event-2l.c for the visible effects. The test plays the glue that
 * hv/event.h describes: each model domain owns a table and a shared_info,
 * raises what an operation asks for with evtchn_2l_set_pending() and
 * clears a closed port's pending bit, so a case can check that "send"
 * really set the peer's bit and woke the right vCPU.
 *
 * Three domains: A (domid 0, 2 vCPUs), B (domid 1, 4 vCPUs) and C (domid 7,
 * 1 vCPU). Every case starts from fresh tables (setup()). check_tables()
 * verifies the module's invariants; the random run calls it after every
 * operation and predicts each return code from the state before it.
 */
// sources: common/event.c common/event-2l.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <hv/bug.h>
#include <hv/errno.h>
#include <hv/event.h>

#define NR_DOMS		3
#define A		(&doms[0].t)
#define B		(&doms[1].t)
#define C		(&doms[2].t)

struct dom {
	struct evtchn_table t;
	struct shared_info s;
	unsigned int kicks[EVTCHN_MAX_VCPUS];
};

static struct dom doms[NR_DOMS];
static const domid_t dom_ids[NR_DOMS] = { 0, 1, 7 };
static const unsigned int dom_vcpus[NR_DOMS] = { 2, 4, 1 };

static void init_doms(const unsigned int max_ports[NR_DOMS])
{
	memset(doms, 0, sizeof(doms));
	for (unsigned int i = 0; i < NR_DOMS; i++)
		evtchn_table_init(&doms[i].t, dom_ids[i], dom_vcpus[i], max_ports[i], &doms[i]);
}

static int setup(void **state)
{
	static const unsigned int full[NR_DOMS] = {
		EVTCHN_NR_PORTS, EVTCHN_NR_PORTS, EVTCHN_NR_PORTS,
	};

	init_doms(full);
	return 0;
}

static struct dom *dom_of(const struct evtchn_table *t)
{
	return t->owner;
}

/* ---- the glue, as the hypercall layer will do it ------------------------ */

static void do_raise(const struct evtchn_raise *r)
{
	struct dom *d;

	if (!r->table)
		return;
	d = dom_of(r->table);
	assert_true(r->vcpu < r->table->nr_vcpus);
	if (evtchn_2l_set_pending(&d->s, &d->s.vcpu_info[r->vcpu], r->port))
		d->kicks[r->vcpu]++;
}

static int send(struct evtchn_table *t, evtchn_port_t port)
{
	struct evtchn_raise r = { .table = (void *)1 };	/* must be overwritten on success */
	int rc = evtchn_send(t, port, &r);

	if (rc == 0)
		do_raise(&r);
	return rc;
}

static int close_port(struct evtchn_table *t, evtchn_port_t port)
{
	int rc = evtchn_close(t, port);

	if (rc == 0)
		evtchn_2l_clear_pending(&dom_of(t)->s, port);
	return rc;
}

static int bind_interdomain(struct evtchn_table *ld, struct evtchn_table *rd,
			    evtchn_port_t rport, evtchn_port_t *lport)
{
	struct evtchn_raise r;
	int rc = evtchn_bind_interdomain(ld, rd, rport, lport, &r);

	if (rc == 0) {
		assert_ptr_equal(r.table, ld);
		assert_int_equal(r.port, *lport);
		do_raise(&r);
	}
	return rc;
}

static bool unmask(struct evtchn_table *t, evtchn_port_t port, int *rc)
{
	struct evtchn_raise r;
	struct dom *d = dom_of(t);

	*rc = evtchn_unmask(t, port, &r);
	if (*rc)
		return false;
	assert_ptr_equal(r.table, t);
	assert_int_equal(r.port, port);
	return evtchn_2l_unmask(&d->s, &d->s.vcpu_info[r.vcpu], port);
}

static bool pending(const struct evtchn_table *t, evtchn_port_t port)
{
	return evtchn_2l_is_pending(&dom_of(t)->s, port);
}

static evtchn_port_t must_alloc(struct evtchn_table *t, domid_t remote)
{
	evtchn_port_t p = 0;

	assert_int_equal(evtchn_alloc_unbound(t, remote, &p), 0);
	assert_true(p > 0 && p < t->max_ports);
	return p;
}

/* Connect @ld to a fresh unbound port of @rd; returns the local port, *@rport the remote. */
static evtchn_port_t must_connect(struct evtchn_table *ld, struct evtchn_table *rd,
				  evtchn_port_t *rport)
{
	evtchn_port_t lp = 0, rp = must_alloc(rd, ld->domid);

	assert_int_equal(bind_interdomain(ld, rd, rp, &lp), 0);
	if (rport)
		*rport = rp;
	return lp;
}

static struct evtchn_status status_of(const struct evtchn_table *t, evtchn_port_t port)
{
	struct evtchn_status st;

	memset(&st, 0xa5, sizeof(st));
	assert_int_equal(evtchn_status(t, port, &st), 0);
	return st;
}

static void assert_status(const struct evtchn_table *t, evtchn_port_t port, uint32_t status,
			  uint32_t vcpu)
{
	struct evtchn_status st = status_of(t, port);

	assert_int_equal(st.status, status);
	assert_int_equal(st.vcpu, vcpu);
}

/* ---- invariants ---------------------------------------------------------- */

static int table_index(const struct evtchn_table *t)
{
	for (int i = 0; i < NR_DOMS; i++) {
		if (t == &doms[i].t)
			return i;
	}
	return -1;
}

/* Which VIRQ slot a VIRQ port must occupy: its vCPU's row, row 0 if global. */
static unsigned int virq_row(const struct evtchn *chn)
{
	return evtchn_virq_is_per_vcpu(chn->virq) ? chn->notify_vcpu : 0;
}

/* The invariants of one port of @t (see common/event.c). */
static void check_port(const char *when, const struct evtchn_table *t, evtchn_port_t p)
{
	const struct evtchn *chn = &t->port[p], *back;
	const struct evtchn_table *r = chn->remote;

	if (p >= t->max_ports) {
		if (chn->state != ECS_FREE)
			fail_msg("%s: d%u port %u beyond max_ports in use", when, t->domid, p);
		return;
	}
	if (chn->state == ECS_FREE && p < t->free_hint)
		fail_msg("%s: d%u free port %u below free_hint %u", when, t->domid, p,
			 t->free_hint);
	if (chn->notify_vcpu >= t->nr_vcpus)
		fail_msg("%s: d%u port %u notifies vCPU %u", when, t->domid, p, chn->notify_vcpu);

	switch (chn->state) {
	case ECS_FREE:
		if (chn->notify_vcpu || r)
			fail_msg("%s: d%u free port %u not cleared", when, t->domid, p);
		break;
	case ECS_UNBOUND:
	case ECS_IPI:
		if (r)
			fail_msg("%s: d%u port %u keeps a peer", when, t->domid, p);
		break;
	case ECS_INTERDOMAIN:
		if (!r || table_index(r) < 0)
			fail_msg("%s: d%u port %u has no valid peer table", when, t->domid, p);
		if (chn->remote_domid != r->domid || chn->remote_port == 0 ||
		    chn->remote_port >= r->max_ports)
			fail_msg("%s: d%u port %u names d%u port %u", when, t->domid, p,
				 chn->remote_domid, chn->remote_port);
		if (r == t && chn->remote_port == p)
			fail_msg("%s: d%u port %u linked to itself", when, t->domid, p);
		back = &r->port[chn->remote_port];
		if (back->state != ECS_INTERDOMAIN || back->remote != t ||
		    back->remote_port != p || back->remote_domid != t->domid)
			fail_msg("%s: d%u port %u -> d%u port %u does not point back", when,
				 t->domid, p, r->domid, chn->remote_port);
		break;
	case ECS_VIRQ:
		if (chn->virq >= NR_VIRQS || t->virq_to_port[virq_row(chn)][chn->virq] != p)
			fail_msg("%s: d%u VIRQ port %u (virq %u) not in its slot", when,
				 t->domid, p, chn->virq);
		break;
	default:
		fail_msg("%s: d%u port %u in state %u", when, t->domid, p, chn->state);
	}
}

/* The invariants event.c promises, over all three tables. */
static void check_tables(const char *when)
{
	for (int i = 0; i < NR_DOMS; i++) {
		const struct evtchn_table *t = &doms[i].t;
		unsigned int virq_ports = 0, virq_slots = 0;

		if (t->port[0].state != ECS_RESERVED)
			fail_msg("%s: d%u port 0 not reserved", when, t->domid);
		for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++) {
			check_port(when, t, p);
			virq_ports += t->port[p].state == ECS_VIRQ;
		}
		/*
		 * Each slot names a VIRQ port whose own slot it is; with the
		 * counts equal, no port sits in two slots and none is missing.
		 */
		for (unsigned int v = 0; v < EVTCHN_MAX_VCPUS; v++) {
			for (unsigned int q = 0; q < NR_VIRQS; q++) {
				evtchn_port_t p = t->virq_to_port[v][q];
				const struct evtchn *chn = &t->port[p];

				if (!p)
					continue;
				virq_slots++;
				if (p >= t->max_ports || chn->state != ECS_VIRQ ||
				    chn->virq != q || virq_row(chn) != v)
					fail_msg("%s: d%u slot v%u virq %u names port %u wrongly",
						 when, t->domid, v, q, p);
			}
		}
		if (virq_ports != virq_slots)
			fail_msg("%s: d%u has %u VIRQ ports but %u slots", when, t->domid,
				 virq_ports, virq_slots);
	}
}

/* ---- allocation ------------------------------------------------------------ */

static void test_init_state(void **state)
{
	struct evtchn_status st;

	check_tables("init");
	assert_int_equal(A->port[0].state, ECS_RESERVED);
	assert_int_equal(A->max_ports, EVTCHN_NR_PORTS);
	st = status_of(A, 0);
	assert_int_equal(st.status, EVTCHNSTAT_closed);
	assert_int_equal(st.vcpu, 0);
	assert_int_equal(status_of(A, 4095).status, EVTCHNSTAT_closed);
	assert_ptr_equal(A->owner, &doms[0]);
}

static void test_init_clamps_and_checks(void **state)
{
	evtchn_table_init(C, 7, 1, 0, NULL);
	assert_int_equal(C->max_ports, 2);
	evtchn_table_init(C, 7, 1, 100000, NULL);
	assert_int_equal(C->max_ports, EVTCHN_NR_PORTS);
	expect_bug(evtchn_table_init(C, 7, 0, 16, NULL));
	expect_bug(evtchn_table_init(C, 7, EVTCHN_MAX_VCPUS + 1, 16, NULL));
}

static void test_alloc_lowest_free_first(void **state)
{
	assert_int_equal(must_alloc(A, 1), 1);
	assert_int_equal(must_alloc(A, 1), 2);
	assert_int_equal(must_alloc(A, 1), 3);
	assert_int_equal(must_alloc(A, 1), 4);
	assert_int_equal(close_port(A, 2), 0);
	assert_int_equal(close_port(A, 3), 0);
	assert_int_equal(must_alloc(A, 1), 2);
	assert_int_equal(close_port(A, 1), 0);
	assert_int_equal(must_alloc(A, 1), 1);
	assert_int_equal(must_alloc(A, 1), 3);
	assert_int_equal(must_alloc(A, 1), 5);
	check_tables("after allocations");
}

static void test_every_bind_takes_lowest_free(void **state)
{
	evtchn_port_t p = 0, lp = 0;

	assert_int_equal(evtchn_bind_virq(A, VIRQ_TIMER, 0, &p), 0);
	assert_int_equal(p, 1);
	assert_int_equal(evtchn_bind_ipi(A, 1, &p), 0);
	assert_int_equal(p, 2);
	assert_int_equal(must_alloc(A, 1), 3);
	assert_int_equal(close_port(A, 1), 0);
	assert_int_equal(bind_interdomain(A, B, must_alloc(B, 0), &lp), 0);
	assert_int_equal(lp, 1);
}

static void test_exhaustion_at_4096(void **state)
{
	evtchn_port_t p = 0, last = 0;
	unsigned int n = 0;
	int rc;

	while ((rc = evtchn_alloc_unbound(A, 1, &p)) == 0) {
		assert_int_equal(p, last + 1);
		last = p;
		n++;
	}
	assert_int_equal(rc, -ENOSPC);
	assert_int_equal(n, EVTCHN_NR_PORTS - 1);	/* port 0 is never handed out */
	assert_int_equal(last, 4095);

	/* Every allocating operation reports it. */
	assert_int_equal(evtchn_bind_virq(A, VIRQ_TIMER, 0, &p), -ENOSPC);
	assert_int_equal(evtchn_bind_virq(A, VIRQ_CONSOLE, 0, &p), -ENOSPC);
	assert_int_equal(evtchn_bind_ipi(A, 0, &p), -ENOSPC);
	assert_int_equal(bind_interdomain(A, B, must_alloc(B, 0), &p), -ENOSPC);
	assert_int_equal(A->virq_to_port[0][VIRQ_TIMER], 0);
	check_tables("full");

	/* A freed port in the middle is the next one handed out. */
	assert_int_equal(close_port(A, 1000), 0);
	assert_int_equal(must_alloc(A, 1), 1000);
	assert_int_equal(evtchn_alloc_unbound(A, 1, &p), -ENOSPC);
	assert_int_equal(close_port(A, 4095), 0);
	assert_int_equal(evtchn_bind_ipi(A, 1, &p), 0);
	assert_int_equal(p, 4095);
}

static void test_max_ports_limit(void **state)
{
	evtchn_port_t p = 0;
	struct evtchn_status st;
	struct evtchn_raise r;
	int rc;

	evtchn_table_init(C, 7, 1, 8, &doms[2]);
	for (evtchn_port_t want = 1; want < 8; want++)
		assert_int_equal(must_alloc(C, 0), want);
	assert_int_equal(evtchn_alloc_unbound(C, 0, &p), -ENOSPC);
	/* Port 8 exists in the bitmaps but not for this domain. */
	assert_false(evtchn_port_valid(C, 8));
	assert_true(evtchn_port_valid(C, 7));
	assert_int_equal(close_port(C, 8), -EINVAL);
	assert_int_equal(send(C, 8), -EINVAL);
	assert_int_equal(evtchn_status(C, 8, &st), -EINVAL);
	assert_int_equal(evtchn_bind_vcpu(C, 8, 0), -EINVAL);
	assert_int_equal(evtchn_unmask(C, 8, &r), -EINVAL);
	assert_int_equal(bind_interdomain(A, C, 8, &p), -EINVAL);
	unmask(C, 8, &rc);
	assert_int_equal(rc, -EINVAL);
	check_tables("small table");
}

/* ---- alloc_unbound, bind_interdomain --------------------------------------- */

static void test_alloc_unbound_status(void **state)
{
	evtchn_port_t p = must_alloc(B, 7);
	struct evtchn_status st = status_of(B, p);

	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.vcpu, 0);
	assert_int_equal(st.u.unbound.dom, 7);
	/* Status touches only its OUT fields. */
	assert_int_equal(st.dom, 0xa5a5);
	assert_int_equal(st.port, 0xa5a5a5a5);
	/* The remote domain need not exist (yet). */
	p = must_alloc(B, 42);
	assert_int_equal(status_of(B, p).u.unbound.dom, 42);
}

static void test_bind_interdomain_links_both_ends(void **state)
{
	evtchn_port_t fp = must_alloc(C, 1);	/* frontend in C, for backend B */
	evtchn_port_t bp = 0;
	struct evtchn_status st;

	must_alloc(B, 0);	/* so B's new port differs from C's */
	assert_int_equal(bind_interdomain(B, C, fp, &bp), 0);
	assert_int_equal(bp, 2);

	st = status_of(B, bp);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, 7);
	assert_int_equal(st.u.interdomain.port, fp);
	st = status_of(C, fp);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, 1);
	assert_int_equal(st.u.interdomain.port, bp);
	assert_ptr_equal(evtchn_peer(B, bp), C);
	assert_ptr_equal(evtchn_peer(C, fp), B);

	/* The ABI: the new local port starts pending; the remote one does not. */
	assert_true(pending(B, bp));
	assert_int_equal(doms[1].kicks[0], 1);
	assert_false(pending(C, fp));
	check_tables("linked");
}

static void test_bind_interdomain_loopback(void **state)
{
	evtchn_port_t a = must_alloc(A, 0), b = 0;

	assert_int_equal(bind_interdomain(A, A, a, &b), 0);
	assert_int_not_equal(a, b);
	assert_ptr_equal(evtchn_peer(A, a), A);
	assert_int_equal(status_of(A, a).u.interdomain.port, b);
	assert_int_equal(status_of(A, b).u.interdomain.port, a);
	assert_int_equal(status_of(A, b).u.interdomain.dom, 0);
	check_tables("loopback");

	/* Each end's send lands on the other. */
	evtchn_2l_clear_pending(&doms[0].s, b);
	assert_int_equal(send(A, a), 0);
	assert_true(pending(A, b));
	assert_false(pending(A, a));
	assert_int_equal(send(A, b), 0);
	assert_true(pending(A, a));

	/* Closing one end leaves the other waiting for ourselves again. */
	assert_int_equal(close_port(A, a), 0);
	assert_int_equal(status_of(A, b).status, EVTCHNSTAT_unbound);
	assert_int_equal(status_of(A, b).u.unbound.dom, 0);
	check_tables("loopback closed");
}

static void test_bind_interdomain_errors(void **state)
{
	evtchn_port_t lp = 0xdead, other = must_alloc(B, 7), own = must_alloc(B, 0);
	evtchn_port_t virq = 0, ipi = 0, c_end, b_end = 0;
	static struct dom snap[NR_DOMS];

	assert_int_equal(evtchn_bind_virq(B, VIRQ_DOM_EXC, 0, &virq), 0);
	assert_int_equal(evtchn_bind_ipi(B, 3, &ipi), 0);
	c_end = must_connect(C, B, &b_end);
	memcpy(snap, doms, sizeof(doms));

	/* Out of range, reserved, free: no such unbound port. */
	assert_int_equal(bind_interdomain(A, B, EVTCHN_NR_PORTS, &lp), -EINVAL);
	assert_int_equal(bind_interdomain(A, B, UINT32_MAX, &lp), -EINVAL);
	assert_int_equal(bind_interdomain(A, B, 0, &lp), -EINVAL);
	assert_int_equal(bind_interdomain(A, B, 100, &lp), -EINVAL);
	/* Unbound, but reserved for another domain (C), not A. */
	assert_int_equal(bind_interdomain(A, B, other, &lp), -EINVAL);
	/* Not unbound: VIRQ, IPI, either end of a link. */
	assert_int_equal(bind_interdomain(A, B, virq, &lp), -EINVAL);
	assert_int_equal(bind_interdomain(A, B, ipi, &lp), -EINVAL);
	assert_int_equal(bind_interdomain(A, B, b_end, &lp), -EINVAL);
	assert_int_equal(bind_interdomain(A, C, c_end, &lp), -EINVAL);
	/* B's own port waits for d0 (A), not for B: B cannot take it. */
	assert_int_equal(bind_interdomain(B, B, own, &lp), -EINVAL);
	/* A refusal changes nothing, not even the pending bits. */
	assert_memory_equal(snap, doms, sizeof(doms));
	assert_int_equal(lp, 0xdead);

	/* Once A has taken the port, a second bind to it is refused. */
	assert_int_equal(bind_interdomain(A, B, own, &lp), 0);
	memcpy(snap, doms, sizeof(doms));
	assert_int_equal(bind_interdomain(A, B, own, &lp), -EINVAL);
	assert_memory_equal(snap, doms, sizeof(doms));
	check_tables("after refusals");
}

/* ---- send ------------------------------------------------------------------ */

static void test_send_interdomain_raises_peer(void **state)
{
	evtchn_port_t bp, cp = must_connect(C, B, &bp);

	memset(doms[1].kicks, 0, sizeof(doms[1].kicks));
	assert_int_equal(send(C, cp), 0);
	assert_true(pending(B, bp));
	assert_int_equal(doms[1].s.vcpu_info[0].evtchn_pending_sel, 1UL << (bp / 64));
	assert_int_equal(doms[1].kicks[0], 1);

	/* After the peer moves its port, events go to the new vCPU. */
	assert_int_equal(evtchn_bind_vcpu(B, bp, 3), 0);
	evtchn_2l_clear_pending(&doms[1].s, bp);
	memset(&doms[1].s.vcpu_info[0], 0, sizeof(struct vcpu_info));
	assert_int_equal(send(C, cp), 0);
	assert_int_equal(doms[1].kicks[3], 1);
	assert_int_equal(doms[1].s.vcpu_info[3].evtchn_upcall_pending, 1);
	assert_int_equal(doms[1].s.vcpu_info[0].evtchn_upcall_pending, 0);

	/* The reverse direction. */
	evtchn_2l_clear_pending(&doms[2].s, cp);
	assert_int_equal(send(B, bp), 0);
	assert_true(pending(C, cp));
}

static void test_send_ipi_raises_own_port_on_bound_vcpu(void **state)
{
	evtchn_port_t p = 0;

	assert_int_equal(evtchn_bind_ipi(B, 2, &p), 0);
	assert_int_equal(send(B, p), 0);
	assert_true(pending(B, p));
	assert_int_equal(doms[1].kicks[2], 1);
	assert_int_equal(doms[1].s.vcpu_info[2].evtchn_upcall_pending, 1);
	/* A masked IPI stays quiet until it is unmasked. */
	evtchn_2l_clear_pending(&doms[1].s, p);
	doms[1].s.vcpu_info[2].evtchn_upcall_pending = 0;
	doms[1].s.vcpu_info[2].evtchn_pending_sel = 0;
	doms[1].s.evtchn_mask[p / 64] |= 1UL << (p % 64);
	assert_int_equal(send(B, p), 0);
	assert_true(pending(B, p));
	assert_int_equal(doms[1].s.vcpu_info[2].evtchn_upcall_pending, 0);
}

static void test_send_unbound_is_dropped(void **state)
{
	evtchn_port_t p = must_alloc(C, 1);
	struct evtchn_raise r = { .table = C };
	static struct dom snap[NR_DOMS];

	memcpy(snap, doms, sizeof(doms));
	assert_int_equal(evtchn_send(C, p, &r), 0);
	assert_null(r.table);
	assert_int_equal(send(C, p), 0);
	assert_memory_equal(snap, doms, sizeof(doms));
}

static void test_send_errors(void **state)
{
	evtchn_port_t virq = 0;
	struct evtchn_raise r;

	assert_int_equal(evtchn_bind_virq(A, VIRQ_TIMER, 1, &virq), 0);
	assert_int_equal(send(A, 0), -EINVAL);			/* reserved */
	assert_int_equal(send(A, 5), -EINVAL);			/* free */
	assert_int_equal(send(A, virq), -EINVAL);		/* VIRQ */
	assert_int_equal(send(A, EVTCHN_NR_PORTS), -EINVAL);	/* out of range */
	assert_int_equal(send(A, UINT32_MAX), -EINVAL);
	assert_int_equal(evtchn_send(A, virq, &r), -EINVAL);
	assert_false(pending(A, virq));
}

/* ---- VIRQs ----------------------------------------------------------------- */

static void test_bind_virq_per_vcpu(void **state)
{
	evtchn_port_t p0 = 0, p1 = 0, p = 0;
	struct evtchn_status st;
	struct evtchn_raise r;

	assert_int_equal(evtchn_bind_virq(A, VIRQ_TIMER, 0, &p0), 0);
	assert_int_equal(evtchn_bind_virq(A, VIRQ_TIMER, 1, &p1), 0);
	assert_int_not_equal(p0, p1);
	st = status_of(A, p1);
	assert_int_equal(st.status, EVTCHNSTAT_virq);
	assert_int_equal(st.vcpu, 1);
	assert_int_equal(st.u.virq, VIRQ_TIMER);
	assert_int_equal(A->virq_to_port[1][VIRQ_TIMER], p1);

	/* Once per vCPU. */
	assert_int_equal(evtchn_bind_virq(A, VIRQ_TIMER, 1, &p), -EEXIST);
	assert_int_equal(evtchn_bind_virq(A, VIRQ_DEBUG, 1, &p), 0);
	assert_int_equal(evtchn_bind_virq(A, VIRQ_DEBUG, 1, &p), -EEXIST);
	/* A vCPU that does not exist. */
	assert_int_equal(evtchn_bind_virq(A, VIRQ_TIMER, 2, &p), -ENOENT);
	assert_int_equal(evtchn_bind_virq(A, VIRQ_XENPMU, UINT32_MAX, &p), -ENOENT);

	/* The timer on vCPU 1 raises p1 for vCPU 1. */
	assert_true(evtchn_virq_target(A, VIRQ_TIMER, 1, &r));
	assert_ptr_equal(r.table, A);
	assert_int_equal(r.port, p1);
	assert_int_equal(r.vcpu, 1);
	do_raise(&r);
	assert_true(pending(A, p1));
	assert_int_equal(doms[0].kicks[1], 1);
	check_tables("per-vCPU VIRQs");
}

static void test_bind_virq_global(void **state)
{
	evtchn_port_t p = 0, q = 0;
	struct evtchn_raise r;

	/* Global VIRQs bind on vCPU 0 only (-EINVAL before -ENOENT, as Xen). */
	assert_int_equal(evtchn_bind_virq(B, VIRQ_DOM_EXC, 1, &p), -EINVAL);
	assert_int_equal(evtchn_bind_virq(B, VIRQ_DOM_EXC, 99, &p), -EINVAL);
	assert_int_equal(evtchn_bind_virq(B, VIRQ_DOM_EXC, 0, &p), 0);
	assert_int_equal(evtchn_bind_virq(B, VIRQ_DOM_EXC, 0, &q), -EEXIST);
	assert_int_equal(evtchn_bind_virq(B, VIRQ_ARCH_0, 0, &q), 0);	/* x86: global */
	assert_int_equal(evtchn_bind_virq(B, VIRQ_ARCH_0, 2, &q), -EINVAL);

	/* Moved to vCPU 3: still one binding, in row 0, notifying vCPU 3. */
	assert_int_equal(evtchn_bind_vcpu(B, p, 3), 0);
	assert_int_equal(status_of(B, p).vcpu, 3);
	assert_int_equal(evtchn_bind_virq(B, VIRQ_DOM_EXC, 0, &q), -EEXIST);
	assert_true(evtchn_virq_target(B, VIRQ_DOM_EXC, 2, &r));	/* vCPU ignored */
	assert_int_equal(r.port, p);
	assert_int_equal(r.vcpu, 3);
	check_tables("global VIRQ moved");

	/* Closing frees the binding: it can be made again. */
	assert_int_equal(close_port(B, p), 0);
	assert_false(evtchn_virq_target(B, VIRQ_DOM_EXC, 0, &r));
	assert_int_equal(evtchn_bind_virq(B, VIRQ_DOM_EXC, 0, &q), 0);
	assert_int_equal(q, p);
}

static void test_bind_virq_range(void **state)
{
	evtchn_port_t p = 0;

	assert_int_equal(evtchn_bind_virq(A, NR_VIRQS, 0, &p), -EINVAL);
	assert_int_equal(evtchn_bind_virq(A, UINT32_MAX, 0, &p), -EINVAL);
	assert_int_equal(evtchn_bind_virq(A, NR_VIRQS - 1, 0, &p), 0);
	/* The per-vCPU set is exactly public/xen.h's "V." list. */
	for (uint32_t v = 0; v < NR_VIRQS; v++)
		assert_int_equal(evtchn_virq_is_per_vcpu(v),
				 v == VIRQ_TIMER || v == VIRQ_DEBUG || v == VIRQ_XENOPROF ||
				 v == VIRQ_XENPMU);
}

static void test_virq_target_unbound(void **state)
{
	struct evtchn_raise r = { .port = 1234 };

	assert_false(evtchn_virq_target(A, VIRQ_TIMER, 0, &r));
	assert_false(evtchn_virq_target(A, VIRQ_CONSOLE, 0, &r));
	assert_false(evtchn_virq_target(A, NR_VIRQS, 0, &r));
	assert_false(evtchn_virq_target(A, VIRQ_TIMER, 2, &r));	/* no vCPU 2 */
	assert_int_equal(r.port, 1234);
}

static void test_close_per_vcpu_virq_clears_only_its_slot(void **state)
{
	evtchn_port_t p[4];

	for (unsigned int v = 0; v < 4; v++)
		assert_int_equal(evtchn_bind_virq(B, VIRQ_TIMER, v, &p[v]), 0);
	assert_int_equal(close_port(B, p[2]), 0);
	assert_int_equal(B->virq_to_port[2][VIRQ_TIMER], 0);
	for (unsigned int v = 0; v < 4; v++) {
		if (v != 2)
			assert_int_equal(B->virq_to_port[v][VIRQ_TIMER], p[v]);
	}
	assert_int_equal(evtchn_bind_virq(B, VIRQ_TIMER, 2, &p[2]), 0);
	check_tables("VIRQ re-bound");
}

/* ---- IPIs ------------------------------------------------------------------ */

static void test_bind_ipi(void **state)
{
	evtchn_port_t p = 0, q = 0;

	assert_int_equal(evtchn_bind_ipi(B, 3, &p), 0);
	assert_status(B, p, EVTCHNSTAT_ipi, 3);
	/* Any number of IPI ports per vCPU. */
	assert_int_equal(evtchn_bind_ipi(B, 3, &q), 0);
	assert_int_not_equal(p, q);
	assert_int_equal(evtchn_bind_ipi(B, 4, &q), -ENOENT);
	assert_int_equal(evtchn_bind_ipi(B, UINT32_MAX, &q), -ENOENT);
	check_tables("IPIs");
}

static void test_bind_pirq(void **state)
{
	evtchn_port_t p = 0, q = 0;
	struct evtchn_raise r = { NULL, 0, 0 };
	struct evtchn_status st;

	assert_int_equal(evtchn_bind_pirq(A, 8, &p), 0);
	st = status_of(A, p);
	assert_int_equal(st.status, EVTCHNSTAT_pirq);
	assert_int_equal(st.u.pirq, 8);
	assert_int_equal(st.vcpu, 0);
	/* The interrupt finds its port, and only while it still is that PIRQ's. */
	assert_true(evtchn_pirq_target(A, p, 8, &r));
	assert_ptr_equal(r.table, A);
	assert_int_equal(r.port, p);
	assert_int_equal(r.vcpu, 0);
	assert_false(evtchn_pirq_target(A, p, 9, &r));
	assert_false(evtchn_pirq_target(A, p + 1, 8, &r));
	assert_false(evtchn_pirq_target(A, EVTCHN_NR_PORTS, 8, &r));
	/* It may move to another vCPU; guests cannot send on it. */
	assert_int_equal(evtchn_bind_vcpu(A, p, 1), 0);
	assert_true(evtchn_pirq_target(A, p, 8, &r));
	assert_int_equal(r.vcpu, 1);
	assert_int_equal(evtchn_send(A, p, &r), -EINVAL);
	/* Closing frees it; the interrupt then finds nothing. */
	assert_int_equal(close_port(A, p), 0);
	assert_false(evtchn_pirq_target(A, p, 8, &r));
	assert_status(A, p, EVTCHNSTAT_closed, 0);
	/* Ports run out like any other binding. */
	init_doms((const unsigned int[NR_DOMS]){ 2, 2, 2 });
	assert_int_equal(evtchn_bind_pirq(A, 1, &q), 0);
	assert_int_equal(evtchn_bind_pirq(A, 2, &q), -ENOSPC);
}

/* ---- close ----------------------------------------------------------------- */

static void test_close_each_state_frees(void **state)
{
	evtchn_port_t ports[4], bp;

	ports[0] = must_alloc(A, 1);
	assert_int_equal(evtchn_bind_virq(A, VIRQ_CONSOLE, 0, &ports[1]), 0);
	assert_int_equal(evtchn_bind_ipi(A, 1, &ports[2]), 0);
	ports[3] = must_connect(A, B, &bp);
	assert_true(pending(A, ports[3]));	/* from the bind */

	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(close_port(A, ports[i]), 0);
		assert_status(A, ports[i], EVTCHNSTAT_closed, 0);
		assert_int_equal(A->port[ports[i]].state, ECS_FREE);
		assert_false(pending(A, ports[i]));
		/* Twice is an error. */
		assert_int_equal(close_port(A, ports[i]), -EINVAL);
	}
	check_tables("all closed");
	/* Reuse starts from the lowest again. */
	assert_int_equal(must_alloc(A, 1), 1);
}

static void test_close_errors(void **state)
{
	assert_int_equal(close_port(A, 0), -EINVAL);		/* reserved */
	assert_int_equal(close_port(A, 1), -EINVAL);		/* free */
	assert_int_equal(close_port(A, EVTCHN_NR_PORTS), -EINVAL);
	assert_int_equal(close_port(A, UINT32_MAX), -EINVAL);
	assert_int_equal(A->port[0].state, ECS_RESERVED);
}

static void test_close_interdomain_makes_peer_unbound(void **state)
{
	evtchn_port_t fp = 0, bp = must_connect(B, C, &fp), bp2 = 0;
	struct evtchn_status st;

	/* Backend B closes (device removal): the frontend waits for B again. */
	assert_int_equal(close_port(B, bp), 0);
	assert_status(B, bp, EVTCHNSTAT_closed, 0);
	st = status_of(C, fp);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 1);
	assert_null(evtchn_peer(C, fp));
	check_tables("peer unbound");

	/* The frontend's sends vanish now, successfully. */
	assert_int_equal(send(C, fp), 0);
	assert_false(pending(B, bp));

	/* A restarted backend binds again; A may not. */
	assert_int_equal(bind_interdomain(A, C, fp, &bp2), -EINVAL);
	assert_int_equal(bind_interdomain(B, C, fp, &bp2), 0);
	assert_int_equal(bp2, bp);
	assert_true(pending(B, bp2));
	check_tables("re-bound");

	/* And the other way: the frontend dies; the backend waits for it. */
	assert_int_equal(close_port(C, fp), 0);
	st = status_of(B, bp2);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 7);
}

static void test_close_keeps_peer_vcpu(void **state)
{
	evtchn_port_t fp = 0, bp = must_connect(B, C, &fp);

	assert_int_equal(evtchn_bind_vcpu(B, bp, 2), 0);
	assert_int_equal(close_port(C, fp), 0);
	assert_status(B, bp, EVTCHNSTAT_unbound, 2);
}

static void test_close_broken_link_is_a_bug(void **state)
{
	evtchn_port_t fp = 0, bp = must_connect(B, C, &fp);

	C->port[fp].remote_port = fp + 1;	/* a hypervisor bug, not a guest's */
	expect_bug_about(evtchn_close(B, bp), "remote_port");
}

/* ---- status ---------------------------------------------------------------- */

static void test_status_fields(void **state)
{
	evtchn_port_t p = 0;
	struct evtchn_status st;

	assert_int_equal(evtchn_bind_ipi(A, 1, &p), 0);
	st = status_of(A, p);
	assert_int_equal(st.status, EVTCHNSTAT_ipi);
	assert_int_equal(st.vcpu, 1);
	/* The union carries nothing for an IPI: zeroed, not left as it came. */
	assert_int_equal(st.u.interdomain.dom, 0);
	assert_int_equal(st.u.interdomain.port, 0);
	assert_int_equal(evtchn_status(A, EVTCHN_NR_PORTS, &st), -EINVAL);
	assert_int_equal(evtchn_status(A, UINT32_MAX, &st), -EINVAL);
}

/* ---- bind_vcpu ------------------------------------------------------------- */

static void test_bind_vcpu_rules(void **state)
{
	evtchn_port_t unb = must_alloc(B, 0), cp, idp = must_connect(B, C, &cp);
	evtchn_port_t gvirq = 0, pvirq = 0, ipi = 0;

	assert_int_equal(evtchn_bind_virq(B, VIRQ_CON_RING, 0, &gvirq), 0);
	assert_int_equal(evtchn_bind_virq(B, VIRQ_DEBUG, 1, &pvirq), 0);
	assert_int_equal(evtchn_bind_ipi(B, 1, &ipi), 0);

	/* Allowed: unbound, interdomain, global VIRQ. */
	assert_int_equal(evtchn_bind_vcpu(B, unb, 3), 0);
	assert_status(B, unb, EVTCHNSTAT_unbound, 3);
	assert_int_equal(evtchn_bind_vcpu(B, idp, 2), 0);
	assert_status(B, idp, EVTCHNSTAT_interdomain, 2);
	assert_int_equal(evtchn_bind_vcpu(B, gvirq, 1), 0);
	assert_status(B, gvirq, EVTCHNSTAT_virq, 1);
	assert_int_equal(evtchn_bind_vcpu(B, gvirq, 0), 0);
	assert_status(B, gvirq, EVTCHNSTAT_virq, 0);

	/* Fixed at bind time: IPI and per-vCPU VIRQ. Not open: free, reserved. */
	assert_int_equal(evtchn_bind_vcpu(B, ipi, 0), -EINVAL);
	assert_status(B, ipi, EVTCHNSTAT_ipi, 1);
	assert_int_equal(evtchn_bind_vcpu(B, pvirq, 0), -EINVAL);
	assert_status(B, pvirq, EVTCHNSTAT_virq, 1);
	assert_int_equal(evtchn_bind_vcpu(B, 100, 0), -EINVAL);
	assert_int_equal(evtchn_bind_vcpu(B, 0, 0), -EINVAL);
	assert_int_equal(evtchn_bind_vcpu(B, EVTCHN_NR_PORTS, 0), -EINVAL);

	/* The vCPU is checked first: -ENOENT even for a bad port. */
	assert_int_equal(evtchn_bind_vcpu(B, unb, 4), -ENOENT);
	assert_int_equal(evtchn_bind_vcpu(B, UINT32_MAX, 4), -ENOENT);
	assert_status(B, unb, EVTCHNSTAT_unbound, 3);
	check_tables("rebound vCPUs");

	/* A freed and reused port notifies vCPU 0 again. */
	assert_int_equal(close_port(B, unb), 0);
	assert_int_equal(must_alloc(B, 0), unb);
	assert_status(B, unb, EVTCHNSTAT_unbound, 0);
}

/* ---- unmask ---------------------------------------------------------------- */

static void test_unmask_reraises_on_notify_vcpu(void **state)
{
	evtchn_port_t p = 0, bp;
	struct vcpu_info *vi = &doms[1].s.vcpu_info[2];
	int rc;

	p = must_connect(B, C, &bp);
	assert_int_equal(evtchn_bind_vcpu(B, p, 2), 0);
	evtchn_2l_clear_pending(&doms[1].s, p);
	memset(doms[1].s.vcpu_info, 0, sizeof(doms[1].s.vcpu_info));
	doms[1].s.evtchn_mask[p / 64] |= 1UL << (p % 64);

	assert_int_equal(send(C, bp), 0);
	assert_true(pending(B, p));
	assert_int_equal(vi->evtchn_upcall_pending, 0);
	assert_true(unmask(B, p, &rc));
	assert_int_equal(rc, 0);
	assert_false(evtchn_2l_is_masked(&doms[1].s, p));
	assert_int_equal(vi->evtchn_upcall_pending, 1);
	assert_int_equal(vi->evtchn_pending_sel, 1UL << (p / 64));
}

static void test_unmask_any_valid_port(void **state)
{
	int rc;

	/* Free and reserved ports too: the mask bit is the guest's own. */
	doms[0].s.evtchn_mask[0] = ~0UL;
	assert_false(unmask(A, 5, &rc));
	assert_int_equal(rc, 0);
	assert_false(unmask(A, 0, &rc));
	assert_int_equal(rc, 0);
	assert_int_equal(doms[0].s.evtchn_mask[0], ~0UL & ~0x21UL);
	unmask(A, EVTCHN_NR_PORTS, &rc);
	assert_int_equal(rc, -EINVAL);
}

/* ---- reset ----------------------------------------------------------------- */

static void test_reset_closes_everything(void **state)
{
	evtchn_port_t p, cpeer, bpeer, a_loop, unb_in_c;

	for (unsigned int i = 0; i < 50; i++)
		must_alloc(A, 1);
	assert_int_equal(evtchn_bind_virq(A, VIRQ_TIMER, 1, &p), 0);
	assert_int_equal(evtchn_bind_virq(A, VIRQ_CONSOLE, 0, &p), 0);
	assert_int_equal(evtchn_bind_ipi(A, 0, &p), 0);
	must_connect(A, C, &cpeer);			/* A binds C's port */
	p = must_connect(B, A, NULL);			/* B binds A's port */
	bpeer = p;
	a_loop = must_connect(A, A, NULL);		/* loopback in A */
	unb_in_c = must_alloc(C, 0);			/* C's port waiting for A: untouched */
	check_tables("before reset");

	evtchn_reset(A);
	check_tables("after reset");
	for (evtchn_port_t q = 1; q < EVTCHN_NR_PORTS; q++)
		assert_int_equal(A->port[q].state, ECS_FREE);
	assert_int_equal(A->port[0].state, ECS_RESERVED);
	for (unsigned int v = 0; v < EVTCHN_MAX_VCPUS; v++)
		for (unsigned int q = 0; q < NR_VIRQS; q++)
			assert_int_equal(A->virq_to_port[v][q], 0);
	/* Peers wait for A again. */
	assert_int_equal(status_of(C, cpeer).status, EVTCHNSTAT_unbound);
	assert_int_equal(status_of(C, cpeer).u.unbound.dom, 0);
	assert_int_equal(status_of(B, bpeer).status, EVTCHNSTAT_unbound);
	assert_int_equal(status_of(B, bpeer).u.unbound.dom, 0);
	assert_int_equal(status_of(C, unb_in_c).status, EVTCHNSTAT_unbound);
	(void)a_loop;

	/* Allocation starts over, and everything binds again. */
	assert_int_equal(must_alloc(A, 1), 1);
	assert_int_equal(evtchn_bind_virq(A, VIRQ_TIMER, 1, &p), 0);
	assert_int_equal(bind_interdomain(A, C, unb_in_c, &p), 0);
	assert_int_equal(bind_interdomain(A, C, cpeer, &p), 0);
	check_tables("re-bound after reset");
}

static void test_peer_lookup(void **state)
{
	evtchn_port_t bp, ap = must_connect(A, B, &bp), ipi = 0;

	assert_int_equal(evtchn_bind_ipi(A, 0, &ipi), 0);
	assert_ptr_equal(evtchn_peer(A, ap), B);
	assert_ptr_equal(evtchn_peer(B, bp), A);
	assert_null(evtchn_peer(A, ipi));
	assert_null(evtchn_peer(A, 0));
	assert_null(evtchn_peer(A, 999));
	assert_null(evtchn_peer(A, EVTCHN_NR_PORTS));
}

/* ---- the random run --------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static evtchn_port_t lowest_free(const struct evtchn_table *t)
{
	for (evtchn_port_t p = 1; p < t->max_ports; p++) {
		if (t->port[p].state == ECS_FREE)
			return p;
	}
	return 0;
}

/*
 * A port number worth trying: mostly among (or just above) the ports in
 * use, sometimes anywhere in range, sometimes just past it.
 */
static evtchn_port_t pick_port(const struct evtchn_table *t)
{
	evtchn_port_t top = 1;

	for (evtchn_port_t p = 1; p < t->max_ports; p++) {
		if (t->port[p].state != ECS_FREE)
			top = p + 1;
	}
	switch (rnd(10)) {
	case 0:
		return t->max_ports + rnd(3);
	case 1:
		return rnd(t->max_ports);
	default:
		return rnd(min(top + 2, t->max_ports));
	}
}

/* An unbound port of @r waiting for @t, or a random one. */
static evtchn_port_t pick_remote_port(const struct evtchn_table *t, const struct evtchn_table *r)
{
	evtchn_port_t start = 1 + rnd(r->max_ports - 1);

	if (rnd(4)) {
		for (evtchn_port_t i = 0; i < r->max_ports - 1; i++) {
			evtchn_port_t p = 1 + (start - 1 + i) % (r->max_ports - 1);

			if (r->port[p].state == ECS_UNBOUND && r->port[p].remote_domid == t->domid)
				return p;
		}
	}
	return pick_port(r);
}

static const domid_t remote_choices[] = { 0, 1, 7, 5 };

struct counts {
	unsigned int ok, refused, enospc, interdomain, closes_linked, resets;
};

/*
 * One random operation on random tables, its return code predicted from
 * the state before it, and its visible effect checked after. A refusal
 * must leave every table exactly as it was.
 */
static void random_step(unsigned int step, struct counts *n)
{
	static struct dom snap[NR_DOMS];
	struct evtchn_table *t = &doms[rnd(NR_DOMS)].t, *r = &doms[rnd(NR_DOMS)].t;
	evtchn_port_t port = pick_port(t), got = 0, free_port = lowest_free(t);
	const struct evtchn *chn = port < EVTCHN_NR_PORTS ? &t->port[port] : NULL;
	bool valid = port < t->max_ports;
	uint32_t vcpu = rnd(t->nr_vcpus + 1), virq = rnd(NR_VIRQS + 1);
	struct evtchn_raise ra;
	unsigned int op = rnd(100);
	int rc, want;

	memcpy(snap, doms, sizeof(doms));
	if (op < 20) {
		domid_t rem = remote_choices[rnd(ARRAY_SIZE(remote_choices))];

		want = free_port ? 0 : -ENOSPC;
		rc = evtchn_alloc_unbound(t, rem, &got);
		if (!rc && (got != free_port || t->port[got].remote_domid != rem))
			fail_msg("step %u: alloc_unbound gave %u, want %u", step, got, free_port);
	} else if (op < 40) {
		evtchn_port_t rp = pick_remote_port(t, r);
		const struct evtchn *rc_chn;

		rc_chn = rp < r->max_ports ? &r->port[rp] : NULL;
		want = !rc_chn || rc_chn->state != ECS_UNBOUND || rc_chn->remote_domid != t->domid ?
			-EINVAL : free_port ? 0 : -ENOSPC;
		rc = evtchn_bind_interdomain(t, r, rp, &got, &ra);
		if (!rc) {
			if (got != free_port || ra.table != t || ra.port != got ||
			    evtchn_peer(t, got) != r || r->port[rp].remote_port != got)
				fail_msg("step %u: bind_interdomain d%u:%u gave %u", step,
					 r->domid, rp, got);
			n->interdomain++;
		}
	} else if (op < 48) {
		evtchn_port_t slotted = virq < NR_VIRQS && vcpu < EVTCHN_MAX_VCPUS ?
			t->virq_to_port[evtchn_virq_is_per_vcpu(virq) ? vcpu : 0][virq] : 0;

		if (virq >= NR_VIRQS || (!evtchn_virq_is_per_vcpu(virq) && vcpu != 0))
			want = -EINVAL;
		else if (vcpu >= t->nr_vcpus)
			want = -ENOENT;
		else if (slotted)
			want = -EEXIST;
		else
			want = free_port ? 0 : -ENOSPC;
		rc = evtchn_bind_virq(t, virq, vcpu, &got);
		if (!rc && (got != free_port || t->port[got].notify_vcpu != vcpu))
			fail_msg("step %u: bind_virq gave %u", step, got);
	} else if (op < 54) {
		want = vcpu >= t->nr_vcpus ? -ENOENT : free_port ? 0 : -ENOSPC;
		rc = evtchn_bind_ipi(t, vcpu, &got);
		if (!rc && (got != free_port || t->port[got].notify_vcpu != vcpu))
			fail_msg("step %u: bind_ipi gave %u", step, got);
	} else if (op < 74) {
		struct evtchn_table *peer = evtchn_peer(t, port);
		evtchn_port_t pp = peer ? chn->remote_port : 0;

		want = !valid || chn->state == ECS_FREE || chn->state == ECS_RESERVED ?
			-EINVAL : 0;
		rc = close_port(t, port);
		if (!rc && t->port[port].state != ECS_FREE)
			fail_msg("step %u: closed port %u not free", step, port);
		if (!rc && peer) {
			if (peer->port[pp].state != ECS_UNBOUND ||
			    peer->port[pp].remote_domid != t->domid)
				fail_msg("step %u: peer of closed port not unbound", step);
			n->closes_linked++;
		}
	} else if (op < 86) {
		want = valid && (chn->state == ECS_INTERDOMAIN || chn->state == ECS_IPI ||
				 chn->state == ECS_UNBOUND) ? 0 : -EINVAL;
		rc = evtchn_send(t, port, &ra);
		if (!rc && chn->state == ECS_UNBOUND && ra.table)
			fail_msg("step %u: send on unbound raised something", step);
		if (!rc && chn->state == ECS_IPI &&
		    (ra.table != t || ra.port != port || ra.vcpu != chn->notify_vcpu))
			fail_msg("step %u: IPI send aimed wrong", step);
		if (!rc && chn->state == ECS_INTERDOMAIN &&
		    (ra.table != chn->remote || ra.port != chn->remote_port))
			fail_msg("step %u: interdomain send aimed wrong", step);
		if (!rc) {
			do_raise(&ra);
			if (ra.table && !pending(ra.table, ra.port))
				fail_msg("step %u: send left the target not pending", step);
		}
	} else if (op < 94) {
		if (vcpu >= t->nr_vcpus)
			want = -ENOENT;
		else if (!valid)
			want = -EINVAL;
		else if (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN ||
			 (chn->state == ECS_VIRQ && !evtchn_virq_is_per_vcpu(chn->virq)))
			want = 0;
		else
			want = -EINVAL;
		rc = evtchn_bind_vcpu(t, port, vcpu);
		if (!rc && t->port[port].notify_vcpu != vcpu)
			fail_msg("step %u: bind_vcpu did not move port %u", step, port);
	} else if (op < 99) {
		struct evtchn_status st;

		want = valid ? 0 : -EINVAL;
		rc = evtchn_status(t, port, &st);
		if (!rc && st.vcpu != chn->notify_vcpu)
			fail_msg("step %u: status vcpu wrong", step);
		rc = rc ? rc : evtchn_unmask(t, port, &ra);
	} else if (rnd(3)) {
		want = rc = 0;		/* keep resets rare: they undo everything */
	} else {
		/* Reset needs every peer: fine here, single-threaded. */
		evtchn_reset(t);
		for (evtchn_port_t p = 1; p < t->max_ports; p++)
			evtchn_2l_clear_pending(&dom_of(t)->s, p);
		if (lowest_free(t) != (t->max_ports > 1 ? 1 : 0))
			fail_msg("step %u: reset left ports open", step);
		n->resets++;
		want = rc = 0;
	}

	if (rc != want)
		fail_msg("step %u: op %u on d%u port %u returned %d, expected %d", step, op,
			 t->domid, port, rc, want);
	if (rc) {
		n->refused++;
		n->enospc += rc == -ENOSPC;
		if (memcmp(snap, doms, sizeof(doms)))
			fail_msg("step %u: refused op %u changed state", step, op);
	} else {
		n->ok++;
	}
	check_tables("random step");
}

static void test_random_invariants(void **state)
{
	/* Small tables so that they fill up; one full-size one. */
	static const unsigned int sizes[NR_DOMS] = { 24, 40, EVTCHN_NR_PORTS };
	struct counts n = { 0 };

	init_doms(sizes);
	for (unsigned int step = 0; step < 20000; step++)
		random_step(step, &n);
	print_message("# random run: %u ok, %u refused (%u ENOSPC), %u links, "
		      "%u linked closes, %u resets\n", n.ok, n.refused, n.enospc,
		      n.interdomain, n.closes_linked, n.resets);
	if (n.interdomain < 1000 || n.closes_linked < 300 || n.enospc < 300 ||
	    n.refused < 3000 || n.resets < 20)
		fail_msg("weak run: %u ok, %u refused (%u ENOSPC), %u links, %u linked closes, "
			 "%u resets", n.ok, n.refused, n.enospc, n.interdomain, n.closes_linked,
			 n.resets);
}

#define CASE(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(test_init_state),
		CASE(test_init_clamps_and_checks),
		CASE(test_alloc_lowest_free_first),
		CASE(test_every_bind_takes_lowest_free),
		CASE(test_exhaustion_at_4096),
		CASE(test_max_ports_limit),
		CASE(test_alloc_unbound_status),
		CASE(test_bind_interdomain_links_both_ends),
		CASE(test_bind_interdomain_loopback),
		CASE(test_bind_interdomain_errors),
		CASE(test_send_interdomain_raises_peer),
		CASE(test_send_ipi_raises_own_port_on_bound_vcpu),
		CASE(test_send_unbound_is_dropped),
		CASE(test_send_errors),
		CASE(test_bind_virq_per_vcpu),
		CASE(test_bind_virq_global),
		CASE(test_bind_virq_range),
		CASE(test_virq_target_unbound),
		CASE(test_close_per_vcpu_virq_clears_only_its_slot),
		CASE(test_bind_ipi),
		CASE(test_bind_pirq),
		CASE(test_close_each_state_frees),
		CASE(test_close_errors),
		CASE(test_close_interdomain_makes_peer_unbound),
		CASE(test_close_keeps_peer_vcpu),
		CASE(test_close_broken_link_is_a_bug),
		CASE(test_status_fields),
		CASE(test_bind_vcpu_rules),
		CASE(test_unmask_reraises_on_notify_vcpu),
		CASE(test_unmask_any_valid_port),
		CASE(test_reset_closes_everything),
		CASE(test_peer_lookup),
		CASE(test_random_invariants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

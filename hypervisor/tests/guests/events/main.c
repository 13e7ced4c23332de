// SPDX-License-Identifier: GPL-2.0-only
/*
 * events: event_channel_op (32) with the 2-level ABI, VIRQ_TIMER and the
 * vCPU timers, SCHEDOP_block/poll, vcpu_op runstate and the pvclock
 * (pv-abi-core.md 5). Every case runs on vCPU 0 of dom0, with shared_info
 * mapped and the event callback registered; the callback records which
 * ports it saw and when, and clears what it handled, as Linux does.
 *
 * Ward vs Xen (ref=xen): Xen offers FIFO events (EVTCHNOP_init_control
 * succeeds, so that case runs last); Ward answers -ENOSYS (design 5.5).
 */
#include "events.h"

const char test_title[] = "events: event channels, timers, block, poll";

volatile unsigned int nr_upcalls;
volatile uint16_t port_events[NR_PORTS];
volatile uint64_t port_last_ns[NR_PORTS];
volatile struct vcpu_info *vi;

uint64_t now_ns(void)
{
	return pvclock_ns(&vi->time);
}

static void upcall_hook(struct trap_frame *f)
{
	uint64_t sel, bits, now = now_ns();
	unsigned int w, b;

	if ((f->vector & ~TRAP_HAS_EC) != VEC_EVENT)
		test_error("unexpected callback 0x%lx", f->vector);
	nr_upcalls++;
	vi->evtchn_upcall_pending = 0;
	sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		w = __builtin_ctzl(sel);
		sel &= sel - 1;
		bits = shared_info->evtchn_pending[w] & ~shared_info->evtchn_mask[w];
		while (bits) {
			b = __builtin_ctzl(bits);
			bits &= bits - 1;
			__atomic_fetch_and(&shared_info->evtchn_pending[w],
					   ~(1UL << b), __ATOMIC_SEQ_CST);
			port_events[w * 64 + b]++;
			port_last_ns[w * 64 + b] = now;
		}
	}
}

void events_on(void)
{
	vi->evtchn_upcall_mask = 0;
	barrier();
	/* Delivery happens on the way out of a hypercall. */
	if (vi->evtchn_upcall_pending)
		HYPERVISOR_xen_version(XENVER_version, NULL);
}

void events_off(void)
{
	vi->evtchn_upcall_mask = 1;
	barrier();
}

void spin_ns(uint64_t ns)
{
	uint64_t end = now_ns() + ns;

	events_on();
	while (now_ns() < end)
		cpu_relax();
	events_off();
}

bool wait_port(evtchn_port_t port, uint64_t ns)
{
	uint16_t before = port_events[port];
	uint64_t end = now_ns() + ns;

	events_on();
	while (port_events[port] == before && now_ns() < end)
		cpu_relax();
	events_off();
	return port_events[port] != before;
}

void events_reset(void)
{
	unsigned int i;

	events_off();
	for (i = 0; i < ARRAY_SIZE(shared_info->evtchn_pending); i++)
		shared_info->evtchn_pending[i] = 0;
	vi->evtchn_pending_sel = 0;
	vi->evtchn_upcall_pending = 0;
	for (i = 0; i < NR_PORTS; i++)
		port_events[i] = 0;
	nr_upcalls = 0;
}

void port_mask(evtchn_port_t port, bool masked)
{
	if (masked)
		__atomic_fetch_or(&shared_info->evtchn_mask[port / 64],
				  1UL << (port % 64), __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&shared_info->evtchn_mask[port / 64],
				   ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

bool port_pending(evtchn_port_t port)
{
	return shared_info->evtchn_pending[port / 64] & (1UL << (port % 64));
}

void port_clear(evtchn_port_t port)
{
	__atomic_fetch_and(&shared_info->evtchn_pending[port / 64],
			   ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

long port_status(evtchn_port_t port, struct evtchn_status *st)
{
	memset(st, 0xa5, sizeof(*st));
	st->dom = DOMID_SELF;
	st->port = port;
	return evtchn_op(EVTCHNOP_status, st);
}

static evtchn_port_t bind_ipi(void)
{
	struct evtchn_bind_ipi b = { .vcpu = 0, .port = 0 };

	if (!check_rc("EVTCHNOP_bind_ipi", evtchn_op(EVTCHNOP_bind_ipi, &b), 0))
		return 0;
	if (b.port == 0 || b.port >= NR_PORTS) {
		test_fail("EVTCHNOP_bind_ipi gave port %u", b.port);
		return 0;
	}
	return b.port;
}

static long do_close(evtchn_port_t port)
{
	return evtchn_op(EVTCHNOP_close, &(struct evtchn_close){ port });
}

static long do_send(evtchn_port_t port)
{
	return evtchn_op(EVTCHNOP_send, &(struct evtchn_send){ port });
}

static long do_unmask(evtchn_port_t port)
{
	return evtchn_op(EVTCHNOP_unmask, &(struct evtchn_unmask){ port });
}

/* bind_ipi, send to ourselves, masking at both levels, unmask re-raise. */
static void test_send_self(void)
{
	evtchn_port_t p;
	struct evtchn_status st;
	unsigned int n;

	events_reset();
	p = bind_ipi();
	if (!p)
		return;
	if (check_rc("EVTCHNOP_status of the IPI port", port_status(p, &st), 0))
		CHECK(st.status == EVTCHNSTAT_ipi && st.vcpu == 0,
		      "IPI port %u: status %u vcpu %u", p, st.status, st.vcpu);
	port_mask(p, false);

	/* Upcalls masked: the send only marks the port. */
	check_rc("EVTCHNOP_send (upcalls masked)", do_send(p), 0);
	CHECK(port_pending(p), "send: port %u not pending in shared_info", p);
	CHECK(vi->evtchn_pending_sel & (1UL << (p / 64)),
	      "send: evtchn_pending_sel 0x%lx lacks bit %u",
	      (unsigned long)vi->evtchn_pending_sel, p / 64);
	CHECK(vi->evtchn_upcall_pending == 1, "send: upcall_pending %u",
	      vi->evtchn_upcall_pending);
	CHECK(nr_upcalls == 0, "upcall delivered with evtchn_upcall_mask set");
	events_on();
	events_off();
	CHECK(nr_upcalls == 1 && port_events[p] == 1,
	      "after unmasking upcalls: %u upcalls, port %u seen %u times",
	      nr_upcalls, p, port_events[p]);
	CHECK(!port_pending(p), "port still pending after the handler");

	/* Upcalls on, send: delivered on the way out of the send. */
	vi->evtchn_upcall_mask = 0;
	barrier();
	check_rc("EVTCHNOP_send (upcalls unmasked)", do_send(p), 0);
	n = port_events[p];
	events_off();
	CHECK(n == 2, "send with upcalls on: port seen %u times (want 2)", n);

	/* Port masked: pending is set, no upcall, until EVTCHNOP_unmask. */
	port_mask(p, true);
	n = nr_upcalls;
	vi->evtchn_upcall_mask = 0;
	barrier();
	check_rc("EVTCHNOP_send (port masked)", do_send(p), 0);
	HYPERVISOR_xen_version(XENVER_version, NULL);
	CHECK(nr_upcalls == n, "upcall for a masked port");
	CHECK(port_pending(p), "masked send: port %u not pending", p);
	CHECK(vi->evtchn_upcall_pending == 0,
	      "masked send set evtchn_upcall_pending");
	check_rc("EVTCHNOP_unmask", do_unmask(p), 0);
	events_off();
	CHECK(port_events[p] == 3 && nr_upcalls == n + 1,
	      "EVTCHNOP_unmask of a pending port: %u upcalls (want 1), port seen %u times",
	      nr_upcalls - n, port_events[p]);
	CHECK(!(shared_info->evtchn_mask[p / 64] & (1UL << (p % 64))),
	      "EVTCHNOP_unmask left the mask bit set");

	/* Pending cleared by the guest while masked: unmask raises nothing. */
	port_mask(p, true);
	check_rc("EVTCHNOP_send (port masked again)", do_send(p), 0);
	CHECK(port_pending(p), "masked send: port %u not pending", p);
	port_clear(p);
	n = nr_upcalls;
	vi->evtchn_upcall_mask = 0;
	barrier();
	check_rc("EVTCHNOP_unmask (nothing pending)", do_unmask(p), 0);
	events_off();
	CHECK(nr_upcalls == n, "unmask of a cleared port raised an upcall");

	check_rc("EVTCHNOP_close of the IPI port", do_close(p), 0);
	if (check_rc("EVTCHNOP_status of the closed port", port_status(p, &st), 0))
		CHECK(st.status == EVTCHNSTAT_closed, "closed port: status %u",
		      st.status);
	check_rc("EVTCHNOP_send on a closed port", do_send(p), -XEN_EINVAL);
	check_rc("EVTCHNOP_close twice", do_close(p), -XEN_EINVAL);
}

/* alloc_unbound + bind_interdomain to ourselves; status of each state. */
static void test_loopback(void)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_bind_interdomain b = { .remote_dom = DOMID_SELF };
	struct evtchn_status st;
	evtchn_port_t pa, pb, ipi;
	domid_t me;

	events_reset();
	if (!check_rc("EVTCHNOP_alloc_unbound(self, self)",
		      evtchn_op(EVTCHNOP_alloc_unbound, &a), 0))
		return;
	pa = a.port;
	CHECK(pa && pa < NR_PORTS, "alloc_unbound gave port %u", pa);
	if (!check_rc("status of the unbound port", port_status(pa, &st), 0))
		return;
	me = st.u.unbound.dom;	/* our domid: 0 as dom0 */
	CHECK(st.status == EVTCHNSTAT_unbound && me == 0 && st.vcpu == 0,
	      "unbound port: status %u remote dom %u vcpu %u", st.status,
	      me, st.vcpu);
	port_mask(pa, false);
	check_rc("EVTCHNOP_send on an unbound port (dropped)", do_send(pa), 0);
	CHECK(!port_pending(pa), "send on an unbound port made it pending");

	b.remote_port = pa;
	if (!check_rc("EVTCHNOP_bind_interdomain (loopback)",
		      evtchn_op(EVTCHNOP_bind_interdomain, &b), 0))
		goto out_a;
	pb = b.local_port;
	CHECK(pb && pb != pa && pb < NR_PORTS, "bind_interdomain gave port %u", pb);
	/* Binding marks the new local port pending (a peer may have sent). */
	CHECK(port_pending(pb), "bind_interdomain: local port %u not pending", pb);
	CHECK(!port_pending(pa), "bind_interdomain: remote port %u pending", pa);
	port_mask(pb, false);
	events_on();
	events_off();
	port_events[pb] = 0;

	if (check_rc("status of end A", port_status(pa, &st), 0))
		CHECK(st.status == EVTCHNSTAT_interdomain &&
		      st.u.interdomain.dom == me && st.u.interdomain.port == pb,
		      "end A: status %u dom %u port %u (want interdomain %u %u)",
		      st.status, st.u.interdomain.dom, st.u.interdomain.port,
		      me, pb);
	if (check_rc("status of end B", port_status(pb, &st), 0))
		CHECK(st.status == EVTCHNSTAT_interdomain &&
		      st.u.interdomain.dom == me && st.u.interdomain.port == pa,
		      "end B: status %u dom %u port %u (want interdomain %u %u)",
		      st.status, st.u.interdomain.dom, st.u.interdomain.port,
		      me, pa);

	check_rc("EVTCHNOP_send on end A", do_send(pa), 0);
	CHECK(port_pending(pb) && !port_pending(pa),
	      "send on A: A pending %d, B pending %d (want B only)",
	      port_pending(pa), port_pending(pb));
	events_on();
	events_off();
	CHECK(port_events[pb] == 1 && port_events[pa] == 0,
	      "send on A: upcalls saw A %u times, B %u times", port_events[pa],
	      port_events[pb]);
	check_rc("EVTCHNOP_send on end B", do_send(pb), 0);
	CHECK(port_pending(pa) && !port_pending(pb),
	      "send on B: A pending %d, B pending %d (want A only)",
	      port_pending(pa), port_pending(pb));
	events_on();
	events_off();
	CHECK(port_events[pa] == 1, "send on B: A seen %u times", port_events[pa]);

	/* Bound ports refuse a second bind. */
	b.remote_port = pa;
	check_rc("bind_interdomain to a bound port",
		 evtchn_op(EVTCHNOP_bind_interdomain, &b), -XEN_EINVAL);

	check_rc("EVTCHNOP_close of end A", do_close(pa), 0);
	if (check_rc("status of end B after A closed", port_status(pb, &st), 0))
		CHECK(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == me,
		      "end B after close: status %u dom %u (want unbound %u)",
		      st.status, st.u.unbound.dom, me);
	check_rc("EVTCHNOP_send on the orphaned end", do_send(pb), 0);
	CHECK(!port_pending(pb) && !port_pending(pa),
	      "send on an orphaned end made a port pending");

	/* The orphaned end can be bound again. */
	b.remote_port = pb;
	if (check_rc("bind_interdomain to the orphaned end",
		     evtchn_op(EVTCHNOP_bind_interdomain, &b), 0)) {
		port_clear(b.local_port);
		check_rc("close the re-bound end", do_close(b.local_port), 0);
	}
	check_rc("EVTCHNOP_close of end B", do_close(pb), 0);

	/* Not unbound: an IPI port, a free port, port 0, out of range. */
	ipi = bind_ipi();
	if (ipi) {
		b.remote_port = ipi;
		check_rc("bind_interdomain to an IPI port",
			 evtchn_op(EVTCHNOP_bind_interdomain, &b), -XEN_EINVAL);
		do_close(ipi);
	}
	b.remote_port = pa;	/* closed now */
	check_rc("bind_interdomain to a closed port",
		 evtchn_op(EVTCHNOP_bind_interdomain, &b), -XEN_EINVAL);
	b.remote_port = 0;
	check_rc("bind_interdomain to port 0",
		 evtchn_op(EVTCHNOP_bind_interdomain, &b), -XEN_EINVAL);
	b.remote_port = NR_PORTS;
	check_rc("bind_interdomain to port 4096",
		 evtchn_op(EVTCHNOP_bind_interdomain, &b), -XEN_EINVAL);
	return;
out_a:
	do_close(pa);
}

/* EVTCHNOP_status of a VIRQ port, port 0 and bind_virq's refusals. */
static void test_virq_status(void)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_CONSOLE, .vcpu = 0 };
	struct evtchn_status st;
	evtchn_port_t t;

	if (check_rc("bind_virq(VIRQ_CONSOLE, vcpu 0)",
		     evtchn_op(EVTCHNOP_bind_virq, &bv), 0)) {
		if (check_rc("status of the VIRQ_CONSOLE port",
			     port_status(bv.port, &st), 0))
			CHECK(st.status == EVTCHNSTAT_virq &&
			      st.u.virq == VIRQ_CONSOLE && st.vcpu == 0,
			      "VIRQ port: status %u virq %u vcpu %u", st.status,
			      st.u.virq, st.vcpu);
		check_rc("bind_virq(VIRQ_CONSOLE) twice",
			 evtchn_op(EVTCHNOP_bind_virq, &bv), -XEN_EEXIST);
		check_rc("EVTCHNOP_send on a VIRQ port", do_send(bv.port),
			 -XEN_EINVAL);
		check_rc("close the VIRQ_CONSOLE port", do_close(bv.port), 0);
	}
	t = bind_timer();
	if (t && check_rc("status of the VIRQ_TIMER port", port_status(t, &st), 0))
		CHECK(st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_TIMER &&
		      st.vcpu == 0, "VIRQ_TIMER port: status %u virq %u vcpu %u",
		      st.status, st.u.virq, st.vcpu);
	bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 0 };
	check_rc("bind_virq(VIRQ_TIMER) twice",
		 evtchn_op(EVTCHNOP_bind_virq, &bv), -XEN_EEXIST);
	bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 7 };
	check_rc("bind_virq(VIRQ_TIMER) on vCPU 7 (absent)",
		 evtchn_op(EVTCHNOP_bind_virq, &bv), -XEN_ENOENT);
	bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 100 };
	check_rc("bind_virq(VIRQ_TIMER) on vCPU 100",
		 evtchn_op(EVTCHNOP_bind_virq, &bv), -XEN_ENOENT);
	bv = (struct evtchn_bind_virq){ .virq = VIRQ_CONSOLE, .vcpu = 1 };
	check_rc("bind_virq(global VIRQ_CONSOLE) on vCPU 1",
		 evtchn_op(EVTCHNOP_bind_virq, &bv), -XEN_EINVAL);
	bv = (struct evtchn_bind_virq){ .virq = NR_VIRQS, .vcpu = 0 };
	check_rc("bind_virq(NR_VIRQS)", evtchn_op(EVTCHNOP_bind_virq, &bv),
		 -XEN_EINVAL);
	bv = (struct evtchn_bind_virq){ .virq = 0xffffffff, .vcpu = 0 };
	check_rc("bind_virq(0xffffffff)", evtchn_op(EVTCHNOP_bind_virq, &bv),
		 -XEN_EINVAL);
	check_rc("bind_ipi on vCPU 7", evtchn_op(EVTCHNOP_bind_ipi,
		 &(struct evtchn_bind_ipi){ .vcpu = 7 }), -XEN_ENOENT);

	/* Port 0 is reserved: it exists, reads as closed. */
	if (check_rc("status of port 0", port_status(0, &st), 0))
		CHECK(st.status == EVTCHNSTAT_closed, "port 0: status %u",
		      st.status);
}

/* Bad ports and bad pointers. */
static void test_errors(void)
{
	static const evtchn_port_t bad[] = { NR_PORTS, 0x10000, 0xffffffff };
	struct evtchn_status st;
	char what[80];
	evtchn_port_t ipi;
	size_t i;

	check_rc("EVTCHNOP_send on port 0", do_send(0), -XEN_EINVAL);
	check_rc("EVTCHNOP_close of port 0", do_close(0), -XEN_EINVAL);
	check_rc("EVTCHNOP_bind_vcpu of port 0", evtchn_op(EVTCHNOP_bind_vcpu,
		 &(struct evtchn_bind_vcpu){ .port = 0, .vcpu = 0 }), -XEN_EINVAL);
	/* Xen: a valid port, so unmask of port 0 is a no-op that succeeds. */
	check_rc("EVTCHNOP_unmask of port 0", do_unmask(0), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		evtchn_port_t p = bad[i];

		snprintf(what, sizeof(what), "EVTCHNOP_send on port 0x%x", p);
		check_rc(what, do_send(p), -XEN_EINVAL);
		snprintf(what, sizeof(what), "EVTCHNOP_close of port 0x%x", p);
		check_rc(what, do_close(p), -XEN_EINVAL);
		snprintf(what, sizeof(what), "EVTCHNOP_status of port 0x%x", p);
		check_rc(what, port_status(p, &st), -XEN_EINVAL);
		snprintf(what, sizeof(what), "EVTCHNOP_unmask of port 0x%x", p);
		check_rc(what, do_unmask(p), -XEN_EINVAL);
		snprintf(what, sizeof(what), "EVTCHNOP_bind_vcpu of port 0x%x", p);
		check_rc(what, evtchn_op(EVTCHNOP_bind_vcpu,
			 &(struct evtchn_bind_vcpu){ .port = p }), -XEN_EINVAL);
	}

	/* bind_vcpu: IPIs keep their vCPU; absent vCPUs are -ENOENT. */
	ipi = bind_ipi();
	if (ipi) {
		check_rc("EVTCHNOP_bind_vcpu of an IPI port",
			 evtchn_op(EVTCHNOP_bind_vcpu, &(struct evtchn_bind_vcpu){
				 .port = ipi, .vcpu = 0 }), -XEN_EINVAL);
		check_rc("EVTCHNOP_bind_vcpu to vCPU 7",
			 evtchn_op(EVTCHNOP_bind_vcpu, &(struct evtchn_bind_vcpu){
				 .port = ipi, .vcpu = 7 }), -XEN_ENOENT);
		do_close(ipi);
	}
	if (timer_port)
		check_rc("EVTCHNOP_bind_vcpu of the VIRQ_TIMER port",
			 evtchn_op(EVTCHNOP_bind_vcpu, &(struct evtchn_bind_vcpu){
				 .port = timer_port, .vcpu = 0 }), -XEN_EINVAL);

	check_rc("event_channel_op cmd 100", evtchn_op(100, &st), -XEN_ENOSYS);
	check_rc("event_channel_op cmd 0x7fffffff", evtchn_op(0x7fffffff, &st),
		 -XEN_ENOSYS);

	check_rc("EVTCHNOP_send from an unmapped pointer",
		 evtchn_op(EVTCHNOP_send, BAD_PTR_UNMAPPED), -XEN_EFAULT);
	check_rc("EVTCHNOP_send from a non-canonical pointer",
		 evtchn_op(EVTCHNOP_send, BAD_PTR_NONCANONICAL), -XEN_EFAULT);
	check_rc("EVTCHNOP_status at the M2P",
		 evtchn_op(EVTCHNOP_status, BAD_PTR_M2P), -XEN_EFAULT);
	check_rc("EVTCHNOP_bind_ipi at the hypervisor range",
		 evtchn_op(EVTCHNOP_bind_ipi, BAD_PTR_HYPERVISOR), -XEN_EFAULT);
	check_rc("EVTCHNOP_alloc_unbound from an unmapped pointer",
		 evtchn_op(EVTCHNOP_alloc_unbound, BAD_PTR_UNMAPPED), -XEN_EFAULT);
	check_rc("EVTCHNOP_bind_virq from a non-canonical pointer",
		 evtchn_op(EVTCHNOP_bind_virq, BAD_PTR_NONCANONICAL), -XEN_EFAULT);
}

/*
 * FIFO: Xen 4.17 accepts init_control (the domain then uses FIFO, so
 * this case runs last); Ward offers only 2-level (design 5.5).
 */
static uint8_t fifo_page[PAGE_SIZE] __page_aligned;

static void test_fifo(void)
{
	struct evtchn_init_control ic = {
		.control_gfn = virt_to_mfn(fifo_page), .offset = 0, .vcpu = 0,
	};
	long rc = evtchn_op(EVTCHNOP_init_control, &ic);

	if (cmdline_has("ref=xen"))
		check_rc("EVTCHNOP_init_control (Xen: FIFO)", rc, 0);
	else
		check_rc("EVTCHNOP_init_control (Ward: 2-level only)", rc,
			 -XEN_ENOSYS);
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "pvclock and wallclock", test_time_info },
		{ "send to self: pending, upcall, masking", test_send_self },
		{ "loopback interdomain and status", test_loopback },
		{ "VIRQ binding and status", test_virq_status },
		{ "bad ports, commands and pointers", test_errors },
		{ "single-shot timer", test_singleshot },
		{ "periodic timer", test_periodic },
		{ "SCHEDOP_block woken by the timer", test_block },
		{ "SCHEDOP_poll", test_poll },
		{ "vcpu_op: is_up, runstate", test_vcpu_op },
		{ "runstate memory area", test_runstate_area },
		/* Last: on Xen it switches the domain to FIFO events. */
		{ "FIFO init_control", test_fifo },
	};
	struct callback_register cb = {
		.type = CALLBACKTYPE_event,
		.address = (unsigned long)event_callback_entry,
	};
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	if (!map_shared_info(&rc))
		test_abort("update_va_mapping(shared_info): rc %ld %s", rc,
			   errno_name(rc));
	vi = &shared_info->vcpu_info[0];
	rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
	if (rc)
		test_abort("register event callback: rc %ld %s", rc,
			   errno_name(rc));
	events_off();
	callback_hook = upcall_hook;
	/* Xen starts vCPUs with a 10 ms periodic timer: no stray VIRQ_TIMERs. */
	rc = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	if (rc)
		test_abort("VCPUOP_stop_periodic_timer: rc %ld %s", rc,
			   errno_name(rc));
	run_cases(cases, ARRAY_SIZE(cases));
}

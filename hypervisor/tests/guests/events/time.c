// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time, timers, SCHEDOP_block/poll and vcpu_op (pv-abi-core.md 5.2-5.4,
 * 5.6). Times are pvclock system time read by the guest (now_ns());
 * "after the deadline" allows EARLY_NS because Xen runs timers up to its
 * timer_slop (50 us) early and the guest's pvclock extrapolation may
 * differ from the hypervisor's clock by a little; "on time" allows LATE_NS
 * because QEMU TCG is slow.
 */
#include "events.h"

#define EARLY_NS	(1 * MS)
#define LATE_NS		(200 * MS)

evtchn_port_t timer_port;

evtchn_port_t bind_timer(void)
{
	struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = 0 };

	if (timer_port)
		return timer_port;
	if (!check_rc("bind_virq(VIRQ_TIMER, vcpu 0)",
		      evtchn_op(EVTCHNOP_bind_virq, &b), 0))
		return 0;
	if (!b.port || b.port >= NR_PORTS) {
		test_fail("bind_virq(VIRQ_TIMER) gave port %u", b.port);
		return 0;
	}
	timer_port = b.port;
	port_mask(timer_port, false);
	return timer_port;
}

static long set_singleshot(uint64_t deadline, uint32_t flags)
{
	struct vcpu_set_singleshot_timer t = {
		.timeout_abs_ns = deadline, .flags = flags,
	};

	return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

static long stop_singleshot(void)
{
	return HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
}

static long set_periodic(uint64_t period)
{
	struct vcpu_set_periodic_timer t = { .period_ns = period };

	return HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &t);
}

static long stop_periodic(void)
{
	return HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
}

/* Deliver whatever is pending, then forget the timer's deliveries. */
static void drain_timer(void)
{
	events_on();
	events_off();
	port_clear(timer_port);
	port_events[timer_port] = 0;
}

/* Check an arrival time against [deadline, deadline + LATE_NS). */
static void check_on_time(const char *what, uint64_t at, uint64_t deadline)
{
	int64_t d = (int64_t)(at - deadline);

	printk("  %s: %ld us after the deadline\n", what, d / 1000);
	CHECK(d >= -(int64_t)EARLY_NS, "%s: %ld us before the deadline", what,
	      -d / 1000);
	CHECK(d < (int64_t)LATE_NS, "%s: %ld ms after the deadline", what,
	      d / (int64_t)MS);
}

void test_time_info(void)
{
	volatile struct vcpu_time_info *t = &vi->time;
	uint64_t prev, cur, sys0, start;
	uint32_t wcv;
	unsigned int i;

	CHECK(!(t->version & 1), "vcpu_time_info version %u is odd", t->version);
	CHECK(t->tsc_to_system_mul != 0, "tsc_to_system_mul is 0");
	CHECK(t->tsc_shift >= -31 && t->tsc_shift <= 31, "tsc_shift %d",
	      t->tsc_shift);
	printk("  pvclock: version %u mul %u shift %d system_time %lu flags 0x%x\n",
	       t->version, t->tsc_to_system_mul, t->tsc_shift,
	       (unsigned long)t->system_time, t->flags);

	prev = now_ns();
	for (i = 0; i < 10000; i++) {
		cur = now_ns();
		if (cur < prev) {
			test_fail("pvclock went back %lu ns at sample %u",
				  (unsigned long)(prev - cur), i);
			break;
		}
		prev = cur;
	}
	/* The published system_time never goes back across hypercalls. */
	sys0 = t->system_time;
	start = now_ns();
	for (i = 0; i < 50; i++) {
		HYPERVISOR_xen_version(XENVER_version, NULL);
		cur = t->system_time;
		CHECK(cur >= sys0, "system_time went back from %lu to %lu",
		      (unsigned long)sys0, (unsigned long)cur);
		sys0 = cur;
	}
	spin_ns(5 * MS);
	CHECK(now_ns() >= start + 5 * MS, "pvclock did not advance");

	wcv = shared_info->wc_version;
	CHECK(!(wcv & 1), "wc_version %u is odd", wcv);
	printk("  wallclock: version %u sec %u nsec %u sec_hi %u\n", wcv,
	       shared_info->wc_sec, shared_info->wc_nsec, shared_info->wc_sec_hi);
	CHECK(shared_info->wc_nsec < 1000000000, "wc_nsec %u",
	      shared_info->wc_nsec);
	/* UTC at system time 0: any date after 2020 is plausible. */
	CHECK(shared_info->wc_sec + now_ns() / 1000000000 > 1577836800UL,
	      "wallclock not set: wc_sec %u (version %u)", shared_info->wc_sec,
	      wcv);
}

void test_singleshot(void)
{
	uint64_t dl;
	long rc;
	evtchn_port_t t = bind_timer();

	if (!t)
		return;
	drain_timer();

	dl = now_ns() + 10 * MS;
	if (check_rc("set_singleshot_timer(now + 10 ms)", set_singleshot(dl, 0), 0)) {
		if (wait_port(t, 2000 * MS))
			check_on_time("single-shot VIRQ_TIMER", port_last_ns[t], dl);
		else
			test_fail("no VIRQ_TIMER within 2 s of a 10 ms timer");
		spin_ns(30 * MS);
		CHECK(port_events[t] == 1, "single-shot timer fired %u times",
		      port_events[t]);
	}

	/*
	 * public/vcpu.h: VCPU_SSHOTTMR_future asks for -ETIME on a past
	 * deadline "but can be ignored by the hypervisor". Xen 4.17.7 ignores
	 * it (0, and the timer fires at once); Ward honours it (-ETIME, and
	 * nothing fires). Either is accepted, with its effect.
	 */
	drain_timer();
	dl = now_ns() - 1 * MS;
	rc = set_singleshot(dl, VCPU_SSHOTTMR_future);
	printk("  past deadline with VCPU_SSHOTTMR_future: rc %ld %s\n", rc,
	       errno_name(rc));
	if (rc == 0)
		CHECK(wait_port(t, LATE_NS),
		      "past deadline with VCPU_SSHOTTMR_future: rc 0 but no event");
	else if (rc == -XEN_ETIME) {
		spin_ns(20 * MS);
		CHECK(port_events[t] == 0, "a timer refused with -ETIME fired");
	} else
		test_fail("set_singleshot_timer(past, VCPU_SSHOTTMR_future): rc %ld %s, want 0 or -ETIME",
			  rc, errno_name(rc));
	drain_timer();
	dl = now_ns() + 10 * MS;
	if (check_rc("set_singleshot_timer(now + 10 ms, flags 0x80000000)",
		     set_singleshot(dl, 0x80000000), 0))
		CHECK(wait_port(t, 2000 * MS), "timer with flag 0x80000000 did not fire");

	dl = now_ns() - 1 * MS;
	if (check_rc("set_singleshot_timer(past, flags 0)", set_singleshot(dl, 0), 0))
		CHECK(wait_port(t, LATE_NS), "a past deadline did not fire at once");

	drain_timer();
	dl = now_ns() + 10 * MS;
	check_rc("set_singleshot_timer(now + 10 ms) to stop", set_singleshot(dl, 0), 0);
	check_rc("VCPUOP_stop_singleshot_timer", stop_singleshot(), 0);
	spin_ns(50 * MS);
	CHECK(port_events[t] == 0 && !port_pending(t),
	      "a stopped timer fired (%u events)", port_events[t]);
	check_rc("VCPUOP_stop_singleshot_timer when idle", stop_singleshot(), 0);

	check_rc("set_singleshot_timer on vCPU 7",
		 HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 7, NULL),
		 -XEN_ENOENT);
	check_rc("set_singleshot_timer from an unmapped pointer",
		 HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0,
				    BAD_PTR_UNMAPPED), -XEN_EFAULT);
	check_rc("set_singleshot_timer from the hypervisor range",
		 HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0,
				    BAD_PTR_HYPERVISOR), -XEN_EFAULT);
}

void test_periodic(void)
{
	evtchn_port_t t = bind_timer();
	unsigned int n;

	if (!t)
		return;
	drain_timer();
	if (check_rc("set_periodic_timer(20 ms)", set_periodic(20 * MS), 0)) {
		spin_ns(200 * MS);
		n = port_events[t];
		printk("  periodic 20 ms: %u events in 200 ms\n", n);
		CHECK(n >= 3 && n <= 11, "periodic 20 ms timer: %u events in 200 ms", n);
	}
	check_rc("VCPUOP_stop_periodic_timer", stop_periodic(), 0);
	drain_timer();
	spin_ns(60 * MS);
	CHECK(port_events[t] == 0, "%u events after stop_periodic_timer",
	      port_events[t]);

	check_rc("set_periodic_timer(999999 ns)", set_periodic(999999), -XEN_EINVAL);
	check_rc("set_periodic_timer(0)", set_periodic(0), -XEN_EINVAL);
	/* Xen: above STIME_DELTA_MAX (2^63 - 1) is -EINVAL as well. */
	check_rc("set_periodic_timer(2^63)", set_periodic(1ULL << 63), -XEN_EINVAL);
	check_rc("set_periodic_timer from an unmapped pointer",
		 HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0,
				    BAD_PTR_UNMAPPED), -XEN_EFAULT);
	stop_periodic();
	drain_timer();
}

void test_block(void)
{
	evtchn_port_t t = bind_timer();
	uint64_t dl, after;
	long rc;

	if (!t)
		return;
	drain_timer();
	events_off();
	dl = now_ns() + 20 * MS;
	if (!check_rc("set_singleshot_timer(now + 20 ms)", set_singleshot(dl, 0), 0))
		return;
	rc = HYPERVISOR_sched_op(SCHEDOP_block, NULL);
	after = now_ns();
	check_rc("SCHEDOP_block", rc, 0);
	CHECK(vi->evtchn_upcall_mask == 0, "SCHEDOP_block left the upcall mask at %u",
	      vi->evtchn_upcall_mask);
	CHECK(port_events[t] == 1, "after SCHEDOP_block: VIRQ_TIMER seen %u times",
	      port_events[t]);
	check_on_time("SCHEDOP_block woken", after, dl);
	events_off();
	drain_timer();
}

static long poll(evtchn_port_t *ports, unsigned int nr, uint64_t timeout)
{
	struct sched_poll p = { .nr_ports = nr, .timeout = timeout };

	set_xen_guest_handle(p.ports, ports);
	return HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

void test_poll(void)
{
	evtchn_port_t t = bind_timer(), ports[2];
	struct evtchn_bind_ipi b = { .vcpu = 0 };
	uint64_t to, start, after;
	struct sched_poll sp;
	long rc;

	if (!t || !check_rc("bind_ipi", evtchn_op(EVTCHNOP_bind_ipi, &b), 0))
		return;
	drain_timer();
	events_off();
	port_mask(b.port, false);

	/* A pending port: at once. */
	check_rc("send", evtchn_op(EVTCHNOP_send, &(struct evtchn_send){ b.port }), 0);
	ports[0] = b.port;
	start = now_ns();
	check_rc("SCHEDOP_poll on a pending port", poll(ports, 1, 0), 0);
	CHECK(now_ns() - start < LATE_NS, "poll of a pending port took %lu ms",
	      (unsigned long)((now_ns() - start) / MS));
	events_on();
	events_off();
	CHECK(!port_pending(b.port), "IPI still pending");

	/* Refusals. */
	check_rc("SCHEDOP_poll with 129 ports", poll(ports, 129, 0), -XEN_EINVAL);
	ports[1] = NR_PORTS;
	check_rc("SCHEDOP_poll on port 4096", poll(ports, 2, 0), -XEN_EINVAL);
	check_rc("SCHEDOP_poll with an unmapped port list",
		 poll(BAD_PTR_UNMAPPED, 1, 0), -XEN_EFAULT);
	check_rc("SCHEDOP_poll with a hypervisor port list",
		 poll(BAD_PTR_HYPERVISOR, 1, 0), -XEN_EFAULT);
	check_rc("SCHEDOP_poll from an unmapped pointer",
		 HYPERVISOR_sched_op(SCHEDOP_poll, BAD_PTR_UNMAPPED), -XEN_EFAULT);
	(void)sp;

	/*
	 * The timeout (absolute system time) wakes the poller. A single-shot
	 * timer 400 ms later guards against a hypervisor that never wakes it:
	 * any event that raises evtchn_upcall_pending unblocks it on Xen.
	 */
	to = now_ns() + 20 * MS;
	set_singleshot(to + 400 * MS, 0);
	rc = poll(ports, 1, to);
	after = now_ns();
	stop_singleshot();
	check_rc("SCHEDOP_poll with a 20 ms timeout", rc, 0);
	check_on_time("SCHEDOP_poll timeout", after, to);
	CHECK(port_events[t] == 0 && !port_pending(t),
	      "SCHEDOP_poll was woken by the guard timer, not its timeout");
	drain_timer();

	/* A timeout in the past returns at once. */
	start = now_ns();
	check_rc("SCHEDOP_poll with a past timeout", poll(ports, 1, start - MS), 0);
	CHECK(now_ns() - start < LATE_NS, "poll with a past timeout took %lu ms",
	      (unsigned long)((now_ns() - start) / MS));

	/* The polled port itself (the timer VIRQ) wakes it; no timeout. */
	ports[0] = t;
	to = now_ns() + 20 * MS;
	set_singleshot(to, 0);
	rc = poll(ports, 1, 0);
	after = now_ns();
	check_rc("SCHEDOP_poll on the VIRQ_TIMER port", rc, 0);
	check_on_time("SCHEDOP_poll woken by its port", after, to);
	CHECK(port_pending(t), "poll returned without the timer port pending");
	CHECK(vi->evtchn_upcall_mask == 1, "SCHEDOP_poll changed the upcall mask");
	stop_singleshot();
	drain_timer();
	evtchn_op(EVTCHNOP_close, &(struct evtchn_close){ b.port });
}

void test_vcpu_op(void)
{
	struct vcpu_runstate_info r1, r2;

	check_rc("VCPUOP_is_up(0)", HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
	check_rc("VCPUOP_is_up(7)", HYPERVISOR_vcpu_op(VCPUOP_is_up, 7, NULL),
		 -XEN_ENOENT);
	check_rc("VCPUOP_is_up(0xffffffff)",
		 HYPERVISOR_vcpu_op(VCPUOP_is_up, 0xffffffff, NULL), -XEN_ENOENT);
	check_rc("vcpu_op cmd 100", HYPERVISOR_vcpu_op(100, 0, NULL), -XEN_ENOSYS);

	memset(&r1, 0xa5, sizeof(r1));
	if (!check_rc("VCPUOP_get_runstate_info",
		      HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &r1), 0))
		return;
	spin_ns(5 * MS);
	memset(&r2, 0xa5, sizeof(r2));
	check_rc("VCPUOP_get_runstate_info again",
		 HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &r2), 0);
	printk("  runstate: state %d entry %lu running %lu runnable %lu blocked %lu offline %lu\n",
	       r2.state, (unsigned long)r2.state_entry_time,
	       (unsigned long)r2.time[0], (unsigned long)r2.time[1],
	       (unsigned long)r2.time[2], (unsigned long)r2.time[3]);
	CHECK(r1.state == RUNSTATE_running && r2.state == RUNSTATE_running,
	      "runstate state %d, %d (want running)", r1.state, r2.state);
	CHECK(r2.state_entry_time >= r1.state_entry_time &&
	      r2.state_entry_time <= now_ns() + EARLY_NS,
	      "state_entry_time %lu then %lu (now %lu)",
	      (unsigned long)r1.state_entry_time,
	      (unsigned long)r2.state_entry_time, (unsigned long)now_ns());
	CHECK(r2.time[RUNSTATE_running] >= r1.time[RUNSTATE_running] + 4 * MS,
	      "running time %lu then %lu after 5 ms",
	      (unsigned long)r1.time[RUNSTATE_running],
	      (unsigned long)r2.time[RUNSTATE_running]);
	check_rc("VCPUOP_get_runstate_info on vCPU 7",
		 HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 7, &r1), -XEN_ENOENT);
	check_rc("VCPUOP_get_runstate_info to an unmapped pointer",
		 HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, BAD_PTR_UNMAPPED),
		 -XEN_EFAULT);
	check_rc("VCPUOP_get_runstate_info to the hypervisor range",
		 HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, BAD_PTR_HYPERVISOR),
		 -XEN_EFAULT);
}

static struct vcpu_runstate_info area __attribute__((aligned(64)));

void test_runstate_area(void)
{
	struct vcpu_register_runstate_memory_area a;
	volatile struct vcpu_runstate_info *ra = &area;
	evtchn_port_t t = bind_timer();
	uint64_t entry, blocked, dl;

	memset(&area, 0xa5, sizeof(area));
	a.addr.v = &area;
	if (!check_rc("VCPUOP_register_runstate_memory_area",
		      HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a), 0))
		return;
	CHECK(ra->state == RUNSTATE_running, "area: state %d after registering",
	      ra->state);
	CHECK(ra->state_entry_time <= now_ns() + EARLY_NS,
	      "area: state_entry_time %lu is in the future",
	      (unsigned long)ra->state_entry_time);
	entry = ra->state_entry_time;
	blocked = ra->time[RUNSTATE_blocked];

	if (t) {
		drain_timer();
		dl = now_ns() + 30 * MS;
		set_singleshot(dl, 0);
		check_rc("SCHEDOP_block", HYPERVISOR_sched_op(SCHEDOP_block, NULL), 0);
		events_off();
		printk("  area after a block: state %d entry %lu blocked %lu -> %lu\n",
		       ra->state, (unsigned long)ra->state_entry_time,
		       (unsigned long)blocked, (unsigned long)ra->time[RUNSTATE_blocked]);
		CHECK(ra->state == RUNSTATE_running, "area: state %d after a block",
		      ra->state);
		CHECK(ra->state_entry_time > entry,
		      "area: state_entry_time did not move across a block");
		CHECK(ra->time[RUNSTATE_blocked] >= blocked + 10 * MS,
		      "area: blocked time %lu -> %lu across a 30 ms block",
		      (unsigned long)blocked,
		      (unsigned long)ra->time[RUNSTATE_blocked]);
		drain_timer();
	}

	a.addr.v = BAD_PTR_HYPERVISOR;
	check_rc("register_runstate_memory_area in the hypervisor range",
		 HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a),
		 -XEN_EFAULT);
	a.addr.v = BAD_PTR_NONCANONICAL;
	check_rc("register_runstate_memory_area at a non-canonical address",
		 HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a),
		 -XEN_EFAULT);
	check_rc("register_runstate_memory_area from an unmapped pointer",
		 HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0,
				    BAD_PTR_UNMAPPED), -XEN_EFAULT);
	check_rc("register_runstate_memory_area on vCPU 7",
		 HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 7, &a),
		 -XEN_ENOENT);
}

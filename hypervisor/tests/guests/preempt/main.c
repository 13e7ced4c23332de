// SPDX-License-Identifier: GPL-2.0-only
/*
 * Regression test: long hypercalls must be preemptible. One mmu_update of
 * a few hundred thousand requests must not keep its CPU (interrupts off)
 * or the domain's locks until it is done: the hypervisor has to stop at
 * preemption points and re-enter the call where it stopped (Xen's
 * continuations), with the batch's result, and its done count, exactly
 * as if it had run in one go. Booted as dom0 with dom0_max_vcpus=2.
 *
 * vCPU 1 issues each huge call (run_huge); vCPU 0 watches:
 *  - one host CPU (guest-tests.sh's preempt-1cpu): vCPU 0 yields in a
 *    loop. It must get the CPU at least once while the call is in flight;
 *    without preemption points it cannot run until the call returns.
 *  - two host CPUs: vCPU 0 makes tiny mmu_updates (one plain write) in a
 *    loop. At least one must begin and end while the huge call is in
 *    flight; a call that holds the domain's mm_lock throughout stalls
 *    them (and with them vCPU 0's CPU, also with interrupts off).
 * "In flight" is judged by the call's own effects (struct huge's
 * progress): after its first element and before its last, not by flags
 * around the call (vCPU 1's host thread may stall between a flag and the
 * call). Either verdict needs a call of at least MIN_CALL_NS (a few of
 * Ward's 30 ms time slices); shorter ones are only reported.
 *
 * Then each family's results are checked: every element applied, the
 * done count equal to the count, 0 returned; a batch failing at element k
 * (after enough good ones to have been preempted) returns that error with
 * k done and nothing after it applied; elements on an unmapped page are
 * -EFAULT at k. Families: mmu_update, mmuext_op, multicall (of many small
 * calls, and of one huge mmu_update), memory_op (decrease_reservation,
 * increase_reservation, populate_physmap) and grant_table_op (copy).
 * The values are Xen 4.17's (ci/tests/guest-tests-xen.sh, also with one
 * CPU). With "bench" on the command line it measures instead (bench.c).
 */
#include "preempt.h"
#include <xen/platform.h>

const char test_title[] = "preempt: long hypercalls have preemption points";

#define V1_STACK_SIZE	16384
#define MIN_CALL_NS	(80ULL * 1000 * 1000)
/* Two CPUs: vCPU 0 paces its tiny calls, so that they do not crowd the huge one out. */
#define TINY_GAP_NS	(200ULL * 1000)

uint8_t big[BIG_SIZE] __page_aligned;
static uint64_t tiny_page[PT_ENTRIES] __page_aligned;
static uint8_t v1_stack[V1_STACK_SIZE] __aligned(16);

/* Set once by test_main(), read-only afterwards. */
unsigned int nr_cpus;
const unsigned long *p2m;
unsigned long hv_mfn;

/* vCPU 0 -> 1: v1_call, then v1_seq. vCPU 1 -> 0: v1_rc, v1_t0/v1_t1, then v1_ack = seq. */
static long (*volatile v1_call)(void);
static volatile unsigned long v1_seq, v1_ack;
static volatile long v1_rc;
static volatile uint64_t v1_t0, v1_t1;

uint64_t now(void)
{
	return vcpu_now(0);
}

static void vcpu1_main(unsigned long unused)
{
	unsigned long seen = 0;

	(void)unused;
	for (;;) {
		unsigned long seq = v1_seq;
		long rc;

		if (seq == seen) {
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
			continue;
		}
		seen = seq;
		v1_t0 = vcpu_now(1);
		rc = v1_call();
		v1_t1 = vcpu_now(1);
		v1_rc = rc;
		WRITE_ONCE(v1_ack, seq);
	}
}

/*
 * Moments vCPU 0 looked at @h's progress: those after its first element
 * took effect and before its last did count as "inside" the call. The
 * end is known only afterwards; progress only grows, so the moments that
 * saw the final value are the last ones, and are taken off then.
 */
struct sightings {
	unsigned long started;	/* moments at which progress was >= 1 */
	unsigned long top, at_top;	/* the largest value seen then, and how often */
};

static void sighting(struct sightings *s, unsigned long before, unsigned long after)
{
	if (!before)
		return;
	s->started++;
	if (after > s->top) {
		s->top = after;
		s->at_top = 0;
	}
	s->at_top += after == s->top;
}

static unsigned long inside(const struct sightings *s, unsigned long final)
{
	return s->started - (s->top >= final ? s->at_top : 0);
}

/* One CPU: vCPU 0 gets a turn now and then; count the turns it gets mid-call. */
static void watch_alone(const struct huge *h, unsigned long seq, struct sightings *s,
			struct watch *w, bool spin, uint64_t last)
{
	uint64_t t;

	while (READ_ONCE(v1_ack) != seq) {
		unsigned long p;

		if (spin) {
			t = now();
		} else {
			last = now();
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
			t = now();
		}
		p = h->progress();
		if (t - last > w->max_gap_ns)
			w->max_gap_ns = t - last;
		last = t;
		sighting(s, p, p);
	}
	/* The turn in which vCPU 0 finds the call over ends the last gap. */
	t = now();
	if (t - last > w->max_gap_ns)
		w->max_gap_ns = t - last;
}

/* Two CPUs: tiny mmu_updates beside the huge one; count those that fit inside it. */
static void watch_beside(const struct huge *h, unsigned long seq, struct sightings *s,
			 struct watch *w)
{
	mmu_update_t req = { .ptr = mfn_maddr(virt_to_mfn(tiny_page), 0) };

	while (READ_ONCE(v1_ack) != seq) {
		unsigned long before = h->progress();
		uint64_t t0 = now(), t1;
		long rc;

		req.val++;
		rc = HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
		t1 = now();
		if (rc)
			test_abort("a tiny mmu_update failed: rc %ld %s", rc, errno_name(rc));
		if (t1 - t0 > w->max_gap_ns)
			w->max_gap_ns = t1 - t0;
		w->tiny++;
		sighting(s, before, h->progress());
		while (now() < t1 + TINY_GAP_NS && READ_ONCE(v1_ack) != seq)
			;
	}
}

long run_huge(const struct huge *h, struct watch *w, bool spin)
{
	unsigned long seq = v1_seq + 1, final;
	struct sightings s = { 0 };
	uint64_t posted;

	memset(w, 0, sizeof(*w));
	v1_call = h->call;
	posted = now();
	WRITE_ONCE(v1_seq, seq);
	if (nr_cpus == 1)
		watch_alone(h, seq, &s, w, spin, posted);
	else
		watch_beside(h, seq, &s, w);
	final = h->progress();
	if (nr_cpus == 1)
		w->ran = inside(&s, final);
	else
		w->tiny_inside = inside(&s, final);
	w->rc = v1_rc;
	w->ns = v1_t1 - v1_t0;
	return w->rc;
}

void check_preempted(const struct huge *h, const struct watch *w)
{
	unsigned long ms = (unsigned long)(w->ns / 1000000);
	unsigned long gap = (unsigned long)(w->max_gap_ns / 1000000);

	if (nr_cpus == 1)
		printk("  %s: %lu ms, vCPU 0 ran %lu times inside it, longest off the CPU %lu ms\n",
		       h->name, ms, w->ran, gap);
	else
		printk("  %s: %lu ms, %lu of %lu tiny mmu_updates fit inside it, longest %lu ms\n",
		       h->name, ms, w->tiny_inside, w->tiny, gap);
	if (w->ns < MIN_CALL_NS) {
		printk("  (%s: too short to need a preemption point)\n", h->name);
		return;
	}
	if (nr_cpus == 1)
		CHECK(w->ran, "%s: vCPU 0 (same CPU) never ran during the %lu ms the call took",
		      h->name, ms);
	else
		CHECK(w->tiny_inside, "%s: no tiny mmu_update got through in %lu ms (%lu tried, one waited %lu ms)",
		      h->name, ms, w->tiny, gap);
}

long run_checked(const struct huge *h, struct watch *w)
{
	long rc = run_huge(h, w, false);

	check_preempted(h, w);
	return rc;
}

/* On every CPU: vCPU 1's CPU may cache the page from an earlier batch. */
static void big_hole(unsigned long off)
{
	long rc = HYPERVISOR_update_va_mapping((unsigned long)big + (off & PAGE_MASK), 0,
					       UVMF_INVLPG | UVMF_ALL);

	if (rc)
		test_error("unmapping a page of the batch: rc %ld %s", rc, errno_name(rc));
}

static void big_unhole(unsigned long off)
{
	uint8_t *va = big + (off & PAGE_MASK);
	long rc = HYPERVISOR_update_va_mapping((unsigned long)va, mfn_pte(virt_to_mfn(va), PTE_RW),
					       UVMF_INVLPG | UVMF_LOCAL);

	if (rc)
		test_error("remapping a page of the batch: rc %ld %s", rc, errno_name(rc));
}

long run_holed(const struct huge *h, struct watch *w, unsigned long off)
{
	long rc;

	big_hole(off);
	rc = run_checked(h, w);
	big_unhole(off);
	return rc;
}

bool check_done(const char *what, unsigned int done, unsigned long want)
{
	if (done == want)
		return true;
	test_fail("%s: done %u, want %lu", what, done, want);
	return false;
}

/* Host CPUs, from XENPF_get_cpuinfo (dom0 may ask). */
static unsigned int count_cpus(void)
{
	struct xen_platform_op op = {
		.cmd = XENPF_get_cpuinfo,
		.interface_version = XENPF_INTERFACE_VERSION,
	};
	long rc = hypercall1(__HYPERVISOR_platform_op, &op);

	if (rc)
		test_error("XENPF_get_cpuinfo: rc %ld %s", rc, errno_name(rc));
	return op.u.pcpu_info.max_present + 1;
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "mmu_update: a huge batch", test_mmu_update },
		{ "mmu_update: failing at k", test_mmu_update_errors },
		{ "mmuext_op: a huge batch", test_mmuext_op },
		{ "mmuext_op: failing at k", test_mmuext_op_errors },
		{ "multicall: many entries", test_multicall },
		{ "multicall: failing entries", test_multicall_errors },
		{ "multicall: one huge mmu_update", test_multicall_huge_mmu },
		{ "memory_op: huge reservations", test_memory_op },
		{ "memory_op: failing at k", test_memory_op_errors },
		{ "grant_table_op: a huge copy batch", test_gnttab_copy },
		{ "grant_table_op: failing ops", test_gnttab_copy_errors },
		{ "mmuext_op: pin and unpin of one huge fresh tree", test_tree_pin },
	};
	const uint64_t *l4 = (const uint64_t *)si->pt_base;
	long rc;

	smp_guest_setup();
	p2m = (const unsigned long *)si->mfn_list;
	hv_mfn = (l4[261] & PTE_ADDR_MASK) >> PAGE_SHIFT;	/* the hypervisor's slot */
	nr_cpus = count_cpus();
	memory_setup();
	if ((rc = vcpu_start(1, vcpu1_main, 0, v1_stack + sizeof(v1_stack))))
		test_error("starting vCPU 1: rc %ld %s", rc, errno_name(rc));
	printk("%u host CPU(s); vCPU 1 issues the huge calls, vCPU 0 %s\n", nr_cpus,
	       nr_cpus == 1 ? "waits for a turn" : "makes tiny mmu_updates");
	if (cmdline_has("bench")) {
		bench_main();
		test_skip("bench: measured only");
	}
	run_cases(cases, ARRAY_SIZE(cases));
}

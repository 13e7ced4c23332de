// SPDX-License-Identifier: GPL-2.0-only
/*
 * destroy-busy: a domU destroyed while one of its vCPUs (or another
 * domain's) is busy on the other CPU. The destroy must always finish,
 * must never free what that CPU still uses, and must leave nothing
 * behind. Like domctl, this guest boots as dom0 with a copy of itself as
 * its initrd and builds that copy as domUs ("children"); it needs two
 * CPUs (guest-tests.sh gives every guest two).
 *
 * - "timers": a child re-arms its timers in a loop (periodic, single-shot,
 *   SCHEDOP_poll with a timeout) and is destroyed while it runs. A timer it
 *   re-armed after the hypervisor stopped its timers, or a periodic timer
 *   whose callback was running meanwhile, must not fire into the freed vCPU
 *   (the hypervisor would fault on freed memory).
 * - "busy": a child sits in one long hypercall (a batch that pins and
 *   unpins an L1 full of entries, several seconds) when it is destroyed:
 *   the destroy waits for its vCPU to leave the CPU, however long that
 *   takes, then frees everything (no give-up after a deadline, no leak).
 * - A paused child is destroyed while a "busy" child keeps the other CPU
 *   in the hypervisor: the destroy waits for that CPU, then frees all.
 *
 * A child and dom0 talk through the child's xenstore page (struct
 * mailbox), which dom0 maps read-only. Ward only, as domctl.
 */
#include "ward-ctl.h"

const char test_title[] = "destroy-busy: destroying a domU while a CPU is busy with it";

#define CHILD_MEM_KB		(24u * 1024)	/* the image sits at 16 MiB */
#define FREE_SLACK_PAGES	64
#define MS			(1000ULL * 1000)
#define MB_MAGIC		0xb05bd00du

/* The timers child: a 1 ms period, a single-shot 500 us out, a 100 us poll. */
#define PERIOD_NS		(1 * MS)
#define SINGLESHOT_NS		(MS / 2)
#define POLL_NS			(MS / 10)
#define POLL_EVERY		256	/* batches between polls */
#define TIMER_CHILDREN		40
#define TIMER_LOOPS_MIN		20	/* batches a child makes before it dies */
/* After a destroy: long enough for any stale timer to have fired. */
#define AFTER_DESTROY_NS	(5 * MS)

/* The busy child: its long call lasts about BUSY_NS (at most BUSY_MAX_OPS ops). */
#define BUSY_NS			(5000 * MS)
#define BUSY_MAX_OPS		(1u << 16)
#define CALIBRATE_OPS		256
#define L1_ENTRIES		512

/* On the child's xenstore page. */
struct mailbox {
	uint32_t magic;		/* MB_MAGIC once the child is set up */
	uint32_t failures;	/* checks of the child's own that failed */
	uint64_t seq;		/* timers: loops made; busy: odd while in the long call */
	uint64_t batch_ns;	/* busy: how long one long call took */
	uint64_t batch_ops;
};

/* ---- the children -------------------------------------------------------- */

/*
 * Each multicall entry re-arms a timer; the entry running when the
 * destroy begins is the one that may re-arm after the hypervisor stopped
 * the timers (a multicall stops after the entry that sees its domain die).
 */
#define TIMER_BATCH		32

static void __noreturn child_timers(volatile struct mailbox *mb)
{
	static struct vcpu_set_periodic_timer per = { .period_ns = PERIOD_NS };
	static struct vcpu_set_singleshot_timer ss;
	static multicall_entry_t calls[TIMER_BATCH];

	for (unsigned int i = 0; i < TIMER_BATCH; i++) {
		calls[i].op = __HYPERVISOR_vcpu_op;
		calls[i].args[0] = i % 2 ? VCPUOP_set_singleshot_timer : VCPUOP_set_periodic_timer;
		calls[i].args[1] = 0;
		calls[i].args[2] = i % 2 ? (unsigned long)&ss : (unsigned long)&per;
	}
	mb->magic = MB_MAGIC;
	for (uint64_t n = 0;; n++) {
		ss.timeout_abs_ns = clock_ns() + SINGLESHOT_NS;
		if (HYPERVISOR_multicall(calls, TIMER_BATCH))
			mb->failures++;
		for (unsigned int i = 0; i < TIMER_BATCH; i++)
			if (calls[i].result)
				mb->failures++;
		if (n % POLL_EVERY == 0)
			sleep_ns(POLL_NS);
		WRITE_ONCE(mb->seq, n + 1);
	}
}

/* Page-aligned so that every op is in guest memory the batch can read. */
static struct mmuext_op busy_ops[BUSY_MAX_OPS] __page_aligned;
static mmu_update_t fill_reqs[L1_ENTRIES] __page_aligned;

static long run_ops(unsigned int n)
{
	unsigned int done = 0;

	return HYPERVISOR_mmuext_op(busy_ops, n, &done, DOMID_SELF);
}

/*
 * An L1 (our top frame) whose 512 entries all map the next frame down
 * read-only: pinning it validates 512 entries, unpinning drops them, so a
 * batch of pin/unpin pairs keeps this CPU in one hypercall for long.
 */
static void __noreturn child_busy(const start_info_t *si, volatile struct mailbox *mb)
{
	const unsigned long *p2m = (const unsigned long *)si->mfn_list;
	unsigned long l1 = p2m[si->nr_pages - 1], data = p2m[si->nr_pages - 2];
	unsigned int done = 0, n;
	uint64_t t;

	for (unsigned int i = 0; i < L1_ENTRIES; i++) {
		fill_reqs[i].ptr = (l1 << PAGE_SHIFT) + i * sizeof(uint64_t);
		fill_reqs[i].val = (data << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED;
	}
	if (HYPERVISOR_mmu_update(fill_reqs, L1_ENTRIES, &done, DOMID_SELF)) {
		printk("child: FAILED: filling the L1\n");
		guest_shutdown(SHUTDOWN_reboot);
	}
	for (unsigned int i = 0; i < BUSY_MAX_OPS; i++) {
		busy_ops[i].cmd = i % 2 ? MMUEXT_UNPIN_TABLE : MMUEXT_PIN_L1_TABLE;
		busy_ops[i].arg1.mfn = l1;
	}
	t = clock_ns();
	if (run_ops(CALIBRATE_OPS)) {
		printk("child: FAILED: pin/unpin of the L1\n");
		guest_shutdown(SHUTDOWN_reboot);
	}
	t = clock_ns() - t + 1;
	n = BUSY_NS / t * CALIBRATE_OPS < BUSY_MAX_OPS ?
	    (unsigned int)(BUSY_NS / t * CALIBRATE_OPS) & ~1u : BUSY_MAX_OPS;
	mb->batch_ops = n;
	mb->magic = MB_MAGIC;
	for (;;) {
		WRITE_ONCE(mb->seq, mb->seq + 1);	/* odd: in the call */
		t = clock_ns();
		if (run_ops(n))
			mb->failures++;
		mb->batch_ns = clock_ns() - t;
		WRITE_ONCE(mb->seq, mb->seq + 1);
	}
}

static void __noreturn child_main(start_info_t *si)
{
	volatile struct mailbox *mb = child_setup(si);

	if (cmdline_has("timers"))
		child_timers(mb);
	if (cmdline_has("busy"))
		child_busy(si, mb);
	for (;;)
		sleep_ns(1000 * MS);
}

/* ---- dom0's side --------------------------------------------------------- */

/* Our page that maps a child's mailbox. */
static uint8_t mb_slot[PAGE_SIZE] __page_aligned;
static const volatile struct mailbox *mb = (const volatile struct mailbox *)mb_slot;

#define START_MAP	(1u << 0)	/* map its mailbox at mb_slot */
#define START_RUN	(1u << 1)	/* unpause it */

/* Create a child with @cmdline, as @how says; its domid or 0. */
static uint32_t start_child(const char *cmdline, unsigned int how)
{
	struct ward_ctl c;
	uint32_t domid = ctl_create_self(cmdline, CHILD_MEM_KB, 1, &c);
	long rc;

	if (!domid)
		return 0;
	if (how & START_MAP) {
		rc = map_foreign(mb_slot, c.u.create.store_mfn, (domid_t)domid, false);
		if (!check_rc("mapping the child's xenstore page", rc, 0))
			return 0;
	}
	if (how & START_RUN) {
		ctl_init(&c, WARD_CTL_unpause, domid);
		check_rc("unpause the child", ctl_call(&c), 0);
	}
	return domid;
}

/* Destroy @domid; report how long it took, and whether it is really gone. */
static void destroy(uint32_t domid, const char *what)
{
	struct ward_ctl c;
	uint64_t t = clock_ns();

	ctl_init(&c, WARD_CTL_destroy, domid);
	if (!check_rc(what, ctl_call(&c), 0))
		return;
	printk("%s: d%u took %llu ms\n", what, domid,
	       (unsigned long long)((clock_ns() - t) / MS));
	CHECK(!ctl_listed(domid), "%s: d%u is still listed (the destroy gave up on it)", what,
	      domid);
}

static void check_memory_back(unsigned long before, const char *what)
{
	unsigned long now = free_pages_now();

	CHECK(now + FREE_SLACK_PAGES >= before, "%s: memory not back: %lu free pages, %lu before",
	      what, now, before);
}

static void test_timers(void)
{
	unsigned long before = free_pages_now();

	for (unsigned int i = 0; i < TIMER_CHILDREN; i++) {
		uint32_t domid = start_child("child timers", START_MAP | START_RUN);

		if (!domid)
			return;
		if (WAIT_UNTIL(mb->magic == MB_MAGIC && mb->seq >= TIMER_LOOPS_MIN,
			     "the timers child to loop"))
			CHECK(!mb->failures, "the timers child: %u timer calls failed",
			      mb->failures);
		unmap_foreign(mb_slot);
		destroy(domid, "destroy a child re-arming its timers");
		/* Any timer of its still armed would fire now, into freed memory. */
		sleep_ns(AFTER_DESTROY_NS);
	}
	check_memory_back(before, "timers children");
}

/* Wait until the busy child is in (a fresh) long call. */
static bool wait_in_long_call(void)
{
	uint64_t s;

	if (!WAIT_UNTIL(mb->magic == MB_MAGIC, "the busy child to set up"))
		return false;
	s = mb->seq;
	/* A fresh call, so that it has all its seconds still to go. */
	return WAIT_UNTIL(mb->seq != s && (mb->seq & 1), "the busy child's long call");
}

static void test_busy(void)
{
	unsigned long before = free_pages_now();
	uint32_t domid = start_child("child busy", START_MAP | START_RUN);

	if (!domid)
		return;
	if (wait_in_long_call())
		printk("busy child: %llu ops per call, last one %llu ms\n",
		       (unsigned long long)mb->batch_ops,
		       (unsigned long long)(mb->batch_ns / MS));
	unmap_foreign(mb_slot);
	destroy(domid, "destroy a child in a long hypercall");
	check_memory_back(before, "the busy child");
}

static void test_other_cpu_busy(void)
{
	unsigned long before = free_pages_now(), before_idle;
	uint32_t busy = start_child("child busy", START_MAP | START_RUN), idle;

	if (!busy)
		return;
	before_idle = free_pages_now();
	idle = start_child("child", 0);	/* stays paused: it never runs */
	if (!idle)
		return;
	/* The busy child keeps the other CPU in one hypercall meanwhile. */
	wait_in_long_call();
	destroy(idle, "destroy a paused child");
	check_memory_back(before_idle, "the paused child");
	unmap_foreign(mb_slot);
	destroy(busy, "destroy the busy child");
	check_memory_back(before, "both children");
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "destroy a child re-arming its timers", test_timers },
		{ "destroy a child in a long hypercall", test_busy },
		{ "destroy while another child's hypercall holds a CPU", test_other_cpu_busy },
	};
	if (!(si->flags & SIF_INITDOMAIN))
		child_main(si);
	ctl_dom0_setup(2);
	run_cases(cases, ARRAY_SIZE(cases));
}

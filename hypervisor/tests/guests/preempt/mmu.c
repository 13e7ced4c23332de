// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmu_update, mmuext_op and multicall: huge batches and batches failing
 * at element k.
 *
 * The standard mmu_update batch of n requests (std_req): request 0 writes
 * a start mark, request n-1 an end mark; of the others, every fourth
 * rewrites an entry of a pinned L1 (`pt`, mapping `data` read-only or
 * clearing it), the rest are plain writes of their own index into `qpage`
 * (so its last word, written every 512 requests, shows the progress).
 * expect_std() replays the first k requests (skipping one, if asked) and
 * compares the pages and the L1 with what they must hold. The multicall
 * batches issue the same requests one per entry, but for the L1 updates:
 * on two CPUs each one that clears an entry would be a remote TLB flush,
 * and 8192 of those make the batch crawl under TCG.
 *
 * The mmuext_op batch: CLEAR_PAGE of a start page, then pin and unpin of
 * an L1 `pf` in turns, with a CLEAR_PAGE of the next of NR_STEPS pages
 * every STEP ops (the progress), then CLEAR_PAGE of an end page; `pf` must
 * end up pinned exactly when the last pin or unpin that ran was a pin.
 */
#include "preempt.h"

#define N_MMU		(BIG_SIZE / sizeof(mmu_update_t))
#define N_MMUEXT	(16UL * 1024)
#define N_MULTICALL	(64UL * 1024)	/* Ward's most (Xen has no limit) */
#define NO_SKIP		(~0UL)
#define PROGRESS_WORD	(PT_ENTRIES - 1)	/* qpage's, written every 512 requests */
#define NR_STEPS	16
#define STEP		(N_MMUEXT / NR_STEPS)

static uint64_t marks[PT_ENTRIES] __page_aligned;	/* 0: start, 1: end, 2: after */
static uint64_t qpage[PT_ENTRIES] __page_aligned;
static uint64_t data[PT_ENTRIES] __page_aligned;
static uint64_t mark_s[PT_ENTRIES] __page_aligned;	/* mmuext: cleared first */
static uint64_t mark_e[PT_ENTRIES] __page_aligned;	/* ... and last */
static uint64_t steps[NR_STEPS][PT_ENTRIES] __page_aligned;	/* ... in between */
static uint64_t pt_win[PT_ENTRIES] __page_aligned;	/* pt, read-only */
static uint64_t pf_win[PT_ENTRIES] __page_aligned;	/* pf, read-only */
static unsigned long pt_mfn, pf_mfn;

/* The batch vCPU 1 issues, and its done count (one batch at a time). */
static mmu_update_t *const mreqs = (mmu_update_t *)big;
static struct mmuext_op *const xops = (struct mmuext_op *)big;
static multicall_entry_t *const mcs = (multicall_entry_t *)big;
static mmu_update_t *const mc_reqs = (mmu_update_t *)(big + N_MULTICALL * sizeof(multicall_entry_t));
static multicall_entry_t nest[2];	/* a multicall around the standard batch */
static unsigned long batch_n;
static unsigned int batch_done;
static bool std_pt;	/* the standard batch has its L1 updates */

static long call_mmu(void)
{
	return HYPERVISOR_mmu_update(mreqs, batch_n, &batch_done, DOMID_SELF);
}

static long call_mmuext(void)
{
	return HYPERVISOR_mmuext_op(xops, batch_n, &batch_done, DOMID_SELF);
}

static long call_multicall(void)
{
	return HYPERVISOR_multicall(mcs, batch_n);
}

static long call_nested(void)
{
	return HYPERVISOR_multicall(nest, ARRAY_SIZE(nest));
}

static bool marks_started(void)
{
	return READ_ONCE(marks[0]) == MARK;
}

static bool marks_finished(void)
{
	return READ_ONCE(marks[1]) == MARK;
}

static unsigned long std_progress(void)
{
	if (!marks_started())
		return 0;
	return 1 + (READ_ONCE(qpage[PROGRESS_WORD]) & 0xffffffff) + marks_finished();
}

static bool mmuext_started(void)
{
	return READ_ONCE(mark_s[0]) == 0;
}

static bool mmuext_finished(void)
{
	return READ_ONCE(mark_e[0]) == 0;
}

static unsigned long mmuext_progress(void)
{
	unsigned long p = mmuext_started();

	for (unsigned int j = 0; p && j < NR_STEPS; j++)
		p += READ_ONCE(steps[j][0]) == 0;
	return p + mmuext_finished();
}

const struct huge huge_mmu = { "mmu_update", N_MMU, call_mmu, std_progress };
const struct huge huge_mmuext = { "mmuext_op", N_MMUEXT, call_mmuext, mmuext_progress };
const struct huge huge_multicall = { "multicall", N_MULTICALL, call_multicall, std_progress };

static long mmuext1(unsigned int cmd, unsigned long mfn)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* A zeroed frame from the top of memory, seen read-only at @win. */
static unsigned long zeroed_frame(uint64_t *win)
{
	unsigned long mfn = p2m[take_free_pfn()];
	long rc = HYPERVISOR_update_va_mapping((unsigned long)win, mfn_pte(mfn, PTE_RW),
					       UVMF_INVLPG | UVMF_LOCAL);

	if (rc)
		test_error("mapping a free frame: rc %ld %s", rc, errno_name(rc));
	memset(win, 0, PAGE_SIZE);
	rc = HYPERVISOR_update_va_mapping((unsigned long)win, mfn_pte(mfn, PTE_RO),
					  UVMF_INVLPG | UVMF_LOCAL);
	if (rc)
		test_error("mapping a free frame read-only: rc %ld %s", rc, errno_name(rc));
	return mfn;
}

static void mmu_setup(void)
{
	long rc;

	if (pt_mfn)
		return;
	pt_mfn = zeroed_frame(pt_win);
	pf_mfn = zeroed_frame(pf_win);
	if ((rc = mmuext1(MMUEXT_PIN_L1_TABLE, pt_mfn)))
		test_error("pinning the L1: rc %ld %s", rc, errno_name(rc));
}

/* Request @i of the standard batch of @n. */
static void std_req(unsigned long i, unsigned long n, mmu_update_t *r)
{
	if (i == 0 || i == n - 1) {
		r->ptr = mfn_maddr(virt_to_mfn(marks), i ? 1 : 0);
		r->val = MARK;
	} else if (std_pt && i % 4 == 1) {
		r->ptr = mfn_maddr(pt_mfn, (i / 4) % PT_ENTRIES);
		r->val = (i / 4 / PT_ENTRIES) & 1 ? 0 : mfn_pte(virt_to_mfn(data), PTE_RO);
	} else {
		r->ptr = mfn_maddr(virt_to_mfn(qpage), i % PT_ENTRIES);
		r->val = MARK | i;
	}
}

/* Clear what a standard batch changes (the L1 through one mmu_update of its own). */
static void std_reset(void)
{
	static mmu_update_t clear[PT_ENTRIES];
	unsigned int done = 0;
	long rc;

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		clear[i].ptr = mfn_maddr(pt_mfn, i);
		clear[i].val = 0;
	}
	rc = HYPERVISOR_mmu_update(clear, PT_ENTRIES, &done, DOMID_SELF);
	if (rc || done != PT_ENTRIES)
		test_error("clearing the L1: rc %ld %s, done %u", rc, errno_name(rc), done);
	memset(marks, 0, sizeof(marks));
	memset(qpage, 0, sizeof(qpage));
}

/* After the first @k requests of a standard batch of @n (but @skip) ran. */
static void expect_std(const char *what, unsigned long k, unsigned long n, unsigned long skip)
{
	static uint64_t want_q[PT_ENTRIES], want_pt[PT_ENTRIES];
	unsigned long bad = 0, first = 0;
	mmu_update_t r;

	memset(want_q, 0, sizeof(want_q));
	memset(want_pt, 0, sizeof(want_pt));
	for (unsigned long i = 1; i < k && i < n - 1; i++) {
		if (i == skip)
			continue;
		std_req(i, n, &r);
		if (std_pt && i % 4 == 1)
			want_pt[(i / 4) % PT_ENTRIES] = r.val;
		else
			want_q[i % PT_ENTRIES] = r.val;
	}
	CHECK(marks_started() == (k > 0 && skip != 0), "%s: start mark %lx", what,
	      (unsigned long)marks[0]);
	CHECK(marks_finished() == (k == n && skip != n - 1), "%s: end mark %lx (%lu of %lu ran)",
	      what, (unsigned long)marks[1], k, n);
	for (unsigned int j = 0; j < PT_ENTRIES; j++) {
		uint64_t e = READ_ONCE(pt_win[j]);
		bool pt_ok = (e & PTE_ADDR_MASK) == (want_pt[j] & PTE_ADDR_MASK) &&
			     !(e & _PAGE_PRESENT) == !(want_pt[j] & _PAGE_PRESENT);

		if ((qpage[j] != want_q[j] || !pt_ok) && !bad++)
			first = j;
	}
	CHECK(!bad, "%s: %lu slots differ from the requests that ran, first %lu (data %lx want %lx, L1 %lx want %lx)",
	      what, bad, first, (unsigned long)qpage[first], (unsigned long)want_q[first],
	      (unsigned long)pt_win[first], (unsigned long)want_pt[first]);
}

static void build_std(unsigned long n)
{
	std_reset();
	std_pt = true;
	for (unsigned long i = 0; i < n; i++)
		std_req(i, n, &mreqs[i]);
	batch_n = n;
	batch_done = 0xdead;
}

void test_mmu_update(void)
{
	struct watch w;
	long rc;

	mmu_setup();
	build_std(N_MMU);
	rc = run_checked(&huge_mmu, &w);
	if (check_rc("huge mmu_update", rc, 0))
		check_done("huge mmu_update", batch_done, N_MMU);
	expect_std("huge mmu_update", N_MMU, N_MMU, NO_SKIP);
	std_reset();
}

void test_mmu_update_errors(void)
{
	unsigned long k = N_MMU / 4 * 3 + 3;
	unsigned int done;
	struct watch w;
	long rc;

	mmu_setup();
	/* A frame that is not ours at k: -EINVAL, k done, nothing after it. */
	build_std(N_MMU);
	mreqs[k].ptr = mfn_maddr(hv_mfn, 0);
	rc = run_checked(&huge_mmu, &w);
	check_rc("mmu_update failing at k", rc, -XEN_EINVAL);
	check_done("mmu_update failing at k", batch_done, k);
	expect_std("mmu_update failing at k", k, N_MMU, NO_SKIP);

	/* Request k on an unmapped page: -EFAULT with k done. */
	k = (N_MMU / 4 * 3) & ~(PAGE_SIZE / sizeof(mmu_update_t) - 1);
	build_std(N_MMU);
	rc = run_holed(&huge_mmu, &w, k * sizeof(mmu_update_t));
	check_rc("mmu_update with an unmapped page at k", rc, -XEN_EFAULT);
	check_done("mmu_update with an unmapped page at k", batch_done, k);
	expect_std("mmu_update with an unmapped page at k", k, N_MMU, NO_SKIP);

	/* Re-entered as Xen re-enters a preempted call: *pdone counts on. */
	build_std(8);
	done = 1000;
	rc = HYPERVISOR_mmu_update(mreqs, 8 | MMU_UPDATE_PREEMPTED, &done, DOMID_SELF);
	if (check_rc("mmu_update resumed (count | MMU_UPDATE_PREEMPTED)", rc, 0))
		check_done("mmu_update resumed with *pdone 1000", done, 1008);
	expect_std("mmu_update resumed", 8, 8, NO_SKIP);
	std_reset();
}

/* CLEAR_PAGE start; pin, unpin, ... with a CLEAR_PAGE every STEP; CLEAR_PAGE end. */
static void build_mmuext(unsigned long n)
{
	unsigned long pins = 0;

	memset(mark_s, 0xff, sizeof(mark_s));
	memset(mark_e, 0xff, sizeof(mark_e));
	memset(steps, 0xff, sizeof(steps));
	memset(xops, 0, n * sizeof(*xops));
	for (unsigned long i = 0; i < n; i++) {
		if (i == 0 || i == n - 1) {
			xops[i].cmd = MMUEXT_CLEAR_PAGE;
			xops[i].arg1.mfn = virt_to_mfn(i ? mark_e : mark_s);
		} else if (i % STEP == STEP / 2 && i / STEP < NR_STEPS) {
			xops[i].cmd = MMUEXT_CLEAR_PAGE;
			xops[i].arg1.mfn = virt_to_mfn(steps[i / STEP]);
		} else {
			xops[i].cmd = pins++ % 2 ? MMUEXT_UNPIN_TABLE : MMUEXT_PIN_L1_TABLE;
			xops[i].arg1.mfn = pf_mfn;
		}
	}
	if (pins % 2)
		test_error("mmuext batch of %lu ops ends with a pin", n);
	batch_n = n;
	batch_done = 0xdead;
}

/* pf after the first @k ops ran (as the batch holds them now); leave it unpinned. */
static void expect_pf(const char *what, unsigned long k, unsigned long n)
{
	bool pinned = false;
	long rc;

	for (unsigned long i = 0; i < k; i++)
		if (xops[i].cmd == MMUEXT_PIN_L1_TABLE || xops[i].cmd == MMUEXT_UNPIN_TABLE)
			pinned = xops[i].cmd == MMUEXT_PIN_L1_TABLE;
	rc = mmuext1(MMUEXT_PIN_L1_TABLE, pf_mfn);

	CHECK(mmuext_started() == (k > 0), "%s: start page %scleared", what, k ? "not " : "");
	CHECK(mmuext_finished() == (k == n), "%s: end page %scleared (%lu of %lu ran)", what,
	      k == n ? "not " : "", k, n);
	if (pinned)
		CHECK(rc == -XEN_EINVAL, "%s: the L1 is not pinned after %lu ops (pin: rc %ld)", what,
		      k, rc);
	else
		CHECK(rc == 0, "%s: the L1 is still pinned after %lu ops (pin: rc %ld %s)", what, k,
		      rc, errno_name(rc));
	if ((rc = mmuext1(MMUEXT_UNPIN_TABLE, pf_mfn)))
		test_error("%s: unpinning the L1: rc %ld %s", what, rc, errno_name(rc));
}

void test_mmuext_op(void)
{
	struct watch w;
	long rc;

	mmu_setup();
	build_mmuext(N_MMUEXT);
	rc = run_checked(&huge_mmuext, &w);
	if (check_rc("huge mmuext_op", rc, 0))
		check_done("huge mmuext_op", batch_done, N_MMUEXT);
	expect_pf("huge mmuext_op", N_MMUEXT, N_MMUEXT);
}

void test_mmuext_op_errors(void)
{
	unsigned long k = N_MMUEXT / 4 * 3 + 1, hole;
	unsigned int done;
	struct watch w;
	long rc;

	mmu_setup();
	build_mmuext(N_MMUEXT);
	xops[k].cmd = UNKNOWN_MMUEXT;
	rc = run_checked(&huge_mmuext, &w);
	check_rc("mmuext_op failing at k", rc, -XEN_ENOSYS);
	check_done("mmuext_op failing at k", batch_done, k);
	expect_pf("mmuext_op failing at k", k, N_MMUEXT);

	/* The op straddling into an unmapped page is the first not done. */
	hole = (N_MMUEXT / 4 * 3 * sizeof(*xops)) & PAGE_MASK;
	k = hole / sizeof(*xops);
	build_mmuext(N_MMUEXT);
	rc = run_holed(&huge_mmuext, &w, hole);
	check_rc("mmuext_op with an unmapped page at k", rc, -XEN_EFAULT);
	check_done("mmuext_op with an unmapped page at k", batch_done, k);
	expect_pf("mmuext_op with an unmapped page at k", k, N_MMUEXT);

	build_mmuext(4);
	done = 1000;
	rc = HYPERVISOR_mmuext_op(xops, 4 | MMU_UPDATE_PREEMPTED, &done, DOMID_SELF);
	if (check_rc("mmuext_op resumed (count | MMU_UPDATE_PREEMPTED)", rc, 0))
		check_done("mmuext_op resumed with *pdone 1000", done, 1004);
	expect_pf("mmuext_op resumed", 4, 4);
}

/* The standard requests, one mmu_update per entry. */
static void build_multicall(unsigned long n)
{
	std_reset();
	std_pt = false;
	for (unsigned long i = 0; i < n; i++) {
		std_req(i, n, &mc_reqs[i]);
		memset(&mcs[i], 0, sizeof(mcs[i]));
		mcs[i].op = __HYPERVISOR_mmu_update;
		mcs[i].args[0] = (unsigned long)&mc_reqs[i];
		mcs[i].args[1] = 1;
		mcs[i].args[3] = DOMID_SELF;
		mcs[i].result = 0xdead;
	}
	batch_n = n;
}

/* Every entry before @k returned 0, except @skip (@skip_rc). */
static void expect_results(const char *what, unsigned long k, unsigned long skip, long skip_rc)
{
	unsigned long bad = 0, first = 0;

	for (unsigned long i = 0; i < k; i++)
		if ((long)mcs[i].result != (i == skip ? skip_rc : 0) && !bad++)
			first = i;
	CHECK(!bad, "%s: %lu entries with a wrong result, first %lu: %ld", what, bad, first,
	      (long)mcs[first].result);
}

void test_multicall(void)
{
	struct watch w;
	long rc;

	mmu_setup();
	build_multicall(N_MULTICALL);
	rc = run_checked(&huge_multicall, &w);
	check_rc("multicall of 64 Ki entries", rc, 0);
	expect_results("multicall of 64 Ki entries", N_MULTICALL, NO_SKIP, 0);
	expect_std("multicall of 64 Ki entries", N_MULTICALL, N_MULTICALL, NO_SKIP);
	std_reset();
}

void test_multicall_errors(void)
{
	unsigned long k = N_MULTICALL / 4 * 3 + 5;
	struct watch w;
	long rc;

	mmu_setup();
	/* A failing entry does not stop the batch: its own result says so. */
	build_multicall(N_MULTICALL);
	mc_reqs[k].ptr = mfn_maddr(hv_mfn, 0);
	rc = run_checked(&huge_multicall, &w);
	check_rc("multicall with a failing entry", rc, 0);
	expect_results("multicall with a failing entry", N_MULTICALL, k, -XEN_EINVAL);
	expect_std("multicall with a failing entry", N_MULTICALL, N_MULTICALL, k);

	/* An entry on an unmapped page: -EFAULT, the entries before it done. */
	k = (N_MULTICALL / 4 * 3) & ~(PAGE_SIZE / sizeof(multicall_entry_t) - 1);
	build_multicall(N_MULTICALL);
	rc = run_holed(&huge_multicall, &w, k * sizeof(multicall_entry_t));
	check_rc("multicall with an unmapped page at k", rc, -XEN_EFAULT);
	expect_results("multicall with an unmapped page at k", k, NO_SKIP, 0);
	CHECK(mcs[N_MULTICALL - 1].result == 0xdead, "multicall with an unmapped page at k: the last entry ran");
	expect_std("multicall with an unmapped page at k", k, N_MULTICALL, NO_SKIP);
	std_reset();
}

/* [huge mmu_update of the standard batch; one more mmu_update after it]. */
static void build_nested(unsigned long fail_at)
{
	static mmu_update_t after;

	build_std(N_MMU);
	if (fail_at != NO_SKIP)
		mreqs[fail_at].ptr = mfn_maddr(hv_mfn, 0);
	after.ptr = mfn_maddr(virt_to_mfn(marks), 2);
	after.val = MARK;
	memset(nest, 0, sizeof(nest));
	nest[0].op = nest[1].op = __HYPERVISOR_mmu_update;
	nest[0].args[0] = (unsigned long)mreqs;
	nest[0].args[1] = N_MMU;
	nest[0].args[2] = (unsigned long)&batch_done;
	nest[0].args[3] = nest[1].args[3] = DOMID_SELF;
	nest[1].args[0] = (unsigned long)&after;
	nest[1].args[1] = 1;
	nest[0].result = nest[1].result = 0xdead;
}

void test_multicall_huge_mmu(void)
{
	static const struct huge nested = {
		"multicall [huge mmu_update, mmu_update]", N_MMU, call_nested, std_progress,
	};
	unsigned long k = N_MMU / 4 * 3;
	struct watch w;
	long rc;

	mmu_setup();
	/* Xen may rewrite entry 0's arguments when it preempts it: only results are checked. */
	build_nested(NO_SKIP);
	rc = run_checked(&nested, &w);
	check_rc("multicall [huge mmu_update, ...]", rc, 0);
	check_rc("multicall [huge mmu_update, ...]: entry 0", (long)nest[0].result, 0);
	check_done("multicall [huge mmu_update, ...]: entry 0", batch_done, N_MMU);
	check_rc("multicall [huge mmu_update, ...]: entry 1", (long)nest[1].result, 0);
	CHECK(marks[2] == MARK, "multicall [huge mmu_update, ...]: entry 1 did not run");
	expect_std("multicall [huge mmu_update, ...]", N_MMU, N_MMU, NO_SKIP);

	build_nested(k);
	rc = run_checked(&nested, &w);
	check_rc("multicall [huge mmu_update failing at k, ...]", rc, 0);
	check_rc("multicall [huge mmu_update failing at k, ...]: entry 0", (long)nest[0].result,
		 -XEN_EINVAL);
	check_done("multicall [huge mmu_update failing at k, ...]: entry 0", batch_done, k);
	check_rc("multicall [huge mmu_update failing at k, ...]: entry 1", (long)nest[1].result, 0);
	CHECK(marks[2] == MARK, "multicall [huge mmu_update failing at k, ...]: entry 1 did not run");
	expect_std("multicall [huge mmu_update failing at k, ...]", k, N_MMU, NO_SKIP);
	std_reset();
}

void mmu_bench_prepare(void)
{
	mmu_setup();
	build_std(N_MMU);
}

void mmuext_bench_prepare(void)
{
	mmu_setup();
	build_mmuext(N_MMUEXT);
}

void multicall_bench_prepare(void)
{
	mmu_setup();
	build_multicall(N_MULTICALL);
}

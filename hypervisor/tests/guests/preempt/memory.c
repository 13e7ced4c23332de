// SPDX-License-Identifier: GPL-2.0-only
/*
 * memory_op reservations of many extents. N_MEM frames from the top of
 * our memory (nothing maps them) go back to the hypervisor with
 * decrease_reservation and come back with increase_reservation (placed at
 * their pfns with MMU_MACHPHYS_UPDATE, as a balloon driver does) or with
 * populate_physmap; every case ends with all N_MEM pfns backed again, so
 * dom0's memory stays whole. The call returns the extents done; for PV
 * guests increase and populate write each new frame into the list.
 */
#include "preempt.h"

#define N_MEM		(16UL * 1024)	/* 64 MiB: guest-tests.sh gives us dom0_mem=128M */
#define INVALID_ENTRY	(~0UL)
#define M2P		((const unsigned long *)MACH2PHYS_VIRT_START)

static unsigned long mem_pfn[N_MEM];
static xen_pfn_t *const ext = (xen_pfn_t *)big;
static mmu_update_t *const m2p_reqs = (mmu_update_t *)(big + N_MEM * sizeof(xen_pfn_t));
static struct xen_memory_reservation res = { .domid = DOMID_SELF };
static unsigned long mem_cmd;
static uint8_t probe_win[PAGE_SIZE] __page_aligned;

static long call_memop(void)
{
	return HYPERVISOR_memory_op(mem_cmd, &res);
}

/* How many frames we have now: read without any lock of the domain's. */
static long reservation(void)
{
	domid_t self = DOMID_SELF;

	return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

static long base_pages;	/* reservation() before the call */

static unsigned long memop_progress(void)
{
	long d = reservation() - base_pages;

	return d < 0 ? -d : d;
}

const struct huge huge_decrease = { "decrease_reservation", N_MEM, call_memop, memop_progress };
const struct huge huge_increase = { "increase_reservation", N_MEM, call_memop, memop_progress };
static const struct huge huge_populate = { "populate_physmap", N_MEM, call_memop, memop_progress };

void memory_setup(void)
{
	for (unsigned long i = 0; i < N_MEM; i++)
		mem_pfn[i] = take_free_pfn();
}

static void prepare(unsigned long cmd, unsigned long first, unsigned long n)
{
	base_pages = reservation();
	mem_cmd = cmd;
	res.nr_extents = n;
	res.extent_order = 0;
	res.mem_flags = 0;
	set_xen_guest_handle(res.extent_start, ext);
	for (unsigned long i = 0; i < n; i++)
		ext[i] = cmd == XENMEM_decrease_reservation ? p2m[mem_pfn[first + i]] :
			 cmd == XENMEM_populate_physmap ? mem_pfn[first + i] : INVALID_ENTRY;
}

/* Can we still map @mfn (is it ours)? */
static bool owned(unsigned long mfn)
{
	long rc = HYPERVISOR_update_va_mapping((unsigned long)probe_win, mfn_pte(mfn, PTE_RO),
					       UVMF_INVLPG | UVMF_LOCAL);

	unmap_page(probe_win);
	return !rc;
}

/* After decrease_reservation of pfns [first, first + n) stopped after @done. */
static void expect_decreased(const char *what, unsigned long first, unsigned long n,
			     unsigned long done)
{
	static const unsigned long at[] = { 0, 1, 2 };
	unsigned long *pm = (unsigned long *)p2m;

	for (unsigned int i = 0; i < ARRAY_SIZE(at); i++) {
		unsigned long j = at[i] == 0 ? 0 : at[i] == 1 ? done - 1 : done;

		if (j >= n || (at[i] == 1 && !done))
			continue;
		CHECK(owned(pm[mem_pfn[first + j]]) == (j >= done),
		      "%s: extent %lu (frame %lx) %s ours after %lu were done", what, j,
		      pm[mem_pfn[first + j]], j >= done ? "is not" : "is still", done);
	}
	for (unsigned long j = 0; j < done && j < n; j++)
		pm[mem_pfn[first + j]] = INVALID_ENTRY;
}

/* The new frames of an increase or populate: ours, at their pfns (M2P and p2m). */
static void adopt(const char *what, unsigned long first, unsigned long n, bool set_m2p)
{
	unsigned long *pm = (unsigned long *)p2m, bad = 0;
	unsigned int done = 0;
	long rc;

	for (unsigned long i = 0; i < n; i++) {
		m2p_reqs[i].ptr = mfn_maddr(ext[i], 0) | MMU_MACHPHYS_UPDATE;
		m2p_reqs[i].val = mem_pfn[first + i];
	}
	if (set_m2p) {
		rc = HYPERVISOR_mmu_update(m2p_reqs, n, &done, DOMID_SELF);
		if (rc || done != n)
			test_abort("%s: MMU_MACHPHYS_UPDATE of the new frames: rc %ld %s, done %u",
				   what, rc, errno_name(rc), done);
	}
	for (unsigned long i = 0; i < n; i++) {
		bad += M2P[ext[i]] != mem_pfn[first + i];
		pm[mem_pfn[first + i]] = ext[i];
	}
	CHECK(!bad, "%s: %lu new frames not at their pfn in the M2P", what, bad);
	CHECK(owned(ext[0]) && owned(ext[n - 1]), "%s: the new frames are not ours", what);
}

/* Bring pfns [first, first + n) back with populate_physmap (not timed). */
static void repopulate(const char *what, unsigned long first, unsigned long n)
{
	long rc;

	if (!n)
		return;
	prepare(XENMEM_populate_physmap, first, n);
	rc = call_memop();
	if (rc != (long)n)
		test_abort("%s: repopulating %lu pfns: rc %ld %s", what, n, rc, errno_name(rc));
	adopt(what, first, n, false);
}

void test_memory_op(void)
{
	struct watch w;
	long rc;

	prepare(XENMEM_decrease_reservation, 0, N_MEM);
	rc = run_checked(&huge_decrease, &w);
	check_rc("huge decrease_reservation", rc, N_MEM);
	expect_decreased("huge decrease_reservation", 0, N_MEM, rc < 0 ? 0 : rc);
	repopulate("after decrease_reservation", 0, rc < (long)N_MEM ? (rc < 0 ? 0 : rc) : 0);
	if (rc != (long)N_MEM)
		return;

	prepare(XENMEM_increase_reservation, 0, N_MEM);
	rc = run_checked(&huge_increase, &w);
	if (!check_rc("huge increase_reservation", rc, N_MEM))
		test_abort("increase_reservation gave %ld of %lu frames back: dom0 is short of memory",
			   rc, N_MEM);
	adopt("huge increase_reservation", 0, N_MEM, true);

	prepare(XENMEM_decrease_reservation, 0, N_MEM);
	rc = call_memop();
	if (rc != (long)N_MEM)
		test_abort("decrease_reservation again: rc %ld %s", rc, errno_name(rc));
	expect_decreased("decrease_reservation again", 0, N_MEM, N_MEM);
	prepare(XENMEM_populate_physmap, 0, N_MEM);
	rc = run_checked(&huge_populate, &w);
	if (!check_rc("huge populate_physmap", rc, N_MEM))
		test_abort("populate_physmap gave %ld of %lu frames back: dom0 is short of memory",
			   rc, N_MEM);
	adopt("huge populate_physmap", 0, N_MEM, false);
}

void test_memory_op_errors(void)
{
	unsigned long k = N_MEM / 4 * 3 + 7, hole;
	struct watch w;
	long rc;

	/* A frame that is not ours at k: k extents done. */
	prepare(XENMEM_decrease_reservation, 0, N_MEM);
	ext[k] = hv_mfn;
	rc = run_checked(&huge_decrease, &w);
	check_rc("decrease_reservation failing at k", rc, k);
	expect_decreased("decrease_reservation failing at k", 0, N_MEM, rc < 0 ? 0 : rc);
	repopulate("after decrease_reservation failing at k", 0, rc < 0 ? 0 : rc);

	/* An extent on an unmapped page: k done (memory_op has no -EFAULT here). */
	hole = (N_MEM / 4 * 3 * sizeof(*ext)) & PAGE_MASK;
	k = hole / sizeof(*ext);
	prepare(XENMEM_decrease_reservation, 0, N_MEM);
	rc = run_holed(&huge_decrease, &w, hole);
	check_rc("decrease_reservation with an unmapped page at k", rc, k);
	expect_decreased("decrease_reservation with an unmapped page at k", 0, N_MEM,
			 rc < 0 ? 0 : rc);
	repopulate("after the unmapped page", 0, rc < 0 ? 0 : rc);

	/*
	 * Re-entered as Xen re-enters a preempted call: the start extent in
	 * cmd's upper bits; the result counts from 0. At the end, nothing to do.
	 */
	prepare(XENMEM_decrease_reservation, 0, 8);
	mem_cmd = XENMEM_decrease_reservation | (4UL << MEMOP_EXTENT_SHIFT);
	rc = call_memop();
	check_rc("decrease_reservation resumed at extent 4 of 8", rc, 8);
	if (rc == 8) {
		CHECK(owned(p2m[mem_pfn[3]]), "decrease_reservation resumed at 4: extent 3 went too");
		expect_decreased("decrease_reservation resumed at 4", 4, 4, 4);
		repopulate("after the resumed decrease", 4, 4);
	}
	prepare(XENMEM_decrease_reservation, 0, 8);
	mem_cmd = XENMEM_decrease_reservation | (8UL << MEMOP_EXTENT_SHIFT);
	rc = call_memop();
	check_rc("decrease_reservation resumed at its end", rc, 8);
	CHECK(owned(p2m[mem_pfn[0]]) && owned(p2m[mem_pfn[7]]),
	      "decrease_reservation resumed at its end freed frames");
}

void decrease_bench_prepare(void)
{
	prepare(XENMEM_decrease_reservation, 0, N_MEM);
}

void decrease_bench_after(long rc)
{
	unsigned long done = rc < 0 ? 0 : (unsigned long)rc;

	expect_decreased("bench decrease_reservation", 0, N_MEM, done);
	repopulate("bench decrease_reservation", 0, done);
}

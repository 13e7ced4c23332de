// SPDX-License-Identifier: GPL-2.0-only
/*
 * grant_table_op: a huge GNTTABOP_copy batch between our own frames
 * (both sides DOMID_SELF and a gmfn, so no grant entries are needed).
 * Op 0 copies a start mark, op n-1 an end mark; op i in between copies
 * word (5 i) % 512 of `src` to word i % 512 of `dst`, except that every
 * 512th copies the next word of `counts` into a progress word. Each op
 * gets its own status; the call returns 0 once it walked the array,
 * -EFAULT at an op it cannot read (the ops before it done). Xen 4.17
 * continues a batch of any length; Ward refuses more than 4096 ops today.
 */
#include "preempt.h"

#define N_GNT		(128UL * 1024)
#define NO_SKIP		(~0UL)

static uint64_t src[PT_ENTRIES] __page_aligned;
static uint64_t dst[PT_ENTRIES] __page_aligned;
static uint64_t gmarks[PT_ENTRIES] __page_aligned;	/* 0: start, 1: end, 2: progress */
static uint64_t counts[PT_ENTRIES] __page_aligned;
static const uint64_t mark_word = MARK;
static struct gnttab_copy *const cops = (struct gnttab_copy *)big;
static unsigned long gnt_n;

static long call_copy(void)
{
	return hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_copy, cops, gnt_n);
}

static bool copy_started(void)
{
	return READ_ONCE(gmarks[0]) == MARK;
}

static bool copy_finished(void)
{
	return READ_ONCE(gmarks[1]) == MARK;
}

static unsigned long copy_progress(void)
{
	return copy_started() ? 1 + READ_ONCE(gmarks[2]) + copy_finished() : 0;
}

static bool progress_op(unsigned long i)
{
	return i % PT_ENTRIES == PT_ENTRIES - 1;
}

const struct huge huge_gnttab = { "grant_table_op copy", N_GNT, call_copy, copy_progress };

static void local(struct gnttab_copy_ptr *p, const void *page, unsigned int word)
{
	p->u.gmfn = virt_to_mfn(page);
	p->domid = DOMID_SELF;
	p->offset = word * sizeof(uint64_t);
}

static void build_copy(unsigned long n)
{
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		src[i] = MARK | (0x5a5a00000 + i);
		counts[i] = i + 1;
	}
	memset(dst, 0, sizeof(dst));
	memset(gmarks, 0, sizeof(gmarks));
	memset(cops, 0, n * sizeof(*cops));
	for (unsigned long i = 0; i < n; i++) {
		if (i == 0 || i == n - 1) {
			local(&cops[i].source, (const void *)((unsigned long)&mark_word & PAGE_MASK),
			      ((unsigned long)&mark_word & ~PAGE_MASK) / sizeof(uint64_t));
			local(&cops[i].dest, gmarks, i ? 1 : 0);
		} else if (progress_op(i)) {
			local(&cops[i].source, counts, i / PT_ENTRIES);
			local(&cops[i].dest, gmarks, 2);
		} else {
			local(&cops[i].source, src, (5 * i) % PT_ENTRIES);
			local(&cops[i].dest, dst, i % PT_ENTRIES);
		}
		cops[i].len = sizeof(uint64_t);
		cops[i].status = 0x5555;
	}
	gnt_n = n;
}

/* After ops [0, k) ran (@skip failed with @skip_st): statuses and dst. */
static void expect_copies(const char *what, unsigned long k, unsigned long n, unsigned long skip,
			  int16_t skip_st)
{
	static uint64_t want[PT_ENTRIES];
	unsigned long bad = 0, first = 0, bad_st = 0, first_st = 0;

	memset(want, 0, sizeof(want));
	for (unsigned long i = 1; i < k && i < n - 1; i++)
		if (i != skip && !progress_op(i))
			want[i % PT_ENTRIES] = src[(5 * i) % PT_ENTRIES];
	for (unsigned long i = 0; i < k; i++)
		if (cops[i].status != (i == skip ? skip_st : GNTST_okay) && !bad_st++)
			first_st = i;
	for (unsigned int j = 0; j < PT_ENTRIES; j++)
		if (dst[j] != want[j] && !bad++)
			first = j;
	CHECK(!bad_st, "%s: %lu ops with a wrong status, first %lu: %d", what, bad_st, first_st,
	      cops[first_st].status);
	CHECK(!bad, "%s: %lu words differ from the copies that ran, first %lu (%lx, want %lx)",
	      what, bad, first, (unsigned long)dst[first], (unsigned long)want[first]);
	CHECK(copy_started() == (k > 0), "%s: start mark %lx", what, (unsigned long)gmarks[0]);
	CHECK(copy_finished() == (k == n), "%s: end mark %lx (%lu of %lu ran)", what,
	      (unsigned long)gmarks[1], k, n);
}

void test_gnttab_copy(void)
{
	struct watch w;
	long rc;

	build_copy(N_GNT);
	rc = run_checked(&huge_gnttab, &w);
	if (check_rc("huge GNTTABOP_copy batch", rc, 0))
		expect_copies("huge GNTTABOP_copy batch", N_GNT, N_GNT, NO_SKIP, 0);
}

void test_gnttab_copy_errors(void)
{
	unsigned long k = N_GNT / 4 * 3 + 9, hole;
	struct watch w;
	long rc;

	/* A bad op only fails itself: offset + len past the page. */
	build_copy(N_GNT);
	cops[k].len = PAGE_SIZE;
	rc = run_checked(&huge_gnttab, &w);
	if (check_rc("GNTTABOP_copy batch with a bad op", rc, 0))
		expect_copies("GNTTABOP_copy batch with a bad op", N_GNT, N_GNT, k,
			      GNTST_bad_copy_arg);

	/* The op straddling into an unmapped page: -EFAULT, the ops before it done. */
	hole = (N_GNT / 4 * 3 * sizeof(*cops)) & PAGE_MASK;
	k = hole / sizeof(*cops);
	build_copy(N_GNT);
	rc = run_holed(&huge_gnttab, &w, hole);
	if (check_rc("GNTTABOP_copy batch with an unmapped page at k", rc, -XEN_EFAULT))
		expect_copies("GNTTABOP_copy batch with an unmapped page at k", k, N_GNT, NO_SKIP,
			      0);
}

void gnttab_bench_prepare(void)
{
	build_copy(N_GNT);
}

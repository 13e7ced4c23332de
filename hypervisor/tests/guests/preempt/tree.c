// SPDX-License-Identifier: GPL-2.0-only
/*
 * One page-table request that is huge by itself: MMUEXT_PIN_L4_TABLE of a
 * fresh tree (an L4, an L3, L2s and N_TREE_L1 L1s whose 512 entries each
 * map one data frame read-only) validates every table in it, and the last
 * unpin releases them all. Both must yield like a long batch (vCPU 0
 * runs meanwhile), and both must still do all their work: once pinned, no
 * L1 of the tree can be mapped writable; once unpinned (the call has
 * returned), every one of them can, at once.
 *
 * The tables are frames nothing maps (take_free_pfn), filled without a
 * mapping: MMUEXT_COPY_PAGE of a template L1 into each L1, and plain
 * mmu_update writes for the entries above. No vCPU ever loads the tree.
 * There is no visible progress inside one request, so vCPU 0 watches a
 * flag vCPU 1 sets just before its SYSCALL and clears after; before the
 * fix vCPU 0 could run at most in the instant between the flag and the
 * SYSCALL, so several turns are required.
 */
#include "preempt.h"

#define N_TREE_L1	(6UL * 1024)	/* 24 MiB of L1s, 3 Mi entries */
#define N_TREE_L2	(N_TREE_L1 / PT_ENTRIES)
#define TREE_L4_SLOT	1		/* a lower-half slot: never the hypervisor's */
#define MIN_TURNS	3

static unsigned long l4_mfn, l3_mfn, tmpl_mfn, data_mfn;
static unsigned long l2_mfn[N_TREE_L2];
static unsigned long *const l1_mfn = (unsigned long *)big;	/* N_TREE_L1 of them */
static mmu_update_t *const reqs = (mmu_update_t *)(big + N_TREE_L1 * sizeof(unsigned long));
static struct mmuext_op tree_op;
static volatile unsigned long tree_flag;	/* 1: vCPU 1 in (or at) the call */
static uint64_t probe[PT_ENTRIES] __page_aligned;	/* its VA maps an L1, to probe */

static unsigned long fresh_mfn(void)
{
	return p2m[take_free_pfn()];
}

static long call_tree_op(void)
{
	long rc;

	WRITE_ONCE(tree_flag, 1);
	rc = HYPERVISOR_mmuext_op(&tree_op, 1, NULL, DOMID_SELF);
	WRITE_ONCE(tree_flag, 2);
	return rc;
}

static unsigned long tree_progress(void)
{
	return READ_ONCE(tree_flag);
}

const struct huge huge_pin = { "pin of a fresh tree", 1, call_tree_op, tree_progress };
const struct huge huge_unpin = { "unpin of that tree", 1, call_tree_op, tree_progress };

/* Plain writes of @n entries into the frames named by reqs[]: 0 or an error. */
static long write_entries(unsigned long n)
{
	unsigned int done = 0;
	long rc = HYPERVISOR_mmu_update(reqs, n, &done, DOMID_SELF);

	if (rc || done != n)
		test_error("writing %lu table entries: rc %ld, done %u", n, rc, done);
	return rc;
}

static void build_tree(void)
{
	struct mmuext_op op = { .cmd = MMUEXT_COPY_PAGE };
	unsigned long i;

	l4_mfn = fresh_mfn();
	l3_mfn = fresh_mfn();
	tmpl_mfn = fresh_mfn();
	data_mfn = fresh_mfn();
	for (i = 0; i < N_TREE_L2; i++)
		l2_mfn[i] = fresh_mfn();
	for (i = 0; i < N_TREE_L1; i++)
		l1_mfn[i] = fresh_mfn();
	/* The template: every entry maps the data frame read-only. */
	for (i = 0; i < PT_ENTRIES; i++) {
		reqs[i].ptr = mfn_maddr(tmpl_mfn, i) | MMU_NORMAL_PT_UPDATE;
		reqs[i].val = (data_mfn << PAGE_SHIFT) | PTE_RO;
	}
	write_entries(PT_ENTRIES);
	/* Each L1 a copy of it; the L4, L3 and L2s point down the tree. */
	op.arg2.src_mfn = tmpl_mfn;
	for (i = 0; i < N_TREE_L1; i++) {
		op.arg1.mfn = l1_mfn[i];
		check_rc("COPY_PAGE into an L1 to be", HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
	}
	op.cmd = MMUEXT_CLEAR_PAGE;
	op.arg1.mfn = l4_mfn;
	check_rc("CLEAR_PAGE the L4", HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
	op.arg1.mfn = l3_mfn;
	check_rc("CLEAR_PAGE the L3", HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
	for (i = 0; i < N_TREE_L1; i++) {
		reqs[i].ptr = mfn_maddr(l2_mfn[i / PT_ENTRIES], i % PT_ENTRIES) |
			      MMU_NORMAL_PT_UPDATE;
		reqs[i].val = (l1_mfn[i] << PAGE_SHIFT) | PTE_RW;
	}
	for (i = 0; i < N_TREE_L2; i++) {
		reqs[N_TREE_L1 + i].ptr = mfn_maddr(l3_mfn, i) | MMU_NORMAL_PT_UPDATE;
		reqs[N_TREE_L1 + i].val = (l2_mfn[i] << PAGE_SHIFT) | PTE_RW;
	}
	reqs[N_TREE_L1 + N_TREE_L2].ptr = mfn_maddr(l4_mfn, TREE_L4_SLOT) | MMU_NORMAL_PT_UPDATE;
	reqs[N_TREE_L1 + N_TREE_L2].val = (l3_mfn << PAGE_SHIFT) | PTE_RW;
	write_entries(N_TREE_L1 + N_TREE_L2 + 1);
}

/* May L1 number @i of the tree be mapped writable now? */
static bool l1_writable(unsigned long i)
{
	unsigned long va = (unsigned long)probe;
	long rc = HYPERVISOR_update_va_mapping(va, (l1_mfn[i] << PAGE_SHIFT) | PTE_RW,
					       UVMF_INVLPG | UVMF_LOCAL);

	if (rc)
		return false;
	/* Put our own page back (the L1 frame must not stay writable-mapped). */
	rc = HYPERVISOR_update_va_mapping(va, (virt_to_mfn(probe) << PAGE_SHIFT) | PTE_RW,
					  UVMF_INVLPG | UVMF_LOCAL);
	if (rc)
		test_abort("could not map our probe page back: rc %ld", rc);
	return true;
}

static void run_tree_op(const struct huge *h, unsigned int cmd)
{
	struct watch w;
	long rc;

	tree_op.cmd = cmd;
	tree_op.arg1.mfn = l4_mfn;
	tree_flag = 0;
	rc = run_huge(h, &w, false);
	check_rc(h->name, rc, 0);
	check_preempted(h, &w);
	if (nr_cpus == 1 && w.ns >= 80ULL * 1000 * 1000)
		CHECK(w.ran >= MIN_TURNS, "%s: vCPU 0 ran only %lu times during the %lu ms it took",
		      h->name, w.ran, (unsigned long)(w.ns / 1000000));
}

void test_tree_pin(void)
{
	build_tree();
	run_tree_op(&huge_pin, MMUEXT_PIN_L4_TABLE);
	/* Every table was validated: none of the L1s may be writable now. */
	CHECK(!l1_writable(0), "the first L1 of the pinned tree maps writable");
	CHECK(!l1_writable(N_TREE_L1 / 2), "an L1 in the middle of the pinned tree maps writable");
	CHECK(!l1_writable(N_TREE_L1 - 1), "the last L1 of the pinned tree maps writable");
	run_tree_op(&huge_unpin, MMUEXT_UNPIN_TABLE);
	/* The unpin returned: the whole tree is plain memory again, at once. */
	CHECK(l1_writable(0), "the first L1 is still a page table after the unpin");
	CHECK(l1_writable(N_TREE_L1 / 2), "an L1 in the middle is still a page table after the unpin");
	CHECK(l1_writable(N_TREE_L1 - 1), "the last L1 is still a page table after the unpin");
}

/*
 * bench.c's rows: the tree is built once; a "pin" row pins it (measured)
 * and unpins it after, an "unpin" row pins it before and unpins it
 * (measured). Each pin validates the whole tree afresh.
 */
static bool tree_built;

static void tree_op_now(unsigned int cmd)
{
	tree_op.cmd = cmd;
	tree_op.arg1.mfn = l4_mfn;
	if (HYPERVISOR_mmuext_op(&tree_op, 1, NULL, DOMID_SELF))
		test_error("bench: tree op %u failed", cmd);
}

void tree_bench_pin_prepare(void)
{
	if (!tree_built)
		build_tree();
	tree_built = true;
	tree_op.cmd = MMUEXT_PIN_L4_TABLE;
	tree_op.arg1.mfn = l4_mfn;
	tree_flag = 0;
}

void tree_bench_pin_after(long rc)
{
	if (!rc)
		tree_op_now(MMUEXT_UNPIN_TABLE);
}

void tree_bench_unpin_prepare(void)
{
	tree_bench_pin_prepare();
	tree_op_now(MMUEXT_PIN_L4_TABLE);
	tree_op.cmd = MMUEXT_UNPIN_TABLE;
	tree_flag = 0;
}

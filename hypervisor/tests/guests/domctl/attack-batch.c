// SPDX-License-Identifier: GPL-2.0-only
/*
 * attack=batch: batches of 10^5 to 10^6 items (the make-fuzz scale; the
 * bounded run keeps to 10^4-10^5) for mmu_update, mmuext_op, multicall,
 * memory_op reservations and grant_table_op, on both vCPUs at once, and
 * counts just past each limit. Such arrays would not fit in our memory,
 * so they are the same few pages mapped over and over under SLOT_REPEAT:
 *
 *   region A  mmu_update requests: one page (256 requests), read-only;
 *   region B  mmuext ops (24 bytes, so the pattern repeats every three
 *             pages): pin/unpin pairs of one empty L1 and flushes;
 *   region C  multicall entries (64 a page), writable for the results;
 *   region D  memory_op extents and grant ops, writable.
 *
 * The L2 points at the same L1s again and again; each L1 points at the
 * pattern pages. The hypervisor must keep answering (it continues long
 * batches, and dom0 destroys a child that takes too long) and count
 * what it did: a batch that returns 0 did every item.
 */
#include "attack.h"

enum { F_A, F_B0, F_B1, F_B2, F_C, F_D, L1_A, L1_B0, L1_B1, L1_B2, L1_C, L1_D, L2_X, L3_X,
       P_L1, P_PIN, F_MARK, F_GIVE };
#define REGION(first_l2e)	(SLOT_VA(SLOT_REPEAT) + ((unsigned long)(first_l2e) << 21))
#define A_FIRST		0	/* 16 L2 entries: 32 MiB, room for 2^21 requests */
#define A_COUNT		16
#define B_FIRST		16	/* 48 entries: 96 MiB of 24-byte ops */
#define B_COUNT		48
#define C_FIRST		64	/* 2 entries: 4 MiB, 65536 entries */
#define C_COUNT		2
#define D_FIRST		80	/* 8 entries: 16 MiB, 2^21 extents */
#define D_COUNT		8
#define OPS_PER_PERIOD	512	/* three pages of 24-byte ops */
#define MULTICALL_MAX	65536

static uint64_t page_buf[3][PT_ENTRIES];

static unsigned long f(int i)
{
	return at.pool[i];
}

/* Write a whole frame (a data frame: plain writes) in one mmu_update. */
static void write_frame(unsigned long mfn, const uint64_t *words)
{
	static mmu_update_t req[PT_ENTRIES];

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		req[i].ptr = MADDR(mfn, i) | MMU_NORMAL_PT_UPDATE;
		req[i].val = words[i];
	}
	if (HYPERVISOR_mmu_update(req, PT_ENTRIES, NULL, DOMID_SELF))
		breach("cannot write pattern frame %lx", mfn);
}

static void build_regions(void)
{
	uint64_t l1[PT_ENTRIES];
	mmu_update_t *reqs = (mmu_update_t *)page_buf[0];
	struct mmuext_op *ops = (struct mmuext_op *)page_buf;
	multicall_entry_t *mc = (multicall_entry_t *)page_buf[0];

	for (int i = F_A; i <= F_GIVE; i++)
		mmuext(MMUEXT_CLEAR_PAGE, f(i), 0);
	marker_fill(f(F_MARK));
	if (pin(1, f(P_L1)))
		breach("cannot pin an empty L1");
	/* A: set and clear entries of T_L1, and M2P updates, in turn. */
	for (unsigned int k = 0; k < PAGE_SIZE / sizeof(*reqs); k++) {
		if (k % 2) {
			reqs[k].ptr = MADDR(f(F_MARK), 0) | MMU_MACHPHYS_UPDATE;
			reqs[k].val = k;
		} else {
			reqs[k].ptr = MADDR(f(P_L1), (k / 2) % PT_ENTRIES) | MMU_NORMAL_PT_UPDATE;
			reqs[k].val = k % 4 ? 0 : ((uint64_t)f(F_MARK) << PAGE_SHIFT) | PTE_RO;
		}
	}
	write_frame(f(F_A), page_buf[0]);
	/* B: pin/unpin pairs, a pair of flushes now and then. */
	for (unsigned int k = 0; k < OPS_PER_PERIOD; k++) {
		memset(&ops[k], 0, sizeof(ops[k]));
		if ((k / 2) % 16 == 15) {
			ops[k].cmd = MMUEXT_TLB_FLUSH_LOCAL;
		} else {
			ops[k].cmd = k % 2 ? MMUEXT_UNPIN_TABLE : MMUEXT_PIN_L1_TABLE;
			ops[k].arg1.mfn = f(P_PIN);
		}
	}
	for (int p = 0; p < 3; p++)
		write_frame(f(F_B0 + p), page_buf[p]);
	/* C: xen_version, and one mmu_update of region A per page of entries. */
	for (unsigned int k = 0; k < PAGE_SIZE / sizeof(*mc); k++) {
		memset(&mc[k], 0, sizeof(mc[k]));
		if (k == 63) {
			mc[k].op = __HYPERVISOR_mmu_update;
			mc[k].args[0] = REGION(A_FIRST);
			mc[k].args[1] = 16;
			mc[k].args[3] = DOMID_SELF;
		} else {
			mc[k].op = __HYPERVISOR_xen_version;
		}
	}
	write_frame(f(F_C), page_buf[0]);
	/* D: the one frame we give back, over and over. */
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		l1[i] = f(F_GIVE);
	write_frame(f(F_D), l1);

	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		l1[i] = ((uint64_t)f(F_A) << PAGE_SHIFT) | PTE_RO;
	write_frame(f(L1_A), l1);
	/* Three L1s whose page i maps pattern page (i + r) % 3, r = 0, 1, 2. */
	for (int r = 0; r < 3; r++) {
		for (unsigned int i = 0; i < PT_ENTRIES; i++)
			l1[i] = ((uint64_t)f(F_B0 + (i + r) % 3) << PAGE_SHIFT) | PTE_RO;
		write_frame(f(L1_B0 + r), l1);
	}
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		l1[i] = ((uint64_t)f(F_C) << PAGE_SHIFT) | PTE_RW;
	write_frame(f(L1_C), l1);
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		l1[i] = ((uint64_t)f(F_D) << PAGE_SHIFT) | PTE_RW;
	write_frame(f(L1_D), l1);

	for (unsigned int j = 0; j < PT_ENTRIES; j++) {
		int t = -1;

		if (j < A_FIRST + A_COUNT)
			t = L1_A;
		else if (j >= B_FIRST && j < B_FIRST + B_COUNT)
			/* L2 entry j' starts at page 512 j', pattern (512 j') % 3 = (2 j') % 3. */
			t = L1_B0 + (int)((2 * (j - B_FIRST)) % 3);
		else if (j >= C_FIRST && j < C_FIRST + C_COUNT)
			t = L1_C;
		else if (j >= D_FIRST && j < D_FIRST + D_COUNT)
			t = L1_D;
		l1[j] = t < 0 ? 0 : ((uint64_t)f(t) << PAGE_SHIFT) | PTE_TABLE;
	}
	write_frame(f(L2_X), l1);
	mmu_write(MADDR(f(L3_X), 0), ((uint64_t)f(L2_X) << PAGE_SHIFT) | PTE_TABLE);
	if (mmu_write(MADDR(at.root, SLOT_REPEAT), ((uint64_t)f(L3_X) << PAGE_SHIFT) | PTE_TABLE))
		breach("cannot hook the repeated regions into our root");
}

static uint64_t t0;

/* Milliseconds since the step began. */
static unsigned long ms(void)
{
	return (unsigned long)((now_ns() - t0) / 1000000);
}

static unsigned long big(void)
{
	static const unsigned long quick[] = { 10000, 50000, 100000 };
	static const unsigned long huge[] = { 100000, 250000, 500000, 1000000, 1u << 20 };

	return at.longer ? huge[rnd_below(ARRAY_SIZE(huge))] : quick[rnd_below(ARRAY_SIZE(quick))];
}

static void __noreturn wrong_count(const char *what, unsigned long n, unsigned int got)
{
	printk("child: FAILED: %s of %lu returned 0 with done %u\n", what, n, got);
	guest_shutdown(SHUTDOWN_reboot);
}

static void step_mmu(void)
{
	unsigned long n = one_in(8) ? (1u << 20) + 1 : big();	/* one past the limit */
	unsigned int d = 0;
	long rc = HYPERVISOR_mmu_update((mmu_update_t *)REGION(A_FIRST), (unsigned int)n, &d,
					DOMID_SELF);

	if (!rc && d != n)
		wrong_count("mmu_update", n, d);
	printk("child: batch: mmu_update of %lu: %ld, done %u (%lu ms)\n", n, rc, d, ms());
}

static void step_mmuext(void)
{
	/* Each pin validates a table, and may flush CPUs (the frame was just a table). */
	unsigned long n = (big() / (at.longer ? 20 : 50)) & ~1UL;
	unsigned int d = 0;
	long rc = HYPERVISOR_mmuext_op((struct mmuext_op *)REGION(B_FIRST), (unsigned int)n, &d,
				       DOMID_SELF);

	if (!rc && d != n)
		wrong_count("mmuext_op", n, d);
	printk("child: batch: mmuext_op of %lu: %ld, done %u (%lu ms)\n", n, rc, d, ms());
}

static void step_multicall(void)
{
	static const unsigned long counts[] = { MULTICALL_MAX, MULTICALL_MAX + 1, 100000, 1000000 };
	unsigned long n = counts[rnd_below(ARRAY_SIZE(counts))];

	if (!at.longer && n == MULTICALL_MAX)
		n = MULTICALL_MAX / 8;
	long rc = HYPERVISOR_multicall((multicall_entry_t *)REGION(C_FIRST), (unsigned int)n);

	printk("child: batch: multicall of %lu: %ld (%lu ms)\n", n, rc, ms());
}

static void step_memory(void)
{
	static const unsigned int cmds[] = { XENMEM_decrease_reservation,
					     XENMEM_increase_reservation, XENMEM_populate_physmap };
	unsigned int cmd = cmds[rnd_below(ARRAY_SIZE(cmds))];
	unsigned long n = one_in(6) ? (1u << 20) + 1 : big();
	long rc = reservation(cmd, (xen_pfn_t *)REGION(D_FIRST), n);

	/* Giving F_GIVE back ends its ownership; increases may bring frames in. */
	if (cmd == XENMEM_decrease_reservation && rc > 0)
		set_owned(f(F_GIVE), false);
	if (cmd != XENMEM_decrease_reservation && rc > 0)
		for (long i = 0; i < rc && i < PT_ENTRIES; i++)
			set_owned(((const xen_pfn_t *)REGION(D_FIRST))[i], true);
	printk("child: batch: memory_op %u of %lu: %ld (%lu ms)\n", cmd, n, rc, ms());
}

static void step_grant(void)
{
	unsigned long n = one_in(2) ? 4096 : big();
	long rc = gnttab(one_in(2) ? GNTTABOP_map_grant_ref : GNTTABOP_unmap_grant_ref,
			 (void *)REGION(D_FIRST), (unsigned int)n);

	printk("child: batch: grant_table_op of %lu: %ld (%lu ms)\n", n, rc, ms());
}

void attack_batch(void)
{
	static void (*const steps[])(void) = { step_mmu, step_mmuext, step_multicall, step_memory,
					       step_grant };
	unsigned long nr_steps = at.longer ? 8 : 5;

	build_regions();
	walk_check("batch: the regions");
	/* vCPU 1 runs long mmu_updates of the same region all along. */
	if (v1_up())
		v1_start(V1_CALL, __HYPERVISOR_mmu_update, REGION(A_FIRST), big(), 0);
	for (unsigned long s = 0; s < nr_steps; s++) {
		t0 = now_ns();
		steps[s < ARRAY_SIZE(steps) ? s : rnd_below(ARRAY_SIZE(steps))]();
	}
	if (!v1_stop())
		printk("child: batch: vCPU 1 still in its batch; shutting down under it\n");
	walk_check("batch: the end");
}

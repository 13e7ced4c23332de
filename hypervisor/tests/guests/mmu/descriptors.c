// SPDX-License-Identifier: GPL-2.0-only
/*
 * update_descriptor (10): the hypervisor writes 8 bytes into a frame of
 * the guest's choosing, so the frame must be one the guest could write
 * itself: plain memory, never a validated page table. A "descriptor"
 * with its present bit (47) clear passes any descriptor check, and as an
 * entry of a page table it is a PTE, or an L4 slot, of the guest's making.
 * Xen 4.17 refuses such frames with -EINVAL and stores the descriptor as
 * checked (DPL raised to 3: 64-bit PV kernels run in ring 3).
 */
#include "mmu.h"

/* Code/data descriptors: flat, 4 KiB granular, present, DPL 0. */
#define DESC_DATA_DPL0	0x00cf92000000ffffUL
#define DESC_CODE_DPL0	0x00af9a000000ffffUL
#define DESC_DPL_MASK	(3UL << 45)
#define DESC_CONFORMING	(1UL << 42)
/* A present 64-bit TSS (system, type 9): no guest may install one. */
#define DESC_TSS	0x0000890000000067UL
#define DESC_IDX	5

static long update_desc(unsigned long mfn, unsigned int idx, uint64_t desc)
{
	return HYPERVISOR_update_descriptor(maddr(mfn, idx), desc);
}

/*
 * update_descriptor of @forged (not present as a descriptor) into entry
 * @idx of the page table @mfn, whose current contents @t shows: refused,
 * and the entry unchanged. If it went through, put the old value back the
 * same way (it is not present either), so the tables stay consistent.
 */
static void forge_entry(const char *what, unsigned long mfn, const uint64_t *t,
			unsigned int idx, uint64_t forged)
{
	uint64_t old = READ_ONCE(t[idx]);
	long rc = update_desc(mfn, idx, forged);

	if (rc == 0) {
		test_fail("%s: update_descriptor wrote entry %u as %lx (was %lx)",
			  what, idx, (unsigned long)READ_ONCE(t[idx]),
			  (unsigned long)old);
		if (update_desc(mfn, idx, old))
			test_abort("%s: cannot undo the forged entry", what);
		return;
	}
	check_rc(what, rc, -XEN_EINVAL);
	CHECK(READ_ONCE(t[idx]) == old, "%s: entry %u changed to %lx", what,
	      idx, (unsigned long)READ_ONCE(t[idx]));
}

/* XSA-shaped: update_descriptor as a way to write page tables. */
void test_desc_into_tables(void)
{
	uint64_t l1e = pte(hv_mfn, PTE_DATA_RW);	/* bit 47 clear */
	uint64_t table = pte(pool_mfn[F_Y], PTE_TABLE);	/* a writable frame */

	if (make_table(F_X, 1))
		forge_entry("a PTE for a hypervisor frame into a pinned L1",
			    pool_mfn[F_X], win(F_X), 3, l1e);
	if (make_table(F_Z, 2))
		forge_entry("an L2 entry to a writable frame", pool_mfn[F_Z],
			    win(F_Z), 3, table);
	pool_reset();
	if (make_table(F_X, 3))
		forge_entry("an L3 entry to a writable frame", pool_mfn[F_X],
			    win(F_X), 3, table);
	if (make_table(F_Z, 4)) {
		forge_entry("an L4 entry to a writable frame", pool_mfn[F_Z],
			    win(F_Z), TEST_L4_SLOT, table);
		forge_entry("the hypervisor image's L4 slot", pool_mfn[F_Z],
			    win(F_Z), HV_IMAGE_SLOT, table);
	}
	/* The tables we run on: the builder's L4 and the L1 of our bss. */
	forge_entry("an entry of the live L4", boot_l4_mfn, boot_l4,
		    TEST_L4_SLOT, table);
	{
		uint64_t ma = l1e_maddr(scratch[0]);
		const uint64_t *l1 = table_va(ma >> PAGE_SHIFT);

		if (!l1)
			test_error("cannot read the L1 of scratch[0]");
		forge_entry("a PTE for a hypervisor frame into the live L1",
			    ma >> PAGE_SHIFT, l1, (ma & ~PAGE_MASK) / 8, l1e);
	}
	pool_reset();
}

/* What is stored is the checked descriptor; plain frames of any mapping. */
void test_desc_stored(void)
{
	uint64_t d;

	check_rc("a DPL-0 data descriptor into a writable frame",
		 update_desc(pool_mfn[F_DATA], DESC_IDX, DESC_DATA_DPL0), 0);
	d = win(F_DATA)[DESC_IDX];
	CHECK((d & DESC_DPL_MASK) == DESC_DPL_MASK,
	      "the frame holds %lx: the DPL was not raised to 3",
	      (unsigned long)d);
	CHECK((d & ~(DESC_DPL_MASK | (1UL << 40))) == (DESC_DATA_DPL0 & ~DESC_DPL_MASK),
	      "the frame holds %lx for %lx", (unsigned long)d,
	      (unsigned long)DESC_DATA_DPL0);
	check_rc("a 64-bit code descriptor",
		 update_desc(pool_mfn[F_DATA], DESC_IDX + 1, DESC_CODE_DPL0), 0);
	CHECK((win(F_DATA)[DESC_IDX + 1] & DESC_DPL_MASK) == DESC_DPL_MASK,
	      "the code descriptor is stored as %lx",
	      (unsigned long)win(F_DATA)[DESC_IDX + 1]);
	/* Not present: stored as it is, whatever else it holds. */
	check_rc("a not-present descriptor",
		 update_desc(pool_mfn[F_DATA], DESC_IDX, GARBAGE), 0);
	CHECK(win(F_DATA)[DESC_IDX] == GARBAGE, "stored as %lx, not %lx",
	      (unsigned long)win(F_DATA)[DESC_IDX], (unsigned long)GARBAGE);
	check_rc("the null descriptor", update_desc(pool_mfn[F_DATA], 0, 0), 0);

	/* A frame mapped only read-only, or not at all, is plain memory too. */
	if (win_ro(F_DATA2)) {
		check_rc("into a frame mapped read-only",
			 update_desc(pool_mfn[F_DATA2], DESC_IDX, GARBAGE), 0);
		CHECK(win(F_DATA2)[DESC_IDX] == GARBAGE,
		      "the read-only frame holds %lx",
		      (unsigned long)win(F_DATA2)[DESC_IDX]);
	}
	check_rc("the last entry of the frame",
		 update_desc(pool_mfn[F_DATA], PT_ENTRIES - 1, DESC_DATA_DPL0), 0);
	/* A frame that was a page table and is no longer one. */
	if (make_table(F_X, 1) && check_rc("unpin it", unpin(F_X), 0))
		check_rc("into an unpinned former L1",
			 update_desc(pool_mfn[F_X], DESC_IDX, GARBAGE), 0);
	pool_reset();
}

void test_desc_errors(void)
{
	check_rc("unaligned by 4",
		 HYPERVISOR_update_descriptor(maddr(pool_mfn[F_DATA], 1) + 4, 0),
		 -XEN_EINVAL);
	check_rc("unaligned by 1",
		 HYPERVISOR_update_descriptor(maddr(pool_mfn[F_DATA], 1) + 1, 0),
		 -XEN_EINVAL);
	check_rc("a hypervisor frame", update_desc(hv_mfn, 0, 0), -XEN_EINVAL);
	check_rc("MFN 0x10", update_desc(LOW_MFN, 0, 0), -XEN_EINVAL);
	check_rc("beyond RAM", update_desc(beyond_mfn, 0, 0), -XEN_EINVAL);
	check_rc("a TSS descriptor",
		 update_desc(pool_mfn[F_DATA], DESC_IDX, DESC_TSS), -XEN_EINVAL);
	CHECK(win(F_DATA)[DESC_IDX] == 0, "the refused TSS was stored as %lx",
	      (unsigned long)win(F_DATA)[DESC_IDX]);
	/* Xen allows conforming code; Ward keeps it out of the guest's GDT. */
	if (!ref_xen)
		check_rc("a conforming code descriptor",
			 update_desc(pool_mfn[F_DATA], DESC_IDX,
				     DESC_CODE_DPL0 | DESC_CONFORMING),
			 -XEN_EINVAL);
	/* A table is refused whatever the descriptor, present or not. */
	if (make_table(F_X, 1)) {
		forge_entry("a present data descriptor into an L1",
			    pool_mfn[F_X], win(F_X), DESC_IDX, DESC_DATA_DPL0);
		forge_entry("the null descriptor into an L1", pool_mfn[F_X],
			    win(F_X), DESC_IDX, 0);
	}
	pool_reset();
}

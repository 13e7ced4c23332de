// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PV MMU (pv-abi-core.md 4): mmu_update (1), mmuext_op (26),
 * update_va_mapping (14) and the memory_op (12) queries. Each case checks
 * the return value, the `done` count and the visible effect: what the page
 * tables read back, what a load or store through the new mapping does
 * (expected page faults go through the exception table), and whether a
 * frame may still be mapped writable (it may not while it has a
 * page-table type).
 *
 * The cases build page tables from free frames of the guest's own memory
 * (mmu.h). The fresh tree F_L4 -> F_L3 -> F_L2 -> F_L1 -> F_DATA maps
 * TEST_VA in L4 slot 1 and shares the kernel's slot 511 with the builder's
 * L4, so the guest can run on it.
 *
 * This file holds the success paths, refused.c what must fail, memory-op.c
 * the memory_op queries, and frames.c the machinery.
 */
#include "mmu.h"

const char test_title[] = "mmu: mmu_update, mmuext_op, update_va_mapping, memory_op";

static void test_pin_levels(void)
{
	static const char *const names[] = { "", "L1", "L2", "L3", "L4" };
	unsigned int lvl;

	if (!tree_build())
		goto out;
	/* Bottom-up, as Linux pins: each level validates alone. */
	for (lvl = 1; lvl <= 4; lvl++)
		check_rc(names[lvl], pin(lvl, F_L1 - (lvl - 1)), 0);
	check_entry("L1 entry after pin", win(F_L1)[TEST_L1_IDX],
		    pool_mfn[F_DATA], PTE_DATA_RW);
	check_entry("L2 entry after pin", win(F_L2)[0], pool_mfn[F_L1],
		    PTE_TABLE);
	check_entry("L3 entry after pin", win(F_L3)[0], pool_mfn[F_L2],
		    PTE_TABLE);
	check_entry("L4 entry after pin", win(F_L4)[TEST_L4_SLOT],
		    pool_mfn[F_L3], PTE_TABLE);
	check_hv_slots("pinned L4", win(F_L4));
	for (lvl = 1; lvl <= 4; lvl++)
		expect_typed(F_L1 - (lvl - 1), "pinned table");

	/* Unpinned top-down, each frame loses its type with its last use. */
	for (lvl = 4; lvl >= 1; lvl--)
		check_rc("unpin", unpin(F_L1 - (lvl - 1)), 0);
	for (lvl = 1; lvl <= 4; lvl++)
		win_rw(F_L1 - (lvl - 1), "after unpinning all four");

	/*
	 * Pin again, top-down this time: pinning the L4 validates the whole
	 * tree; the lower pins then only add a pin to a typed frame.
	 */
	if (!tree_build())
		goto out;
	for (lvl = 4; lvl >= 1; lvl--)
		check_rc("pin again", pin(lvl, F_L1 - (lvl - 1)), 0);
	/* The L2's entry still holds the unpinned L1's type. */
	check_rc("unpin L1 first", unpin(F_L1), 0);
	expect_typed(F_L1, "unpinned L1 still referenced by the L2");
	for (lvl = 2; lvl <= 4; lvl++)
		check_rc("unpin", unpin(F_L1 - (lvl - 1)), 0);
out:
	pool_reset();
}

static void test_new_baseptr(void)
{
	uint64_t v = 0;
	bool read_ok, write_ok;
	unsigned long m2p_data;
	long rc;

	if (!tree_build() || !check_rc("pin L4", pin(4, F_L4), 0))
		goto out;
	rc = mmuext1(MMUEXT_NEW_BASEPTR, pool_mfn[F_L4], 0);
	if (!check_rc("NEW_BASEPTR to the fresh L4", rc, 0))
		goto out;
	/* Running on the fresh tree: only it maps TEST_VA. */
	read_ok = try_read(TEST_VA, &v);
	write_ok = try_write(TEST_VA + 8, 0xfeedUL);
	m2p_data = m2p[pool_mfn[F_DATA]];
	rc = mmuext1(MMUEXT_NEW_BASEPTR, boot_l4_mfn, 0);
	if (rc)
		test_abort("NEW_BASEPTR back to the builder's L4: rc %ld %s",
			   rc, errno_name(rc));
	CHECK(read_ok && v == pattern(F_DATA, 0),
	      "on the fresh L4: TEST_VA %s %lx, expected %lx",
	      read_ok ? "reads" : "faulted,", (unsigned long)v,
	      (unsigned long)pattern(F_DATA, 0));
	CHECK(write_ok && win(F_DATA)[1] == 0xfeedUL,
	      "on the fresh L4: a store to TEST_VA + 8 %s",
	      write_ok ? "did not reach F_DATA" : "faulted");
	CHECK(m2p_data == pool_pfn[F_DATA],
	      "on the fresh L4: M2P[%lx] reads %lx, expected %lx",
	      pool_mfn[F_DATA], m2p_data, pool_pfn[F_DATA]);
	check_hv_slots("L4 after NEW_BASEPTR", win(F_L4));
	expect_pf("TEST_VA back on the builder's L4", (void *)TEST_VA, false, 0);

	/* Linux's order: unpin the root while it is CR3, then switch away. */
	if (!check_rc("NEW_BASEPTR again", mmuext1(MMUEXT_NEW_BASEPTR,
						   pool_mfn[F_L4], 0), 0))
		goto out;
	rc = unpin(F_L4);
	expect_typed(F_L4, "unpinned L4 that is CR3");
	if (mmuext1(MMUEXT_NEW_BASEPTR, boot_l4_mfn, 0))
		test_abort("NEW_BASEPTR back to the builder's L4 failed");
	check_rc("unpin the live fresh L4", rc, 0);
	/* Its last use is gone: the whole tree is plain memory again. */
	win_rw(F_L4, "L4 after switching away");
	win_rw(F_L3, "L3 after switching away");
	win_rw(F_L2, "L2 after switching away");
	win_rw(F_L1, "L1 after switching away");
out:
	pool_reset();
}

static void test_new_user_baseptr(void)
{
	if (!tree_build() || !check_rc("pin L4", pin(4, F_L4), 0))
		goto out;
	check_rc("NEW_USER_BASEPTR fresh L4",
		 mmuext1(MMUEXT_NEW_USER_BASEPTR, pool_mfn[F_L4], 0), 0);
	check_rc("unpin it", unpin(F_L4), 0);
	expect_typed(F_L4, "unpinned L4 that is the user root");
	check_rc("NEW_USER_BASEPTR 0 (none)",
		 mmuext1(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
	win_rw(F_L4, "L4 after NEW_USER_BASEPTR 0");
	win_rw(F_L1, "L1 after NEW_USER_BASEPTR 0");
	/* A frame that is not an L4 cannot be the user root. */
	if (make_table(F_X, 1))
		check_rc("NEW_USER_BASEPTR to an L1",
			 mmuext1(MMUEXT_NEW_USER_BASEPTR, pool_mfn[F_X], 0),
			 -XEN_EINVAL);
out:
	pool_reset();
}

/* Linux unpins the builder's L4 while it is CR3; Xen allows it. */
static void test_unpin_live_base(void)
{
	long rc;

	rc = mmuext1(MMUEXT_UNPIN_TABLE, boot_l4_mfn, 0);
	if (!check_rc("unpin the live builder's L4", rc, 0))
		return;
	/* CR3 still holds its type: it cannot become writable. */
	rc = uvm(scratch[0], pte(boot_l4_mfn, PTE_DATA_RW), UVMF_INVLPG);
	CHECK(rc, "the unpinned live L4 could be mapped writable");
	printk("  still running on the unpinned L4\n");
	check_rc("unpin it twice", mmuext1(MMUEXT_UNPIN_TABLE, boot_l4_mfn, 0),
		 -XEN_EINVAL);
	check_rc("pin it again", mmuext1(MMUEXT_PIN_L4_TABLE, boot_l4_mfn, 0),
		 0);
	check_rc("pin it twice", mmuext1(MMUEXT_PIN_L4_TABLE, boot_l4_mfn, 0),
		 -XEN_EINVAL);
	pool_reset();
}

static void test_uvm_map_unmap(void)
{
	const uint8_t *va = scratch[0];
	unsigned long mask = 1;	/* vCPU 0 */
	uint64_t e;
	unsigned int i;

	for (i = 0; i < PT_ENTRIES; i++) {
		win(F_DATA)[i] = pattern(F_DATA, i);
		win(F_DATA2)[i] = pattern(F_DATA2, i);
	}
	check_rc("map RW, UVMF_INVLPG",
		 uvm(va, pte(pool_mfn[F_DATA], PTE_DATA_RW),
		     UVMF_INVLPG | UVMF_LOCAL), 0);
	expect_read("new mapping", va + 8, pattern(F_DATA, 1));
	if (try_write((unsigned long)va + 16, 0xabcdUL))
		CHECK(win(F_DATA)[2] == 0xabcdUL,
		      "store through the new mapping not seen in the frame");
	else
		test_fail("store through the new RW mapping faulted");
	e = l1e_read(va);
	check_entry("L1 entry written by update_va_mapping", e,
		    pool_mfn[F_DATA], PTE_DATA_RW);

	/* Each remap must be visible at once: the flush did its job. */
	check_rc("remap, UVMF_INVLPG",
		 uvm(va, pte(pool_mfn[F_DATA2], PTE_DATA_RW),
		     UVMF_INVLPG | UVMF_LOCAL), 0);
	expect_read("after UVMF_INVLPG", va, pattern(F_DATA2, 0));
	check_rc("remap, UVMF_TLB_FLUSH",
		 uvm(va, pte(pool_mfn[F_DATA], PTE_DATA_RW),
		     UVMF_TLB_FLUSH | UVMF_LOCAL), 0);
	expect_read("after UVMF_TLB_FLUSH", va, pattern(F_DATA, 0));
	check_rc("remap, UVMF_INVLPG|UVMF_ALL",
		 uvm(va, pte(pool_mfn[F_DATA2], PTE_DATA_RW),
		     UVMF_INVLPG | UVMF_ALL), 0);
	expect_read("after UVMF_INVLPG|UVMF_ALL", va, pattern(F_DATA2, 0));
	check_rc("remap, UVMF_TLB_FLUSH|UVMF_ALL",
		 uvm(va, pte(pool_mfn[F_DATA], PTE_DATA_RW),
		     UVMF_TLB_FLUSH | UVMF_ALL), 0);
	expect_read("after UVMF_TLB_FLUSH|UVMF_ALL", va, pattern(F_DATA, 0));
	check_rc("remap, UVMF_INVLPG|UVMF_MULTI",
		 uvm(va, pte(pool_mfn[F_DATA2], PTE_DATA_RW),
		     UVMF_INVLPG | UVMF_MULTI | (unsigned long)&mask), 0);
	expect_read("after UVMF_INVLPG|UVMF_MULTI", va, pattern(F_DATA2, 0));
	check_rc("remap, UVMF_TLB_FLUSH|UVMF_MULTI",
		 uvm(va, pte(pool_mfn[F_DATA], PTE_DATA_RW),
		     UVMF_TLB_FLUSH | UVMF_MULTI | (unsigned long)&mask), 0);
	expect_read("after UVMF_TLB_FLUSH|UVMF_MULTI", va, pattern(F_DATA, 0));

	/* Read-only: loads work, a store is #PF(present|write). */
	check_rc("remap RO", uvm(va, pte(pool_mfn[F_DATA], PTE_DATA_RO),
				 UVMF_INVLPG | UVMF_LOCAL), 0);
	expect_read("RO mapping", va, pattern(F_DATA, 0));
	expect_pf("store to the RO mapping", va, true,
		  PFEC_PRESENT | PFEC_WRITE);

	check_rc("unmap", uvm(va, 0, UVMF_INVLPG | UVMF_LOCAL), 0);
	expect_pf("load after unmap", va, false, 0);
	CHECK(l1e_read(va) == 0, "L1 entry after unmap is %lx",
	      (unsigned long)l1e_read(va));

	/*
	 * A bad vCPU-mask pointer: Xen writes the entry, then fails the
	 * flush with -EFAULT (so the TLB may still be stale: check the entry).
	 */
	check_rc("UVMF_INVLPG|UVMF_MULTI with an unmapped mask",
		 uvm(va, pte(pool_mfn[F_DATA2], PTE_DATA_RO),
		     UVMF_INVLPG | (unsigned long)BAD_PTR_UNMAPPED),
		 -XEN_EFAULT);
	e = l1e_read(va);
	CHECK(pte_mfn(e) == pool_mfn[F_DATA2],
	      "the update with a bad mask pointer did not take effect (%lx)",
	      (unsigned long)e);
	pool_reset();
}

static void test_uvm_bad_va(void)
{
	static const unsigned long vas[] = {
		HYPERVISOR_VIRT_START, 0xffff830000000000UL,
		HYPERVISOR_VIRT_END - PAGE_SIZE, 0x8000000000000000UL,
		0x0000800000000000UL, 0xffff7ffffffff000UL,
	};
	uint64_t val = pte(pool_mfn[F_DATA], PTE_DATA_RO);
	char what[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vas); i++) {
		snprintf(what, sizeof(what), "update_va_mapping(%lx)", vas[i]);
		check_rc(what, HYPERVISOR_update_va_mapping(vas[i], val,
							    UVMF_INVLPG),
			 -XEN_EINVAL);
	}
	/* L4 slot 32 is empty: there is no L1 entry to write. */
	check_rc("update_va_mapping of an address without an L1",
		 HYPERVISOR_update_va_mapping(0x0000100000000000UL, val,
					      UVMF_INVLPG), -XEN_EINVAL);
	pool_reset();
}

static void test_mmu_update_map(void)
{
	const uint8_t *va = scratch[1];
	uint64_t ptr = l1e_maddr(va);
	unsigned int i;

	for (i = 0; i < PT_ENTRIES; i++) {
		win(F_DATA)[i] = pattern(F_DATA, i);
		win(F_DATA2)[i] = pattern(F_DATA2, i);
	}
	check_rc("MMU_NORMAL_PT_UPDATE map RW",
		 mmu1(ptr | MMU_NORMAL_PT_UPDATE,
		      pte(pool_mfn[F_DATA], PTE_DATA_RW)), 0);
	check_rc("INVLPG_LOCAL", mmuext1(MMUEXT_INVLPG_LOCAL,
					 (unsigned long)va, 0), 0);
	expect_read("mapped by mmu_update", va + 16, pattern(F_DATA, 2));
	if (try_write((unsigned long)va + 24, 0x1357UL))
		CHECK(win(F_DATA)[3] == 0x1357UL,
		      "store through the mmu_update mapping not seen");
	else
		test_fail("store through the mmu_update RW mapping faulted");
	check_entry("L1 entry written by mmu_update", l1e_read(va),
		    pool_mfn[F_DATA], PTE_DATA_RW);

	check_rc("remap RO to F_DATA2",
		 mmu1(ptr, pte(pool_mfn[F_DATA2], PTE_DATA_RO)), 0);
	check_rc("TLB_FLUSH_LOCAL", mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
	expect_read("remapped by mmu_update", va, pattern(F_DATA2, 0));
	expect_pf("store to the RO mmu_update mapping", va, true,
		  PFEC_PRESENT | PFEC_WRITE);

	check_rc("unmap", mmu1(ptr, 0), 0);
	check_rc("INVLPG_LOCAL", mmuext1(MMUEXT_INVLPG_LOCAL,
					 (unsigned long)va, 0), 0);
	expect_pf("load after the mmu_update unmap", va, false, 0);

	/* For a PV guest's own tables, NO_TRANSLATE is a normal update. */
	check_rc("MMU_PT_UPDATE_NO_TRANSLATE",
		 mmu1(ptr | MMU_PT_UPDATE_NO_TRANSLATE,
		      pte(pool_mfn[F_DATA], PTE_DATA_RO)), 0);
	mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)va, 0);
	if (pte_mfn(l1e_read(va)) == pool_mfn[F_DATA])
		expect_read("mapped by NO_TRANSLATE", va, pattern(F_DATA, 0));
	else
		test_fail("MMU_PT_UPDATE_NO_TRANSLATE did not write the entry");
	pool_reset();
}

static void test_preserve_ad(void)
{
	const uint8_t *va = scratch[2];
	uint64_t ptr = l1e_maddr(va), ad = _PAGE_ACCESSED | _PAGE_DIRTY;
	uint64_t rw = _PAGE_PRESENT | _PAGE_RW;

	check_rc("map with A|D", mmu1(ptr, pte(pool_mfn[F_DATA], rw | ad)), 0);
	CHECK((l1e_read(va) & ad) == ad, "A|D not stored");
	check_rc("PRESERVE_AD without A|D",
		 mmu1(ptr | MMU_PT_UPDATE_PRESERVE_AD,
		      pte(pool_mfn[F_DATA], rw)), 0);
	CHECK((l1e_read(va) & ad) == ad,
	      "PRESERVE_AD lost A|D: entry %lx", (unsigned long)l1e_read(va));
	check_rc("NORMAL without A|D", mmu1(ptr, pte(pool_mfn[F_DATA], rw)), 0);
	CHECK(!(l1e_read(va) & ad), "a normal update kept A|D: entry %lx",
	      (unsigned long)l1e_read(va));

	/* A store sets A and D in the entry itself (the tables are live). */
	mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)va, 0);
	if (!try_write((unsigned long)va, 1))
		test_fail("store through the A|D-clear mapping faulted");
	CHECK((l1e_read(va) & ad) == ad, "the CPU did not set A|D: entry %lx",
	      (unsigned long)l1e_read(va));
	check_rc("PRESERVE_AD after the CPU set A|D",
		 mmu1(ptr | MMU_PT_UPDATE_PRESERVE_AD,
		      pte(pool_mfn[F_DATA], rw)), 0);
	CHECK((l1e_read(va) & ad) == ad,
	      "PRESERVE_AD lost the CPU's A|D: entry %lx",
	      (unsigned long)l1e_read(va));
	pool_reset();
}

static void test_machphys_update(void)
{
	unsigned long mfn = pool_mfn[F_Y], pfn = pool_pfn[F_Y];
	uint64_t ptr = maddr(mfn, 0) | MMU_MACHPHYS_UPDATE;

	CHECK(m2p[mfn] == pfn, "M2P[%lx] is %lx, expected pfn %lx", mfn,
	      m2p[mfn], pfn);
	check_rc("MACHPHYS_UPDATE", mmu1(ptr, 0x1234), 0);
	CHECK(m2p[mfn] == 0x1234, "M2P[%lx] reads %lx after the update", mfn,
	      m2p[mfn]);
	check_rc("MACHPHYS_UPDATE back", mmu1(ptr, pfn), 0);
	CHECK(m2p[mfn] == pfn, "M2P[%lx] reads %lx after restoring", mfn,
	      m2p[mfn]);
	check_rc("MACHPHYS_UPDATE of a hypervisor frame",
		 mmu1(maddr(hv_mfn, 0) | MMU_MACHPHYS_UPDATE, 5), -XEN_EINVAL);
	check_rc("MACHPHYS_UPDATE of MFN 0x10",
		 mmu1(maddr(LOW_MFN, 0) | MMU_MACHPHYS_UPDATE, 5), -XEN_EINVAL);
	check_rc("MACHPHYS_UPDATE beyond RAM",
		 mmu1(maddr(beyond_mfn, 0) | MMU_MACHPHYS_UPDATE, 5),
		 -XEN_EINVAL);
	pool_reset();
}

static void test_mmuext_misc(void)
{
	unsigned long mask = 1;
	unsigned int i;
	bool zero = true, same = true;

	check_rc("TLB_FLUSH_LOCAL", mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
	check_rc("TLB_FLUSH_ALL", mmuext1(MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
	check_rc("INVLPG_LOCAL", mmuext1(MMUEXT_INVLPG_LOCAL,
					 (unsigned long)scratch[0], 0), 0);
	check_rc("INVLPG_ALL", mmuext1(MMUEXT_INVLPG_ALL,
				       (unsigned long)scratch[0], 0), 0);
	check_rc("TLB_FLUSH_MULTI", mmuext1(MMUEXT_TLB_FLUSH_MULTI, 0,
					    (unsigned long)&mask), 0);
	check_rc("INVLPG_MULTI", mmuext1(MMUEXT_INVLPG_MULTI,
					 (unsigned long)scratch[0],
					 (unsigned long)&mask), 0);
	/* Xen ignores an address it cannot flush... */
	check_rc("INVLPG_LOCAL non-canonical",
		 mmuext1(MMUEXT_INVLPG_LOCAL, NONCANONICAL_ADDR, 0), 0);
	check_rc("INVLPG_ALL hypervisor range",
		 mmuext1(MMUEXT_INVLPG_ALL, HYPERVISOR_VIRT_START, 0), 0);
	/* ...but not a vCPU mask it cannot read. */
	check_rc("TLB_FLUSH_MULTI unmapped mask",
		 mmuext1(MMUEXT_TLB_FLUSH_MULTI, 0,
			 (unsigned long)BAD_PTR_UNMAPPED), -XEN_EINVAL);
	check_rc("INVLPG_MULTI hypervisor-range mask",
		 mmuext1(MMUEXT_INVLPG_MULTI, (unsigned long)scratch[0],
			 (unsigned long)BAD_PTR_HYPERVISOR), -XEN_EINVAL);
	check_rc("FLUSH_CACHE (dom0)", mmuext1(MMUEXT_FLUSH_CACHE, 0, 0), 0);
	check_rc("FLUSH_CACHE_GLOBAL (dom0)",
		 mmuext1(MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0), 0);

	check_rc("SET_LDT 0 entries", mmuext1(MMUEXT_SET_LDT, 0, 0), 0);
	/* With no entries the base is not used (Xen), so it is not checked. */
	check_rc("SET_LDT 0 entries, unaligned base",
		 mmuext1(MMUEXT_SET_LDT, 0x123, 0), 0);
	check_rc("SET_LDT unaligned base",
		 mmuext1(MMUEXT_SET_LDT, (unsigned long)scratch[0] + 8, 1),
		 -XEN_EINVAL);
	check_rc("SET_LDT 8193 entries",
		 mmuext1(MMUEXT_SET_LDT, (unsigned long)scratch[0], 8193),
		 -XEN_EINVAL);
	check_rc("SET_LDT hypervisor-range base",
		 mmuext1(MMUEXT_SET_LDT, HYPERVISOR_VIRT_START, 1),
		 -XEN_EINVAL);

	for (i = 0; i < PT_ENTRIES; i++) {
		win(F_DATA)[i] = pattern(F_DATA, i);
		win(F_DATA2)[i] = pattern(F_DATA2, i);
	}
	check_rc("CLEAR_PAGE", mmuext1(MMUEXT_CLEAR_PAGE, pool_mfn[F_DATA2], 0),
		 0);
	for (i = 0; i < PT_ENTRIES; i++)
		zero &= win(F_DATA2)[i] == 0;
	CHECK(zero, "CLEAR_PAGE left data in the frame");
	check_rc("COPY_PAGE", mmuext1(MMUEXT_COPY_PAGE, pool_mfn[F_DATA2],
				      pool_mfn[F_DATA]), 0);
	for (i = 0; i < PT_ENTRIES; i++)
		same &= win(F_DATA2)[i] == pattern(F_DATA, i);
	CHECK(same, "COPY_PAGE did not copy the frame");

	/* A page table is never written as data; it may be read. */
	if (make_table(F_X, 1)) {
		check_rc("CLEAR_PAGE of an L1",
			 mmuext1(MMUEXT_CLEAR_PAGE, pool_mfn[F_X], 0),
			 -XEN_EINVAL);
		check_rc("COPY_PAGE onto an L1",
			 mmuext1(MMUEXT_COPY_PAGE, pool_mfn[F_X],
				 pool_mfn[F_DATA]), -XEN_EINVAL);
		check_rc("COPY_PAGE from an L1",
			 mmuext1(MMUEXT_COPY_PAGE, pool_mfn[F_DATA2],
				 pool_mfn[F_X]), 0);
	}
	check_rc("CLEAR_PAGE of a hypervisor frame",
		 mmuext1(MMUEXT_CLEAR_PAGE, hv_mfn, 0), -XEN_EINVAL);
	check_rc("COPY_PAGE from a hypervisor frame",
		 mmuext1(MMUEXT_COPY_PAGE, pool_mfn[F_DATA2], hv_mfn),
		 -XEN_EINVAL);
	check_rc("MARK_SUPER", mmuext1(MMUEXT_MARK_SUPER, pool_mfn[F_DATA], 0),
		 -XEN_EOPNOTSUPP);
	check_rc("UNMARK_SUPER",
		 mmuext1(MMUEXT_UNMARK_SUPER, pool_mfn[F_DATA], 0),
		 -XEN_EOPNOTSUPP);
	check_rc("mmuext cmd 14", mmuext1(14, 0, 0), -XEN_ENOSYS);
	check_rc("mmuext cmd 21", mmuext1(21, 0, 0), -XEN_ENOSYS);
	check_rc("mmuext cmd 0xffffffff", mmuext1(0xffffffffu, 0, 0),
		 -XEN_ENOSYS);
	pool_reset();
}

/*
 * A hypercall whose SYSCALL is the last instruction below the canonical
 * hole returns to 0x800000000000. A CPU fetching there raises #GP(0) at
 * that RIP; the hypervisor must hand that to the guest (Xen does, and its
 * old SYSRET return once ran the fault on the guest's stack: XSA-7), not
 * crash the domain or itself. Mapped with the pool: L4 slot 255 -> F_L3
 * -> F_L2 -> F_L1 -> F_DATA at 0x7ffffffff000, the SYSCALL at its end.
 */
#define BOUNDARY_L4_SLOT	255
#define LAST_IDX		(PT_ENTRIES - 1)
#define BOUNDARY_PAGE		0x00007ffffffff000UL
#define NONCANONICAL_RIP	0x0000800000000000UL
#define SYSCALL_LEN		2

static void test_syscall_at_canonical_boundary(void)
{
	uint8_t *code = (uint8_t *)win(F_DATA);
	unsigned long stub = BOUNDARY_PAGE + PAGE_SIZE - SYSCALL_LEN;
	unsigned long nr = __HYPERVISOR_xen_version, cmd = XENVER_version, arg = 0;

	memset(code, 0xcc, PAGE_SIZE);
	code[PAGE_SIZE - 2] = 0x0f;	/* syscall */
	code[PAGE_SIZE - 1] = 0x05;
	win(F_L1)[LAST_IDX] = pte(pool_mfn[F_DATA], PTE_DATA_RW);
	win(F_L2)[LAST_IDX] = pte(pool_mfn[F_L1], PTE_TABLE);
	win(F_L3)[LAST_IDX] = pte(pool_mfn[F_L2], PTE_TABLE);
	if (!win_ro(F_L1) || !win_ro(F_L2) || !win_ro(F_L3))
		return;
	if (!check_rc("map the page below the canonical hole",
		      mmu1(maddr(boot_l4_mfn, BOUNDARY_L4_SLOT),
			   pte(pool_mfn[F_L3], PTE_TABLE)), 0)) {
		pool_reset();
		return;
	}
	trap_reset();
	asm volatile("jmp *%[stub]\n\t"
		     "1:\n\t"
		     ".pushsection .extable, \"a\"\n\t"
		     ".balign 8\n\t"
		     ".quad 0x0000800000000000, 1b\n\t"
		     ".popsection"
		     : "+a"(nr), "+D"(cmd), "+S"(arg)
		     : [stub] "r"(stub)
		     : "rcx", "r11", "rdx", "r8", "r10", "memory");
	check_trap("the return to 0x800000000000", X86_EXC_GP, NONCANONICAL_RIP, 0);
	check_rc("unmap it", mmu1(maddr(boot_l4_mfn, BOUNDARY_L4_SLOT), 0), 0);
	pool_reset();
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "memory_op machphys_mapping", test_machphys_mapping },
		{ "memory_op reservations", test_reservations },
		{ "memory_op memory maps", test_memory_maps },
		{ "memory_op errors", test_memory_op_errors },
		{ "update_va_mapping map/flush/unmap", test_uvm_map_unmap },
		{ "update_va_mapping refused addresses", test_uvm_bad_va },
		{ "mmu_update map/unmap", test_mmu_update_map },
		{ "mmu_update PRESERVE_AD", test_preserve_ad },
		{ "mmu_update MACHPHYS_UPDATE", test_machphys_update },
		{ "pin and unpin a fresh tree", test_pin_levels },
		{ "NEW_BASEPTR to a fresh L4 and back", test_new_baseptr },
		{ "NEW_USER_BASEPTR", test_new_user_baseptr },
		{ "unpin the live base (Linux)", test_unpin_live_base },
		{ "mmuext flushes, LDT, clear/copy", test_mmuext_misc },
		{ "a syscall at the canonical boundary", test_syscall_at_canonical_boundary },
		{ "xsa: update_descriptor into page tables", test_desc_into_tables },
		{ "update_descriptor stores the checked descriptor", test_desc_stored },
		{ "update_descriptor errors", test_desc_errors },
		{ "xsa: hypervisor pages never become page tables", test_xen_pages_never_tables },
		{ "hypercalls write hypervisor pages as the guest may", test_xen_pages_writable },
		{ "refused: page table mapped writable", test_writable_table },
		{ "refused: pin a writable frame", test_pin_writable },
		{ "refused: frames the guest does not own", test_foreign_frames },
		{ "refused: entries outside its memory", test_outside_memory },
		{ "refused: one frame as L1 and L2", test_l1_and_l2 },
		{ "refused: superpages", test_superpage },
		{ "refused: hypervisor L4 slots", test_hv_slots },
		{ "refused: pin/unpin misuse", test_pin_misuse },
		{ "refused: NEW_BASEPTR to a non-L4", test_bad_baseptr },
		{ "batches, counts, pointers", test_batches },
	};

	mmu_setup(si);
	run_cases(cases, ARRAY_SIZE(cases));
}

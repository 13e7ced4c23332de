// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the PV MMU must refuse (pv-abi-core.md 4.5), each with the error the
 * reference Xen 4.17 returns, the guest surviving and nothing changed:
 * writable mappings of page tables, frames the guest does not own, entries
 * of the wrong level or with PSE, the hypervisor's L4 slots, pin misuse,
 * bad roots, bad pointers, and batches that fail half-way.
 */
#include "mmu.h"

void test_writable_table(void)
{
	const uint8_t *va = scratch[0];
	uint64_t v;

	if (!make_table(F_X, 1))
		goto out;
	check_rc("update_va_mapping RW of an L1",
		 uvm(va, pte(pool_mfn[F_X], PTE_DATA_RW), UVMF_INVLPG),
		 -XEN_EBUSY);
	check_rc("mmu_update RW of an L1",
		 mmu1(l1e_maddr(va), pte(pool_mfn[F_X], PTE_DATA_RW)),
		 -XEN_EBUSY);
	check_rc("update_va_mapping RW of the live L4",
		 uvm(va, pte(boot_l4_mfn, PTE_DATA_RW), UVMF_INVLPG),
		 -XEN_EBUSY);
	/* Read-only is fine: guests read their page tables. */
	check_rc("update_va_mapping RO of an L1",
		 uvm(va, pte(pool_mfn[F_X], PTE_DATA_RO), UVMF_INVLPG), 0);
	if (!try_read((unsigned long)va, &v) || v)
		test_fail("the RO mapping of the empty L1 does not read 0");
	/* An L1 that would map a page table writable does not validate. */
	win(F_Y)[7] = pte(pool_mfn[F_X], PTE_DATA_RW);
	if (win_ro(F_Y))
		check_rc("pin an L1 mapping an L1 writable", pin(1, F_Y),
			 -XEN_EBUSY);
	win_rw(F_Y, "after the refused pin");
out:
	pool_reset();
}

void test_pin_writable(void)
{
	unsigned int lvl;
	char what[48];

	/* F_X rests mapped writable through its window. */
	for (lvl = 1; lvl <= 4; lvl++) {
		snprintf(what, sizeof(what), "pin a writable frame as L%u", lvl);
		check_rc(what, pin(lvl, F_X), -XEN_EINVAL);
	}
	win(F_X)[0] = 1;	/* still writable */
	pool_reset();
}

void test_foreign_frames(void)
{
	const uint8_t *va = scratch[0];
	long want_io = 0;
	long rc;

	/*
	 * I/O frames: Xen and Ward let dom0 map any non-RAM frame that is
	 * not the hypervisor's (the first MiB counts as I/O; io-mem.c).
	 */
	rc = uvm(va, pte(beyond_mfn, PTE_DATA_RO), UVMF_INVLPG);
	check_rc("map a frame beyond RAM", rc, want_io);
	rc = uvm(va, pte(LOW_MFN, PTE_DATA_RO), UVMF_INVLPG);
	check_rc("map MFN 0x10", rc, want_io);
	uvm(va, 0, UVMF_INVLPG);
	/* RAM the guest does not own: a hypervisor page table. */
	check_rc("map a hypervisor frame RO",
		 uvm(va, pte(hv_mfn, PTE_DATA_RO), UVMF_INVLPG), -XEN_EBUSY);
	check_rc("map a hypervisor frame RW",
		 uvm(va, pte(hv_mfn, PTE_DATA_RW), UVMF_INVLPG), -XEN_EBUSY);
	check_rc("mmu_update mapping a hypervisor frame",
		 mmu1(l1e_maddr(va), pte(hv_mfn, PTE_DATA_RO)), -XEN_EBUSY);
	CHECK(l1e_read(va) == 0, "a refused mapping changed the entry to %lx",
	      (unsigned long)l1e_read(va));
	/* Writing into frames we do not own. */
	check_rc("mmu_update into a hypervisor frame",
		 mmu1(maddr(hv_mfn, 0), 0), -XEN_EINVAL);
	check_rc("mmu_update into MFN 0x10", mmu1(maddr(LOW_MFN, 0), 0),
		 -XEN_EINVAL);
	check_rc("mmu_update into a frame beyond RAM",
		 mmu1(maddr(beyond_mfn, 0), 0), -XEN_EINVAL);
	pool_reset();
}

void test_outside_memory(void)
{
	static const char *const kind[] = { "beyond RAM", "MFN 0x10",
					    "a hypervisor frame" };
	unsigned long bad[] = { beyond_mfn, LOW_MFN, hv_mfn };
	char what[64];
	unsigned int i;

	if (!make_table(F_X, 2) || !make_table(F_Y, 3) || !make_table(F_Z, 4))
		goto out;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(what, sizeof(what), "L2 entry -> %s", kind[i]);
		check_rc(what, mmu1(maddr(pool_mfn[F_X], 3),
				    pte(bad[i], PTE_TABLE)), -XEN_EINVAL);
		snprintf(what, sizeof(what), "L3 entry -> %s", kind[i]);
		check_rc(what, mmu1(maddr(pool_mfn[F_Y], 3),
				    pte(bad[i], PTE_TABLE)), -XEN_EINVAL);
		snprintf(what, sizeof(what), "L4 entry -> %s", kind[i]);
		check_rc(what, mmu1(maddr(pool_mfn[F_Z], 3),
				    pte(bad[i], PTE_TABLE)), -XEN_EINVAL);
	}
	CHECK(!win(F_X)[3] && !win(F_Y)[3] && !win(F_Z)[3],
	      "a refused entry was written");
	/* A table holding such an entry does not validate. */
	check_rc("unpin L2", unpin(F_X), 0);
	if (win_rw(F_X, "unpinned empty L2")) {
		win(F_X)[9] = pte(LOW_MFN, PTE_TABLE);
		if (win_ro(F_X))
			check_rc("pin an L2 pointing at MFN 0x10", pin(2, F_X),
				 -XEN_EINVAL);
	}
out:
	pool_reset();
}

void test_l1_and_l2(void)
{
	if (!make_table(F_X, 1))
		goto out;
	check_rc("pin the L1 as L2", pin(2, F_X), -XEN_EINVAL);
	check_rc("pin the L1 as L3", pin(3, F_X), -XEN_EINVAL);
	check_rc("pin the L1 as L4", pin(4, F_X), -XEN_EINVAL);
	if (make_table(F_Y, 3))
		check_rc("L3 entry -> an L1",
			 mmu1(maddr(pool_mfn[F_Y], 0),
			      pte(pool_mfn[F_X], PTE_TABLE)), -XEN_EINVAL);
	if (make_table(F_Z, 2)) {
		check_rc("L2 entry -> the L1",
			 mmu1(maddr(pool_mfn[F_Z], 0),
			      pte(pool_mfn[F_X], PTE_TABLE)), 0);
		check_rc("clear it", mmu1(maddr(pool_mfn[F_Z], 0), 0), 0);
	}
	/* With its last use gone the type may change. */
	check_rc("unpin the L1", unpin(F_X), 0);
	check_rc("now pin it as L2", pin(2, F_X), 0);
out:
	pool_reset();
}

void test_superpage(void)
{
	uint64_t pse = pte(pool_mfn[F_DATA], PTE_DATA_RW | _PAGE_PSE);

	if (make_table(F_X, 2)) {
		check_rc("L2 entry with PSE", mmu1(maddr(pool_mfn[F_X], 0), pse),
			 -XEN_EINVAL);
		CHECK(!win(F_X)[0], "the PSE entry was written");
	}
	if (make_table(F_Y, 3))
		check_rc("L3 entry with PSE", mmu1(maddr(pool_mfn[F_Y], 0), pse),
			 -XEN_EINVAL);
	win(F_Z)[0] = pse;
	if (win_ro(F_Z))
		check_rc("pin an L2 holding a PSE entry", pin(2, F_Z),
			 -XEN_EINVAL);
	pool_reset();
}

void test_hv_slots(void)
{
	static const unsigned int slots[] = { 256, 260, 271 };
	unsigned int i;
	uint64_t old;
	char what[48];

	if (!make_table(F_Z, 4))
		goto out;
	for (i = 0; i < ARRAY_SIZE(slots); i++) {
		old = win(F_Z)[slots[i]];
		snprintf(what, sizeof(what), "clear L4 slot %u", slots[i]);
		check_rc(what, mmu1(maddr(pool_mfn[F_Z], slots[i]), 0),
			 -XEN_EINVAL);
		snprintf(what, sizeof(what), "write garbage to L4 slot %u",
			 slots[i]);
		check_rc(what, mmu1(maddr(pool_mfn[F_Z], slots[i]), GARBAGE),
			 -XEN_EINVAL);
		CHECK(win(F_Z)[slots[i]] == old, "L4 slot %u changed", slots[i]);
	}
	check_rc("L4 slot 255", mmu1(maddr(pool_mfn[F_Z], 255), GARBAGE), 0);
	check_rc("L4 slot 272", mmu1(maddr(pool_mfn[F_Z], 272), GARBAGE), 0);
	CHECK(win(F_Z)[255] == GARBAGE && win(F_Z)[272] == GARBAGE,
	      "not-present entries in slots 255/272 not stored as given");
	/* The live L4, rewritten with its own value (harmless if accepted). */
	check_rc("live L4 slot 261, same value",
		 mmu1(maddr(boot_l4_mfn, HV_IMAGE_SLOT),
		      boot_l4[HV_IMAGE_SLOT]), -XEN_EINVAL);
out:
	pool_reset();
}

void test_pin_misuse(void)
{
	check_rc("unpin a writable frame", unpin(F_X), -XEN_EINVAL);
	if (win_ro(F_X))
		check_rc("unpin an untyped frame", unpin(F_X), -XEN_EINVAL);
	check_rc("pin L1", pin(1, F_X), 0);
	check_rc("pin L1 twice", mmuext1(MMUEXT_PIN_L1_TABLE, pool_mfn[F_X], 0),
		 -XEN_EINVAL);
	check_rc("unpin", unpin(F_X), 0);
	check_rc("unpin twice", unpin(F_X), -XEN_EINVAL);
	if (make_table(F_Z, 4))
		check_rc("pin L4 twice",
			 mmuext1(MMUEXT_PIN_L4_TABLE, pool_mfn[F_Z], 0),
			 -XEN_EINVAL);
	check_rc("pin a hypervisor frame",
		 mmuext1(MMUEXT_PIN_L1_TABLE, hv_mfn, 0), -XEN_EINVAL);
	check_rc("pin MFN 0x10", mmuext1(MMUEXT_PIN_L1_TABLE, LOW_MFN, 0),
		 -XEN_EINVAL);
	check_rc("pin beyond RAM", mmuext1(MMUEXT_PIN_L1_TABLE, beyond_mfn, 0),
		 -XEN_EINVAL);
	check_rc("unpin a hypervisor frame",
		 mmuext1(MMUEXT_UNPIN_TABLE, hv_mfn, 0), -XEN_EINVAL);
	pool_reset();
}

void test_bad_baseptr(void)
{
	if (make_table(F_X, 1))
		check_rc("NEW_BASEPTR to an L1",
			 mmuext1(MMUEXT_NEW_BASEPTR, pool_mfn[F_X], 0),
			 -XEN_EINVAL);
	/* F_Y is mapped writable (and all zero). */
	check_rc("NEW_BASEPTR to a writable frame",
		 mmuext1(MMUEXT_NEW_BASEPTR, pool_mfn[F_Y], 0), -XEN_EINVAL);
	check_rc("NEW_BASEPTR to a hypervisor frame",
		 mmuext1(MMUEXT_NEW_BASEPTR, hv_mfn, 0), -XEN_EINVAL);
	check_rc("NEW_BASEPTR to MFN 0x10",
		 mmuext1(MMUEXT_NEW_BASEPTR, LOW_MFN, 0), -XEN_EINVAL);
	check_rc("NEW_BASEPTR beyond RAM",
		 mmuext1(MMUEXT_NEW_BASEPTR, beyond_mfn, 0), -XEN_EINVAL);
	check_rc("NEW_USER_BASEPTR to a hypervisor frame",
		 mmuext1(MMUEXT_NEW_USER_BASEPTR, hv_mfn, 0), -XEN_EINVAL);
	/* Still on the builder's tables. */
	expect_pf("TEST_VA (only the fresh tree maps it)", (void *)TEST_VA,
		  false, 0);
	pool_reset();
}

void test_batches(void)
{
	mmu_update_t reqs[4];
	struct mmuext_op ops[3];
	unsigned int done, i;
	char what[64];
	long rc;

	for (i = 0; i < PT_ENTRIES; i++) {
		win(F_DATA)[i] = pattern(F_DATA, i);
		win(F_DATA2)[i] = pattern(F_DATA2, i);
	}
	reqs[0].ptr = l1e_maddr(scratch[0]);
	reqs[0].val = pte(pool_mfn[F_DATA], PTE_DATA_RO);

	done = 0xdead;
	check_rc("mmu_update count 0",
		 HYPERVISOR_mmu_update(reqs, 0, &done, DOMID_SELF), 0);
	CHECK(done == 0, "mmu_update count 0: done %u", done);
	check_rc("mmu_update count 0, NULL list",
		 HYPERVISOR_mmu_update(NULL, 0, NULL, DOMID_SELF), 0);
	memset(ops, 0, sizeof(ops));
	ops[0].cmd = MMUEXT_TLB_FLUSH_LOCAL;
	done = 0xdead;
	check_rc("mmuext_op count 0",
		 HYPERVISOR_mmuext_op(ops, 0, &done, DOMID_SELF), 0);
	CHECK(done == 0, "mmuext_op count 0: done %u", done);
	check_rc("mmuext_op count 0, NULL list",
		 HYPERVISOR_mmuext_op(NULL, 0, NULL, DOMID_SELF), 0);

	for (i = 0; i < ARRAY_SIZE(bad_ptrs); i++) {
		snprintf(what, sizeof(what), "mmu_update from %s",
			 bad_ptr_names[i]);
		check_rc(what, HYPERVISOR_mmu_update(bad_ptrs[i], 1, NULL,
						     DOMID_SELF), -XEN_EFAULT);
		snprintf(what, sizeof(what), "mmuext_op from %s",
			 bad_ptr_names[i]);
		check_rc(what, HYPERVISOR_mmuext_op(bad_ptrs[i], 1, NULL,
						    DOMID_SELF), -XEN_EFAULT);
	}

	/* A batch failing at its third entry: two done, the fourth not run. */
	reqs[1].ptr = l1e_maddr(scratch[1]);
	reqs[1].val = pte(pool_mfn[F_DATA2], PTE_DATA_RO);
	reqs[2].ptr = maddr(hv_mfn, 0);	/* not ours: -EINVAL */
	reqs[2].val = 0;
	reqs[3].ptr = l1e_maddr(scratch[2]);
	reqs[3].val = pte(pool_mfn[F_DATA], PTE_DATA_RO);
	done = 0xdead;
	rc = HYPERVISOR_mmu_update(reqs, 4, &done, DOMID_SELF);
	check_rc("mmu_update batch failing at entry 2", rc, -XEN_EINVAL);
	CHECK(done == 2, "mmu_update batch: done %u, expected 2", done);
	mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
	expect_read("batch entry 0", scratch[0], pattern(F_DATA, 0));
	expect_read("batch entry 1", scratch[1], pattern(F_DATA2, 0));
	CHECK(l1e_read(scratch[2]) == 0, "batch entry 3 ran: entry %lx",
	      (unsigned long)l1e_read(scratch[2]));

	/* mmuext_op: pin, a failing pin, an unpin that must not run. */
	if (win_ro(F_X)) {
		ops[0].cmd = MMUEXT_PIN_L1_TABLE;
		ops[0].arg1.mfn = pool_mfn[F_X];
		ops[1] = ops[0];
		ops[1].cmd = MMUEXT_PIN_L2_TABLE;
		ops[2] = ops[0];
		ops[2].cmd = MMUEXT_UNPIN_TABLE;
		done = 0xdead;
		rc = HYPERVISOR_mmuext_op(ops, 3, &done, DOMID_SELF);
		check_rc("mmuext_op batch failing at op 1", rc, -XEN_EINVAL);
		CHECK(done == 1, "mmuext_op batch: done %u, expected 1", done);
		check_rc("op 0 pinned it, op 2 did not unpin", unpin(F_X), 0);
	}

	/* A `done` Xen cannot write is ignored: the work was done. */
	reqs[0].val = pte(pool_mfn[F_DATA2], PTE_DATA_RO);
	check_rc("mmu_update, unmapped done pointer",
		 HYPERVISOR_mmu_update(reqs, 1, BAD_PTR_UNMAPPED, DOMID_SELF),
		 0);
	CHECK(pte_mfn(l1e_read(scratch[0])) == pool_mfn[F_DATA2],
	      "mmu_update with an unmapped done pointer was not done");
	ops[0].cmd = MMUEXT_TLB_FLUSH_LOCAL;
	check_rc("mmuext_op, hypervisor-range done pointer",
		 HYPERVISOR_mmuext_op(ops, 1, BAD_PTR_HYPERVISOR, DOMID_SELF),
		 0);

	/* A page owner that does not exist, or is ourselves by number. */
	done = 0xdead;
	check_rc("mmu_update foreigndom 0x7000",
		 HYPERVISOR_mmu_update(reqs, 1, &done, UNKNOWN_DOMID),
		 -XEN_ESRCH);
	CHECK(done == 0, "mmu_update foreigndom 0x7000: done %u", done);
	check_rc("mmuext_op foreigndom 0x7000",
		 HYPERVISOR_mmuext_op(ops, 1, NULL, UNKNOWN_DOMID), -XEN_ESRCH);
	/* Xen: "cannot specify itself as foreign domain" (dom0 is 0). */
	check_rc("mmu_update foreigndom = own domid",
		 HYPERVISOR_mmu_update(reqs, 1, NULL, 0), -XEN_ESRCH);
	check_rc("mmuext_op foreigndom = own domid",
		 HYPERVISOR_mmuext_op(ops, 1, NULL, 0), -XEN_ESRCH);
	pool_reset();
}

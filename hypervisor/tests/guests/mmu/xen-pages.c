// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypervisor pages a guest may map as its own: shared_info and the frames
 * of its grant table. The hypervisor writes into them (event pending
 * bits, grant flags), so they must never become page tables: a pending
 * bit set in an "L4" is a forged L4 slot. On Xen 4.17 they hold a
 * writable type for as long as the guest has them, so pinning them, or
 * naming them in a table entry or as a root, is -EINVAL, while writing
 * them through a mapping or any hypercall that writes frames still works.
 */
#include "mmu.h"
#include <xen/grant_table.h>

/* The last entries of shared_info's page lie beyond struct shared_info. */
#define SHINFO_SPARE_IDX	(PT_ENTRIES - 1)

/* Frame 0 of our grant table, set up on first use. */
static unsigned long grant_frame(void)
{
	static xen_pfn_t mfn;
	struct gnttab_setup_table op = { .dom = DOMID_SELF, .nr_frames = 1 };
	long rc;

	if (mfn)
		return mfn;
	set_xen_guest_handle(op.frame_list, &mfn);
	rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &op, 1);
	if (rc || op.status || !mfn)
		test_error("setup_table(1): rc %ld status %d", rc, op.status);
	return mfn;
}

static unsigned long shared_info_mfn(void)
{
	return start_info->shared_info >> PAGE_SHIFT;
}

/* A use of @mfn as a page table that must be refused; undone if it was not. */
static void expect_refused(const char *name, const char *use, long rc,
			   unsigned int undo_cmd, unsigned long undo_arg)
{
	char what[80];

	snprintf(what, sizeof(what), "%s %s", use, name);
	if (rc == 0) {
		test_fail("%s: accepted", what);
		if (mmuext1(undo_cmd, undo_arg, 0))
			test_abort("%s: cannot undo it", what);
		return;
	}
	check_rc(what, rc, -XEN_EINVAL);
}

/* Entry @idx of table @table pointing at @mfn: refused; cleared if it was not. */
static void entry_refused(const char *name, const char *use, unsigned long table,
			  unsigned int idx, unsigned long mfn)
{
	char what[80];
	long rc = mmu1(maddr(table, idx), pte(mfn, PTE_TABLE));

	snprintf(what, sizeof(what), "%s %s", use, name);
	if (rc == 0) {
		test_fail("%s: accepted", what);
		if (mmu1(maddr(table, idx), 0))
			test_abort("%s: cannot clear it", what);
		return;
	}
	check_rc(what, rc, -XEN_EINVAL);
}

/* As a pinned L1-L4, the user root, an L2 entry's L1, an L4 entry's L3. */
static void expect_never_table(const char *name, unsigned long mfn)
{
	static const char *const pins[] = { "pin as L1", "pin as L2",
					    "pin as L3", "pin as L4" };
	unsigned int lvl;

	for (lvl = 1; lvl <= 4; lvl++)
		expect_refused(name, pins[lvl - 1],
			       mmuext1(MMUEXT_PIN_L1_TABLE + lvl - 1, mfn, 0),
			       MMUEXT_UNPIN_TABLE, mfn);
	/* The user root is not loaded in kernel mode: safe to try. */
	expect_refused(name, "NEW_USER_BASEPTR to",
		       mmuext1(MMUEXT_NEW_USER_BASEPTR, mfn, 0),
		       MMUEXT_NEW_USER_BASEPTR, 0);
	if (make_table(F_X, 2))
		entry_refused(name, "an L2 entry to", pool_mfn[F_X], 0, mfn);
	if (make_table(F_Z, 4))
		entry_refused(name, "an L4 entry to", pool_mfn[F_Z], TEST_L4_SLOT,
			      mfn);
	pool_reset();
}

/* XSA-shaped: hypervisor pages pinned or hooked in as page tables. */
void test_xen_pages_never_tables(void)
{
	uint64_t *si = (uint64_t *)shared_info;
	long rc;

	/* Our grant frame is not mapped at all: nothing else holds a type. */
	expect_never_table("the grant frame", grant_frame());
	/* shared_info with only a read-only mapping left. */
	rc = uvm(si, pte(shared_info_mfn(), PTE_DATA_RO), UVMF_INVLPG);
	if (!check_rc("remap shared_info read-only", rc, 0))
		return;
	expect_never_table("shared_info", shared_info_mfn());
	rc = uvm(si, pte(shared_info_mfn(), PTE_DATA_RW), UVMF_INVLPG);
	if (rc)
		test_abort("remapping shared_info writable: rc %ld %s", rc,
			   errno_name(rc));
}

/* What the guest may write itself, hypercalls may write for it. */
void test_xen_pages_writable(void)
{
	uint64_t *g = (uint64_t *)scratch[0], *si = (uint64_t *)shared_info;
	unsigned long gf = grant_frame(), sf = shared_info_mfn();
	unsigned int i;
	bool ok = true;

	if (!check_rc("map the grant frame writable",
		      uvm(g, pte(gf, PTE_DATA_RW), UVMF_INVLPG), 0))
		goto out;
	for (i = 0; i < PT_ENTRIES; i++) {
		win(F_DATA)[i] = pattern(F_DATA, i);
		g[i] = 0x77;
	}
	check_rc("CLEAR_PAGE of the grant frame",
		 mmuext1(MMUEXT_CLEAR_PAGE, gf, 0), 0);
	for (i = 0; i < PT_ENTRIES; i++)
		ok &= g[i] == 0;
	CHECK(ok, "CLEAR_PAGE left data in the grant frame");
	check_rc("COPY_PAGE into the grant frame",
		 mmuext1(MMUEXT_COPY_PAGE, gf, pool_mfn[F_DATA]), 0);
	CHECK(g[7] == pattern(F_DATA, 7), "COPY_PAGE: the grant frame holds %lx",
	      (unsigned long)g[7]);
	check_rc("COPY_PAGE from the grant frame",
		 mmuext1(MMUEXT_COPY_PAGE, pool_mfn[F_DATA2], gf), 0);
	CHECK(win(F_DATA2)[7] == pattern(F_DATA, 7),
	      "COPY_PAGE from the grant frame: %lx", (unsigned long)win(F_DATA2)[7]);
	check_rc("mmu_update into the grant frame", mmu1(maddr(gf, 3), 0x1234), 0);
	CHECK(g[3] == 0x1234, "mmu_update: the grant frame holds %lx",
	      (unsigned long)g[3]);
	check_rc("update_descriptor into the grant frame",
		 HYPERVISOR_update_descriptor(maddr(gf, 4), GARBAGE), 0);
	CHECK(g[4] == GARBAGE, "update_descriptor: the grant frame holds %lx",
	      (unsigned long)g[4]);
	memset(g, 0, PAGE_SIZE);
	check_rc("update_descriptor into shared_info",
		 HYPERVISOR_update_descriptor(maddr(sf, SHINFO_SPARE_IDX), GARBAGE), 0);
	CHECK(si[SHINFO_SPARE_IDX] == GARBAGE,
	      "update_descriptor: shared_info holds %lx",
	      (unsigned long)si[SHINFO_SPARE_IDX]);
	check_rc("mmu_update into shared_info",
		 mmu1(maddr(sf, SHINFO_SPARE_IDX), 0), 0);
	CHECK(si[SHINFO_SPARE_IDX] == 0, "mmu_update: shared_info holds %lx",
	      (unsigned long)si[SHINFO_SPARE_IDX]);
	/* Read-only and writable mappings come and go as for any data page. */
	check_rc("map the grant frame read-only",
		 uvm(g, pte(gf, PTE_DATA_RO), UVMF_INVLPG), 0);
out:
	pool_reset();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * map_grant_ref / unmap_grant_ref in the forms Linux 6.1 uses: a VA in
 * the current page tables (blkback, netback), the machine address of the
 * PTE (xenbus rings, gntdev), and device_map; plus what must be refused.
 * Every case leaves its refs revoked and its target pages restored.
 */
#include "gnttab.h"

#define GTF_RW_PINNED	(GTF_permit_access | GTF_reading | GTF_writing)
#define GTF_RO_PINNED	(GTF_permit_access | GTF_reading)

static unsigned long mfn_of(const void *va)
{
	return virt_to_mfn(va);
}

static uint64_t pte_mfn(uint64_t e)
{
	return (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

/* After an unmap the target's PTE is empty: a read faults. */
static void expect_unmapped(const char *what, unsigned int t)
{
	uint64_t v;

	CHECK(!(l1e_read(target[t]) & _PAGE_PRESENT), "%s: PTE %lx still present", what,
	      (unsigned long)l1e_read(target[t]));
	CHECK(!try_read((unsigned long)target[t], &v) && last_trap.vector == X86_EXC_PF,
	      "%s: reading the unmapped target did not #PF", what);
}

void test_map_va(void)
{
	grant_handle_t h;
	uint64_t bus, e;
	int16_t st;

	fill_granted();
	grant(REF_A, OWN_DOMID, mfn_of(granted[0]), GTF_permit_access);
	st = map1((unsigned long)target[0], GNTMAP_host_map, REF_A, OWN_DOMID, &h, &bus);
	if (!check_st("map host_map", st, GNTST_okay))
		goto out;
	CHECK(bus == (uint64_t)mfn_of(granted[0]) << PAGE_SHIFT,
	      "dev_bus_addr %lx, expected %lx", (unsigned long)bus,
	      mfn_of(granted[0]) << PAGE_SHIFT);
	check_flags("while mapped rw", REF_A, GTF_RW_PINNED);
	e = l1e_read(target[0]);
	CHECK(pte_mfn(e) == mfn_of(granted[0]) && (e & _PAGE_RW) && (e & _PAGE_PRESENT),
	      "PTE %lx: expected the granted frame %lx, writable", (unsigned long)e,
	      mfn_of(granted[0]));
	CHECK(((uint64_t *)target[0])[5] == pattern(0, 5),
	      "mapping reads %lx, expected %lx", ((uint64_t *)target[0])[5], pattern(0, 5));
	((volatile uint64_t *)target[0])[7] = 0xabcdef;
	CHECK(((volatile uint64_t *)granted[0])[7] == 0xabcdef,
	      "a store through the mapping did not reach the granted page");
	st = unmap1((unsigned long)target[0], 0, h);
	check_st("unmap", st, GNTST_okay);
	check_flags("after unmap", REF_A, GTF_permit_access);
	expect_unmapped("after unmap", 0);
	/* A second unmap of the handle finds nothing. */
	check_st("unmap again", unmap1((unsigned long)target[0], 0, h), GNTST_bad_handle);
out:
	revoke(REF_A);
	restore_target(0);
}

void test_map_readonly(void)
{
	grant_handle_t h;
	uint64_t e;
	int16_t st;

	fill_granted();
	/* A read-only grant, mapped read-only. */
	grant(REF_A, OWN_DOMID, mfn_of(granted[1]), GTF_permit_access | GTF_readonly);
	st = map1((unsigned long)target[1], GNTMAP_host_map | GNTMAP_readonly, REF_A,
		  OWN_DOMID, &h, NULL);
	if (!check_st("map readonly", st, GNTST_okay))
		goto out;
	check_flags("while mapped ro", REF_A, GTF_RO_PINNED | GTF_readonly);
	e = l1e_read(target[1]);
	CHECK(pte_mfn(e) == mfn_of(granted[1]) && !(e & _PAGE_RW),
	      "PTE %lx: expected the granted frame %lx, read-only", (unsigned long)e,
	      mfn_of(granted[1]));
	CHECK(((uint64_t *)target[1])[3] == pattern(1, 3), "readonly mapping reads %lx",
	      ((uint64_t *)target[1])[3]);
	CHECK(!try_write((unsigned long)target[1], 1) && last_trap.vector == X86_EXC_PF &&
	      last_trap.error_code == (PFEC_PRESENT | PFEC_WRITE),
	      "a store through the read-only mapping: %s vector %u ec %lx",
	      last_trap.count ? "faulted with" : "did not fault,", last_trap.vector,
	      (unsigned long)last_trap.error_code);
	check_st("unmap", unmap1((unsigned long)target[1], 0, h), GNTST_okay);
	check_flags("after unmap", REF_A, GTF_permit_access | GTF_readonly);
	expect_unmapped("after unmap", 1);
out:
	revoke(REF_A);
	restore_target(1);
}

void test_map_contains_pte(void)
{
	uint64_t ma = l1e_maddr(target[2]);
	grant_handle_t h;
	uint64_t bus;
	int16_t st;

	fill_granted();
	grant(REF_B, OWN_DOMID, mfn_of(granted[2]), GTF_permit_access);
	st = map1(ma, GNTMAP_host_map | GNTMAP_contains_pte, REF_B, OWN_DOMID, &h, &bus);
	if (!check_st("map contains_pte", st, GNTST_okay))
		goto out;
	CHECK(bus == (uint64_t)mfn_of(granted[2]) << PAGE_SHIFT, "dev_bus_addr %lx",
	      (unsigned long)bus);
	check_flags("while mapped", REF_B, GTF_RW_PINNED);
	/* The PTE changed behind the TLB's back: flush before looking. */
	HYPERVISOR_update_va_mapping((unsigned long)gt, l1e_read(gt), UVMF_TLB_FLUSH | UVMF_LOCAL);
	CHECK(((uint64_t *)target[2])[9] == pattern(2, 9), "contains_pte mapping reads %lx",
	      ((uint64_t *)target[2])[9]);
	st = unmap1(ma, 0, h);
	check_st("unmap by PTE address", st, GNTST_okay);
	check_flags("after unmap", REF_B, GTF_permit_access);
	expect_unmapped("after unmap", 2);
out:
	revoke(REF_B);
	restore_target(2);
}

void test_map_device(void)
{
	uint64_t before = l1e_read(target[0]), bus;
	grant_handle_t h;
	int16_t st;

	grant(REF_A, OWN_DOMID, mfn_of(granted[0]), GTF_permit_access);
	st = map1(0, GNTMAP_device_map, REF_A, OWN_DOMID, &h, &bus);
	if (!check_st("map device_map", st, GNTST_okay))
		goto out;
	CHECK(bus == (uint64_t)mfn_of(granted[0]) << PAGE_SHIFT, "dev_bus_addr %lx",
	      (unsigned long)bus);
	check_flags("while device-mapped", REF_A, GTF_RW_PINNED);
	CHECK(l1e_read(target[0]) == before, "device_map changed a PTE");
	/* Unmap takes down the parts it names: none is a no-op. */
	check_st("unmap naming no part", unmap1(0, 0, h), GNTST_okay);
	check_flags("after unmapping no part", REF_A, GTF_RW_PINNED);
	check_st("unmap with a wrong dev_bus_addr", unmap1(0, bus + PAGE_SIZE, h),
		 GNTST_bad_dev_addr);
	check_flags("after the refused unmap", REF_A, GTF_RW_PINNED);
	check_st("unmap", unmap1(0, bus, h), GNTST_okay);
	check_flags("after unmap", REF_A, GTF_permit_access);
out:
	revoke(REF_A);
}

/* A host+device mapping comes down in two parts: the record with the last. */
void test_unmap_parts(void)
{
	uint64_t bus;
	grant_handle_t h;
	int16_t st;

	grant(REF_A, OWN_DOMID, mfn_of(granted[0]), GTF_permit_access);
	st = map1((unsigned long)target[0], GNTMAP_host_map | GNTMAP_device_map, REF_A,
		  OWN_DOMID, &h, &bus);
	if (!check_st("map host+device", st, GNTST_okay))
		goto out;
	check_st("unmap the device part", unmap1(0, bus, h), GNTST_okay);
	check_flags("host part left", REF_A, GTF_RW_PINNED);
	CHECK(pte_mfn(l1e_read(target[0])) == mfn_of(granted[0]),
	      "unmapping the device part took the PTE down");
	check_st("unmap the device part again", unmap1(0, bus, h), GNTST_okay);
	check_st("unmap the host part", unmap1((unsigned long)target[0], 0, h), GNTST_okay);
	check_flags("both parts gone", REF_A, GTF_permit_access);
	expect_unmapped("both parts gone", 0);
	check_st("the handle is gone", unmap1((unsigned long)target[0], bus, h), GNTST_bad_handle);
out:
	revoke(REF_A);
	restore_target(0);
}

/* GTF_writing goes with the last writable pin, GTF_reading with the last. */
void test_pin_counts(void)
{
	grant_handle_t hw, hr, hd;
	uint64_t bus = 0;
	int16_t st;

	grant(REF_C, OWN_DOMID, mfn_of(granted[1]), GTF_permit_access);
	st = map1((unsigned long)target[0], GNTMAP_host_map, REF_C, OWN_DOMID, &hw, NULL);
	if (!check_st("map rw", st, GNTST_okay))
		goto out;
	st = map1((unsigned long)target[1], GNTMAP_host_map | GNTMAP_readonly, REF_C,
		  OWN_DOMID, &hr, NULL);
	if (!check_st("map ro of the same ref", st, GNTST_okay))
		goto out_w;
	st = map1(0, GNTMAP_device_map | GNTMAP_readonly, REF_C, OWN_DOMID, &hd, &bus);
	if (!check_st("device map ro of the same ref", st, GNTST_okay))
		goto out_r;
	CHECK(hw != hr && hr != hd && hw != hd, "handles not distinct: %u %u %u", hw, hr, hd);
	check_flags("three pins", REF_C, GTF_RW_PINNED);
	/* The granter cannot end access while it is in use (Linux's cmpxchg). */
	{
		uint16_t old = GTF_permit_access;

		CHECK(!__atomic_compare_exchange_n(&gt[REF_C].flags, &old, 0, false,
						   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST),
		      "end_foreign_access succeeded while mapped");
	}
	check_st("unmap rw", unmap1((unsigned long)target[0], 0, hw), GNTST_okay);
	check_flags("read-only pins left", REF_C, GTF_RO_PINNED);
	check_st("unmap device", unmap1(0, bus, hd), GNTST_okay);
	check_flags("one read-only pin left", REF_C, GTF_RO_PINNED);
	check_st("unmap ro", unmap1((unsigned long)target[1], 0, hr), GNTST_okay);
	check_flags("no pins", REF_C, GTF_permit_access);
	goto out;
out_r:
	unmap1((unsigned long)target[1], 0, hr);
out_w:
	unmap1((unsigned long)target[0], 0, hw);
out:
	revoke(REF_C);
	restore_target(0);
	restore_target(1);
}

struct refused_map {
	const char *what;
	uint16_t gtf;		/* entry flags */
	domid_t grantee;	/* entry domid */
	grant_ref_t ref;	/* asked for */
	domid_t dom;		/* asked of */
	uint32_t map;		/* GNTMAP_* asked */
	int16_t want;
};

void test_map_refused(void)
{
	const uint32_t rw = GNTMAP_host_map, ro = GNTMAP_host_map | GNTMAP_readonly;
	const uint16_t pa = GTF_permit_access;
	const struct refused_map cases[] = {
		{ "ref beyond the table", pa, OWN_DOMID, 0, OWN_DOMID, rw, GNTST_bad_gntref },
		{ "ref 0xffffffff", pa, OWN_DOMID, 0xffffffff, OWN_DOMID, rw, GNTST_bad_gntref },
		{ "granted to another domain", pa, OTHER_DOMID, REF_A, OWN_DOMID, rw,
		  GNTST_general_error },
		{ "granted to another, read-only", pa, OTHER_DOMID, REF_A, OWN_DOMID, ro,
		  GNTST_general_error },
		{ "invalid entry", 0, OWN_DOMID, REF_A, OWN_DOMID, rw, GNTST_general_error },
		{ "accept_transfer entry", GTF_accept_transfer, OWN_DOMID, REF_A, OWN_DOMID, rw,
		  GNTST_general_error },
		{ "transitive entry", GTF_transitive, OWN_DOMID, REF_A, OWN_DOMID, rw,
		  GNTST_general_error },
		{ "sub_page entry (a v2 notion)", pa | GTF_sub_page, OWN_DOMID, REF_A, OWN_DOMID, rw,
		  GNTST_general_error },
		{ "readonly grant mapped writable", pa | GTF_readonly, OWN_DOMID, REF_A,
		  OWN_DOMID, rw, GNTST_general_error },
		{ "neither host_map nor device_map", pa, OWN_DOMID, REF_A, OWN_DOMID,
		  GNTMAP_readonly, GNTST_bad_gntref },
		{ "unknown domain", pa, OWN_DOMID, REF_A, UNKNOWN_DOMID, rw, GNTST_bad_domain },
	};
	unsigned int nr_entries = max_frames * (PAGE_SIZE / sizeof(grant_entry_v1_t));
	grant_handle_t h;
	int16_t st;

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct refused_map *c = &cases[i];
		grant_ref_t ref = i == 0 ? nr_entries : c->ref;

		grant(REF_A, c->grantee, mfn_of(granted[0]), c->gtf);
		st = map1((unsigned long)target[0], c->map, ref, c->dom, &h, NULL);
		check_st(c->what, st, c->want);
		if (st == GNTST_okay)
			unmap1((unsigned long)target[0], 0, h);
		check_flags(c->what, REF_A, c->gtf);
		revoke(REF_A);
	}
	restore_target(0);

	/* Where the PTE would go must be one of our L1 entries. */
	grant(REF_A, OWN_DOMID, mfn_of(granted[0]), pa);
	st = map1(0x1000, rw, REF_A, OWN_DOMID, &h, NULL);
	check_st("VA with no L1 table", st, GNTST_general_error);
	check_flags("VA with no L1 table", REF_A, pa);
	st = map1((uint64_t)mfn_of(granted[1]) << PAGE_SHIFT, rw | GNTMAP_contains_pte, REF_A,
		  OWN_DOMID, &h, NULL);
	check_st("contains_pte in a data page", st, GNTST_general_error);
	check_flags("contains_pte in a data page", REF_A, pa);
	revoke(REF_A);

	/* The granted frame must be the granter's RAM. */
	grant(REF_A, OWN_DOMID, 0xfff000UL, pa);
	st = map1((unsigned long)target[0], rw, REF_A, OWN_DOMID, &h, NULL);
	check_st("grant of a frame beyond RAM", st, GNTST_bad_page);
	check_flags("grant of a frame beyond RAM", REF_A, pa);
	revoke(REF_A);
	restore_target(0);
}

void test_unmap_refused(void)
{
	grant_handle_t h;
	int16_t st;

	check_st("unmap handle 0xffffffff", unmap1((unsigned long)target[0], 0, 0xffffffff),
		 GNTST_bad_handle);
	check_st("unmap never-used handle 1000", unmap1((unsigned long)target[0], 0, 1000),
		 GNTST_bad_handle);
	grant(REF_A, OWN_DOMID, mfn_of(granted[0]), GTF_permit_access);
	st = map1((unsigned long)target[0], GNTMAP_host_map, REF_A, OWN_DOMID, &h, NULL);
	if (!check_st("map", st, GNTST_okay))
		goto out;
	/* The wrong address: refused, the mapping stays. */
	check_st("unmap at another VA", unmap1((unsigned long)target[1], 0, h),
		 GNTST_general_error);
	check_flags("after the refused unmap", REF_A, GTF_RW_PINNED);
	CHECK(pte_mfn(l1e_read(target[0])) == mfn_of(granted[0]),
	      "the refused unmap took the PTE down");
	check_st("unmap", unmap1((unsigned long)target[0], 0, h), GNTST_okay);
	check_flags("after unmap", REF_A, GTF_permit_access);
out:
	revoke(REF_A);
	restore_target(0);
}

/* Batches: each op gets its own status, the call returns 0. */
void test_map_batches(void)
{
	struct gnttab_map_grant_ref m[3];
	struct gnttab_unmap_grant_ref u[3];
	multicall_entry_t mc[2];

	grant(REF_A, OWN_DOMID, mfn_of(granted[0]), GTF_permit_access);
	grant(REF_B, OWN_DOMID, mfn_of(granted[1]), GTF_permit_access);
	memset(m, 0, sizeof(m));
	for (unsigned int i = 0; i < 3; i++) {
		m[i].host_addr = (unsigned long)target[i];
		m[i].flags = GNTMAP_host_map;
		m[i].dom = OWN_DOMID;
		m[i].status = 0x7777;
	}
	m[0].ref = REF_A;
	m[1].ref = 0xffffffff;
	m[2].ref = REF_B;
	check_rc("map batch of 3", gnttab_op(GNTTABOP_map_grant_ref, m, 3), 0);
	check_st("map batch op 0", m[0].status, GNTST_okay);
	check_st("map batch op 1", m[1].status, GNTST_bad_gntref);
	check_st("map batch op 2", m[2].status, GNTST_okay);
	CHECK(((uint64_t *)target[2])[1] == pattern(1, 1), "map batch: op 2 reads %lx",
	      ((uint64_t *)target[2])[1]);
	memset(u, 0, sizeof(u));
	u[0].host_addr = (unsigned long)target[0];
	u[0].handle = m[0].handle;
	u[1].host_addr = (unsigned long)target[1];
	u[1].handle = 0xffffffff;
	u[2].host_addr = (unsigned long)target[2];
	u[2].handle = m[2].handle;
	check_rc("unmap batch of 3", gnttab_op(GNTTABOP_unmap_grant_ref, u, 3), 0);
	check_st("unmap batch op 0", u[0].status, GNTST_okay);
	check_st("unmap batch op 1", u[1].status, GNTST_bad_handle);
	check_st("unmap batch op 2", u[2].status, GNTST_okay);
	check_flags("after the batches", REF_A, GTF_permit_access);
	check_flags("after the batches", REF_B, GTF_permit_access);

	/* Through a multicall, as Linux's lazy MMU batches may send them. */
	memset(mc, 0, sizeof(mc));
	memset(m, 0, sizeof(m));
	memset(u, 0, sizeof(u));
	m[0] = (struct gnttab_map_grant_ref){ .host_addr = (unsigned long)target[0],
		.flags = GNTMAP_host_map | GNTMAP_readonly, .ref = REF_A, .dom = OWN_DOMID };
	mc[0].op = __HYPERVISOR_grant_table_op;
	mc[0].args[0] = GNTTABOP_map_grant_ref;
	mc[0].args[1] = (unsigned long)&m[0];
	mc[0].args[2] = 1;
	mc[1].op = __HYPERVISOR_grant_table_op;
	mc[1].args[0] = 13;	/* unknown */
	check_rc("multicall", HYPERVISOR_multicall(mc, 2), 0);
	check_rc("multicall map entry", (long)mc[0].result, 0);
	check_rc("multicall unknown cmd entry", (long)mc[1].result, -XEN_ENOSYS);
	if (check_st("multicall map status", m[0].status, GNTST_okay)) {
		check_flags("mapped through a multicall", REF_A,
			    GTF_permit_access | GTF_reading);
		check_st("unmap", unmap1((unsigned long)target[0], 0, m[0].handle),
			 GNTST_okay);
	}
	revoke(REF_A);
	revoke(REF_B);
	for (unsigned int i = 0; i < NR_TARGET; i++)
		restore_target(i);
}

/*
 * The guest replaces a grant PTE itself (an "implicit unmap"). Unmapping
 * the handle then finds the PTE no longer maps the frame: general_error
 * on both. Ward releases the mapping all the same (nothing maps the frame
 * through it any more); Xen 4.17 keeps it pinned (Ward vs Xen).
 */
void test_implicit_unmap(void)
{
	grant_handle_t h;
	long rc;
	int16_t st;

	grant(REF_IMPLICIT, OWN_DOMID, mfn_of(granted[2]), GTF_permit_access);
	st = map1((unsigned long)target[0], GNTMAP_host_map, REF_IMPLICIT, OWN_DOMID, &h, NULL);
	if (!check_st("map", st, GNTST_okay))
		goto out;
	rc = HYPERVISOR_update_va_mapping((unsigned long)target[0],
					  (virt_to_mfn(target[0]) << PAGE_SHIFT) | _PAGE_PRESENT |
					  _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY,
					  UVMF_INVLPG | UVMF_LOCAL);
	check_rc("overwriting the grant PTE", rc, 0);
	check_st("unmap after the overwrite", unmap1((unsigned long)target[0], 0, h),
		 GNTST_general_error);
	if (ref_xen) {
		printk("  entry flags after it: 0x%x\n", entry_flags(REF_IMPLICIT));
		case_skip("Xen keeps an implicitly unmapped grant pinned (Ward vs Xen)");
		goto out;
	}
	check_flags("released", REF_IMPLICIT, GTF_permit_access);
	check_st("unmap again", unmap1((unsigned long)target[0], 0, h), GNTST_bad_handle);
	CHECK(pte_mfn(l1e_read(target[0])) == mfn_of(target[0]),
	      "the unmap took down the guest's own PTE");
out:
	revoke(REF_IMPLICIT);
	restore_target(0);
}

/*
 * Frames that are not plain memory of ours: a page table may be mapped
 * read-only but never writable (nor copied into), the maptrack has an end.
 */
void test_map_special_frames(void)
{
	unsigned long l4 = virt_to_mfn((void *)start_info->pt_base);
	unsigned long si_mfn = start_info->shared_info >> PAGE_SHIFT;
	grant_handle_t h;
	int16_t st;

	grant(REF_A, OWN_DOMID, l4, GTF_permit_access);
	st = map1((unsigned long)target[0], GNTMAP_host_map, REF_A, OWN_DOMID, &h, NULL);
	check_st("our L4 mapped writable", st, GNTST_general_error);
	check_flags("our L4 mapped writable", REF_A, GTF_permit_access);
	st = map1((unsigned long)target[0], GNTMAP_host_map | GNTMAP_readonly, REF_A, OWN_DOMID,
		  &h, NULL);
	if (check_st("our L4 mapped read-only", st, GNTST_okay)) {
		CHECK(((uint64_t *)target[0])[511] == ((const uint64_t *)start_info->pt_base)[511],
		      "the read-only mapping of our L4 shows something else");
		check_st("unmap", unmap1((unsigned long)target[0], 0, h), GNTST_okay);
	}
	restore_target(0);
	revoke(REF_A);

	/* The PTE address of contains_pte must be 8-byte aligned. */
	grant(REF_A, OWN_DOMID, virt_to_mfn(granted[0]), GTF_permit_access);
	st = map1(l1e_maddr(target[0]) + 4, GNTMAP_host_map | GNTMAP_contains_pte, REF_A,
		  OWN_DOMID, &h, NULL);
	check_st("contains_pte address not 8-byte aligned", st, GNTST_general_error);
	check_flags("contains_pte not aligned", REF_A, GTF_permit_access);
	revoke(REF_A);

	/* shared_info is a hypervisor page: Ward refuses to let it be granted. */
	grant(REF_A, OWN_DOMID, si_mfn, GTF_permit_access);
	st = map1((unsigned long)target[0], GNTMAP_host_map | GNTMAP_readonly, REF_A, OWN_DOMID,
		  &h, NULL);
	if (ref_xen) {
		printk("  a grant of shared_info: status %d %s\n", st, gntst_name(st));
		case_skip("granting shared_info: Xen lets a domain grant it (Ward vs Xen)");
	} else {
		check_st("a grant of shared_info", st, GNTST_bad_page);
	}
	if (st == GNTST_okay)
		unmap1((unsigned long)target[0], 0, h);
	revoke(REF_A);
	restore_target(0);
}

/* Ward's maptrack holds a bounded number of mappings per domain. */
void test_maptrack_full(void)
{
	static grant_handle_t handles[32768];
	unsigned int n;
	int16_t st = GNTST_okay;

	if (ref_xen) {
		case_skip("Xen's maptrack limit is far larger (Ward vs Xen)");
		return;
	}
	grant(REF_A, OWN_DOMID, virt_to_mfn(granted[0]), GTF_permit_access);
	for (n = 0; n < ARRAY_SIZE(handles); n++) {
		st = map1(0, GNTMAP_device_map | GNTMAP_readonly, REF_A, OWN_DOMID, &handles[n],
			  NULL);
		if (st != GNTST_okay)
			break;
	}
	check_st("mapping until the maptrack is full", st, GNTST_no_device_space);
	printk("  %u mappings fit\n", n);
	CHECK(n >= 1024, "only %u mappings fit", n);
	for (unsigned int i = 0; i < n; i++) {
		st = unmap1(0, (uint64_t)virt_to_mfn(granted[0]) << PAGE_SHIFT, handles[i]);
		if (st != GNTST_okay) {
			test_fail("unmap %u of %u: status %d %s", i, n, st, gntst_name(st));
			break;
		}
	}
	check_flags("after unmapping them all", REF_A, GTF_permit_access);
	/* The handles are reusable. */
	st = map1(0, GNTMAP_device_map, REF_A, OWN_DOMID, &handles[0], NULL);
	if (check_st("map after the maptrack emptied", st, GNTST_okay))
		unmap1(0, (uint64_t)virt_to_mfn(granted[0]) << PAGE_SHIFT, handles[0]);
	revoke(REF_A);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant tables v1 (hypercall 20, pv-abi-devices.md 1): setup_table,
 * query_size, set/get_version, map/unmap in the three forms Linux uses,
 * copy, and every refusal. Per-op errors are GNTST_* statuses with the
 * hypercall returning 0; the hypercall itself fails only for a bad cmd,
 * count or array pointer. Each map case checks the effect too: what the
 * mapping reads, whether a store goes through, the PTE, and the
 * GTF_reading/GTF_writing bits in our own entry.
 *
 * This file: setup, helpers and the table-level ops; map.c the mappings;
 * copy.c GNTTABOP_copy.
 */
#include "gnttab.h"

const char test_title[] = "gnttab: grant_table_op v1 (setup, map, unmap, copy)";

bool ref_xen;
grant_entry_v1_t *gt;
unsigned int max_frames;
static uint8_t gt_win[PAGE_SIZE] __page_aligned;
uint8_t granted[NR_GRANTED][PAGE_SIZE] __page_aligned;
uint8_t target[NR_TARGET][PAGE_SIZE] __page_aligned;
uint8_t local_pages[NR_LOCAL][PAGE_SIZE] __page_aligned;
static xen_pfn_t frame_list[GNTTAB_NR_RESERVED_ENTRIES * 16];

void *const bad_ptrs[4] = { BAD_PTR_UNMAPPED, BAD_PTR_NONCANONICAL,
			    BAD_PTR_M2P, BAD_PTR_HYPERVISOR };
const char *const bad_ptr_names[4] = { "unmapped", "non-canonical", "M2P",
				       "hypervisor" };

static const char *const gntst_names[] = {
	"okay", "general_error", "bad_domain", "bad_gntref", "bad_handle",
	"bad_virt_addr", "bad_dev_addr", "no_device_space", "permission_denied",
	"bad_page", "bad_copy_arg", "address_too_big", "eagain", "no_space",
};

const char *gntst_name(int16_t st)
{
	if (st <= 0 && -st < (int)ARRAY_SIZE(gntst_names))
		return gntst_names[-st];
	return "?";
}

bool check_st(const char *what, int16_t st, int16_t want)
{
	if (st == want)
		return true;
	test_fail("%s: status %d %s, expected %d %s", what, st, gntst_name(st),
		  want, gntst_name(want));
	return false;
}

/* Linux's publication order: domid and frame, barrier, then the flags. */
void grant(grant_ref_t ref, domid_t domid, unsigned long mfn, uint16_t flags)
{
	gt[ref].domid = domid;
	gt[ref].frame = (uint32_t)mfn;
	barrier();
	WRITE_ONCE(gt[ref].flags, flags);
}

void revoke(grant_ref_t ref)
{
	WRITE_ONCE(gt[ref].flags, 0);
}

uint16_t entry_flags(grant_ref_t ref)
{
	return READ_ONCE(gt[ref].flags);
}

void check_flags(const char *what, grant_ref_t ref, uint16_t want)
{
	uint16_t f = entry_flags(ref);

	CHECK(f == want, "%s: entry %u flags 0x%x, expected 0x%x", what, ref, f, want);
}

void fill_granted(void)
{
	for (unsigned int p = 0; p < NR_GRANTED; p++)
		for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
			((uint64_t *)granted[p])[i] = pattern(p, i);
}

/* The builder's tables are readable in the bootstrap region. */
static const uint64_t *table_va(unsigned long mfn)
{
	const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

	return (const uint64_t *)(VIRT_BASE + (m2p[mfn] << PAGE_SHIFT));
}

static bool walk_l1(const void *va, uint64_t *ma, uint64_t *entry)
{
	unsigned long a = (unsigned long)va, mfn = virt_to_mfn((void *)start_info->pt_base);
	unsigned int lvl, idx;
	uint64_t e;

	for (lvl = 4;; lvl--) {
		idx = (a >> (PAGE_SHIFT + 9 * (lvl - 1))) & (PT_ENTRIES - 1);
		e = READ_ONCE(table_va(mfn)[idx]);
		if (lvl == 1) {
			*ma = ((uint64_t)mfn << PAGE_SHIFT) + idx * 8;
			*entry = e;
			return true;
		}
		if (!(e & _PAGE_PRESENT))
			return false;
		mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
	}
}

uint64_t l1e_maddr(const void *va)
{
	uint64_t ma, e;

	if (!walk_l1(va, &ma, &e))
		test_error("no L1 entry maps %p", va);
	return ma;
}

uint64_t l1e_read(const void *va)
{
	uint64_t ma, e;

	if (!walk_l1(va, &ma, &e))
		test_error("no L1 entry maps %p", va);
	return e;
}

void restore_target(unsigned int i)
{
	uint64_t pte = (virt_to_mfn(target[i]) << PAGE_SHIFT) | _PAGE_PRESENT |
		       _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
	long rc = HYPERVISOR_update_va_mapping((unsigned long)target[i], pte,
					       UVMF_INVLPG | UVMF_LOCAL);

	if (rc)
		test_abort("restoring target page %u: rc %ld %s", i, rc, errno_name(rc));
}

int16_t map1(uint64_t host_addr, uint32_t flags, grant_ref_t ref, domid_t dom,
	     grant_handle_t *handle, uint64_t *bus)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = host_addr, .flags = flags, .ref = ref, .dom = dom,
		.status = 0x7777, .handle = 0xdeadbeef, .dev_bus_addr = 0,
	};
	long rc = gnttab_op(GNTTABOP_map_grant_ref, &op, 1);

	if (rc)
		test_abort("map_grant_ref returned %ld %s (Linux BUG()s on that)", rc,
			   errno_name(rc));
	if (handle)
		*handle = op.handle;
	if (bus)
		*bus = op.dev_bus_addr;
	return op.status;
}

int16_t unmap1(uint64_t host_addr, uint64_t dev_bus_addr, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = host_addr, .dev_bus_addr = dev_bus_addr,
		.handle = handle, .status = 0x7777,
	};
	long rc = gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1);

	if (rc)
		test_abort("unmap_grant_ref returned %ld %s (Linux BUG()s on that)", rc,
			   errno_name(rc));
	return op.status;
}

static int16_t setup(domid_t dom, uint32_t nr, xen_pfn_t *list, long *rc)
{
	struct gnttab_setup_table op = { .dom = dom, .nr_frames = nr, .status = 0x7777 };

	set_xen_guest_handle(op.frame_list, list);
	*rc = gnttab_op(GNTTABOP_setup_table, &op, 1);
	return op.status;
}

static long query(domid_t dom, struct gnttab_query_size *q)
{
	q->dom = dom;
	q->status = 0x7777;
	return gnttab_op(GNTTABOP_query_size, q, 1);
}

static void test_setup_query(void)
{
	struct gnttab_query_size q;
	xen_pfn_t first;
	long rc;
	int16_t st;

	check_rc("query_size", query(DOMID_SELF, &q), 0);
	check_st("query_size status", q.status, GNTST_okay);
	printk("  table: %u frames, max %u\n", q.nr_frames, q.max_nr_frames);
	CHECK(q.max_nr_frames >= 32, "max_nr_frames %u < 32 (Linux domUs need more)",
	      q.max_nr_frames);
	CHECK(ref_xen || q.max_nr_frames == 32, "Ward's max_nr_frames %u, expected 32",
	      q.max_nr_frames);
	max_frames = q.max_nr_frames;
	if (max_frames > ARRAY_SIZE(frame_list) - 1)
		test_error("max_nr_frames %u: frame_list too small", max_frames);

	/* Linux at boot: one frame, then grow; frames keep their MFNs. */
	st = setup(DOMID_SELF, 1, frame_list, &rc);
	check_rc("setup_table 1", rc, 0);
	check_st("setup_table 1", st, GNTST_okay);
	first = frame_list[0];
	CHECK(first != 0, "setup_table 1: frame 0 is MFN 0");
	st = setup(OWN_DOMID, 2, frame_list, &rc);
	check_st("setup_table 2 (by own domid)", st, GNTST_okay);
	CHECK(frame_list[0] == first && frame_list[1] && frame_list[1] != first,
	      "setup_table 2: frames %lx %lx (frame 0 was %lx)",
	      (unsigned long)frame_list[0], (unsigned long)frame_list[1],
	      (unsigned long)first);
	check_rc("query_size", query(DOMID_SELF, &q), 0);
	CHECK(q.nr_frames >= 2, "after setup_table 2: nr_frames %u", q.nr_frames);

	/* Grow to the maximum; one more is refused and changes nothing. */
	st = setup(DOMID_SELF, max_frames, frame_list, &rc);
	check_rc("setup_table max", rc, 0);
	check_st("setup_table max", st, GNTST_okay);
	CHECK(frame_list[0] == first, "setup_table max: frame 0 moved");
	check_rc("query_size", query(DOMID_SELF, &q), 0);
	CHECK(q.nr_frames == max_frames, "after setup_table max: nr_frames %u of %u",
	      q.nr_frames, max_frames);
	frame_list[max_frames] = 0x1234;
	st = setup(DOMID_SELF, max_frames + 1, frame_list, &rc);
	check_rc("setup_table max+1", rc, 0);
	check_st("setup_table max+1", st, GNTST_general_error);
	check_rc("query_size", query(DOMID_SELF, &q), 0);
	CHECK(q.nr_frames == max_frames, "after setup_table max+1: nr_frames %u",
	      q.nr_frames);

	/* A smaller request returns the first frames of the bigger table. */
	st = setup(DOMID_SELF, 1, frame_list, &rc);
	check_st("setup_table 1 again", st, GNTST_okay);
	CHECK(frame_list[0] == first, "setup_table 1 again: frame 0 moved");

	/* Refusals. */
	st = setup(UNKNOWN_DOMID, 1, frame_list, &rc);
	check_rc("setup_table unknown domain", rc, 0);
	check_st("setup_table unknown domain", st, GNTST_bad_domain);
	check_rc("query_size unknown domain", query(UNKNOWN_DOMID, &q), 0);
	check_st("query_size unknown domain", q.status, GNTST_bad_domain);
	st = setup(DOMID_SELF, 1, BAD_PTR_UNMAPPED, &rc);
	check_rc("setup_table unwritable frame_list", rc, 0);
	check_st("setup_table unwritable frame_list", st, GNTST_bad_virt_addr);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_ptrs); i++) {
		char what[64];

		snprintf(what, sizeof(what), "setup_table from %s pointer", bad_ptr_names[i]);
		check_rc(what, gnttab_op(GNTTABOP_setup_table, bad_ptrs[i], 1), -XEN_EFAULT);
		snprintf(what, sizeof(what), "query_size from %s pointer", bad_ptr_names[i]);
		check_rc(what, gnttab_op(GNTTABOP_query_size, bad_ptrs[i], 1), -XEN_EFAULT);
	}
	check_rc("setup_table count 0", gnttab_op(GNTTABOP_setup_table, &q, 0), -XEN_EINVAL);
	check_rc("setup_table count 2", gnttab_op(GNTTABOP_setup_table, &q, 2), -XEN_EINVAL);
	check_rc("query_size count 2", gnttab_op(GNTTABOP_query_size, &q, 2), -XEN_EINVAL);
}

static void test_versions(void)
{
	struct gnttab_set_version sv;
	struct gnttab_get_version gv;

	sv.version = 1;
	check_rc("set_version 1", gnttab_op(GNTTABOP_set_version, &sv, 1), 0);
	CHECK(sv.version == 1, "set_version 1: version %u written back", sv.version);
	gv = (struct gnttab_get_version){ .dom = DOMID_SELF, .version = 77 };
	check_rc("get_version", gnttab_op(GNTTABOP_get_version, &gv, 1), 0);
	CHECK(gv.version == 1, "get_version: %u", gv.version);
	gv = (struct gnttab_get_version){ .dom = OWN_DOMID, .version = 77 };
	check_rc("get_version own domid", gnttab_op(GNTTABOP_get_version, &gv, 1), 0);
	CHECK(gv.version == 1, "get_version own domid: %u", gv.version);
	gv.dom = UNKNOWN_DOMID;
	check_rc("get_version unknown domain", gnttab_op(GNTTABOP_get_version, &gv, 1),
		 -XEN_ESRCH);
	sv.version = 0;
	check_rc("set_version 0", gnttab_op(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL);
	sv.version = 3;
	check_rc("set_version 3", gnttab_op(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL);
	if (ref_xen) {
		case_skip("set_version 2: Xen 4.17 has v2 (Ward vs Xen)");
	} else {
		sv.version = 2;
		check_rc("set_version 2 (v1 only)", gnttab_op(GNTTABOP_set_version, &sv, 1),
			 -XEN_ENOSYS);
		CHECK(sv.version == 1, "set_version 2: version %u written back", sv.version);
	}
	gv = (struct gnttab_get_version){ .dom = DOMID_SELF };
	check_rc("get_version after", gnttab_op(GNTTABOP_get_version, &gv, 1), 0);
	CHECK(gv.version == 1, "get_version after: %u", gv.version);
	/* Unlike setup_table and query_size, these two ignore count (Xen 4.17). */
	sv.version = 1;
	check_rc("set_version count 2", gnttab_op(GNTTABOP_set_version, &sv, 2), 0);
	gv.version = 77;
	check_rc("get_version count 0", gnttab_op(GNTTABOP_get_version, &gv, 0), 0);
	CHECK(gv.version == 1, "get_version count 0: %u", gv.version);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_ptrs); i++) {
		char what[64];

		snprintf(what, sizeof(what), "set_version %s pointer", bad_ptr_names[i]);
		check_rc(what, gnttab_op(GNTTABOP_set_version, bad_ptrs[i], 1), -XEN_EFAULT);
		snprintf(what, sizeof(what), "get_version %s pointer", bad_ptr_names[i]);
		check_rc(what, gnttab_op(GNTTABOP_get_version, bad_ptrs[i], 1), -XEN_EFAULT);
	}
}

static void test_hypercall_errors(void)
{
	struct gnttab_map_grant_ref m;

	check_rc("cmd 13", gnttab_op(13, &m, 1), -XEN_ENOSYS);
	check_rc("cmd 100", gnttab_op(100, &m, 1), -XEN_ENOSYS);
	check_rc("map count 0 at NULL", gnttab_op(GNTTABOP_map_grant_ref, NULL, 0), 0);
	check_rc("unmap count 0 at NULL", gnttab_op(GNTTABOP_unmap_grant_ref, NULL, 0), 0);
	check_rc("copy count 0 at NULL", gnttab_op(GNTTABOP_copy, NULL, 0), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_ptrs); i++) {
		char what[64];

		snprintf(what, sizeof(what), "map from %s pointer", bad_ptr_names[i]);
		check_rc(what, gnttab_op(GNTTABOP_map_grant_ref, bad_ptrs[i], 1), -XEN_EFAULT);
		snprintf(what, sizeof(what), "unmap from %s pointer", bad_ptr_names[i]);
		check_rc(what, gnttab_op(GNTTABOP_unmap_grant_ref, bad_ptrs[i], 1), -XEN_EFAULT);
		snprintf(what, sizeof(what), "copy from %s pointer", bad_ptr_names[i]);
		check_rc(what, gnttab_op(GNTTABOP_copy, bad_ptrs[i], 1), -XEN_EFAULT);
	}
	/* Batches of any length continue, on Ward as on Xen: the preempt guest. */
}

/* Map frame 0 of our table at gt_win, as Linux maps its table. */
static void map_table(void)
{
	uint64_t pte;
	long rc;
	int16_t st = setup(DOMID_SELF, 1, frame_list, &rc);

	if (rc || st)
		test_error("setup_table 1: rc %ld status %d", rc, st);
	pte = (frame_list[0] << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
	      _PAGE_ACCESSED | _PAGE_DIRTY;
	rc = HYPERVISOR_update_va_mapping((unsigned long)gt_win, pte, UVMF_INVLPG | UVMF_LOCAL);
	if (rc)
		test_error("mapping grant frame %lx: rc %ld %s",
			   (unsigned long)frame_list[0], rc, errno_name(rc));
	gt = (grant_entry_v1_t *)gt_win;
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "setup_table and query_size", test_setup_query },
		{ "set_version and get_version", test_versions },
		{ "hypercall-level errors", test_hypercall_errors },
		{ "map host_map by VA", test_map_va },
		{ "map readonly", test_map_readonly },
		{ "map contains_pte", test_map_contains_pte },
		{ "map device_map", test_map_device },
		{ "unmap host and device parts", test_unmap_parts },
		{ "pins and GTF_reading/GTF_writing", test_pin_counts },
		{ "refused maps", test_map_refused },
		{ "refused unmaps", test_unmap_refused },
		{ "map/unmap batches and multicall", test_map_batches },
		{ "implicit unmap (PTE overwritten)", test_implicit_unmap },
		{ "page tables, alignment, shared_info", test_map_special_frames },
		{ "maptrack full", test_maptrack_full },
		{ "copy", test_copy },
		{ "refused copies", test_copy_refused },
	};
	long rc;

	ref_xen = cmdline_has("ref=xen");
	rc = traps_install();
	if (rc)
		test_error("set_trap_table: rc %ld %s", rc, errno_name(rc));
	if (!map_shared_info(&rc))
		test_error("mapping shared_info: rc %ld %s", rc, errno_name(rc));
	map_table();
	fill_granted();
	run_cases(cases, ARRAY_SIZE(cases));
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * GNTTABOP_copy, netback's data path: each side is a grant ref or a local
 * frame (an MFN for a PV caller, with DOMID_SELF). Offsets plus length
 * must stay within the page; the destination grant must be writable; the
 * entry's GTF_reading/GTF_writing are set only during the copy.
 */
#include "gnttab.h"

/* An MFN far above the 1 GiB the tests run with: nobody's RAM. */
#define NOT_OUR_MFN	0xfff000UL

struct side {
	bool gref;
	unsigned long frame;	/* a ref or an MFN */
	domid_t domid;
	uint16_t offset;
};

static int16_t copy1(struct side src, struct side dst, uint16_t len)
{
	struct gnttab_copy op = {
		.source.domid = src.domid, .source.offset = src.offset,
		.dest.domid = dst.domid, .dest.offset = dst.offset,
		.len = len, .status = 0x7777,
		.flags = (src.gref ? GNTCOPY_source_gref : 0) |
			 (dst.gref ? GNTCOPY_dest_gref : 0),
	};
	long rc;

	if (src.gref)
		op.source.u.ref = src.frame;
	else
		op.source.u.gmfn = src.frame;
	if (dst.gref)
		op.dest.u.ref = dst.frame;
	else
		op.dest.u.gmfn = dst.frame;
	rc = gnttab_op(GNTTABOP_copy, &op, 1);
	if (rc)
		test_abort("copy returned %ld %s (Linux BUG()s on that)", rc, errno_name(rc));
	return op.status;
}

static struct side gref(grant_ref_t ref, uint16_t off)
{
	return (struct side){ .gref = true, .frame = ref, .domid = OWN_DOMID, .offset = off };
}

static struct side local(unsigned int page, uint16_t off)
{
	return (struct side){ .frame = virt_to_mfn(local_pages[page]), .domid = DOMID_SELF,
			      .offset = off };
}

static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
	return !memcmp(a, b, n);
}

void test_copy(void)
{
	struct gnttab_copy ops[2];

	fill_granted();
	memset(local_pages, 0, sizeof(local_pages));
	grant(REF_A, OWN_DOMID, virt_to_mfn(granted[0]), GTF_permit_access);
	grant(REF_B, OWN_DOMID, virt_to_mfn(granted[1]), GTF_permit_access);
	grant(REF_C, OWN_DOMID, virt_to_mfn(granted[2]), GTF_permit_access | GTF_readonly);

	/* gref -> local (netback's tx header copy). */
	check_st("gref -> local", copy1(gref(REF_A, 8), local(0, 100), 64), GNTST_okay);
	CHECK(same_bytes(local_pages[0] + 100, granted[0] + 8, 64),
	      "gref -> local: the bytes did not arrive");
	CHECK(local_pages[0][99] == 0 && local_pages[0][164] == 0,
	      "gref -> local: bytes outside the range changed");
	check_flags("after gref -> local", REF_A, GTF_permit_access);

	/* local -> gref (netback's rx path). */
	memset(local_pages[1], 0x5c, PAGE_SIZE);
	check_st("local -> gref", copy1(local(1, 0), gref(REF_B, 4000), 96), GNTST_okay);
	CHECK(granted[1][4000] == 0x5c && granted[1][4095] == 0x5c,
	      "local -> gref: the bytes did not arrive");
	CHECK(((uint64_t *)granted[1])[499] == pattern(1, 499),
	      "local -> gref: bytes before the range changed");
	check_flags("after local -> gref", REF_B, GTF_permit_access);

	/* gref -> gref (bridged domU traffic), from a read-only grant. */
	check_st("gref -> gref", copy1(gref(REF_C, 0), gref(REF_A, 2048), 2048), GNTST_okay);
	CHECK(same_bytes(granted[0] + 2048, granted[2], 2048),
	      "gref -> gref: the bytes did not arrive");

	/* Whole page, length 0, and our own numeric domid for a local side. */
	check_st("whole page", copy1(gref(REF_A, 0), local(0, 0), PAGE_SIZE), GNTST_okay);
	CHECK(same_bytes(local_pages[0], granted[0], PAGE_SIZE), "whole page: differs");
	check_st("length 0", copy1(gref(REF_A, 4096), local(0, 4096), 0), GNTST_okay);
	{
		struct side s = local(0, 0);

		/* Xen 4.17 takes only DOMID_SELF for a local side (Linux's way). */
		s.domid = OWN_DOMID;
		check_st("local side named by own domid", copy1(gref(REF_A, 0), s, 8),
			 GNTST_permission_denied);
	}

	/* A batch: each op gets its own status. */
	memset(ops, 0, sizeof(ops));
	ops[0].flags = GNTCOPY_source_gref;
	ops[0].source.u.ref = REF_A;
	ops[0].source.domid = OWN_DOMID;
	ops[0].dest.u.gmfn = virt_to_mfn(local_pages[1]);
	ops[0].dest.domid = DOMID_SELF;
	ops[0].len = 16;
	ops[1] = ops[0];
	ops[1].len = 4097;
	check_rc("batch of 2", gnttab_op(GNTTABOP_copy, ops, 2), 0);
	check_st("batch op 0", ops[0].status, GNTST_okay);
	check_st("batch op 1", ops[1].status, GNTST_bad_copy_arg);
	revoke(REF_A);
	revoke(REF_B);
	revoke(REF_C);
}

void test_copy_refused(void)
{
	struct side s;

	grant(REF_A, OWN_DOMID, virt_to_mfn(granted[0]), GTF_permit_access);
	grant(REF_C, OWN_DOMID, virt_to_mfn(granted[2]), GTF_permit_access | GTF_readonly);
	grant(REF_B, OTHER_DOMID, virt_to_mfn(granted[1]), GTF_permit_access);

	check_st("source offset + len > 4096", copy1(gref(REF_A, 4000), local(0, 0), 97),
		 GNTST_bad_copy_arg);
	check_st("dest offset + len > 4096", copy1(gref(REF_A, 0), local(0, 4095), 2),
		 GNTST_bad_copy_arg);
	check_st("len 0xffff", copy1(gref(REF_A, 0), local(0, 0), 0xffff), GNTST_bad_copy_arg);
	check_st("into a read-only grant", copy1(local(0, 0), gref(REF_C, 0), 8),
		 GNTST_general_error);
	check_flags("read-only grant after the refused copy", REF_C,
		    GTF_permit_access | GTF_readonly);
	check_st("from a grant to another domain", copy1(gref(REF_B, 0), local(0, 0), 8),
		 GNTST_general_error);
	check_st("into a grant to another domain", copy1(local(0, 0), gref(REF_B, 0), 8),
		 GNTST_general_error);
	check_flags("foreign grant after the refused copies", REF_B, GTF_permit_access);
	check_st("bad source ref", copy1(gref(0xffffffff, 0), local(0, 0), 8),
		 GNTST_bad_gntref);
	check_st("bad dest ref", copy1(local(0, 0), gref(0xffffff, 0), 8), GNTST_bad_gntref);
	s = gref(REF_A, 0);
	s.domid = UNKNOWN_DOMID;
	check_st("grant of an unknown domain", copy1(s, local(0, 0), 8), GNTST_bad_domain);
	s = local(0, 0);
	s.domid = OTHER_DOMID;
	check_st("local frame of a domain that does not exist", copy1(gref(REF_A, 0), s, 8),
		 GNTST_bad_domain);
	s = local(0, 0);
	s.frame = NOT_OUR_MFN;
	check_st("local frame beyond RAM", copy1(gref(REF_A, 0), s, 8), GNTST_bad_page);
	check_st("source local frame beyond RAM", copy1(s, gref(REF_A, 0), 8), GNTST_bad_page);
	grant(REF_B, OWN_DOMID, NOT_OUR_MFN, GTF_permit_access);
	check_st("grant of a frame beyond RAM", copy1(gref(REF_B, 0), local(0, 0), 8),
		 GNTST_bad_page);
	check_flags("grant of a frame beyond RAM", REF_B, GTF_permit_access);
	/* Never into a page table: our L4, as a local frame and as a grant. */
	s = local(0, 0);
	s.frame = virt_to_mfn((void *)start_info->pt_base);
	check_st("into our L4 as a local frame", copy1(gref(REF_A, 0), s, 8),
		 GNTST_general_error);
	grant(REF_B, OWN_DOMID, s.frame, GTF_permit_access);
	check_st("into our L4 through a grant", copy1(local(0, 0), gref(REF_B, 0), 8),
		 GNTST_general_error);
	check_flags("L4 grant after the refused copy", REF_B, GTF_permit_access);
	check_st("from our L4 through a grant", copy1(gref(REF_B, 0), local(0, 0), 8),
		 GNTST_okay);
	check_flags("after the refused copies", REF_A, GTF_permit_access);
	revoke(REF_A);
	revoke(REF_B);
	revoke(REF_C);
}

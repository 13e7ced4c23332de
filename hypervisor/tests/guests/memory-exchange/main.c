// SPDX-License-Identifier: GPL-2.0-only
/*
 * XENMEM_exchange (memory_op 11), as Linux's xen_create_contiguous_region
 * uses it: give up order-0 frames nothing maps, get one contiguous extent
 * below an address width. The success path checks the visible effects
 * (the new extent is aligned, below the limit and ours to map; the old
 * frames are no longer ours); every error path checks that nothing
 * changed hands (nr_exchanged 0, the input frames still mappable).
 *
 * The frames come from the top of our memory, beyond the bootstrap
 * region the builder mapped, so nothing maps them.
 */
#include "lib.h"
#include <xen/memory.h>

const char test_title[] = "memory-exchange: XENMEM_exchange for contiguous DMA memory";

#define PTE_DATA_RW	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define NR_FRAMES	8	/* exchanged for one order-3 extent */
#define EXTENT_ORDER	3
#define DMA_BITS	32
#define TOO_FEW_BITS	13	/* 8 KiB: no order-3 extent fits */
#define LOW_MFN		0x10UL	/* BIOS memory: nobody's RAM */

static uint8_t window[PAGE_SIZE] __page_aligned;
static unsigned long *p2m;
static unsigned long top_pfn;
static bool ref_xen;

static long map_window(unsigned long mfn)
{
	return HYPERVISOR_update_va_mapping((unsigned long)window,
					    ((uint64_t)mfn << PAGE_SHIFT) | PTE_DATA_RW,
					    UVMF_INVLPG | UVMF_LOCAL);
}

static void restore_window(void)
{
	if (map_window(virt_to_mfn(window)))
		test_abort("cannot map the window's own frame back");
}

/* Each frame in @mfns can be mapped writable (it is ours and unused). */
static bool all_ours(const unsigned long *mfns, unsigned int n)
{
	bool ok = true;

	for (unsigned int i = 0; i < n; i++)
		if (map_window(mfns[i]))
			ok = false;
	restore_window();
	return ok;
}

static void fill(xen_pfn_t *in, unsigned long nr_in, unsigned int in_order,
		 xen_pfn_t *out, unsigned long nr_out, unsigned int out_order,
		 unsigned int bits, struct xen_memory_exchange *x)
{
	memset(x, 0, sizeof(*x));
	set_xen_guest_handle(x->in.extent_start, in);
	x->in.nr_extents = nr_in;
	x->in.extent_order = in_order;
	x->in.domid = DOMID_SELF;
	set_xen_guest_handle(x->out.extent_start, out);
	x->out.nr_extents = nr_out;
	x->out.extent_order = out_order;
	x->out.mem_flags = XENMEMF_address_bits(bits);
	x->out.domid = DOMID_SELF;
}

static long exchange(xen_pfn_t *in, unsigned long nr_in, unsigned int in_order,
		     xen_pfn_t *out, unsigned long nr_out, unsigned int out_order,
		     unsigned int bits, struct xen_memory_exchange *x)
{
	fill(in, nr_in, in_order, out, nr_out, out_order, bits, x);
	return HYPERVISOR_memory_op(XENMEM_exchange, x);
}

/* The top NR_FRAMES frames of our memory, below @skip frames from the top. */
static void pick_frames(xen_pfn_t *mfns, unsigned int skip)
{
	for (unsigned int i = 0; i < NR_FRAMES; i++)
		mfns[i] = p2m[top_pfn - skip - i];
}

static void test_exchange_success(void)
{
	xen_pfn_t in[NR_FRAMES], out = 0;
	unsigned long first_pfn = top_pfn - (NR_FRAMES - 1);
	struct xen_memory_exchange x;
	mmu_update_t m2p[NR_FRAMES];
	long rc;

	pick_frames(in, 0);
	rc = exchange(in, NR_FRAMES, 0, &out, 1, EXTENT_ORDER, DMA_BITS, &x);
	if (!check_rc("exchange 8 frames for an order-3 extent below 4 GiB", rc, 0))
		return;
	printk("  new extent at mfn %lx\n", (unsigned long)out);
	CHECK(x.nr_exchanged == NR_FRAMES, "nr_exchanged %lu, want %u",
	      (unsigned long)x.nr_exchanged, NR_FRAMES);
	CHECK(!(out & ((1UL << EXTENT_ORDER) - 1)), "extent %lx not order-aligned",
	      (unsigned long)out);
	CHECK(((out + NR_FRAMES) << PAGE_SHIFT) <= (1UL << DMA_BITS),
	      "extent %lx reaches past %u bits", (unsigned long)out, DMA_BITS);
	for (unsigned int i = 0; i < NR_FRAMES; i++)
		CHECK(out + i != in[i] || i, "extent %lx is our own old frame",
		      (unsigned long)out);
	{
		unsigned long news[NR_FRAMES];

		for (unsigned int i = 0; i < NR_FRAMES; i++)
			news[i] = out + i;
		CHECK(all_ours(news, NR_FRAMES), "the new extent cannot be mapped");
	}
	/* The old frames are gone, unless they came straight back. */
	for (unsigned int i = 0; i < NR_FRAMES; i++) {
		if (in[i] >= out && in[i] < out + NR_FRAMES)
			continue;
		CHECK(map_window(in[i]) < 0, "old frame %lx still mappable",
		      (unsigned long)in[i]);
	}
	restore_window();
	/* Put the extent where the old frames were: p2m and M2P, as Linux does. */
	for (unsigned int i = 0; i < NR_FRAMES; i++) {
		p2m[first_pfn + i] = out + i;
		m2p[i].ptr = ((uint64_t)(out + i) << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
		m2p[i].val = first_pfn + i;
	}
	check_rc("M2P entries of the new extent",
		 HYPERVISOR_mmu_update(m2p, NR_FRAMES, NULL, DOMID_SELF), 0);
}

/* After a refused exchange nothing moved: @in is still ours and unused. */
static void check_unchanged(const char *what, const struct xen_memory_exchange *x,
			    const xen_pfn_t *in)
{
	CHECK(x->nr_exchanged == 0, "%s: nr_exchanged %lu", what,
	      (unsigned long)x->nr_exchanged);
	CHECK(all_ours(in, NR_FRAMES), "%s: the input frames are no longer ours", what);
}

static void test_exchange_errors(void)
{
	static void *const bad_ptrs[] = { BAD_PTR_UNMAPPED, BAD_PTR_NONCANONICAL,
					  BAD_PTR_M2P, BAD_PTR_HYPERVISOR };
	xen_pfn_t in[NR_FRAMES], bad[NR_FRAMES], out = 0;
	struct xen_memory_exchange x;
	long rc;

	pick_frames(in, NR_FRAMES);	/* below the ones the success case used */
	CHECK(all_ours(in, NR_FRAMES), "setting up: the frames are not ours");

	rc = exchange(in, NR_FRAMES, 0, &out, 1, EXTENT_ORDER - 1, DMA_BITS, &x);
	check_rc("sizes differ", rc, -XEN_EINVAL);
	check_unchanged("sizes differ", &x, in);

	fill(in, NR_FRAMES, 0, &out, 1, EXTENT_ORDER, DMA_BITS, &x);
	x.out.domid = 0;	/* us too, but not the same value as in.domid */
	check_rc("in.domid != out.domid", HYPERVISOR_memory_op(XENMEM_exchange, &x),
		 -XEN_EINVAL);
	check_unchanged("in.domid != out.domid", &x, in);

	rc = exchange(in, NR_FRAMES, 0, &out, 1, EXTENT_ORDER, TOO_FEW_BITS, &x);
	check_rc("no extent fits below 13 address bits", rc, -XEN_ENOMEM);
	check_unchanged("address bits too few", &x, in);

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_ptrs); i++) {
		check_rc("exchange from a bad pointer",
			 HYPERVISOR_memory_op(XENMEM_exchange, bad_ptrs[i]), -XEN_EFAULT);
		rc = exchange(bad_ptrs[i], NR_FRAMES, 0, &out, 1, EXTENT_ORDER,
			      DMA_BITS, &x);
		check_rc("input list at a bad pointer", rc, -XEN_EFAULT);
		check_unchanged("input list at a bad pointer", &x, in);
	}

	/* Frames that are not ours to give: BIOS memory, a mapped frame, a repeat. */
	memcpy(bad, in, sizeof(bad));
	bad[NR_FRAMES - 1] = LOW_MFN;
	rc = exchange(bad, NR_FRAMES, 0, &out, 1, EXTENT_ORDER, DMA_BITS, &x);
	check_rc("a frame that is not RAM", rc, -XEN_EINVAL);
	check_unchanged("a frame that is not RAM", &x, in);
	bad[NR_FRAMES - 1] = virt_to_mfn(window);
	rc = exchange(bad, NR_FRAMES, 0, &out, 1, EXTENT_ORDER, DMA_BITS, &x);
	check_rc("a frame still mapped", rc, -XEN_EINVAL);
	check_unchanged("a frame still mapped", &x, in);
	bad[NR_FRAMES - 1] = bad[0];
	rc = exchange(bad, NR_FRAMES, 0, &out, 1, EXTENT_ORDER, DMA_BITS, &x);
	check_rc("a frame listed twice", rc, -XEN_EINVAL);
	check_unchanged("a frame listed twice", &x, in);

	/* Nothing to exchange: nothing happens. */
	rc = exchange(in, 0, 0, &out, 0, EXTENT_ORDER, DMA_BITS, &x);
	check_rc("0 extents", rc, 0);
	check_unchanged("0 extents", &x, in);

	/*
	 * An output list Xen cannot write: -EFAULT on both, but Xen has
	 * exchanged by then and the frames are gone; Ward checks the list
	 * first and changes nothing. Fresh frames for each try.
	 */
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_ptrs); i++) {
		xen_pfn_t fresh[NR_FRAMES];

		pick_frames(fresh, NR_FRAMES * (2 + i));
		rc = exchange(fresh, NR_FRAMES, 0, bad_ptrs[i], 1, EXTENT_ORDER,
			      DMA_BITS, &x);
		check_rc("output list at a bad pointer", rc, -XEN_EFAULT);
		if (!ref_xen)
			check_unchanged("output list at a bad pointer", &x, fresh);
	}
}

/*
 * Progress claimed on entry: Xen resumes there (and would exchange the
 * rest); Ward exchanges all or nothing and refuses it.
 */
static void test_exchange_resume(void)
{
	xen_pfn_t in[NR_FRAMES], out = 0;
	struct xen_memory_exchange x;

	pick_frames(in, NR_FRAMES);
	if (ref_xen) {
		case_skip("nr_exchanged != 0 on entry: Xen resumes");
		return;
	}
	fill(in, NR_FRAMES, 0, &out, 1, EXTENT_ORDER, DMA_BITS, &x);
	x.nr_exchanged = 1;
	check_rc("nr_exchanged 1 on entry", HYPERVISOR_memory_op(XENMEM_exchange, &x),
		 -XEN_EINVAL);
	CHECK(all_ours(in, NR_FRAMES), "nr_exchanged 1: the input frames moved");
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "exchange for a contiguous extent", test_exchange_success },
		{ "refused exchanges change nothing", test_exchange_errors },
		{ "nr_exchanged on entry", test_exchange_resume },
	};

	ref_xen = cmdline_has("ref=xen");
	p2m = (unsigned long *)si->mfn_list;
	top_pfn = si->nr_pages - 1;
	run_cases(cases, ARRAY_SIZE(cases));
}

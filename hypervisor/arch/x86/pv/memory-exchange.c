// SPDX-License-Identifier: GPL-2.0-only
/*
 * XENMEM_exchange for PV guests: give back some frames, get the same
 * number back as machine-contiguous extents, optionally below an address
 * width. Linux uses it for buffers a device must reach by DMA
 * (xen_create_contiguous_region: the swiotlb bounce buffer, and some
 * drivers' coherent memory); it first unmaps the frames it gives up.
 *
 * All or nothing, with no continuation (exchange-check.c bounds a call to
 * EXCHANGE_MAX_FRAMES): decode everything, claim every input frame (a
 * reference each, so a frame listed twice is refused), allocate every
 * output extent, and only then swap, which cannot fail. Linux depends on
 * that: it treats a failure with nr_exchanged != 0 as a bug.
 *
 * An input frame must be the caller's and in no use: no reference (no
 * mapping, no pin, not shared with the hypervisor) and no type use. It is
 * claimed by page_disown(), which decides that in one step with any other
 * domain's new reference (hv/page-type.h), so from the claim on nobody
 * can map it; an exchange that fails gives the claimed frames back to the
 * guest (page_own()). New frames are zeroed and have no M2P entry until
 * the guest writes one (MMU_MACHPHYS_UPDATE), as after
 * increase_reservation.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-type.h>
#include <hv/sched.h>
#include <asm/exchange.h>
#include <asm/hypercall.h>
#include <asm/m2p.h>
#include <asm/page.h>

/* One page of frame numbers per side: EXCHANGE_MAX_FRAMES entries each. */
_Static_assert(EXCHANGE_MAX_FRAMES * sizeof(mfn_t) <= PAGE_SIZE, "exchange lists");
#define LISTS_ORDER	1

/*
 * Take a frame @d owns and nothing uses away from it (a frame listed twice
 * is no longer its the second time); false if it is not such a frame:
 * mapped, a table, pinned or the hypervisor's.
 */
static bool claim_frame(struct domain *d, mfn_t mfn)
{
	return domain_owns_frame(d, mfn) && page_disown(mfn_to_page(mfn));
}

static void release_frame(struct domain *d, mfn_t mfn)
{
	struct page_info *pg = mfn_to_page(mfn);
	mfn_t pfn = m2p_get(mfn);

	if (pfn < d->arch.nr_pfns && d->arch.p2m[pfn] == mfn)
		d->arch.p2m[pfn] = INVALID_MFN;
	m2p_set(mfn, M2P_INVALID);
	pg->owner = PAGE_OWNER_NONE;
	free_frames(mfn, 0);
}

static void adopt_extent(struct domain *d, mfn_t base, unsigned int order)
{
	split_frames(base, order);
	for (mfn_t mfn = base; mfn < base + (1ul << order); mfn++) {
		struct page_info *pg = mfn_to_page(mfn);

		memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
		pg->count_info = 0;
		pg->type_info = 0;
		pg->owner = d->domain_id;
		page_own(pg);
		m2p_set(mfn, M2P_INVALID);
	}
}

long memory_exchange(struct domain *d, unsigned long arg)
{
	struct xen_memory_exchange x;
	unsigned long frames, n_in = 0, n_out = 0, i;
	mfn_t limit, *in, *out;
	long rc;

	if (copy_from_guest_raw(&x, arg, sizeof(x)))
		return -EFAULT;
	rc = exchange_check(&x, &frames, &limit);
	if (rc)
		return rc;
	if (x.in.domid != DOMID_SELF && x.in.domid != d->domain_id)
		return -EPERM;	/* exchanging for another domain: not needed yet */
	in = alloc_pages(LISTS_ORDER);
	if (!in)
		return -ENOMEM;
	out = in + PAGE_SIZE / sizeof(mfn_t);

	spin_lock(&d->mm_lock);
	for (i = 0; i < x.in.nr_extents; i++) {
		xen_pfn_t base;

		if (copy_from_guest_offset(&base, x.in.extent_start, i, 1)) {
			rc = -EFAULT;
			goto unclaim;
		}
		for (unsigned long k = 0; k < (1ul << x.in.extent_order); k++) {
			if (base + k < base || !claim_frame(d, base + k)) {
				rc = -EINVAL;
				goto unclaim;
			}
			in[n_in++] = base + k;
		}
	}
	/* The output list must be there before anything changes hands. */
	for (i = 0; i < x.out.nr_extents; i++) {
		xen_pfn_t unused;

		if (copy_from_guest_offset(&unused, x.out.extent_start, i, 1)) {
			rc = -EFAULT;
			goto unclaim;
		}
	}
	for (n_out = 0; n_out < x.out.nr_extents; n_out++) {
		out[n_out] = alloc_frames_below(x.out.extent_order, limit);
		if (out[n_out] == INVALID_MFN) {
			rc = -ENOMEM;
			goto unallocate;
		}
	}

	/* From here on nothing can fail: swap. tot_pages does not change. */
	for (i = 0; i < n_in; i++)
		release_frame(d, in[i]);
	for (i = 0; i < n_out; i++) {
		adopt_extent(d, out[i], x.out.extent_order);
		/*
		 * The list was readable a moment ago; if the guest unmapped it
		 * meanwhile, it keeps the new frames without learning where
		 * they are. Its own doing, and nothing of anyone else's leaks.
		 */
		if (copy_to_guest_offset(x.out.extent_start, i, &out[i], 1))
			rc = -EFAULT;
	}
	spin_unlock(&d->mm_lock);
	free_pages(in, LISTS_ORDER);
	x.nr_exchanged = x.in.nr_extents;
	if (copy_to_guest_raw(arg, &x, sizeof(x)))
		return -EFAULT;
	return rc;

unallocate:
	while (n_out--)
		free_frames(out[n_out], x.out.extent_order);
unclaim:
	while (n_in--)
		page_own(mfn_to_page(in[n_in]));
	spin_unlock(&d->mm_lock);
	free_pages(in, LISTS_ORDER);
	return rc;
}
